"""``torch.distributed.fsdp``: the policy records are real; sharding itself is not built in ember.

``fully_shard`` and ``FullyShardedDataParallel`` raise ``NotImplementedError``; use
``ember.nn.parallel.DistributedDataParallel`` (replicated data parallelism) instead.

>>> from ember.distributed.fsdp import *
>>> MixedPrecisionPolicy()
MixedPrecisionPolicy(param_dtype=None, reduce_dtype=None, output_dtype=None, cast_forward_inputs=True)
"""
from dataclasses import dataclass

__all__ = ["FullyShardedDataParallel", "FSDPModule", "fully_shard", "MixedPrecisionPolicy",
           "OffloadPolicy", "CPUOffloadPolicy", "register_fsdp_forward_method"]

_WHY = ("ember has no sharded data parallelism (torch.distributed.fsdp.{} is not built); "
        "use ember.nn.parallel.DistributedDataParallel")


@dataclass(frozen=True)
class MixedPrecisionPolicy:
    """Dtypes FSDP would use for parameters, gradient reduction and outputs.

    >>> from ember.distributed.fsdp import *
    >>> MixedPrecisionPolicy(param_dtype=None).cast_forward_inputs
    True
    """
    param_dtype: object = None
    reduce_dtype: object = None
    output_dtype: object = None
    cast_forward_inputs: bool = True


@dataclass
class OffloadPolicy:
    """No offloading (the base policy).

    >>> from ember.distributed.fsdp import *
    >>> OffloadPolicy()
    OffloadPolicy()
    """


@dataclass
class CPUOffloadPolicy(OffloadPolicy):
    """Offload sharded parameters to CPU memory.

    >>> from ember.distributed.fsdp import *
    >>> CPUOffloadPolicy().pin_memory
    True
    """
    pin_memory: bool = True


class FSDPModule:
    """Mixin class of modules managed by ``fully_shard`` (no module is, in ember).

    >>> from ember.distributed.fsdp import *
    >>> import ember
    >>> isinstance(ember.nn.Linear(1, 1), FSDPModule)
    False
    """


class FullyShardedDataParallel:
    """FSDP1's wrapper (not built in ember: construction raises).

    >>> from ember.distributed.fsdp import *
    >>> callable(FullyShardedDataParallel)
    True
    """

    def __init__(self, module, *args, **kwargs):
        raise NotImplementedError(_WHY.format("FullyShardedDataParallel"))


def fully_shard(module, *, mesh=None, reshard_after_forward=None, shard_placement_fn=None,
                mp_policy=MixedPrecisionPolicy(), offload_policy=OffloadPolicy(), ignored_params=None,
                dp_mesh_dims=None):
    """Shard ``module``'s parameters over ranks (not built in ember).

    >>> from ember.distributed.fsdp import *
    >>> callable(fully_shard)
    True
    """
    raise NotImplementedError(_WHY.format("fully_shard"))


def register_fsdp_forward_method(module, method_name):
    """Make ``module.method_name`` run FSDP's pre/post forward hooks (not built in ember).

    >>> from ember.distributed.fsdp import *
    >>> callable(register_fsdp_forward_method)
    True
    """
    raise NotImplementedError(_WHY.format("register_fsdp_forward_method"))
