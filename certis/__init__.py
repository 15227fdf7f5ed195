"""Certis: an open platform for running a national quality certification system."""

__version__ = "0.1.0"
