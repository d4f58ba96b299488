"""Multiscale Vision Transformers (mvit_v1_b, mvit_v2_s): the ``*_Weights`` enums are here
(torchvision's URLs and meta); the model is not built yet, so ``MViT`` and the builders raise
NotImplementedError (and are not in ``list_models``).

>>> from ember.vision.models.video import MViT_V1_B_Weights
>>> MViT_V1_B_Weights.DEFAULT.name
'KINETICS400_V1'
"""
from .._api import _make_weights_enum

__all__ = ['MViT', 'MViT_V1_B_Weights', 'MViT_V2_S_Weights', 'mvit_v1_b', 'mvit_v2_s']

_TABLE = "video/_weights_table.json"
MViT_V1_B_Weights = _make_weights_enum("mvit_v1_b", _TABLE, __name__)
MViT_V2_S_Weights = _make_weights_enum("mvit_v2_s", _TABLE, __name__)


def _not_built(name):
    raise NotImplementedError(f"torchvision.models.video.{name} (the Multiscale Vision Transformer) is not built in "
                              "ember.vision.models.video yet")


class MViT:
    """The Multiscale Vision Transformer: not built yet; constructing it raises NotImplementedError.

    >>> from ember.vision.models.video import MViT
    >>> MViT()
    Traceback (most recent call last):
    NotImplementedError: torchvision.models.video.MViT (the Multiscale Vision Transformer) is not built ...
    """

    def __init__(self, *args, **kwargs):
        _not_built("MViT")


def mvit_v1_b(*, weights=None, progress=True, **kwargs):
    """mvit_v1_b: not built yet; raises NotImplementedError (its weights enum is :class:`MViT_V1_B_Weights`).

    >>> from ember.vision.models.video import mvit_v1_b
    >>> mvit_v1_b()
    Traceback (most recent call last):
    NotImplementedError: torchvision.models.video.mvit_v1_b (the Multiscale Vision Transformer) is not built ...
    """
    _not_built("mvit_v1_b")


mvit_v1_b._weights_enum = MViT_V1_B_Weights


def mvit_v2_s(*, weights=None, progress=True, **kwargs):
    """mvit_v2_s: not built yet; raises NotImplementedError (its weights enum is :class:`MViT_V2_S_Weights`).

    >>> from ember.vision.models.video import mvit_v2_s
    >>> mvit_v2_s()
    Traceback (most recent call last):
    NotImplementedError: torchvision.models.video.mvit_v2_s (the Multiscale Vision Transformer) is not built ...
    """
    _not_built("mvit_v2_s")


mvit_v2_s._weights_enum = MViT_V2_S_Weights
