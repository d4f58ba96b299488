"""Data loading, ``torch.utils.data``: datasets, samplers, collation and the DataLoader.

>>> loader = ember.utils.data.DataLoader(list(range(5)), batch_size=2)
>>> [b.tolist() for b in loader]
[[0, 1], [2, 3], [4]]
"""
from .dataset import (Dataset, IterableDataset, TensorDataset, StackDataset, ConcatDataset,  # noqa: F401
                      ChainDataset, Subset, random_split)
from .sampler import (Sampler, SequentialSampler, RandomSampler, SubsetRandomSampler,  # noqa: F401
                      WeightedRandomSampler, BatchSampler, DistributedSampler)
from ._collate import default_collate, default_convert  # noqa: F401
from ._worker import get_worker_info, WorkerInfo  # noqa: F401
from .dataloader import DataLoader  # noqa: F401
from . import distributed  # noqa: F401  (torch.utils.data.distributed is there after ``import torch``)
from .datapipes import (IterDataPipe, MapDataPipe, DFIterDataPipe, DataChunk, functional_datapipe,  # noqa: F401
                        guaranteed_datapipes_determinism, non_deterministic, runtime_validation,
                        runtime_validation_disabled, argument_validation)
