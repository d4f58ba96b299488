"""``torchvision.ops.feature_pyramid_network``: the Feature Pyramid Network and its extra
top levels (``LastLevelMaxPool``, ``LastLevelP6P7``).

>>> from collections import OrderedDict
>>> from ember.vision.ops import FeaturePyramidNetwork
>>> fpn = FeaturePyramidNetwork([4, 8], 6)
>>> out = fpn(OrderedDict(a=ember.rand(1, 4, 8, 8), b=ember.rand(1, 8, 4, 4)))
>>> [(k, tuple(v.shape)) for k, v in out.items()]
[('a', (1, 6, 8, 8)), ('b', (1, 6, 4, 4))]
"""
from collections import OrderedDict

from ... import nn
from .misc import Conv2dNormActivation

__all__ = ["FeaturePyramidNetwork", "ExtraFPNBlock", "LastLevelMaxPool", "LastLevelP6P7"]

F = nn.functional


class ExtraFPNBlock(nn.Module):
    """Base of the blocks that add levels on top of an FPN: ``forward(results, x, names)`` returns
    the extended ``(results, names)``.

    >>> from ember.vision.ops.feature_pyramid_network import ExtraFPNBlock, LastLevelMaxPool
    >>> issubclass(LastLevelMaxPool, ExtraFPNBlock)
    True
    """

    def forward(self, results, x, names):
        pass


class FeaturePyramidNetwork(nn.Module):
    """FPN over an ordered dict of feature maps (highest resolution first): a 1x1 lateral conv
    per level (``inner_blocks``), top-down nearest upsampling and sums, then a 3x3 conv per
    level (``layer_blocks``); ``extra_blocks`` may append levels. Returns an OrderedDict.

    >>> from ember.vision.ops import FeaturePyramidNetwork
    >>> from ember.vision.ops.feature_pyramid_network import LastLevelMaxPool
    >>> fpn = FeaturePyramidNetwork([4], 6, extra_blocks=LastLevelMaxPool())
    >>> list(fpn({"0": ember.rand(1, 4, 8, 8)}))
    ['0', 'pool']
    """

    _version = 2

    def __init__(self, in_channels_list, out_channels, extra_blocks=None, norm_layer=None):
        super().__init__()
        self.inner_blocks = nn.ModuleList()
        self.layer_blocks = nn.ModuleList()
        for in_channels in in_channels_list:
            if in_channels == 0:
                raise ValueError("in_channels=0 is currently not supported")
            self.inner_blocks.append(Conv2dNormActivation(in_channels, out_channels, kernel_size=1, padding=0,
                                                          norm_layer=norm_layer, activation_layer=None))
            self.layer_blocks.append(Conv2dNormActivation(out_channels, out_channels, kernel_size=3,
                                                          norm_layer=norm_layer, activation_layer=None))
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_uniform_(m.weight, a=1)
                if m.bias is not None:
                    nn.init.constant_(m.bias, 0)
        if extra_blocks is not None and not isinstance(extra_blocks, ExtraFPNBlock):
            raise TypeError(f"extra_blocks should be of type ExtraFPNBlock not {type(extra_blocks)}")
        self.extra_blocks = extra_blocks

    def _load_from_state_dict(self, state_dict, prefix, local_metadata, strict, missing_keys,
                              unexpected_keys, error_msgs):
        version = local_metadata.get("version", None)
        if version is None or version < 2:           # version 1 kept the convs directly (no ".0")
            for block in ["inner_blocks", "layer_blocks"]:
                for i in range(len(self.inner_blocks)):
                    for kind in ["weight", "bias"]:
                        old = f"{prefix}{block}.{i}.{kind}"
                        if old in state_dict:
                            state_dict[f"{prefix}{block}.{i}.0.{kind}"] = state_dict.pop(old)
        super()._load_from_state_dict(state_dict, prefix, local_metadata, strict, missing_keys,
                                      unexpected_keys, error_msgs)

    def get_result_from_inner_blocks(self, x, idx):
        """``inner_blocks[idx](x)`` (negative ``idx`` counts from the end)."""
        return self.inner_blocks[idx % len(self.inner_blocks)](x)

    def get_result_from_layer_blocks(self, x, idx):
        """``layer_blocks[idx](x)`` (negative ``idx`` counts from the end)."""
        return self.layer_blocks[idx % len(self.layer_blocks)](x)

    def forward(self, x):
        names = list(x.keys())
        x = list(x.values())
        last_inner = self.get_result_from_inner_blocks(x[-1], -1)
        results = [self.get_result_from_layer_blocks(last_inner, -1)]
        for idx in range(len(x) - 2, -1, -1):
            lateral = self.get_result_from_inner_blocks(x[idx], idx)
            last_inner = lateral + F.interpolate(last_inner, size=lateral.shape[-2:], mode="nearest")
            results.insert(0, self.get_result_from_layer_blocks(last_inner, idx))
        if self.extra_blocks is not None:
            results, names = self.extra_blocks(results, x, names)
        return OrderedDict(zip(names, results))


class LastLevelMaxPool(ExtraFPNBlock):
    """Adds level ``'pool'``: a stride-2 subsampling (1x1 max pool) of the last FPN output.

    >>> from ember.vision.ops.feature_pyramid_network import LastLevelMaxPool
    >>> r, n = LastLevelMaxPool()([ember.rand(1, 2, 5, 5)], [], ["0"])
    >>> n, tuple(r[-1].shape)
    (['0', 'pool'], (1, 2, 3, 3))
    """

    def forward(self, x, y, names):
        names.append("pool")
        x.append(F.max_pool2d(x[-1], kernel_size=1, stride=2, padding=0))
        return x, names


class LastLevelP6P7(ExtraFPNBlock):
    """Adds levels ``'p6'`` and ``'p7'`` (RetinaNet): stride-2 3x3 convs on P5 (when
    ``in_channels == out_channels``) or on C5, with a ReLU between.

    >>> from ember.vision.ops.feature_pyramid_network import LastLevelP6P7
    >>> r, n = LastLevelP6P7(2, 2)([ember.rand(1, 2, 8, 8)], [ember.rand(1, 2, 8, 8)], ["p5"])
    >>> n, [tuple(t.shape) for t in r]
    (['p5', 'p6', 'p7'], [(1, 2, 8, 8), (1, 2, 4, 4), (1, 2, 2, 2)])
    """

    def __init__(self, in_channels, out_channels):
        super().__init__()
        self.p6 = nn.Conv2d(in_channels, out_channels, 3, 2, 1)
        self.p7 = nn.Conv2d(out_channels, out_channels, 3, 2, 1)
        for module in [self.p6, self.p7]:
            nn.init.kaiming_uniform_(module.weight, a=1)
            nn.init.constant_(module.bias, 0)
        self.use_P5 = in_channels == out_channels

    def forward(self, p, c, names):
        x = p[-1] if self.use_P5 else c[-1]
        p6 = self.p6(x)
        p7 = self.p7(F.relu(p6))
        p.extend([p6, p7])
        names.extend(["p6", "p7"])
        return p, names
