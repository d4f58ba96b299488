"""``torch.distributed.algorithms``: DDP communication hooks (``ddp_comm_hooks``) and the
``Join`` context manager for uneven inputs (``join``).

>>> from ember.distributed.algorithms.ddp_comm_hooks import default_hooks
>>> default_hooks.allreduce_hook.__name__
'allreduce_hook'
"""
from . import ddp_comm_hooks  # noqa: F401
from . import join  # noqa: F401
from .join import Join, JoinHook, Joinable  # noqa: F401
