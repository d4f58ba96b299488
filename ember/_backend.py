"""The one seam between ember and its array library.

Every other module reaches NumPy through this file (``from ember._backend import np``),
so that a second backend (CuPy) can later be slotted in here.
"""
import numpy as np

ndarray = np.ndarray

__all__ = ["np", "ndarray"]
