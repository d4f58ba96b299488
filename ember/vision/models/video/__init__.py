"""``torchvision.models.video``: video classification builders with their Kinetics-400
``*_Weights`` enums. Built: the video ResNets (``r3d_18``, ``mc3_18``, ``r2plus1d_18``), ``s3d`` and
the video Swin Transformers (``swin3d_t/s/b``). Not built yet (NotImplementedError, weights enums
available): ``mvit_v1_b``/``mvit_v2_s``. Inputs are clips ``(N, C, T, H, W)``; ``weights.transforms()``
turns ``(N, T, C, H, W)`` frames into them.

>>> from ember.vision import models
>>> from ember.vision.models import video
>>> models.list_models(module=video)
['mc3_18', 'r2plus1d_18', 'r3d_18', 's3d', 'swin3d_b', 'swin3d_s', 'swin3d_t']
"""
from .mvit import *  # noqa: F401,F403
from .resnet import *  # noqa: F401,F403
from .s3d import *  # noqa: F401,F403
from .swin_transformer import *  # noqa: F401,F403
import importlib as _importlib

# (the function s3d shadows the submodule's name here, as in torchvision)
__all__ = [n for m in ("mvit", "resnet", "s3d", "swin_transformer")
           for n in _importlib.import_module(f".{m}", __name__).__all__]
