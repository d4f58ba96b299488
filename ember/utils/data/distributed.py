"""``torch.utils.data.distributed``: where programs import ``DistributedSampler`` from
(``import torch.utils.data.distributed`` in the ImageNet example).

>>> from ember.utils.data.distributed import DistributedSampler
>>> list(DistributedSampler(range(4), num_replicas=2, rank=1, shuffle=False))
[1, 3]
"""
from .sampler import DistributedSampler

__all__ = ["DistributedSampler"]
