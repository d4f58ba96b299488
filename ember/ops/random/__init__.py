"""Random sampling ops."""
