"""Hoshin: a balanced scorecard, OKRs and KPIs connected in one graph."""

__version__ = "0.1.0"
