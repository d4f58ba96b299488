"""Video Swin Transformer (swin3d_t/s/b): the ``*_Weights`` enums are here (torchvision's URLs and meta); the model is not built
yet, so ``SwinTransformer3d`` and the builders raise NotImplementedError (and are not in ``list_models``).

>>> from ember.vision.models.video import Swin3D_T_Weights
>>> Swin3D_T_Weights.DEFAULT.name
'KINETICS400_V1'
"""
from .._api import _make_weights_enum

__all__ = ['SwinTransformer3d', 'Swin3D_T_Weights', 'Swin3D_S_Weights', 'Swin3D_B_Weights', 'swin3d_t', 'swin3d_s', 'swin3d_b']

_TABLE = "video/_weights_table.json"
Swin3D_T_Weights = _make_weights_enum("swin3d_t", _TABLE, __name__)
Swin3D_S_Weights = _make_weights_enum("swin3d_s", _TABLE, __name__)
Swin3D_B_Weights = _make_weights_enum("swin3d_b", _TABLE, __name__)


def _not_built(name):
    raise NotImplementedError(f"torchvision.models.video.{name} (the video Swin Transformer) is not built in "
                              "ember.vision.models.video yet")


class SwinTransformer3d:
    """the video Swin Transformer: not built yet; constructing it raises NotImplementedError.

    >>> from ember.vision.models.video import SwinTransformer3d
    >>> SwinTransformer3d()
    Traceback (most recent call last):
    NotImplementedError: torchvision.models.video.SwinTransformer3d (the video Swin Transformer) is not built in ember.vision.models.video yet
    """

    def __init__(self, *args, **kwargs):
        _not_built("SwinTransformer3d")


def swin3d_t(*, weights=None, progress=True, **kwargs):
    """swin3d_t: not built yet; raises NotImplementedError (its weights enum is :class:`Swin3D_T_Weights`).

    >>> from ember.vision.models.video import swin3d_t
    >>> swin3d_t()
    Traceback (most recent call last):
    NotImplementedError: torchvision.models.video.swin3d_t (the video Swin Transformer) is not built in ember.vision.models.video yet
    """
    _not_built("swin3d_t")


swin3d_t._weights_enum = Swin3D_T_Weights


def swin3d_s(*, weights=None, progress=True, **kwargs):
    """swin3d_s: not built yet; raises NotImplementedError (its weights enum is :class:`Swin3D_S_Weights`).

    >>> from ember.vision.models.video import swin3d_s
    >>> swin3d_s()
    Traceback (most recent call last):
    NotImplementedError: torchvision.models.video.swin3d_s (the video Swin Transformer) is not built in ember.vision.models.video yet
    """
    _not_built("swin3d_s")


swin3d_s._weights_enum = Swin3D_S_Weights


def swin3d_b(*, weights=None, progress=True, **kwargs):
    """swin3d_b: not built yet; raises NotImplementedError (its weights enum is :class:`Swin3D_B_Weights`).

    >>> from ember.vision.models.video import swin3d_b
    >>> swin3d_b()
    Traceback (most recent call last):
    NotImplementedError: torchvision.models.video.swin3d_b (the video Swin Transformer) is not built in ember.vision.models.video yet
    """
    _not_built("swin3d_b")


swin3d_b._weights_enum = Swin3D_B_Weights
