"""Qt item models over plain library data (Vorta-style: named columns, custom roles)."""
