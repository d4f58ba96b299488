"""``torchvision.models.segmentation``: FCN, DeepLabV3 and LRASPP builders with their
``*_Weights`` enums (COCO weights with the 21 Pascal VOC categories).

Builders take ``weights=`` (the full model's weights), ``weights_backbone=`` (ImageNet weights of
the backbone; torchvision's default needs the file in the ``ember.hub`` cache, pass None for a
random backbone), ``num_classes=`` (21 by default) and ``aux_loss=``. The models return an
``OrderedDict`` with ``"out"`` (and ``"aux"``) predictions at the input's resolution.

>>> from ember.vision import models
>>> from ember.vision.models import segmentation
>>> models.list_models(module=segmentation)[:2]
['deeplabv3_mobilenet_v3_large', 'deeplabv3_resnet101']
"""
from .deeplabv3 import *  # noqa: F401,F403
from .deeplabv3 import ASPP, DeepLabHead
from .fcn import *  # noqa: F401,F403
from .fcn import FCNHead
from .lraspp import *  # noqa: F401,F403
from .lraspp import LRASPPHead
from . import deeplabv3 as _deeplabv3, fcn as _fcn, lraspp as _lraspp

__all__ = _deeplabv3.__all__ + _fcn.__all__ + _lraspp.__all__  # the heads stay out of ``*``, as in torchvision
