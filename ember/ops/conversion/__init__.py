"""Conversions and questions about a tensor: dtype casts, copies and ``Tensor.new``."""
