"""``LinearCrossEntropyOptions``: the chunking options of ``linear_cross_entropy``.

ember always evaluates ``linear_cross_entropy`` by its reference definition (``linear``
then ``cross_entropy``); the options are validated and kept, and change memory use only
in PyTorch, never the result.

>>> ember.nn.LinearCrossEntropyOptions()
LinearCrossEntropyOptions(allow_retain_graph=False, batch_chunk_size=None, chunking_method='auto', acc_policy='auto', acc_dtype=None)
"""
from dataclasses import dataclass
from typing import Optional

__all__ = ["LinearCrossEntropyOptions"]

_ACC_POLICIES = ("accurate", "balanced", "compact", "auto")


@dataclass
class LinearCrossEntropyOptions:
    """How PyTorch chunks the batch in ``linear_cross_entropy`` (kept, validated; ember computes
    the same value without chunking).

    >>> ember.nn.LinearCrossEntropyOptions(batch_chunk_size=64).batch_chunk_size
    64
    """

    allow_retain_graph: bool = False
    batch_chunk_size: Optional[int] = None
    chunking_method: Optional[str] = "auto"
    acc_policy: str = "auto"
    acc_dtype: object = None

    def __post_init__(self):
        if self.acc_policy not in _ACC_POLICIES:
            raise ValueError(f"invalid acc_policy: {self.acc_policy!r}")
        if self.batch_chunk_size is not None and self.batch_chunk_size <= 0:
            raise ValueError(f"batch_chunk_size must be positive int or None, got {self.batch_chunk_size}")
