"""``torch.distributed`` on MPI (``pip install 'ember[distributed]'``: mpi4py + the mpich wheel).

Process groups, collectives on tensors and objects, and ``ember.distributed.run`` (torchrun's
interface on top of ``mpiexec``). Backends ``"mpi"`` and ``"gloo"`` are served by MPI.

>>> import ember.distributed as dist
>>> dist.is_available(), dist.is_initialized()
(True, False)
"""
from .process_group import *  # noqa: F401,F403
from .process_group import __all__ as _pg_all
from .collectives import *  # noqa: F401,F403
from .collectives import __all__ as _coll_all
from .object_collectives import *  # noqa: F401,F403
from .object_collectives import __all__ as _obj_all
from .grad_bucket import GradBucket
from . import algorithms  # noqa: F401,E402  (torch.distributed.algorithms: DDP comm hooks)

__all__ = _pg_all + _coll_all + _obj_all + ["GradBucket"]
