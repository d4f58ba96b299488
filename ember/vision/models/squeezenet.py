"""SqueezeNet 1.0 and 1.1 (torchvision's module tree and keys).

>>> from ember.vision.models.squeezenet import squeezenet1_1
>>> squeezenet1_1(num_classes=10)(ember.zeros(1, 3, 64, 64)).shape
torch.Size([1, 10])
"""
import ember
from ... import nn
from ._api import _load_weights, _make_weights_enum, _prepare, builder

__all__ = ["SqueezeNet", "Fire", "squeezenet1_0", "squeezenet1_1", "SqueezeNet1_0_Weights", "SqueezeNet1_1_Weights"]


class Fire(nn.Module):
    """A 1x1 squeeze convolution feeding parallel 1x1 and 3x3 expand convolutions (concatenated).

    >>> from ember.vision.models.squeezenet import Fire
    >>> Fire(8, 2, 4, 4)(ember.zeros(1, 8, 5, 5)).shape
    torch.Size([1, 8, 5, 5])
    """

    def __init__(self, inplanes, squeeze_planes, expand1x1_planes, expand3x3_planes):
        super().__init__()
        self.inplanes = inplanes
        self.squeeze = nn.Conv2d(inplanes, squeeze_planes, kernel_size=1)
        self.squeeze_activation = nn.ReLU(inplace=True)
        self.expand1x1 = nn.Conv2d(squeeze_planes, expand1x1_planes, kernel_size=1)
        self.expand1x1_activation = nn.ReLU(inplace=True)
        self.expand3x3 = nn.Conv2d(squeeze_planes, expand3x3_planes, kernel_size=3, padding=1)
        self.expand3x3_activation = nn.ReLU(inplace=True)

    def forward(self, x):
        x = self.squeeze_activation(self.squeeze(x))
        return ember.cat([self.expand1x1_activation(self.expand1x1(x)),
                          self.expand3x3_activation(self.expand3x3(x))], 1)


class SqueezeNet(nn.Module):
    """SqueezeNet ``version`` ``"1_0"`` or ``"1_1"``: Fire modules and a convolutional classifier.

    >>> from ember.vision.models.squeezenet import SqueezeNet
    >>> SqueezeNet("1_1", num_classes=3).classifier[1].out_channels
    3
    """

    def __init__(self, version="1_0", num_classes=1000, dropout=0.5):
        super().__init__()
        self.num_classes = num_classes
        pool = lambda: nn.MaxPool2d(kernel_size=3, stride=2, ceil_mode=True)  # noqa: E731
        if version == "1_0":
            self.features = nn.Sequential(
                nn.Conv2d(3, 96, kernel_size=7, stride=2), nn.ReLU(inplace=True), pool(),
                Fire(96, 16, 64, 64), Fire(128, 16, 64, 64), Fire(128, 32, 128, 128), pool(),
                Fire(256, 32, 128, 128), Fire(256, 48, 192, 192), Fire(384, 48, 192, 192), Fire(384, 64, 256, 256),
                pool(), Fire(512, 64, 256, 256))
        elif version == "1_1":
            self.features = nn.Sequential(
                nn.Conv2d(3, 64, kernel_size=3, stride=2), nn.ReLU(inplace=True), pool(),
                Fire(64, 16, 64, 64), Fire(128, 16, 64, 64), pool(),
                Fire(128, 32, 128, 128), Fire(256, 32, 128, 128), pool(),
                Fire(256, 48, 192, 192), Fire(384, 48, 192, 192), Fire(384, 64, 256, 256), Fire(512, 64, 256, 256))
        else:
            raise ValueError(f"Unsupported SqueezeNet version {version}: 1_0 or 1_1 expected")
        final_conv = nn.Conv2d(512, self.num_classes, kernel_size=1)
        self.classifier = nn.Sequential(nn.Dropout(p=dropout), final_conv, nn.ReLU(inplace=True),
                                        nn.AdaptiveAvgPool2d((1, 1)))
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                if m is final_conv:
                    nn.init.normal_(m.weight, mean=0.0, std=0.01)
                else:
                    nn.init.kaiming_uniform_(m.weight)
                if m.bias is not None:
                    nn.init.constant_(m.bias, 0)

    def forward(self, x):
        return ember.flatten(self.classifier(self.features(x)), 1)


SqueezeNet1_0_Weights = _make_weights_enum("squeezenet1_0")
SqueezeNet1_1_Weights = _make_weights_enum("squeezenet1_1")


@builder(SqueezeNet1_0_Weights, legacy_default="IMAGENET1K_V1")
def squeezenet1_0(*, weights=None, progress=True, **kwargs):
    """SqueezeNet 1.0; ``weights`` a :class:`SqueezeNet1_0_Weights` member (or its name).

    >>> from ember.vision.models.squeezenet import SqueezeNet1_0_Weights
    >>> SqueezeNet1_0_Weights.DEFAULT.meta["min_size"]
    (21, 21)
    """
    weights = _prepare(SqueezeNet1_0_Weights, weights, kwargs)
    return _load_weights(SqueezeNet("1_0", **kwargs), weights, progress)


@builder(SqueezeNet1_1_Weights, legacy_default="IMAGENET1K_V1")
def squeezenet1_1(*, weights=None, progress=True, **kwargs):
    """SqueezeNet 1.1 (2.4x less computation than 1.0); ``weights`` a :class:`SqueezeNet1_1_Weights` member.

    >>> from ember.vision.models.squeezenet import SqueezeNet1_1_Weights
    >>> SqueezeNet1_1_Weights.DEFAULT.meta["min_size"]
    (17, 17)
    """
    weights = _prepare(SqueezeNet1_1_Weights, weights, kwargs)
    return _load_weights(SqueezeNet("1_1", **kwargs), weights, progress)
