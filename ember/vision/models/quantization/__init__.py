"""``torchvision.models.quantization``: quantizable ResNet/ResNeXt, MobileNet v2 and MobileNet v3
Large (module trees and ``state_dict`` keys as torchvision's), their ``*_QuantizedWeights``
enums and builders registered as ``quantized_<name>``. ``quantize=True`` fuses, calibrates on a
random batch and converts to int8 as torchvision does (backends ``'fbgemm'``/``'x86'``; the
quantized kernels are ``ember.ao.nn.quantized``'s). Not built (NotImplementedError): the
quantizable GoogLeNet, Inception v3 and ShuffleNet v2, MobileNet v3 with ``quantize=True``, and
the ``'qnnpack'`` backend (MobileNet v2's default).

>>> from ember.vision.models import quantization
>>> m = quantization.resnet18(num_classes=10)
>>> type(m).__name__, "add_relu" in dict(m.layer1[0].named_children())
('QuantizableResNet', True)
"""
from .utils import quantize_model  # noqa: F401
from .resnet import *  # noqa: F401,F403
from .mobilenetv2 import *  # noqa: F401,F403
from .mobilenetv3 import *  # noqa: F401,F403
from .resnet import __all__ as _resnet_all
from .mobilenetv2 import __all__ as _mobilenetv2_all
from .mobilenetv3 import __all__ as _mobilenetv3_all

__all__ = list(_resnet_all) + list(_mobilenetv2_all) + list(_mobilenetv3_all)

_NOT_BUILT = {
    "googlenet": ("QuantizableGoogLeNet", "GoogLeNet_QuantizedWeights", "googlenet"),
    "inception": ("QuantizableInception3", "Inception_V3_QuantizedWeights", "inception_v3"),
    "shufflenetv2": ("QuantizableShuffleNetV2", "ShuffleNet_V2_X0_5_QuantizedWeights",
                     "ShuffleNet_V2_X1_0_QuantizedWeights", "ShuffleNet_V2_X1_5_QuantizedWeights",
                     "ShuffleNet_V2_X2_0_QuantizedWeights", "shufflenet_v2_x0_5", "shufflenet_v2_x1_0",
                     "shufflenet_v2_x1_5", "shufflenet_v2_x2_0"),
}


def __getattr__(name):
    for family, names in _NOT_BUILT.items():
        if name == family or name in names:
            raise NotImplementedError(f"torchvision.models.quantization.{name} is not built in ember (the "
                                      "quantizable GoogLeNet, Inception v3 and ShuffleNet v2 are missing)")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
