"""USB sticks and the satellite inbox: inspect, offer, export, inventory, import by folder."""
