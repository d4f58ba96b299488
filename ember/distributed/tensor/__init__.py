"""``torch.distributed.tensor``: the DTensor names (placements are real; the runtime is not built).

Libraries check ``isinstance(x, DTensor)`` and import the placement types; those work.
Creating a DTensor (``distribute_tensor``, ``DTensor.from_local``) raises
``NotImplementedError``: ember has no sharded-tensor runtime.

>>> from ember.distributed.tensor import *
>>> import ember
>>> from ember.distributed.tensor import DTensor, Shard
>>> isinstance(ember.ones(2), DTensor), Shard(0)
(False, Shard(dim=0))
"""
from ..._tensor import Tensor
from .placement_types import Placement, Shard, Replicate, Partial

__all__ = ["DTensor", "distribute_tensor", "distribute_module", "Shard", "Replicate", "Partial",
           "Placement"]

_WHY = "ember has no DTensor (sharded tensor) runtime; torch.distributed.tensor.{} is not built"


class DTensor(Tensor):
    """A tensor sharded over a device mesh (not built in ember: construction raises).

    >>> from ember.distributed.tensor import *
    >>> try:
    ...     DTensor.from_local(ember.ones(2))
    ... except NotImplementedError as e:
    ...     print("not built")
    not built
    """

    def __new__(cls, *args, **kwargs):
        raise NotImplementedError(_WHY.format("DTensor"))

    @staticmethod
    def from_local(local_tensor, device_mesh=None, placements=None, *, run_check=False, shape=None,
                   stride=None):
        raise NotImplementedError(_WHY.format("DTensor.from_local"))


def distribute_tensor(tensor, device_mesh=None, placements=None, *, src_data_rank=0):
    """Shard ``tensor`` over ``device_mesh`` (not built in ember).

    >>> from ember.distributed.tensor import *
    >>> try:
    ...     distribute_tensor(ember.ones(2))
    ... except NotImplementedError:
    ...     print("not built")
    not built
    """
    raise NotImplementedError(_WHY.format("distribute_tensor"))


def distribute_module(module, device_mesh=None, partition_fn=None, input_fn=None, output_fn=None):
    """Shard a module's parameters over ``device_mesh`` (not built in ember).

    >>> from ember.distributed.tensor import *
    >>> try:
    ...     distribute_module(ember.nn.Linear(1, 1))
    ... except NotImplementedError:
    ...     print("not built")
    not built
    """
    raise NotImplementedError(_WHY.format("distribute_module"))
