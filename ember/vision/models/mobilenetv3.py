"""MobileNet v3 large and small (torchvision's module tree and keys).

>>> from ember.vision.models.mobilenetv3 import mobilenet_v3_small
>>> mobilenet_v3_small(num_classes=10).eval()(ember.zeros(1, 3, 32, 32)).shape
torch.Size([1, 10])
"""
import functools

import ember
from ... import nn
from ._api import _load_weights, _make_divisible, _make_weights_enum, _prepare, builder
from ._blocks import Conv2dNormActivation, SqueezeExcitation, init_mobile

__all__ = ["MobileNetV3", "InvertedResidualConfig", "InvertedResidual", "mobilenet_v3_large",
           "mobilenet_v3_small", "MobileNet_V3_Large_Weights", "MobileNet_V3_Small_Weights"]


class InvertedResidualConfig:
    """One bottleneck's settings; channel counts scaled by ``width_mult`` and rounded to multiples of 8.

    >>> from ember.vision.models.mobilenetv3 import InvertedResidualConfig
    >>> InvertedResidualConfig(16, 3, 64, 24, False, "RE", 2, 1, 0.5).out_channels
    16
    """

    def __init__(self, input_channels, kernel, expanded_channels, out_channels, use_se, activation, stride,
                 dilation, width_mult):
        self.input_channels = self.adjust_channels(input_channels, width_mult)
        self.kernel = kernel
        self.expanded_channels = self.adjust_channels(expanded_channels, width_mult)
        self.out_channels = self.adjust_channels(out_channels, width_mult)
        self.use_se = use_se
        self.use_hs = activation == "HS"
        self.stride = stride
        self.dilation = dilation

    @staticmethod
    def adjust_channels(channels, width_mult):
        """``channels * width_mult`` rounded to a multiple of 8."""
        return _make_divisible(channels * width_mult, 8)


