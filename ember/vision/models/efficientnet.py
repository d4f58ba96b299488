"""EfficientNet B0-B7 and EfficientNet v2 S/M/L (torchvision's module tree and keys).

>>> from ember.vision.models.efficientnet import efficientnet_b0
>>> efficientnet_b0(num_classes=10).eval()(ember.zeros(1, 3, 64, 64)).shape
torch.Size([1, 10])
"""
import copy
import functools
import math

import ember
from ... import nn
from ._api import _load_weights, _make_divisible, _make_weights_enum, _prepare, builder
from ._blocks import Conv2dNormActivation, SqueezeExcitation, StochasticDepth

__all__ = ["EfficientNet", "MBConvConfig", "FusedMBConvConfig", "efficientnet_b0", "efficientnet_b1",
           "efficientnet_b2", "efficientnet_b3", "efficientnet_b4", "efficientnet_b5", "efficientnet_b6",
           "efficientnet_b7", "efficientnet_v2_s", "efficientnet_v2_m", "efficientnet_v2_l",
           "EfficientNet_B0_Weights", "EfficientNet_B1_Weights", "EfficientNet_B2_Weights", "EfficientNet_B3_Weights",
           "EfficientNet_B4_Weights", "EfficientNet_B5_Weights", "EfficientNet_B6_Weights", "EfficientNet_B7_Weights",
           "EfficientNet_V2_S_Weights", "EfficientNet_V2_M_Weights", "EfficientNet_V2_L_Weights"]


class _MBConvConfig:
    def __init__(self, expand_ratio, kernel, stride, input_channels, out_channels, num_layers, block):
        self.expand_ratio = expand_ratio
        self.kernel = kernel
        self.stride = stride
        self.input_channels = input_channels
        self.out_channels = out_channels
        self.num_layers = num_layers
        self.block = block

    @staticmethod
    def adjust_channels(channels, width_mult, min_value=None):
        """``channels * width_mult`` rounded to a multiple of 8."""
        return _make_divisible(channels * width_mult, 8, min_value)


class MBConvConfig(_MBConvConfig):
    """An MBConv stage, widths and depth scaled by ``width_mult``/``depth_mult``.

    >>> from ember.vision.models.efficientnet import MBConvConfig
    >>> c = MBConvConfig(6, 3, 2, 16, 24, 2, width_mult=1.1, depth_mult=1.2); (c.out_channels, c.num_layers)
    (24, 3)
    """

    def __init__(self, expand_ratio, kernel, stride, input_channels, out_channels, num_layers, width_mult=1.0,
                 depth_mult=1.0, block=None):
        super().__init__(expand_ratio, kernel, stride, self.adjust_channels(input_channels, width_mult),
                         self.adjust_channels(out_channels, width_mult), self.adjust_depth(num_layers, depth_mult),
                         MBConv if block is None else block)

    @staticmethod
    def adjust_depth(num_layers, depth_mult):
        """``ceil(num_layers * depth_mult)``."""
        return int(math.ceil(num_layers * depth_mult))


class FusedMBConvConfig(_MBConvConfig):
    """A Fused-MBConv stage (EfficientNet v2).

    >>> from ember.vision.models.efficientnet import FusedMBConvConfig
    >>> FusedMBConvConfig(4, 3, 2, 24, 48, 4).block.__name__
    'FusedMBConv'
    """

    def __init__(self, expand_ratio, kernel, stride, input_channels, out_channels, num_layers, block=None):
        super().__init__(expand_ratio, kernel, stride, input_channels, out_channels, num_layers,
                         FusedMBConv if block is None else block)


