"""MNASNet 0.5/0.75/1.0/1.3 (torchvision's B1 variant; same module tree, keys and checkpoint versions).

>>> from ember.vision.models.mnasnet import mnasnet0_5
>>> mnasnet0_5(num_classes=10).eval()(ember.zeros(1, 3, 64, 64)).shape
torch.Size([1, 10])
"""
import warnings

from ... import nn
from ._api import _load_weights, _make_weights_enum, _prepare, builder

__all__ = ["MNASNet", "mnasnet0_5", "mnasnet0_75", "mnasnet1_0", "mnasnet1_3", "MNASNet0_5_Weights",
           "MNASNet0_75_Weights", "MNASNet1_0_Weights", "MNASNet1_3_Weights"]

# TensorFlow's batch-norm momentum 0.9997, in PyTorch's convention
_BN_MOMENTUM = 1 - 0.9997


class _InvertedResidual(nn.Module):
    def __init__(self, in_ch, out_ch, kernel_size, stride, expansion_factor, bn_momentum=0.1):
        super().__init__()
        if stride not in [1, 2]:
            raise ValueError(f"stride should be 1 or 2 instead of {stride}")
        if kernel_size not in [3, 5]:
            raise ValueError(f"kernel_size should be 3 or 5 instead of {kernel_size}")
        mid = in_ch * expansion_factor
        self.apply_residual = in_ch == out_ch and stride == 1
        self.layers = nn.Sequential(
            nn.Conv2d(in_ch, mid, 1, bias=False), nn.BatchNorm2d(mid, momentum=bn_momentum), nn.ReLU(inplace=True),
            nn.Conv2d(mid, mid, kernel_size, padding=kernel_size // 2, stride=stride, groups=mid, bias=False),
            nn.BatchNorm2d(mid, momentum=bn_momentum), nn.ReLU(inplace=True),
            nn.Conv2d(mid, out_ch, 1, bias=False), nn.BatchNorm2d(out_ch, momentum=bn_momentum))

    def forward(self, input):
        return self.layers(input) + input if self.apply_residual else self.layers(input)


def _stack(in_ch, out_ch, kernel_size, stride, exp_factor, repeats, bn_momentum):
    if repeats < 1:
        raise ValueError(f"repeats should be >= 1, instead got {repeats}")
    blocks = [_InvertedResidual(in_ch, out_ch, kernel_size, stride, exp_factor, bn_momentum=bn_momentum)]
    blocks += [_InvertedResidual(out_ch, out_ch, kernel_size, 1, exp_factor, bn_momentum=bn_momentum)
               for _ in range(1, repeats)]
    return nn.Sequential(*blocks)


def _round_to_multiple_of(val, divisor, round_up_bias=0.9):
    """Round ``val`` to a multiple of ``divisor``, up unless that stays within 10% of ``val``."""
    if not 0.0 < round_up_bias < 1.0:
        raise ValueError(f"round_up_bias should be greater than 0.0 and smaller than 1.0 instead of {round_up_bias}")
    new_val = max(divisor, int(val + divisor / 2) // divisor * divisor)
    return new_val if new_val >= round_up_bias * val else new_val + divisor


def _get_depths(alpha):
    return [_round_to_multiple_of(d * alpha, 8) for d in [32, 16, 24, 40, 80, 96, 192, 320]]


def _stem(d0, d1):
    return [nn.Conv2d(3, d0, 3, padding=1, stride=2, bias=False), nn.BatchNorm2d(d0, momentum=_BN_MOMENTUM),
            nn.ReLU(inplace=True),
            nn.Conv2d(d0, d0, 3, padding=1, stride=1, groups=d0, bias=False), nn.BatchNorm2d(d0, momentum=_BN_MOMENTUM),
            nn.ReLU(inplace=True),
            nn.Conv2d(d0, d1, 1, padding=0, stride=1, bias=False), nn.BatchNorm2d(d1, momentum=_BN_MOMENTUM)]


class MNASNet(nn.Module):
    """MNASNet with depth multiplier ``alpha``; loads version-1 checkpoints (old stem) with a warning.

    >>> from ember.vision.models.mnasnet import MNASNet
    >>> MNASNet(0.5, num_classes=3).classifier[1].out_features
    3
    """
    _version = 2

    def __init__(self, alpha, num_classes=1000, dropout=0.2):
        super().__init__()
        if alpha <= 0.0:
            raise ValueError(f"alpha should be greater than 0.0 instead of {alpha}")
        self.alpha = alpha
        self.num_classes = num_classes
        d = _get_depths(alpha)
        layers = _stem(d[0], d[1]) + [
            _stack(d[1], d[2], 3, 2, 3, 3, _BN_MOMENTUM), _stack(d[2], d[3], 5, 2, 3, 3, _BN_MOMENTUM),
            _stack(d[3], d[4], 5, 2, 6, 3, _BN_MOMENTUM), _stack(d[4], d[5], 3, 1, 6, 2, _BN_MOMENTUM),
            _stack(d[5], d[6], 5, 2, 6, 4, _BN_MOMENTUM), _stack(d[6], d[7], 3, 1, 6, 1, _BN_MOMENTUM),
            nn.Conv2d(d[7], 1280, 1, padding=0, stride=1, bias=False),
            nn.BatchNorm2d(1280, momentum=_BN_MOMENTUM), nn.ReLU(inplace=True)]
        self.layers = nn.Sequential(*layers)
        self.classifier = nn.Sequential(nn.Dropout(p=dropout, inplace=True), nn.Linear(1280, num_classes))
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
                if m.bias is not None:
                    nn.init.zeros_(m.bias)
            elif isinstance(m, nn.BatchNorm2d):
                nn.init.ones_(m.weight)
                nn.init.zeros_(m.bias)
            elif isinstance(m, nn.Linear):
                nn.init.kaiming_uniform_(m.weight, mode="fan_out", nonlinearity="sigmoid")
                nn.init.zeros_(m.bias)

    def forward(self, x):
        return self.classifier(self.layers(x).mean([2, 3]))

    def _load_from_state_dict(self, state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys,
                              error_msgs):
        version = local_metadata.get("version", None)
        if version not in [1, 2]:
            raise ValueError(f"version should be set to 1 or 2 instead of {version}")
        if version == 1 and not self.alpha == 1.0:
            d = _get_depths(self.alpha)
            for idx, layer in enumerate(_stem(32, 16) + [_stack(16, d[2], 3, 2, 3, 3, _BN_MOMENTUM)]):
                self.layers[idx] = layer
            self._version = 1
            warnings.warn("A new version of MNASNet model has been implemented. Your checkpoint was saved using the "
                          "previous version. This checkpoint will load and work as before, but you may want to "
                          "upgrade by training a newer model or transfer learning from an updated ImageNet "
                          "checkpoint.", UserWarning)
        super()._load_from_state_dict(state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys,
                                      error_msgs)


def _mnasnet(alpha, weights, progress, **kwargs):
    return _load_weights(MNASNet(alpha, **kwargs), weights, progress)


MNASNet0_5_Weights = _make_weights_enum("mnasnet0_5")
MNASNet0_75_Weights = _make_weights_enum("mnasnet0_75")
MNASNet1_0_Weights = _make_weights_enum("mnasnet1_0")
MNASNet1_3_Weights = _make_weights_enum("mnasnet1_3")


@builder(MNASNet0_5_Weights, legacy_default="IMAGENET1K_V1")
def mnasnet0_5(*, weights=None, progress=True, **kwargs):
    """MNASNet with depth multiplier 0.5; ``weights`` a :class:`MNASNet0_5_Weights` member (or its name).

    >>> from ember.vision.models.mnasnet import MNASNet0_5_Weights
    >>> MNASNet0_5_Weights.DEFAULT.meta["min_size"]
    (1, 1)
    """
    weights = _prepare(MNASNet0_5_Weights, weights, kwargs)
    return _mnasnet(0.5, weights, progress, **kwargs)


@builder(MNASNet0_75_Weights, legacy_default="IMAGENET1K_V1")
def mnasnet0_75(*, weights=None, progress=True, **kwargs):
    """MNASNet with depth multiplier 0.75; ``weights`` a :class:`MNASNet0_75_Weights` member (or its name).

    >>> from ember.vision.models.mnasnet import MNASNet0_75_Weights
    >>> MNASNet0_75_Weights.DEFAULT.meta["min_size"]
    (1, 1)
    """
    weights = _prepare(MNASNet0_75_Weights, weights, kwargs)
    return _mnasnet(0.75, weights, progress, **kwargs)


@builder(MNASNet1_0_Weights, legacy_default="IMAGENET1K_V1")
def mnasnet1_0(*, weights=None, progress=True, **kwargs):
    """MNASNet with depth multiplier 1.0; ``weights`` a :class:`MNASNet1_0_Weights` member (or its name).

    >>> from ember.vision.models.mnasnet import MNASNet1_0_Weights
    >>> MNASNet1_0_Weights.DEFAULT.meta["min_size"]
    (1, 1)
    """
    weights = _prepare(MNASNet1_0_Weights, weights, kwargs)
    return _mnasnet(1.0, weights, progress, **kwargs)


@builder(MNASNet1_3_Weights, legacy_default="IMAGENET1K_V1")
def mnasnet1_3(*, weights=None, progress=True, **kwargs):
    """MNASNet with depth multiplier 1.3; ``weights`` a :class:`MNASNet1_3_Weights` member (or its name).

    >>> from ember.vision.models.mnasnet import MNASNet1_3_Weights
    >>> MNASNet1_3_Weights.DEFAULT.meta["min_size"]
    (1, 1)
    """
    weights = _prepare(MNASNet1_3_Weights, weights, kwargs)
    return _mnasnet(1.3, weights, progress, **kwargs)
