"""``torch.distributed._composable.fsdp``: the same names as ``torch.distributed.fsdp``.

>>> from ember.distributed._composable.fsdp import MixedPrecisionPolicy
>>> MixedPrecisionPolicy().param_dtype is None
True
"""
from ...fsdp import (CPUOffloadPolicy, FSDPModule, MixedPrecisionPolicy, OffloadPolicy,  # noqa: F401
                     fully_shard, register_fsdp_forward_method)

__all__ = ["CPUOffloadPolicy", "FSDPModule", "MixedPrecisionPolicy", "OffloadPolicy", "fully_shard",
           "register_fsdp_forward_method"]