class MBConv(nn.Module):
    """Expand 1x1, depthwise kxk, squeeze-excitation, project 1x1 (SiLU); residual with stochastic depth."""

    def __init__(self, cnf, stochastic_depth_prob, norm_layer, se_layer=SqueezeExcitation):
        super().__init__()
        if not (1 <= cnf.stride <= 2):
            raise ValueError("illegal stride value")
        self.use_res_connect = cnf.stride == 1 and cnf.input_channels == cnf.out_channels
        expanded = cnf.adjust_channels(cnf.input_channels, cnf.expand_ratio)
        layers = []
        if expanded != cnf.input_channels:
            layers.append(Conv2dNormActivation(cnf.input_channels, expanded, kernel_size=1, norm_layer=norm_layer,
                                               activation_layer=nn.SiLU))
        layers.append(Conv2dNormActivation(expanded, expanded, kernel_size=cnf.kernel, stride=cnf.stride,
                                           groups=expanded, norm_layer=norm_layer, activation_layer=nn.SiLU))
        layers.append(se_layer(expanded, max(1, cnf.input_channels // 4),
                               activation=functools.partial(nn.SiLU, inplace=True)))
        layers.append(Conv2dNormActivation(expanded, cnf.out_channels, kernel_size=1, norm_layer=norm_layer,
                                           activation_layer=None))
        self.block = nn.Sequential(*layers)
        self.stochastic_depth = StochasticDepth(stochastic_depth_prob, "row")
        self.out_channels = cnf.out_channels

    def forward(self, input):
        result = self.block(input)
        return self.stochastic_depth(result) + input if self.use_res_connect else result


class FusedMBConv(nn.Module):
    """Fused expand kxk (or a single kxk when not expanding), project 1x1; residual with stochastic depth."""

    def __init__(self, cnf, stochastic_depth_prob, norm_layer):
        super().__init__()
        if not (1 <= cnf.stride <= 2):
            raise ValueError("illegal stride value")
        self.use_res_connect = cnf.stride == 1 and cnf.input_channels == cnf.out_channels
        expanded = cnf.adjust_channels(cnf.input_channels, cnf.expand_ratio)
        if expanded != cnf.input_channels:
            layers = [Conv2dNormActivation(cnf.input_channels, expanded, kernel_size=cnf.kernel, stride=cnf.stride,
                                           norm_layer=norm_layer, activation_layer=nn.SiLU),
                      Conv2dNormActivation(expanded, cnf.out_channels, kernel_size=1, norm_layer=norm_layer,
                                           activation_layer=None)]
        else:
            layers = [Conv2dNormActivation(cnf.input_channels, cnf.out_channels, kernel_size=cnf.kernel,
                                           stride=cnf.stride, norm_layer=norm_layer, activation_layer=nn.SiLU)]
        self.block = nn.Sequential(*layers)
        self.stochastic_depth = StochasticDepth(stochastic_depth_prob, "row")
        self.out_channels = cnf.out_channels

    def forward(self, input):
        result = self.block(input)
        return self.stochastic_depth(result) + input if self.use_res_connect else result


class EfficientNet(nn.Module):
    """EfficientNet v1/v2 from a list of stage configs.

    >>> from ember.vision.models.efficientnet import EfficientNet, MBConvConfig
    >>> EfficientNet([MBConvConfig(1, 3, 1, 16, 16, 1)], 0.2, num_classes=3).classifier[1].in_features
    64
    """

    def __init__(self, inverted_residual_setting, dropout, stochastic_depth_prob=0.2, num_classes=1000,
                 norm_layer=None, last_channel=None):
        super().__init__()
        if not inverted_residual_setting:
            raise ValueError("The inverted_residual_setting should not be empty")
        if not (isinstance(inverted_residual_setting, (list, tuple))
                and all(isinstance(s, _MBConvConfig) for s in inverted_residual_setting)):
            raise TypeError("The inverted_residual_setting should be List[MBConvConfig]")
        norm_layer = nn.BatchNorm2d if norm_layer is None else norm_layer
        layers = [Conv2dNormActivation(3, inverted_residual_setting[0].input_channels, kernel_size=3, stride=2,
                                       norm_layer=norm_layer, activation_layer=nn.SiLU)]
        total = sum(c.num_layers for c in inverted_residual_setting)
        block_id = 0
        for cnf in inverted_residual_setting:
            stage = []
            for _ in range(cnf.num_layers):
                bc = copy.copy(cnf)
                if stage:
                    bc.input_channels = bc.out_channels
                    bc.stride = 1
                stage.append(bc.block(bc, stochastic_depth_prob * float(block_id) / total, norm_layer))
                block_id += 1
            layers.append(nn.Sequential(*stage))
        last_in = inverted_residual_setting[-1].out_channels
        last_out = last_channel if last_channel is not None else 4 * last_in
        layers.append(Conv2dNormActivation(last_in, last_out, kernel_size=1, norm_layer=norm_layer,
                                           activation_layer=nn.SiLU))
        self.features = nn.Sequential(*layers)
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Sequential(nn.Dropout(p=dropout, inplace=True), nn.Linear(last_out, num_classes))
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out")
                if m.bias is not None:
                    nn.init.zeros_(m.bias)
            elif isinstance(m, (nn.BatchNorm2d, nn.GroupNorm)):
                nn.init.ones_(m.weight)
                nn.init.zeros_(m.bias)
            elif isinstance(m, nn.Linear):
                r = 1.0 / math.sqrt(m.out_features)
                nn.init.uniform_(m.weight, -r, r)
                nn.init.zeros_(m.bias)

    def _forward_impl(self, x):
        return self.classifier(ember.flatten(self.avgpool(self.features(x)), 1))

    def forward(self, x):
        return self._forward_impl(x)


_V1 = [(1, 3, 1, 32, 16, 1), (6, 3, 2, 16, 24, 2), (6, 5, 2, 24, 40, 2), (6, 3, 2, 40, 80, 3), (6, 5, 1, 80, 112, 3),
       (6, 5, 2, 112, 192, 4), (6, 3, 1, 192, 320, 1)]
_V2 = {  # (fused?, expand, kernel, stride, in, out, layers)
    "efficientnet_v2_s": [(1, 1, 3, 1, 24, 24, 2), (1, 4, 3, 2, 24, 48, 4), (1, 4, 3, 2, 48, 64, 4),
                          (0, 4, 3, 2, 64, 128, 6), (0, 6, 3, 1, 128, 160, 9), (0, 6, 3, 2, 160, 256, 15)],
    "efficientnet_v2_m": [(1, 1, 3, 1, 24, 24, 3), (1, 4, 3, 2, 24, 48, 5), (1, 4, 3, 2, 48, 80, 5),
                          (0, 4, 3, 2, 80, 160, 7), (0, 6, 3, 1, 160, 176, 14), (0, 6, 3, 2, 176, 304, 18),
                          (0, 6, 3, 1, 304, 512, 5)],
    "efficientnet_v2_l": [(1, 1, 3, 1, 32, 32, 4), (1, 4, 3, 2, 32, 64, 7), (1, 4, 3, 2, 64, 96, 7),
                          (0, 4, 3, 2, 96, 192, 10), (0, 6, 3, 1, 192, 224, 19), (0, 6, 3, 2, 224, 384, 25),
                          (0, 6, 3, 1, 384, 640, 7)],
}


def _efficientnet_conf(arch, **kwargs):
    """The stage configs and last width of ``arch``."""
    if arch.startswith("efficientnet_b"):
        wm, dm = kwargs.pop("width_mult"), kwargs.pop("depth_mult")
        return [MBConvConfig(*c, width_mult=wm, depth_mult=dm) for c in _V1], None
    if arch in _V2:
        return [(FusedMBConvConfig if f else MBConvConfig)(*c) for f, *c in _V2[arch]], 1280
    raise ValueError(f"Unsupported model type {arch}")


def _efficientnet(setting, dropout, last_channel, weights, progress, **kwargs):
    return _load_weights(EfficientNet(setting, dropout, last_channel=last_channel, **kwargs), weights, progress)


_BN_TF = functools.partial(nn.BatchNorm2d, eps=0.001, momentum=0.01)
_BN_V2 = functools.partial(nn.BatchNorm2d, eps=1e-03)
EfficientNet_B0_Weights = _make_weights_enum("efficientnet_b0")
EfficientNet_B1_Weights = _make_weights_enum("efficientnet_b1")
EfficientNet_B2_Weights = _make_weights_enum("efficientnet_b2")
EfficientNet_B3_Weights = _make_weights_enum("efficientnet_b3")
EfficientNet_B4_Weights = _make_weights_enum("efficientnet_b4")
EfficientNet_B5_Weights = _make_weights_enum("efficientnet_b5")
EfficientNet_B6_Weights = _make_weights_enum("efficientnet_b6")
EfficientNet_B7_Weights = _make_weights_enum("efficientnet_b7")
EfficientNet_V2_S_Weights = _make_weights_enum("efficientnet_v2_s")
EfficientNet_V2_M_Weights = _make_weights_enum("efficientnet_v2_m")
EfficientNet_V2_L_Weights = _make_weights_enum("efficientnet_v2_l")


@builder(EfficientNet_B0_Weights, legacy_default="IMAGENET1K_V1")
def efficientnet_b0(*, weights=None, progress=True, **kwargs):
    """EfficientNet-B0 (width 1.0, depth 1.0, dropout 0.2); ``weights`` a :class:`EfficientNet_B0_Weights` member.

    >>> from ember.vision.models.efficientnet import EfficientNet_B0_Weights
    >>> EfficientNet_B0_Weights.DEFAULT.meta["num_params"] > 0
    True
    """
    weights = _prepare(EfficientNet_B0_Weights, weights, kwargs)
    setting, last = _efficientnet_conf("efficientnet_b0", width_mult=1.0, depth_mult=1.0)
    return _efficientnet(setting, kwargs.pop("dropout", 0.2), last, weights, progress, **kwargs)


@builder(EfficientNet_B1_Weights, legacy_default="IMAGENET1K_V1")
def efficientnet_b1(*, weights=None, progress=True, **kwargs):
    """EfficientNet-B1 (width 1.0, depth 1.1, dropout 0.2); ``weights`` a :class:`EfficientNet_B1_Weights` member.

    >>> from ember.vision.models.efficientnet import EfficientNet_B1_Weights
    >>> EfficientNet_B1_Weights.DEFAULT.meta["num_params"] > 0
    True
    """
    weights = _prepare(EfficientNet_B1_Weights, weights, kwargs)
    setting, last = _efficientnet_conf("efficientnet_b1", width_mult=1.0, depth_mult=1.1)
    return _efficientnet(setting, kwargs.pop("dropout", 0.2), last, weights, progress, **kwargs)


@builder(EfficientNet_B2_Weights, legacy_default="IMAGENET1K_V1")
def efficientnet_b2(*, weights=None, progress=True, **kwargs):
    """EfficientNet-B2 (width 1.1, depth 1.2, dropout 0.3); ``weights`` a :class:`EfficientNet_B2_Weights` member.

    >>> from ember.vision.models.efficientnet import EfficientNet_B2_Weights
    >>> EfficientNet_B2_Weights.DEFAULT.meta["num_params"] > 0
    True
    """
    weights = _prepare(EfficientNet_B2_Weights, weights, kwargs)
    setting, last = _efficientnet_conf("efficientnet_b2", width_mult=1.1, depth_mult=1.2)
    return _efficientnet(setting, kwargs.pop("dropout", 0.3), last, weights, progress, **kwargs)


@builder(EfficientNet_B3_Weights, legacy_default="IMAGENET1K_V1")
def efficientnet_b3(*, weights=None, progress=True, **kwargs):
    """EfficientNet-B3 (width 1.2, depth 1.4, dropout 0.3); ``weights`` a :class:`EfficientNet_B3_Weights` member.

    >>> from ember.vision.models.efficientnet import EfficientNet_B3_Weights
    >>> EfficientNet_B3_Weights.DEFAULT.meta["num_params"] > 0
    True
    """
    weights = _prepare(EfficientNet_B3_Weights, weights, kwargs)
    setting, last = _efficientnet_conf("efficientnet_b3", width_mult=1.2, depth_mult=1.4)
    return _efficientnet(setting, kwargs.pop("dropout", 0.3), last, weights, progress, **kwargs)


@builder(EfficientNet_B4_Weights, legacy_default="IMAGENET1K_V1")
def efficientnet_b4(*, weights=None, progress=True, **kwargs):
    """EfficientNet-B4 (width 1.4, depth 1.8, dropout 0.4); ``weights`` a :class:`EfficientNet_B4_Weights` member.

    >>> from ember.vision.models.efficientnet import EfficientNet_B4_Weights
    >>> EfficientNet_B4_Weights.DEFAULT.meta["num_params"] > 0
    True
    """
    weights = _prepare(EfficientNet_B4_Weights, weights, kwargs)
    setting, last = _efficientnet_conf("efficientnet_b4", width_mult=1.4, depth_mult=1.8)
    return _efficientnet(setting, kwargs.pop("dropout", 0.4), last, weights, progress, **kwargs)


@builder(EfficientNet_B5_Weights, legacy_default="IMAGENET1K_V1")
def efficientnet_b5(*, weights=None, progress=True, **kwargs):
    """EfficientNet-B5 (width 1.6, depth 2.2, dropout 0.4); ``weights`` a :class:`EfficientNet_B5_Weights` member.

    >>> from ember.vision.models.efficientnet import EfficientNet_B5_Weights
    >>> EfficientNet_B5_Weights.DEFAULT.meta["num_params"] > 0
    True
    """
    weights = _prepare(EfficientNet_B5_Weights, weights, kwargs)
    setting, last = _efficientnet_conf("efficientnet_b5", width_mult=1.6, depth_mult=2.2)
    return _efficientnet(setting, kwargs.pop("dropout", 0.4), last, weights, progress, norm_layer=_BN_TF, **kwargs)


@builder(EfficientNet_B6_Weights, legacy_default="IMAGENET1K_V1")
def efficientnet_b6(*, weights=None, progress=True, **kwargs):
    """EfficientNet-B6 (width 1.8, depth 2.6, dropout 0.5); ``weights`` a :class:`EfficientNet_B6_Weights` member.

    >>> from ember.vision.models.efficientnet import EfficientNet_B6_Weights
    >>> EfficientNet_B6_Weights.DEFAULT.meta["num_params"] > 0
    True
    """
    weights = _prepare(EfficientNet_B6_Weights, weights, kwargs)
    setting, last = _efficientnet_conf("efficientnet_b6", width_mult=1.8, depth_mult=2.6)
    return _efficientnet(setting, kwargs.pop("dropout", 0.5), last, weights, progress, norm_layer=_BN_TF, **kwargs)


@builder(EfficientNet_B7_Weights, legacy_default="IMAGENET1K_V1")
def efficientnet_b7(*, weights=None, progress=True, **kwargs):
    """EfficientNet-B7 (width 2.0, depth 3.1, dropout 0.5); ``weights`` a :class:`EfficientNet_B7_Weights` member.

    >>> from ember.vision.models.efficientnet import EfficientNet_B7_Weights
    >>> EfficientNet_B7_Weights.DEFAULT.meta["num_params"] > 0
    True
    """
    weights = _prepare(EfficientNet_B7_Weights, weights, kwargs)
    setting, last = _efficientnet_conf("efficientnet_b7", width_mult=2.0, depth_mult=3.1)
    return _efficientnet(setting, kwargs.pop("dropout", 0.5), last, weights, progress, norm_layer=_BN_TF, **kwargs)


@builder(EfficientNet_V2_S_Weights, legacy_default="IMAGENET1K_V1")
def efficientnet_v2_s(*, weights=None, progress=True, **kwargs):
    """EfficientNet v2-S (dropout 0.2); ``weights`` an :class:`EfficientNet_V2_S_Weights` member.

    >>> from ember.vision.models.efficientnet import EfficientNet_V2_S_Weights
    >>> EfficientNet_V2_S_Weights.DEFAULT.meta["num_params"] > 0
    True
    """
    weights = _prepare(EfficientNet_V2_S_Weights, weights, kwargs)
    setting, last = _efficientnet_conf("efficientnet_v2_s")
    return _efficientnet(setting, kwargs.pop("dropout", 0.2), last, weights, progress, norm_layer=_BN_V2, **kwargs)


@builder(EfficientNet_V2_M_Weights, legacy_default="IMAGENET1K_V1")
def efficientnet_v2_m(*, weights=None, progress=True, **kwargs):
    """EfficientNet v2-M (dropout 0.3); ``weights`` an :class:`EfficientNet_V2_M_Weights` member.

    >>> from ember.vision.models.efficientnet import EfficientNet_V2_M_Weights
    >>> EfficientNet_V2_M_Weights.DEFAULT.meta["num_params"] > 0
    True
    """
    weights = _prepare(EfficientNet_V2_M_Weights, weights, kwargs)
    setting, last = _efficientnet_conf("efficientnet_v2_m")
    return _efficientnet(setting, kwargs.pop("dropout", 0.3), last, weights, progress, norm_layer=_BN_V2, **kwargs)


@builder(EfficientNet_V2_L_Weights, legacy_default="IMAGENET1K_V1")
def efficientnet_v2_l(*, weights=None, progress=True, **kwargs):
    """EfficientNet v2-L (dropout 0.4); ``weights`` an :class:`EfficientNet_V2_L_Weights` member.

    >>> from ember.vision.models.efficientnet import EfficientNet_V2_L_Weights
    >>> EfficientNet_V2_L_Weights.DEFAULT.meta["num_params"] > 0
    True
    """
    weights = _prepare(EfficientNet_V2_L_Weights, weights, kwargs)
    setting, last = _efficientnet_conf("efficientnet_v2_l")
    return _efficientnet(setting, kwargs.pop("dropout", 0.4), last, weights, progress, norm_layer=_BN_V2, **kwargs)
