"""``torch.distributed.device_mesh``: the names exist; a mesh of devices is not built in ember.

>>> from ember.distributed.device_mesh import *
>>> try:
...     init_device_mesh("cpu", (2,))
... except NotImplementedError:
...     print("not built")
not built
"""
__all__ = ["init_device_mesh", "DeviceMesh"]

_WHY = "ember has no DeviceMesh (torch.distributed.device_mesh.{} is not built)"


class DeviceMesh:
    """An n-d arrangement of ranks (not built in ember: construction raises).

    >>> from ember.distributed.device_mesh import *
    >>> isinstance(object(), DeviceMesh)
    False
    """

    def __init__(self, device_type, mesh, *args, **kwargs):
        raise NotImplementedError(_WHY.format("DeviceMesh"))


def init_device_mesh(device_type, mesh_shape, *, mesh_dim_names=None, backend_override=None):
    """Create a DeviceMesh (not built in ember).

    >>> from ember.distributed.device_mesh import *
    >>> callable(init_device_mesh)
    True
    """
    raise NotImplementedError(_WHY.format("init_device_mesh"))
