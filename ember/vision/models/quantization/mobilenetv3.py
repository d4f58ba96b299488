"""Quantizable MobileNet v3 Large (torchvision's ``models.quantization.mobilenetv3``): the
squeeze-excitation's scaling in a ``FloatFunctional`` (``skip_mul``, hard-sigmoid gate), the
residual add in ``skip_add``, ``QuantStub``/``DeQuantStub`` and ``fuse_model``; builder
``mobilenet_v3_large`` registered as ``quantized_mobilenet_v3_large``.

``quantize=True`` is not built (NotImplementedError): it needs quantized Hardswish and
Hardsigmoid, which ``ember.ao.nn.quantized`` does not have, and torchvision's path through
``prepare_qat`` + the published QAT weights.

>>> from ember.vision.models.quantization import mobilenet_v3_large
>>> m = mobilenet_v3_large(num_classes=10)
>>> m.eval()(ember.zeros(1, 3, 32, 32)).shape
torch.Size([1, 10])
"""
from .... import nn
from ....ao.nn.quantized import FloatFunctional
from ....ao.quantization import DeQuantStub, QuantStub
from .._api import builder
from .._blocks import Conv2dNormActivation, SqueezeExcitation
from ..mobilenetv3 import InvertedResidual, MobileNet_V3_Large_Weights, MobileNetV3, _mobilenet_v3_conf
from .utils import _fuse_modules, _legacy, _make_quantized_weights_enum, _prepare_quantized, _replace_relu

__all__ = ["QuantizableMobileNetV3", "MobileNet_V3_Large_QuantizedWeights", "mobilenet_v3_large"]


class QuantizableSqueezeExcitation(SqueezeExcitation):
    """``SqueezeExcitation`` with a ``Hardsigmoid`` gate and the product in ``skip_mul``.

    >>> from ember.vision.models.quantization.mobilenetv3 import QuantizableSqueezeExcitation
    >>> QuantizableSqueezeExcitation(8, 2)(ember.ones(1, 8, 3, 3)).shape
    torch.Size([1, 8, 3, 3])
    """
    _version = 2

    def __init__(self, *args, **kwargs):
        kwargs["scale_activation"] = nn.Hardsigmoid
        super().__init__(*args, **kwargs)
        self.skip_mul = FloatFunctional()

    def forward(self, input):
        return self.skip_mul.mul(self._scale(input), input)

    def fuse_model(self, is_qat=None):
        """Fuse fc1 with its ReLU, in place."""
        _fuse_modules(self, ["fc1", "activation"], is_qat, inplace=True)


class QuantizableInvertedResidual(InvertedResidual):
    """MobileNet v3's ``InvertedResidual`` with :class:`QuantizableSqueezeExcitation` and the
    residual add in ``skip_add``.

    >>> from ember.vision.models.mobilenetv3 import InvertedResidualConfig
    >>> from ember.vision.models.quantization.mobilenetv3 import QuantizableInvertedResidual
    >>> cnf = InvertedResidualConfig(16, 3, 64, 16, True, "HS", 1, 1, 1.0)
    >>> QuantizableInvertedResidual(cnf, ember.nn.BatchNorm2d)(ember.zeros(1, 16, 4, 4)).shape
    torch.Size([1, 16, 4, 4])
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, se_layer=QuantizableSqueezeExcitation, **kwargs)
        self.skip_add = FloatFunctional()

    def forward(self, x):
        return self.skip_add.add(x, self.block(x)) if self.use_res_connect else self.block(x)


class QuantizableMobileNetV3(MobileNetV3):
    """``MobileNetV3`` between a ``QuantStub`` (``quant``) and a ``DeQuantStub`` (``dequant``).

    >>> from ember.vision.models.quantization.mobilenetv3 import QuantizableMobileNetV3
    >>> from ember.vision.models.mobilenetv3 import _mobilenet_v3_conf
    >>> cfg, last = _mobilenet_v3_conf("mobilenet_v3_large")
    >>> QuantizableMobileNetV3(cfg, last, num_classes=2).classifier[-1].out_features
    2
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.quant = QuantStub()
        self.dequant = DeQuantStub()

    def forward(self, x):
        return self.dequant(self._forward_impl(self.quant(x)))

    def fuse_model(self, is_qat=None):
        """Fuse every conv+bn(+relu) and the squeeze-excitations' fc1+relu, in place (the
        numbers do not change). ``is_qat=None`` follows ``self.training``."""
        for m in self.modules():
            if type(m) is Conv2dNormActivation:
                names = ["0", "1"] + (["2"] if len(m) == 3 and type(m[2]) is nn.ReLU else [])
                _fuse_modules(m, names, is_qat, inplace=True)
            elif type(m) is QuantizableSqueezeExcitation:
                m.fuse_model(is_qat)


MobileNet_V3_Large_QuantizedWeights = _make_quantized_weights_enum("quantized_mobilenet_v3_large",
                                                                   MobileNet_V3_Large_Weights, __name__)


@builder(MobileNet_V3_Large_QuantizedWeights, name="quantized_mobilenet_v3_large", legacy_default=_legacy(
    lambda: MobileNet_V3_Large_QuantizedWeights.IMAGENET1K_QNNPACK_V1,
    lambda: MobileNet_V3_Large_Weights.IMAGENET1K_V1))
def mobilenet_v3_large(*, weights=None, progress=True, quantize=False, **kwargs):
    """Quantizable MobileNet v3 Large (float; ``quantize=True`` is not built in ember).

    >>> from ember.vision.models.quantization import MobileNet_V3_Large_QuantizedWeights
    >>> MobileNet_V3_Large_QuantizedWeights.DEFAULT.meta["num_params"]
    5483032
    """
    weights, backend = _prepare_quantized(MobileNet_V3_Large_QuantizedWeights, MobileNet_V3_Large_Weights, weights,
                                          quantize, kwargs, default_backend="qnnpack")
    if quantize:
        raise NotImplementedError("ember: quantized mobilenet_v3_large (quantize=True) is not built: it needs "
                                  "quantized Hardswish and Hardsigmoid modules")
    setting, last_channel = _mobilenet_v3_conf("mobilenet_v3_large", **kwargs)
    model = QuantizableMobileNetV3(setting, last_channel, block=QuantizableInvertedResidual, **kwargs)
    _replace_relu(model)
    if weights is not None:
        model.load_state_dict(weights.get_state_dict(progress=progress, check_hash=True))
    return model
