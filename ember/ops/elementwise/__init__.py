"""Elementwise ops: arithmetic, math functions, comparisons, logical/bitwise, rounding, clamping,
complex parts and the shared elementwise helpers."""
