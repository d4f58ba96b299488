"""``torch.utils.data._utils.worker``: what a DataLoader worker knows about itself.

>>> from ember.utils.data._utils.worker import get_worker_info
>>> get_worker_info() is None
True
"""
from .._worker import get_worker_info, WorkerInfo

__all__ = ["get_worker_info", "WorkerInfo"]
