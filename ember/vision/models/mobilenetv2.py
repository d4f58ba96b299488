"""MobileNet v2 (torchvision's module tree and keys).

>>> from ember.vision.models.mobilenetv2 import mobilenet_v2
>>> mobilenet_v2(num_classes=10).eval()(ember.zeros(1, 3, 32, 32)).shape
torch.Size([1, 10])
"""
import ember
from ... import nn
from ._api import _load_weights, _make_divisible, _make_weights_enum, _prepare, builder
from ._blocks import Conv2dNormActivation, init_mobile

__all__ = ["MobileNetV2", "InvertedResidual", "mobilenet_v2", "MobileNet_V2_Weights"]


class InvertedResidual(nn.Module):
    """Expand (1x1), depthwise 3x3, linear project (1x1); residual when shapes allow.

    >>> from ember.vision.models.mobilenetv2 import InvertedResidual
    >>> InvertedResidual(8, 8, 1, 6)(ember.zeros(1, 8, 4, 4)).shape
    torch.Size([1, 8, 4, 4])
    """

    def __init__(self, inp, oup, stride, expand_ratio, norm_layer=None):
        super().__init__()
        self.stride = stride
        if stride not in [1, 2]:
            raise ValueError(f"stride should be 1 or 2 instead of {stride}")
        norm_layer = nn.BatchNorm2d if norm_layer is None else norm_layer
        hidden_dim = int(round(inp * expand_ratio))
        self.use_res_connect = self.stride == 1 and inp == oup
        layers = []
        if expand_ratio != 1:
            layers.append(Conv2dNormActivation(inp, hidden_dim, kernel_size=1, norm_layer=norm_layer,
                                               activation_layer=nn.ReLU6))
        layers += [Conv2dNormActivation(hidden_dim, hidden_dim, stride=stride, groups=hidden_dim,
                                        norm_layer=norm_layer, activation_layer=nn.ReLU6),
                   nn.Conv2d(hidden_dim, oup, 1, 1, 0, bias=False), norm_layer(oup)]
        self.conv = nn.Sequential(*layers)
        self.out_channels = oup
        self._is_cn = stride > 1

    def forward(self, x):
        return x + self.conv(x) if self.use_res_connect else self.conv(x)


class MobileNetV2(nn.Module):
    """MobileNet v2: a stem, inverted residual stages, a 1x1 head conv and a dropout+linear classifier.

    >>> from ember.vision.models.mobilenetv2 import MobileNetV2
    >>> MobileNetV2(width_mult=0.5).features[0][0].out_channels
    16
    """

    def __init__(self, num_classes=1000, width_mult=1.0, inverted_residual_setting=None, round_nearest=8,
                 block=None, norm_layer=None, dropout=0.2):
        super().__init__()
        block = InvertedResidual if block is None else block
        norm_layer = nn.BatchNorm2d if norm_layer is None else norm_layer
        input_channel, last_channel = 32, 1280
        if inverted_residual_setting is None:
            inverted_residual_setting = [[1, 16, 1, 1], [6, 24, 2, 2], [6, 32, 3, 2], [6, 64, 4, 2],
                                         [6, 96, 3, 1], [6, 160, 3, 2], [6, 320, 1, 1]]
        if len(inverted_residual_setting) == 0 or len(inverted_residual_setting[0]) != 4:
            raise ValueError("inverted_residual_setting should be non-empty or a 4-element list, "
                             f"got {inverted_residual_setting}")
        input_channel = _make_divisible(input_channel * width_mult, round_nearest)
        self.last_channel = _make_divisible(last_channel * max(1.0, width_mult), round_nearest)
        features = [Conv2dNormActivation(3, input_channel, stride=2, norm_layer=norm_layer,
                                         activation_layer=nn.ReLU6)]
        for t, c, n, s in inverted_residual_setting:
            output_channel = _make_divisible(c * width_mult, round_nearest)
            for i in range(n):
                features.append(block(input_channel, output_channel, s if i == 0 else 1, expand_ratio=t,
                                      norm_layer=norm_layer))
                input_channel = output_channel
        features.append(Conv2dNormActivation(input_channel, self.last_channel, kernel_size=1,
                                             norm_layer=norm_layer, activation_layer=nn.ReLU6))
        self.features = nn.Sequential(*features)
        self.classifier = nn.Sequential(nn.Dropout(p=dropout), nn.Linear(self.last_channel, num_classes))
        init_mobile(self)

    def _forward_impl(self, x):
        x = nn.functional.adaptive_avg_pool2d(self.features(x), (1, 1))
        return self.classifier(ember.flatten(x, 1))

    def forward(self, x):
        return self._forward_impl(x)


MobileNet_V2_Weights = _make_weights_enum("mobilenet_v2")


@builder(MobileNet_V2_Weights, legacy_default="IMAGENET1K_V1")
def mobilenet_v2(*, weights=None, progress=True, **kwargs):
    """MobileNet v2; ``weights`` a :class:`MobileNet_V2_Weights` member (or its name).

    >>> from ember.vision.models.mobilenetv2 import MobileNet_V2_Weights
    >>> MobileNet_V2_Weights.DEFAULT.name
    'IMAGENET1K_V2'
    """
    weights = _prepare(MobileNet_V2_Weights, weights, kwargs)
    return _load_weights(MobileNetV2(**kwargs), weights, progress)
