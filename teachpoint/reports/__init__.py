"""Usage and health reports: made and signed on the PC, carried out by stick (or bucket), merged
and shown at the county. No Qt; the catalogue's SQL stays in :mod:`teachpoint.library`."""
