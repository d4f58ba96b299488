"""ConvNeXt tiny/small/base/large (torchvision's module tree and keys).

>>> from ember.vision.models.convnext import convnext_tiny
>>> convnext_tiny(num_classes=10).eval()(ember.zeros(1, 3, 64, 64)).shape
torch.Size([1, 10])
"""
import functools

import ember
from ... import nn
from ._api import _load_weights, _make_weights_enum, _prepare, builder
from ._blocks import Conv2dNormActivation, Permute, StochasticDepth

__all__ = ["ConvNeXt", "CNBlockConfig", "convnext_tiny", "convnext_small", "convnext_base", "convnext_large",
           "ConvNeXt_Tiny_Weights", "ConvNeXt_Small_Weights", "ConvNeXt_Base_Weights", "ConvNeXt_Large_Weights"]


class LayerNorm2d(nn.LayerNorm):
    """LayerNorm over the channels of an NCHW tensor.

    >>> from ember.vision.models.convnext import LayerNorm2d
    >>> LayerNorm2d(3)(ember.arange(12.).reshape(1, 3, 2, 2)).shape
    torch.Size([1, 3, 2, 2])
    """

    def forward(self, x):
        x = nn.functional.layer_norm(x.permute(0, 2, 3, 1), self.normalized_shape, self.weight, self.bias, self.eps)
        return x.permute(0, 3, 1, 2)


class CNBlock(nn.Module):
    """Depthwise 7x7 conv, LayerNorm, MLP (4x), layer scale, stochastic depth, residual.

    >>> from ember.vision.models.convnext import CNBlock
    >>> CNBlock(8, 1e-6, 0.0)(ember.zeros(1, 8, 4, 4)).shape
    torch.Size([1, 8, 4, 4])
    """

    def __init__(self, dim, layer_scale, stochastic_depth_prob, norm_layer=None):
        super().__init__()
        if norm_layer is None:
            norm_layer = functools.partial(nn.LayerNorm, eps=1e-6)
        self.block = nn.Sequential(
            nn.Conv2d(dim, dim, kernel_size=7, padding=3, groups=dim, bias=True), Permute([0, 2, 3, 1]),
            norm_layer(dim), nn.Linear(in_features=dim, out_features=4 * dim, bias=True), nn.GELU(),
            nn.Linear(in_features=4 * dim, out_features=dim, bias=True), Permute([0, 3, 1, 2]))
        self.layer_scale = nn.Parameter(ember.ones(dim, 1, 1) * layer_scale)
        self.stochastic_depth = StochasticDepth(stochastic_depth_prob, "row")

    def forward(self, input):
        return self.stochastic_depth(self.layer_scale * self.block(input)) + input


class CNBlockConfig:
    """One stage: its width, the width after its downsampling layer (None for the last), its depth.

    >>> from ember.vision.models.convnext import CNBlockConfig
    >>> CNBlockConfig(96, 192, 3)
    CNBlockConfig(input_channels=96, out_channels=192, num_layers=3)
    """

    def __init__(self, input_channels, out_channels, num_layers):
        self.input_channels = input_channels
        self.out_channels = out_channels
        self.num_layers = num_layers

    def __repr__(self):
        return (f"{self.__class__.__name__}(input_channels={self.input_channels}, out_channels={self.out_channels}, "
                f"num_layers={self.num_layers})")


class ConvNeXt(nn.Module):
    """ConvNeXt: a 4x4 patchify stem, stages of :class:`CNBlock` with downsampling between, a norm+linear head.

    >>> from ember.vision.models.convnext import CNBlockConfig
    >>> from ember.vision.models.convnext import ConvNeXt
    >>> ConvNeXt([CNBlockConfig(8, None, 2)], num_classes=3).classifier[-1].in_features
    8
    """

    def __init__(self, block_setting, stochastic_depth_prob=0.0, layer_scale=1e-6, num_classes=1000, block=None,
                 norm_layer=None, **kwargs):
        super().__init__()
        if not block_setting:
            raise ValueError("The block_setting should not be empty")
        if not (isinstance(block_setting, (list, tuple)) and all(isinstance(s, CNBlockConfig) for s in block_setting)):
            raise TypeError("The block_setting should be List[CNBlockConfig]")
        block = CNBlock if block is None else block
        if norm_layer is None:
            norm_layer = functools.partial(LayerNorm2d, eps=1e-6)
        layers = [Conv2dNormActivation(3, block_setting[0].input_channels, kernel_size=4, stride=4, padding=0,
                                       norm_layer=norm_layer, activation_layer=None, bias=True)]
        total = sum(c.num_layers for c in block_setting)
        block_id = 0
        for cnf in block_setting:
            stage = []
            for _ in range(cnf.num_layers):
                stage.append(block(cnf.input_channels, layer_scale, stochastic_depth_prob * block_id / (total - 1.0)))
                block_id += 1
            layers.append(nn.Sequential(*stage))
            if cnf.out_channels is not None:
                layers.append(nn.Sequential(norm_layer(cnf.input_channels),
                                            nn.Conv2d(cnf.input_channels, cnf.out_channels, kernel_size=2, stride=2)))
        self.features = nn.Sequential(*layers)
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        last = block_setting[-1]
        last_ch = last.out_channels if last.out_channels is not None else last.input_channels
        self.classifier = nn.Sequential(norm_layer(last_ch), nn.Flatten(1), nn.Linear(last_ch, num_classes))
        for m in self.modules():
            if isinstance(m, (nn.Conv2d, nn.Linear)):
                nn.init.trunc_normal_(m.weight, std=0.02)
                if m.bias is not None:
                    nn.init.zeros_(m.bias)

    def _forward_impl(self, x):
        return self.classifier(self.avgpool(self.features(x)))

    def forward(self, x):
        return self._forward_impl(x)