class InvertedResidual(nn.Module):
    """Expand, depthwise (optionally dilated), optional squeeze-excitation, project; residual when possible.

    >>> from ember.vision.models.mobilenetv3 import InvertedResidual, InvertedResidualConfig
    >>> cnf = InvertedResidualConfig(16, 3, 64, 16, True, "HS", 1, 1, 1.0)
    >>> InvertedResidual(cnf, nn.BatchNorm2d)(ember.zeros(1, 16, 4, 4)).shape
    torch.Size([1, 16, 4, 4])
    """

    def __init__(self, cnf, norm_layer, se_layer=functools.partial(SqueezeExcitation,
                                                                   scale_activation=nn.Hardsigmoid)):
        super().__init__()
        if not (1 <= cnf.stride <= 2):
            raise ValueError("illegal stride value")
        self.use_res_connect = cnf.stride == 1 and cnf.input_channels == cnf.out_channels
        act = nn.Hardswish if cnf.use_hs else nn.ReLU
        layers = []
        if cnf.expanded_channels != cnf.input_channels:
            layers.append(Conv2dNormActivation(cnf.input_channels, cnf.expanded_channels, kernel_size=1,
                                               norm_layer=norm_layer, activation_layer=act))
        stride = 1 if cnf.dilation > 1 else cnf.stride
        layers.append(Conv2dNormActivation(cnf.expanded_channels, cnf.expanded_channels, kernel_size=cnf.kernel,
                                           stride=stride, dilation=cnf.dilation, groups=cnf.expanded_channels,
                                           norm_layer=norm_layer, activation_layer=act))
        if cnf.use_se:
            layers.append(se_layer(cnf.expanded_channels, _make_divisible(cnf.expanded_channels // 4, 8)))
        layers.append(Conv2dNormActivation(cnf.expanded_channels, cnf.out_channels, kernel_size=1,
                                           norm_layer=norm_layer, activation_layer=None))
        self.block = nn.Sequential(*layers)
        self.out_channels = cnf.out_channels
        self._is_cn = cnf.stride > 1

    def forward(self, input):
        result = self.block(input)
        return result + input if self.use_res_connect else result


class MobileNetV3(nn.Module):
    """MobileNet v3 from a list of :class:`InvertedResidualConfig` and the classifier's hidden width.

    >>> from ember.vision.models.mobilenetv3 import MobileNetV3, _mobilenet_v3_conf, mobilenet_v3_small
    >>> cfg, last = _mobilenet_v3_conf("mobilenet_v3_small")
    >>> MobileNetV3(cfg, last, num_classes=2).classifier[-1].out_features
    2
    """

    def __init__(self, inverted_residual_setting, last_channel, num_classes=1000, block=None, norm_layer=None,
                 dropout=0.2, **kwargs):
        super().__init__()
        if not inverted_residual_setting:
            raise ValueError("The inverted_residual_setting should not be empty")
        if not (isinstance(inverted_residual_setting, (list, tuple))
                and all(isinstance(s, InvertedResidualConfig) for s in inverted_residual_setting)):
            raise TypeError("The inverted_residual_setting should be List[InvertedResidualConfig]")
        block = InvertedResidual if block is None else block
        if norm_layer is None:
            norm_layer = functools.partial(nn.BatchNorm2d, eps=0.001, momentum=0.01)
        first = inverted_residual_setting[0].input_channels
        layers = [Conv2dNormActivation(3, first, kernel_size=3, stride=2, norm_layer=norm_layer,
                                       activation_layer=nn.Hardswish)]
        for cnf in inverted_residual_setting:
            layers.append(block(cnf, norm_layer))
        last_in = inverted_residual_setting[-1].out_channels
        last_out = 6 * last_in
        layers.append(Conv2dNormActivation(last_in, last_out, kernel_size=1, norm_layer=norm_layer,
                                           activation_layer=nn.Hardswish))
        self.features = nn.Sequential(*layers)
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Sequential(nn.Linear(last_out, last_channel), nn.Hardswish(inplace=True),
                                        nn.Dropout(p=dropout, inplace=True), nn.Linear(last_channel, num_classes))
        init_mobile(self)

    def _forward_impl(self, x):
        x = self.avgpool(self.features(x))
        return self.classifier(ember.flatten(x, 1))

    def forward(self, x):
        return self._forward_impl(x)


_LARGE = [(16, 3, 16, 16, False, "RE", 1, 0), (16, 3, 64, 24, False, "RE", 2, 0), (24, 3, 72, 24, False, "RE", 1, 0),
          (24, 5, 72, 40, True, "RE", 2, 0), (40, 5, 120, 40, True, "RE", 1, 0), (40, 5, 120, 40, True, "RE", 1, 0),
          (40, 3, 240, 80, False, "HS", 2, 0), (80, 3, 200, 80, False, "HS", 1, 0),
          (80, 3, 184, 80, False, "HS", 1, 0), (80, 3, 184, 80, False, "HS", 1, 0),
          (80, 3, 480, 112, True, "HS", 1, 0), (112, 3, 672, 112, True, "HS", 1, 0),
          (112, 5, 672, -160, True, "HS", 2, 1), (-160, 5, -960, -160, True, "HS", 1, 1),
          (-160, 5, -960, -160, True, "HS", 1, 1)]
_SMALL = [(16, 3, 16, 16, True, "RE", 2, 0), (16, 3, 72, 24, False, "RE", 2, 0), (24, 3, 88, 24, False, "RE", 1, 0),
          (24, 5, 96, 40, True, "HS", 2, 0), (40, 5, 240, 40, True, "HS", 1, 0), (40, 5, 240, 40, True, "HS", 1, 0),
          (40, 5, 120, 48, True, "HS", 1, 0), (48, 5, 144, 48, True, "HS", 1, 0),
          (48, 5, 288, -96, True, "HS", 2, 1), (-96, 5, -576, -96, True, "HS", 1, 1),
          (-96, 5, -576, -96, True, "HS", 1, 1)]


def _mobilenet_v3_conf(arch, width_mult=1.0, reduced_tail=False, dilated=False, **kwargs):
    """The bottleneck list and classifier width of ``arch`` (negative channel entries are the tail,
    divided by 2 when ``reduced_tail``; the last flag marks the C4 stage, dilated by 2 when ``dilated``)."""
    rd = 2 if reduced_tail else 1
    dil = 2 if dilated else 1
    table, last = {"mobilenet_v3_large": (_LARGE, 1280), "mobilenet_v3_small": (_SMALL, 1024)}.get(arch, (None, 0))
    if table is None:
        raise ValueError(f"Unsupported model type {arch}")
    ch = lambda c: c if c > 0 else -c // rd  # noqa: E731
    setting = [InvertedResidualConfig(ch(i), k, ch(e), ch(o), se, a, s, dil if c4 else 1, width_mult)
               for i, k, e, o, se, a, s, c4 in table]
    return setting, InvertedResidualConfig.adjust_channels(last // rd, width_mult)


def _mobilenet_v3(setting, last_channel, weights, progress, **kwargs):
    return _load_weights(MobileNetV3(setting, last_channel, **kwargs), weights, progress)


MobileNet_V3_Large_Weights = _make_weights_enum("mobilenet_v3_large")
MobileNet_V3_Small_Weights = _make_weights_enum("mobilenet_v3_small")


@builder(MobileNet_V3_Large_Weights, legacy_default="IMAGENET1K_V1")
def mobilenet_v3_large(*, weights=None, progress=True, **kwargs):
    """MobileNet v3 large; ``weights`` a :class:`MobileNet_V3_Large_Weights` member (or its name).

    >>> from ember.vision.models.mobilenetv3 import MobileNet_V3_Large_Weights
    >>> MobileNet_V3_Large_Weights.DEFAULT.name
    'IMAGENET1K_V2'
    """
    weights = _prepare(MobileNet_V3_Large_Weights, weights, kwargs)
    setting, last = _mobilenet_v3_conf("mobilenet_v3_large", **kwargs)
    return _mobilenet_v3(setting, last, weights, progress, **kwargs)


@builder(MobileNet_V3_Small_Weights, legacy_default="IMAGENET1K_V1")
def mobilenet_v3_small(*, weights=None, progress=True, **kwargs):
    """MobileNet v3 small; ``weights`` a :class:`MobileNet_V3_Small_Weights` member (or its name).

    >>> from ember.vision.models.mobilenetv3 import MobileNet_V3_Small_Weights
    >>> MobileNet_V3_Small_Weights.DEFAULT.name
    'IMAGENET1K_V1'
    """
    weights = _prepare(MobileNet_V3_Small_Weights, weights, kwargs)
    setting, last = _mobilenet_v3_conf("mobilenet_v3_small", **kwargs)
    return _mobilenet_v3(setting, last, weights, progress, **kwargs)
