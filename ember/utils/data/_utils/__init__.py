"""``torch.utils.data._utils``: the submodules programs reach into, ``collate``
(``default_collate``, ``default_convert``) and ``worker`` (``get_worker_info``).

>>> from ember.utils.data._utils.collate import default_collate
>>> default_collate([1, 2])
tensor([1, 2])
"""
from . import collate, worker  # noqa: F401
from .._worker import ExceptionWrapper  # noqa: F401

__all__ = ["collate", "worker"]
