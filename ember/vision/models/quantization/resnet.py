"""Quantizable ResNet and ResNeXt (torchvision's ``models.quantization.resnet``): the float
blocks with the residual add + ReLU in a ``FloatFunctional``, ``QuantStub``/``DeQuantStub``
around the network, and ``fuse_model``; builders ``resnet18``, ``resnet50``,
``resnext101_32x8d`` and ``resnext101_64x4d`` registered as ``quantized_*``.

>>> from ember.vision.models.quantization import resnet18
>>> m = resnet18(num_classes=10)
>>> m.eval()(ember.zeros(1, 3, 32, 32)).shape
torch.Size([1, 10])
"""
from .... import nn
from ....ao.nn.quantized import FloatFunctional
from ....ao.quantization import DeQuantStub, QuantStub
from .._api import _ovewrite_named_param, builder
from ..resnet import (BasicBlock, Bottleneck, ResNet, ResNet18_Weights, ResNet50_Weights,
                      ResNeXt101_32X8D_Weights, ResNeXt101_64X4D_Weights)
from .utils import (_fuse_modules, _legacy, _make_quantized_weights_enum, _prepare_quantized, _replace_relu,
                    quantize_model)

__all__ = ["QuantizableResNet", "ResNet18_QuantizedWeights", "ResNet50_QuantizedWeights",
           "ResNeXt101_32X8D_QuantizedWeights", "ResNeXt101_64X4D_QuantizedWeights", "resnet18", "resnet50",
           "resnext101_32x8d", "resnext101_64x4d"]


class QuantizableBasicBlock(BasicBlock):
    """``BasicBlock`` whose residual add + ReLU is ``add_relu`` (a ``FloatFunctional``).

    >>> from ember.vision.models.quantization.resnet import QuantizableBasicBlock
    >>> QuantizableBasicBlock(4, 4)(ember.zeros(1, 4, 5, 5)).shape
    torch.Size([1, 4, 5, 5])
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_relu = FloatFunctional()

    def forward(self, x):
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        identity = x if self.downsample is None else self.downsample(x)
        return self.add_relu.add_relu(out, identity)

    def fuse_model(self, is_qat=None):
        """Fuse conv1+bn1+relu, conv2+bn2 and the downsample's conv+bn, in place."""
        _fuse_modules(self, [["conv1", "bn1", "relu"], ["conv2", "bn2"]], is_qat, inplace=True)
        if self.downsample:
            _fuse_modules(self.downsample, ["0", "1"], is_qat, inplace=True)


class QuantizableBottleneck(Bottleneck):
    """``Bottleneck`` with one ReLU module per use (``relu1``, ``relu2``) and the residual
    add + ReLU in ``skip_add_relu``.

    >>> from ember.vision.models.quantization.resnet import QuantizableBottleneck
    >>> QuantizableBottleneck(16, 4)(ember.zeros(1, 16, 5, 5)).shape
    torch.Size([1, 16, 5, 5])
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.skip_add_relu = FloatFunctional()
        self.relu1 = nn.ReLU(inplace=False)
        self.relu2 = nn.ReLU(inplace=False)

    def forward(self, x):
        out = self.relu1(self.bn1(self.conv1(x)))
        out = self.relu2(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        identity = x if self.downsample is None else self.downsample(x)
        return self.skip_add_relu.add_relu(out, identity)

    def fuse_model(self, is_qat=None):
        """Fuse conv1+bn1+relu1, conv2+bn2+relu2, conv3+bn3 and the downsample's conv+bn, in place."""
        _fuse_modules(self, [["conv1", "bn1", "relu1"], ["conv2", "bn2", "relu2"], ["conv3", "bn3"]], is_qat,
                      inplace=True)
        if self.downsample:
            _fuse_modules(self.downsample, ["0", "1"], is_qat, inplace=True)


