"""``torch.nn.parallel``: DataParallel, data_parallel and DistributedDataParallel (on MPI).

>>> ember.nn.parallel.DataParallel is ember.nn.DataParallel
True
"""
from .data_parallel import DataParallel, data_parallel
from .distributed import DistributedDataParallel

__all__ = ["DataParallel", "data_parallel", "DistributedDataParallel"]
