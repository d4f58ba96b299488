"""Tensors built from a rule: ``range`` and ``vander``."""
