"""Quantizable MobileNet v2 (torchvision's ``models.quantization.mobilenetv2``): the residual add
in a ``FloatFunctional`` (``skip_add``), ``QuantStub``/``DeQuantStub`` around the network and
``fuse_model``; builder ``mobilenet_v2`` registered as ``quantized_mobilenet_v2``.

Its published quantized weights and default ``backend`` are qnnpack's, an engine ember does not
have: ``quantize=True`` needs ``backend="fbgemm"`` (or ``"x86"``) here, and otherwise raises
torchvision's ``RuntimeError`` for an unsupported engine.

>>> from ember.vision.models.quantization import mobilenet_v2
>>> m = mobilenet_v2(num_classes=10)
>>> m.eval()(ember.zeros(1, 3, 32, 32)).shape
torch.Size([1, 10])
"""
from .... import nn
from ....ao.nn.quantized import FloatFunctional
from ....ao.quantization import DeQuantStub, QuantStub
from .._api import builder
from .._blocks import Conv2dNormActivation
from ..mobilenetv2 import InvertedResidual, MobileNet_V2_Weights, MobileNetV2
from .utils import (_adaptive_avg_pool2d, _fuse_modules, _legacy, _make_quantized_weights_enum, _prepare_quantized,
                    _replace_relu, quantize_model)

__all__ = ["QuantizableMobileNetV2", "MobileNet_V2_QuantizedWeights", "mobilenet_v2"]


class QuantizableInvertedResidual(InvertedResidual):
    """``InvertedResidual`` whose residual add is ``skip_add`` (a ``FloatFunctional``).

    >>> from ember.vision.models.quantization.mobilenetv2 import QuantizableInvertedResidual
    >>> QuantizableInvertedResidual(8, 8, 1, 6)(ember.zeros(1, 8, 4, 4)).shape
    torch.Size([1, 8, 4, 4])
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.skip_add = FloatFunctional()

    def forward(self, x):
        return self.skip_add.add(x, self.conv(x)) if self.use_res_connect else self.conv(x)

    def fuse_model(self, is_qat=None):
        """Fuse the projection conv with its batch norm, in place."""
        for idx in range(len(self.conv)):
            if type(self.conv[idx]) is nn.Conv2d:
                _fuse_modules(self.conv, [str(idx), str(idx + 1)], is_qat, inplace=True)


class QuantizableMobileNetV2(MobileNetV2):
    """``MobileNetV2`` between a ``QuantStub`` (``quant``) and a ``DeQuantStub`` (``dequant``).

    >>> from ember.vision.models.quantization.mobilenetv2 import QuantizableMobileNetV2
    >>> QuantizableMobileNetV2(num_classes=3, width_mult=0.25).eval()(ember.zeros(1, 3, 32, 32)).shape
    torch.Size([1, 3])
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.quant = QuantStub()
        self.dequant = DeQuantStub()

    def _forward_impl(self, x):
        x = _adaptive_avg_pool2d(self.features(x), (1, 1))
        return self.classifier(x.flatten(1))   # (the method keeps a quantized tensor quantized)

    def forward(self, x):
        return self.dequant(self._forward_impl(self.quant(x)))

    def fuse_model(self, is_qat=None):
        """Fuse every conv+bn+relu (``Conv2dNormActivation``) and conv+bn, in place (the numbers
        do not change). ``is_qat=None`` follows ``self.training``."""
        for m in self.modules():
            if type(m) is Conv2dNormActivation:
                _fuse_modules(m, ["0", "1", "2"], is_qat, inplace=True)
            if type(m) is QuantizableInvertedResidual:
                m.fuse_model(is_qat)


MobileNet_V2_QuantizedWeights = _make_quantized_weights_enum("quantized_mobilenet_v2", MobileNet_V2_Weights,
                                                             __name__)


@builder(MobileNet_V2_QuantizedWeights, name="quantized_mobilenet_v2", legacy_default=_legacy(
    lambda: MobileNet_V2_QuantizedWeights.IMAGENET1K_QNNPACK_V1, lambda: MobileNet_V2_Weights.IMAGENET1K_V1))
def mobilenet_v2(*, weights=None, progress=True, quantize=False, **kwargs):
    """Quantizable MobileNet v2; ``quantize=True`` returns the int8 model (default backend
    ``'qnnpack'``, not built in ember: pass ``backend='fbgemm'``).

    >>> from ember.vision.models.quantization import MobileNet_V2_QuantizedWeights
    >>> MobileNet_V2_QuantizedWeights.DEFAULT.meta["backend"]
    'qnnpack'
    """
    weights, backend = _prepare_quantized(MobileNet_V2_QuantizedWeights, MobileNet_V2_Weights, weights, quantize,
                                          kwargs, default_backend="qnnpack")
    model = QuantizableMobileNetV2(block=QuantizableInvertedResidual, **kwargs)
    _replace_relu(model)
    if quantize:
        quantize_model(model, backend)
    if weights is not None:
        model.load_state_dict(weights.get_state_dict(progress=progress, check_hash=True))
    return model
