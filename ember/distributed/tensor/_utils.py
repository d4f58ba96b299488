"""``torch.distributed.tensor._utils``: shard geometry helpers (need a device mesh; not built).

>>> from ember.distributed.tensor._utils import *
>>> try:
...     compute_local_shape_and_global_offset((4,), None, [])
... except NotImplementedError:
...     print("not built")
not built
"""
__all__ = ["compute_local_shape_and_global_offset"]


def compute_local_shape_and_global_offset(global_shape, mesh, placements, *args, **kwargs):
    """A rank's local shape and offset of a DTensor (needs ember's missing DeviceMesh).

    >>> from ember.distributed.tensor._utils import *
    >>> callable(compute_local_shape_and_global_offset)
    True
    """
    raise NotImplementedError("ember has no DeviceMesh; "
                              "torch.distributed.tensor._utils.compute_local_shape_and_global_offset is not built")
