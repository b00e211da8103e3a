"""netops: operations toolkit for e-government intranets, extranets and their computer rooms."""

__version__ = "0.1.0"