def _convnext(block_setting, stochastic_depth_prob, weights, progress, **kwargs):
    model = ConvNeXt(block_setting, stochastic_depth_prob=stochastic_depth_prob, **kwargs)
    return _load_weights(model, weights, progress)


ConvNeXt_Tiny_Weights = _make_weights_enum("convnext_tiny")
ConvNeXt_Small_Weights = _make_weights_enum("convnext_small")
ConvNeXt_Base_Weights = _make_weights_enum("convnext_base")
ConvNeXt_Large_Weights = _make_weights_enum("convnext_large")


@builder(ConvNeXt_Tiny_Weights, legacy_default="IMAGENET1K_V1")
def convnext_tiny(*, weights=None, progress=True, **kwargs):
    """ConvNeXt Tiny (stochastic depth 0.1 by default); ``weights`` a :class:`ConvNeXt_Tiny_Weights` member.

    >>> from ember.vision.models.convnext import ConvNeXt_Tiny_Weights
    >>> ConvNeXt_Tiny_Weights.DEFAULT.meta["min_size"]
    (32, 32)
    """
    weights = _prepare(ConvNeXt_Tiny_Weights, weights, kwargs)
    setting = [CNBlockConfig(*c) for c in [(96, 192, 3), (192, 384, 3), (384, 768, 9), (768, None, 3)]]
    return _convnext(setting, kwargs.pop("stochastic_depth_prob", 0.1), weights, progress, **kwargs)


@builder(ConvNeXt_Small_Weights, legacy_default="IMAGENET1K_V1")
def convnext_small(*, weights=None, progress=True, **kwargs):
    """ConvNeXt Small (stochastic depth 0.4 by default); ``weights`` a :class:`ConvNeXt_Small_Weights` member.

    >>> from ember.vision.models.convnext import ConvNeXt_Small_Weights
    >>> ConvNeXt_Small_Weights.DEFAULT.meta["min_size"]
    (32, 32)
    """
    weights = _prepare(ConvNeXt_Small_Weights, weights, kwargs)
    setting = [CNBlockConfig(*c) for c in [(96, 192, 3), (192, 384, 3), (384, 768, 27), (768, None, 3)]]
    return _convnext(setting, kwargs.pop("stochastic_depth_prob", 0.4), weights, progress, **kwargs)


@builder(ConvNeXt_Base_Weights, legacy_default="IMAGENET1K_V1")
def convnext_base(*, weights=None, progress=True, **kwargs):
    """ConvNeXt Base (stochastic depth 0.5 by default); ``weights`` a :class:`ConvNeXt_Base_Weights` member.

    >>> from ember.vision.models.convnext import ConvNeXt_Base_Weights
    >>> ConvNeXt_Base_Weights.DEFAULT.meta["min_size"]
    (32, 32)
    """
    weights = _prepare(ConvNeXt_Base_Weights, weights, kwargs)
    setting = [CNBlockConfig(*c) for c in [(128, 256, 3), (256, 512, 3), (512, 1024, 27), (1024, None, 3)]]
    return _convnext(setting, kwargs.pop("stochastic_depth_prob", 0.5), weights, progress, **kwargs)


@builder(ConvNeXt_Large_Weights, legacy_default="IMAGENET1K_V1")
def convnext_large(*, weights=None, progress=True, **kwargs):
    """ConvNeXt Large (stochastic depth 0.5 by default); ``weights`` a :class:`ConvNeXt_Large_Weights` member.

    >>> from ember.vision.models.convnext import ConvNeXt_Large_Weights
    >>> ConvNeXt_Large_Weights.DEFAULT.meta["min_size"]
    (32, 32)
    """
    weights = _prepare(ConvNeXt_Large_Weights, weights, kwargs)
    setting = [CNBlockConfig(*c) for c in [(192, 384, 3), (384, 768, 3), (768, 1536, 27), (1536, None, 3)]]
    return _convnext(setting, kwargs.pop("stochastic_depth_prob", 0.5), weights, progress, **kwargs)
