"""``torch.distributed.algorithms.ddp_comm_hooks``: hooks by type, registered on a DDP model.

>>> from ember.distributed.algorithms.ddp_comm_hooks import DDPCommHookType
>>> [t.name for t in DDPCommHookType]
['ALLREDUCE', 'FP16_COMPRESS', 'BF16_COMPRESS', 'NOOP']
"""
from enum import Enum
from functools import partial

from . import debugging_hooks, default_hooks
from . import default_hooks as default  # noqa: F401  (torch's alias)

__all__ = ["DDPCommHookType", "register_ddp_comm_hook"]


def _ddp_comm_hook_wrapper(comm_hook, model, state):
    model.register_comm_hook(state, comm_hook)


class _Member:
    """Keeps a callable as an Enum value (a plain function would become a method)."""

    def __init__(self, fn):
        self.fn = fn

    def __call__(self, *args, **kwargs):
        return self.fn(*args, **kwargs)


class DDPCommHookType(Enum):
    """The built hooks by name: ``DDPCommHookType.ALLREDUCE.value(model=ddp, state=None)``
    registers ``allreduce_hook`` on ``ddp``."""

    ALLREDUCE = _Member(partial(_ddp_comm_hook_wrapper, comm_hook=default_hooks.allreduce_hook))
    FP16_COMPRESS = _Member(partial(_ddp_comm_hook_wrapper, comm_hook=default_hooks.fp16_compress_hook))
    BF16_COMPRESS = _Member(partial(_ddp_comm_hook_wrapper, comm_hook=default_hooks.bf16_compress_hook))
    NOOP = _Member(partial(_ddp_comm_hook_wrapper, comm_hook=debugging_hooks.noop_hook))


def register_ddp_comm_hook(comm_hook_type, model, state=None):
    """Register the hook ``comm_hook_type`` (a :class:`DDPCommHookType`) on the DDP ``model``.

    >>> ember.distributed.algorithms.ddp_comm_hooks.register_ddp_comm_hook.__name__
    'register_ddp_comm_hook'
    """
    comm_hook_type.value(model=model, state=state)
