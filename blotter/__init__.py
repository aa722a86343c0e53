"""blotter: a keyboard-first terminal order blotter for Interactive Brokers, with a simulated TWS."""

__version__ = "0.1.0"
