"""TeachPoint: an offline courseware player and content sync for rural teaching points."""

__version__ = "0.1.0"
