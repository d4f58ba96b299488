"""``torch.utils``: ``ember.utils.data`` (datasets and the DataLoader).

>>> from ember.utils.data import DataLoader
"""
from . import data  # noqa: F401
from . import checkpoint, hooks  # noqa: F401,E402
from .tensor_swap import swap_tensors  # noqa: F401,E402
