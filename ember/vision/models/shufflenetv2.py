"""ShuffleNet v2 x0.5/x1.0/x1.5/x2.0 (torchvision's module tree and keys).

>>> from ember.vision.models.shufflenetv2 import shufflenet_v2_x0_5
>>> shufflenet_v2_x0_5(num_classes=10).eval()(ember.zeros(1, 3, 64, 64)).shape
torch.Size([1, 10])
"""
import ember
from ... import nn
from ._api import _load_weights, _make_weights_enum, _prepare, builder

__all__ = ["ShuffleNetV2", "shufflenet_v2_x0_5", "shufflenet_v2_x1_0", "shufflenet_v2_x1_5", "shufflenet_v2_x2_0",
           "ShuffleNet_V2_X0_5_Weights", "ShuffleNet_V2_X1_0_Weights", "ShuffleNet_V2_X1_5_Weights",
           "ShuffleNet_V2_X2_0_Weights"]


def channel_shuffle(x, groups):
    """Interleave the channels of ``groups`` equal groups.

    >>> from ember.vision.models.shufflenetv2 import channel_shuffle
    >>> channel_shuffle(ember.arange(4.).reshape(1, 4, 1, 1), 2).flatten().tolist()
    [0.0, 2.0, 1.0, 3.0]
    """
    b, c, h, w = x.size()
    x = x.view(b, groups, c // groups, h, w).transpose(1, 2).contiguous()
    return x.view(b, -1, h, w)


def _dw(i, o, kernel_size, stride=1, padding=0, bias=False):
    return nn.Conv2d(i, o, kernel_size, stride, padding, bias=bias, groups=i)


class InvertedResidual(nn.Module):
    """The ShuffleNet v2 unit: split (or duplicate when strided), transform, concatenate, shuffle.

    >>> from ember.vision.models.shufflenetv2 import InvertedResidual
    >>> InvertedResidual(8, 16, 2)(ember.zeros(2, 8, 4, 4)).shape
    torch.Size([2, 16, 2, 2])
    """

    def __init__(self, inp, oup, stride):
        super().__init__()
        if not (1 <= stride <= 3):
            raise ValueError("illegal stride value")
        self.stride = stride
        bf = oup // 2
        if (self.stride == 1) and (inp != bf << 1):
            raise ValueError(f"Invalid combination of stride {stride}, inp {inp} and oup {oup} values. If stride == 1 "
                             "then inp should be equal to oup // 2 << 1.")
        if self.stride > 1:
            self.branch1 = nn.Sequential(_dw(inp, inp, 3, self.stride, 1), nn.BatchNorm2d(inp),
                                         nn.Conv2d(inp, bf, 1, 1, 0, bias=False), nn.BatchNorm2d(bf),
                                         nn.ReLU(inplace=True))
        else:
            self.branch1 = nn.Sequential()
        self.branch2 = nn.Sequential(
            nn.Conv2d(inp if self.stride > 1 else bf, bf, 1, 1, 0, bias=False), nn.BatchNorm2d(bf),
            nn.ReLU(inplace=True), _dw(bf, bf, 3, self.stride, 1), nn.BatchNorm2d(bf),
            nn.Conv2d(bf, bf, 1, 1, 0, bias=False), nn.BatchNorm2d(bf), nn.ReLU(inplace=True))

    def forward(self, x):
        if self.stride == 1:
            x1, x2 = x.chunk(2, dim=1)
            out = ember.cat((x1, self.branch2(x2)), dim=1)
        else:
            out = ember.cat((self.branch1(x), self.branch2(x)), dim=1)
        return channel_shuffle(out, 2)


class ShuffleNetV2(nn.Module):
    """ShuffleNet v2 from three stage depths and five channel counts.

    >>> from ember.vision.models.shufflenetv2 import ShuffleNetV2
    >>> ShuffleNetV2([1, 1, 1], [8, 16, 32, 64, 128], num_classes=3).fc.in_features
    128
    """

    def __init__(self, stages_repeats, stages_out_channels, num_classes=1000, inverted_residual=InvertedResidual):
        super().__init__()
        if len(stages_repeats) != 3:
            raise ValueError("expected stages_repeats as list of 3 positive ints")
        if len(stages_out_channels) != 5:
            raise ValueError("expected stages_out_channels as list of 5 positive ints")
        self._stage_out_channels = stages_out_channels
        inp = 3
        out = self._stage_out_channels[0]
        self.conv1 = nn.Sequential(nn.Conv2d(inp, out, 3, 2, 1, bias=False), nn.BatchNorm2d(out),
                                   nn.ReLU(inplace=True))
        inp = out
        self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
        for name, repeats, out in zip(["stage2", "stage3", "stage4"], stages_repeats, self._stage_out_channels[1:]):
            seq = [inverted_residual(inp, out, 2)] + [inverted_residual(out, out, 1) for _ in range(repeats - 1)]
            setattr(self, name, nn.Sequential(*seq))
            inp = out
        out = self._stage_out_channels[-1]
        self.conv5 = nn.Sequential(nn.Conv2d(inp, out, 1, 1, 0, bias=False), nn.BatchNorm2d(out),
                                   nn.ReLU(inplace=True))
        self.fc = nn.Linear(out, num_classes)

    def _forward_impl(self, x):
        x = self.maxpool(self.conv1(x))
        x = self.conv5(self.stage4(self.stage3(self.stage2(x))))
        return self.fc(x.mean([2, 3]))

    def forward(self, x):
        return self._forward_impl(x)


def _shufflenetv2(weights, progress, *args, **kwargs):
    return _load_weights(ShuffleNetV2(*args, **kwargs), weights, progress)


ShuffleNet_V2_X0_5_Weights = _make_weights_enum("shufflenet_v2_x0_5")
ShuffleNet_V2_X1_0_Weights = _make_weights_enum("shufflenet_v2_x1_0")
ShuffleNet_V2_X1_5_Weights = _make_weights_enum("shufflenet_v2_x1_5")
ShuffleNet_V2_X2_0_Weights = _make_weights_enum("shufflenet_v2_x2_0")


@builder(ShuffleNet_V2_X0_5_Weights, legacy_default="IMAGENET1K_V1")
def shufflenet_v2_x0_5(*, weights=None, progress=True, **kwargs):
    """ShuffleNet v2 with 0.5x output channels; ``weights`` a :class:`ShuffleNet_V2_X0_5_Weights` member.

    >>> from ember.vision.models.shufflenetv2 import ShuffleNet_V2_X0_5_Weights
    >>> ShuffleNet_V2_X0_5_Weights.DEFAULT.meta["min_size"]
    (1, 1)
    """
    weights = _prepare(ShuffleNet_V2_X0_5_Weights, weights, kwargs)
    return _shufflenetv2(weights, progress, [4, 8, 4], [24, 48, 96, 192, 1024], **kwargs)


@builder(ShuffleNet_V2_X1_0_Weights, legacy_default="IMAGENET1K_V1")
def shufflenet_v2_x1_0(*, weights=None, progress=True, **kwargs):
    """ShuffleNet v2 with 1.0x output channels; ``weights`` a :class:`ShuffleNet_V2_X1_0_Weights` member.

    >>> from ember.vision.models.shufflenetv2 import ShuffleNet_V2_X1_0_Weights
    >>> ShuffleNet_V2_X1_0_Weights.DEFAULT.meta["min_size"]
    (1, 1)
    """
    weights = _prepare(ShuffleNet_V2_X1_0_Weights, weights, kwargs)
    return _shufflenetv2(weights, progress, [4, 8, 4], [24, 116, 232, 464, 1024], **kwargs)


@builder(ShuffleNet_V2_X1_5_Weights, legacy_default="IMAGENET1K_V1")
def shufflenet_v2_x1_5(*, weights=None, progress=True, **kwargs):
    """ShuffleNet v2 with 1.5x output channels; ``weights`` a :class:`ShuffleNet_V2_X1_5_Weights` member.

    >>> from ember.vision.models.shufflenetv2 import ShuffleNet_V2_X1_5_Weights
    >>> ShuffleNet_V2_X1_5_Weights.DEFAULT.meta["min_size"]
    (1, 1)
    """
    weights = _prepare(ShuffleNet_V2_X1_5_Weights, weights, kwargs)
    return _shufflenetv2(weights, progress, [4, 8, 4], [24, 176, 352, 704, 1024], **kwargs)


@builder(ShuffleNet_V2_X2_0_Weights, legacy_default="IMAGENET1K_V1")
def shufflenet_v2_x2_0(*, weights=None, progress=True, **kwargs):
    """ShuffleNet v2 with 2.0x output channels; ``weights`` a :class:`ShuffleNet_V2_X2_0_Weights` member.

    >>> from ember.vision.models.shufflenetv2 import ShuffleNet_V2_X2_0_Weights
    >>> ShuffleNet_V2_X2_0_Weights.DEFAULT.meta["min_size"]
    (1, 1)
    """
    weights = _prepare(ShuffleNet_V2_X2_0_Weights, weights, kwargs)
    return _shufflenetv2(weights, progress, [4, 8, 4], [24, 244, 488, 976, 2048], **kwargs)
