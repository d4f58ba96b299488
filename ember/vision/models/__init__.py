"""``torchvision.models``: the classification model builders, their ``*_Weights`` enums and the
registry (``list_models``, ``get_model``, ``get_model_weights``, ``get_weight``); the subpackages
``segmentation`` (FCN, DeepLabV3, LRASPP), ``video`` (video ResNets, S3D, video Swin
Transformer; not yet MViT) and ``quantization`` (quantizable ResNet/ResNeXt and MobileNet v2,
builders registered as ``quantized_*``), and ``feature_extraction`` (import it by name, as in
torchvision). ``detection`` and ``optical_flow`` are not built (NotImplementedError).

Builders take ``weights=`` (a ``*_Weights`` member, its name, or None), ``progress=`` and the
model's keyword arguments; the module trees match torchvision's, so ``state_dict`` keys and
published checkpoints are interchangeable. Weights come from the ``ember.hub`` cache
(``$TORCH_HOME/hub/checkpoints``, shared with PyTorch).

>>> from ember.vision import models
>>> m = models.resnet18(num_classes=10)
>>> list(m.state_dict())[:3]
['conv1.weight', 'bn1.weight', 'bn1.bias']
>>> models.ResNet50_Weights.DEFAULT
ResNet50_Weights.IMAGENET1K_V2
"""
import importlib as _importlib

from ._api import Weights, WeightsEnum, get_model, get_model_builder, get_model_weights, get_weight, list_models
from .alexnet import *  # noqa: F401,F403
from .convnext import *  # noqa: F401,F403
from .densenet import *  # noqa: F401,F403
from .efficientnet import *  # noqa: F401,F403
from .googlenet import *  # noqa: F401,F403
from .inception import *  # noqa: F401,F403
from .maxvit import *  # noqa: F401,F403
from .mnasnet import *  # noqa: F401,F403
from .mobilenetv2 import *  # noqa: F401,F403
from .mobilenetv3 import *  # noqa: F401,F403
from .regnet import *  # noqa: F401,F403
from .resnet import *  # noqa: F401,F403
from .shufflenetv2 import *  # noqa: F401,F403
from .squeezenet import *  # noqa: F401,F403
from .swin_transformer import *  # noqa: F401,F403
from .vgg import *  # noqa: F401,F403
from .vision_transformer import *  # noqa: F401,F403
from . import quantization, segmentation, video  # noqa: E402  (registers their builders, as torchvision does)

__all__ = ["Weights", "WeightsEnum", "get_model", "get_model_builder", "get_model_weights", "get_weight",
           "list_models"]
for _family in ("alexnet", "convnext", "densenet", "efficientnet", "googlenet", "inception", "maxvit", "mnasnet",
                "mobilenetv2", "mobilenetv3", "regnet", "resnet", "shufflenetv2", "squeezenet", "swin_transformer",
                "vgg", "vision_transformer"):
    __all__ += _importlib.import_module(f".{_family}", __name__).__all__

_NOT_BUILT = ("detection", "optical_flow")


def __getattr__(name):
    if name in _NOT_BUILT:
        raise NotImplementedError(f"torchvision.models.{name} is not built in ember.vision.models (only the "
                                  "image classification, segmentation, video and quantization builders are)")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
