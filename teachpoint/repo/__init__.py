"""The repository format: root, metadata nodes, keys, trust, verification. No I/O policy, no Qt."""