class QuantizableResNet(ResNet):
    """``ResNet`` between a ``QuantStub`` (``quant``) and a ``DeQuantStub`` (``dequant``).

    >>> from ember.vision.models.quantization.resnet import QuantizableBasicBlock, QuantizableResNet
    >>> m = QuantizableResNet(QuantizableBasicBlock, [1, 1, 1, 1], num_classes=3)
    >>> m.eval()(ember.zeros(1, 3, 32, 32)).shape
    torch.Size([1, 3])
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.quant = QuantStub()
        self.dequant = DeQuantStub()

    def _forward_impl(self, x):
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        return self.fc(self.avgpool(x).flatten(1))   # (the method keeps a quantized tensor quantized)

    def forward(self, x):
        return self.dequant(self._forward_impl(self.quant(x)))

    def fuse_model(self, is_qat=None):
        """Fuse the stem's conv1+bn1+relu and every block's conv/bn/relu runs, in place (the
        numbers do not change; the model stays float). ``is_qat=None`` follows ``self.training``."""
        _fuse_modules(self, ["conv1", "bn1", "relu"], is_qat, inplace=True)
        for m in self.modules():
            if type(m) in (QuantizableBottleneck, QuantizableBasicBlock):
                m.fuse_model(is_qat)


def _resnet(block, layers, weights, progress, quantize, backend, **kwargs):
    model = QuantizableResNet(block, layers, **kwargs)
    _replace_relu(model)
    if quantize:
        quantize_model(model, backend)
    if weights is not None:
        model.load_state_dict(weights.get_state_dict(progress=progress, check_hash=True))
    return model


ResNet18_QuantizedWeights = _make_quantized_weights_enum("quantized_resnet18", ResNet18_Weights, __name__)
ResNet50_QuantizedWeights = _make_quantized_weights_enum("quantized_resnet50", ResNet50_Weights, __name__)
ResNeXt101_32X8D_QuantizedWeights = _make_quantized_weights_enum("quantized_resnext101_32x8d",
                                                                 ResNeXt101_32X8D_Weights, __name__)
ResNeXt101_64X4D_QuantizedWeights = _make_quantized_weights_enum("quantized_resnext101_64x4d",
                                                                 ResNeXt101_64X4D_Weights, __name__)


@builder(ResNet18_QuantizedWeights, name="quantized_resnet18", legacy_default=_legacy(
    lambda: ResNet18_QuantizedWeights.IMAGENET1K_FBGEMM_V1, lambda: ResNet18_Weights.IMAGENET1K_V1))
def resnet18(*, weights=None, progress=True, quantize=False, **kwargs):
    """Quantizable ResNet-18; ``quantize=True`` returns the int8 model (fbgemm), ``weights`` then a
    :class:`ResNet18_QuantizedWeights` member, else a ``ResNet18_Weights`` one.

    >>> from ember.vision.models.quantization import ResNet18_QuantizedWeights
    >>> ResNet18_QuantizedWeights.DEFAULT.meta["backend"]
    'fbgemm'
    """
    weights, backend = _prepare_quantized(ResNet18_QuantizedWeights, ResNet18_Weights, weights, quantize, kwargs)
    return _resnet(QuantizableBasicBlock, [2, 2, 2, 2], weights, progress, quantize, backend, **kwargs)


@builder(ResNet50_QuantizedWeights, name="quantized_resnet50", legacy_default=_legacy(
    lambda: ResNet50_QuantizedWeights.IMAGENET1K_FBGEMM_V1, lambda: ResNet50_Weights.IMAGENET1K_V1))
def resnet50(*, weights=None, progress=True, quantize=False, **kwargs):
    """Quantizable ResNet-50 (``quantize=True``: int8, fbgemm); ``weights`` a
    :class:`ResNet50_QuantizedWeights` member when quantized, else a ``ResNet50_Weights`` one.

    >>> from ember.vision.models.quantization import ResNet50_QuantizedWeights
    >>> ResNet50_QuantizedWeights.DEFAULT.name
    'IMAGENET1K_FBGEMM_V2'
    """
    weights, backend = _prepare_quantized(ResNet50_QuantizedWeights, ResNet50_Weights, weights, quantize, kwargs)
    return _resnet(QuantizableBottleneck, [3, 4, 6, 3], weights, progress, quantize, backend, **kwargs)


@builder(ResNeXt101_32X8D_QuantizedWeights, name="quantized_resnext101_32x8d", legacy_default=_legacy(
    lambda: ResNeXt101_32X8D_QuantizedWeights.IMAGENET1K_FBGEMM_V1, lambda: ResNeXt101_32X8D_Weights.IMAGENET1K_V1))
def resnext101_32x8d(*, weights=None, progress=True, quantize=False, **kwargs):
    """Quantizable ResNeXt-101 32x8d (``quantize=True``: int8, fbgemm).

    >>> from ember.vision.models.quantization import ResNeXt101_32X8D_QuantizedWeights
    >>> ResNeXt101_32X8D_QuantizedWeights.DEFAULT.meta["unquantized"].name
    'IMAGENET1K_V2'
    """
    weights, backend = _prepare_quantized(ResNeXt101_32X8D_QuantizedWeights, ResNeXt101_32X8D_Weights, weights,
                                          quantize, kwargs)
    _ovewrite_named_param(kwargs, "groups", 32)
    _ovewrite_named_param(kwargs, "width_per_group", 8)
    return _resnet(QuantizableBottleneck, [3, 4, 23, 3], weights, progress, quantize, backend, **kwargs)


@builder(ResNeXt101_64X4D_QuantizedWeights, name="quantized_resnext101_64x4d", legacy_default=_legacy(
    lambda: ResNeXt101_64X4D_QuantizedWeights.IMAGENET1K_FBGEMM_V1, lambda: ResNeXt101_64X4D_Weights.IMAGENET1K_V1))
def resnext101_64x4d(*, weights=None, progress=True, quantize=False, **kwargs):
    """Quantizable ResNeXt-101 64x4d (``quantize=True``: int8, fbgemm).

    >>> from ember.vision.models.quantization import ResNeXt101_64X4D_QuantizedWeights
    >>> ResNeXt101_64X4D_QuantizedWeights.DEFAULT.meta["num_params"]
    83455272
    """
    weights, backend = _prepare_quantized(ResNeXt101_64X4D_QuantizedWeights, ResNeXt101_64X4D_Weights, weights,
                                          quantize, kwargs)
    _ovewrite_named_param(kwargs, "groups", 64)
    _ovewrite_named_param(kwargs, "width_per_group", 4)
    return _resnet(QuantizableBottleneck, [3, 4, 23, 3], weights, progress, quantize, backend, **kwargs)
