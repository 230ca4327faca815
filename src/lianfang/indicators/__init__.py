"""Validated indicator extraction: one module per family, a common `Indicator` record."""
