"""``torchvision.models.quantization``: quantizable versions of ResNet/ResNeXt and MobileNet v2
(module trees and ``state_dict`` keys as torchvision's), their ``*_QuantizedWeights`` enums and
builders registered as ``quantized_<name>``. ``quantize=True`` fuses, calibrates on a random
batch and converts to int8 (fbgemm) as torchvision does; the quantized kernels are
``ember.ao.nn.quantized``'s. Not built (NotImplementedError): the quantizable GoogLeNet,
Inception v3, ShuffleNet v2 and MobileNet v3 builders (their weights enums exist).

>>> from ember.vision.models import quantization
>>> m = quantization.resnet18(num_classes=10)
>>> type(m).__name__, "add_relu" in dict(m.layer1[0].named_children())
('QuantizableResNet', True)
"""
from .utils import quantize_model  # noqa: F401
from .resnet import *  # noqa: F401,F403
from .mobilenetv2 import *  # noqa: F401,F403
from .resnet import __all__ as _resnet_all
from .mobilenetv2 import __all__ as _mobilenetv2_all

__all__ = list(_resnet_all) + list(_mobilenetv2_all)
