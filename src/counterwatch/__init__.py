"""Counterwatch: an evidence register of surveillance deployments."""

__version__ = "0.1.0"
