"""VGG 11/13/16/19, with and without batch norm (torchvision's module tree and keys).

>>> from ember.vision.models.vgg import VGG16_Weights
>>> VGG16_Weights.DEFAULT.url.rsplit("/", 1)[-1]
'vgg16-397923af.pth'
"""
import ember
from ... import nn
from ._api import _load_weights, _make_weights_enum, _prepare, builder

__all__ = ["VGG", "vgg11", "vgg11_bn", "vgg13", "vgg13_bn", "vgg16", "vgg16_bn", "vgg19", "vgg19_bn",
           "VGG11_Weights", "VGG11_BN_Weights", "VGG13_Weights", "VGG13_BN_Weights", "VGG16_Weights",
           "VGG16_BN_Weights", "VGG19_Weights", "VGG19_BN_Weights"]


class VGG(nn.Module):
    """``features`` (a conv stack), a 7x7 adaptive average pool and a 3-layer MLP ``classifier``.

    >>> from ember.vision.models.vgg import cfgs, make_layers
    >>> len(make_layers(cfgs["A"]))
    21
    """

    def __init__(self, features, num_classes=1000, init_weights=True, dropout=0.5):
        super().__init__()
        self.features = features
        self.avgpool = nn.AdaptiveAvgPool2d((7, 7))
        self.classifier = nn.Sequential(
            nn.Linear(512 * 7 * 7, 4096), nn.ReLU(True), nn.Dropout(p=dropout),
            nn.Linear(4096, 4096), nn.ReLU(True), nn.Dropout(p=dropout),
            nn.Linear(4096, num_classes))
        if init_weights:
            for m in self.modules():
                if isinstance(m, nn.Conv2d):
                    nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
                    if m.bias is not None:
                        nn.init.constant_(m.bias, 0)
                elif isinstance(m, nn.BatchNorm2d):
                    nn.init.constant_(m.weight, 1)
                    nn.init.constant_(m.bias, 0)
                elif isinstance(m, nn.Linear):
                    nn.init.normal_(m.weight, 0, 0.01)
                    nn.init.constant_(m.bias, 0)

    def forward(self, x):
        x = self.avgpool(self.features(x))
        return self.classifier(ember.flatten(x, 1))


def make_layers(cfg, batch_norm=False):
    """The VGG conv stack from a config (channel counts, ``"M"`` for a 2x2 max pool).

    >>> from ember.vision.models.vgg import make_layers
    >>> len(make_layers([8, "M", 16], batch_norm=True))
    7
    """
    layers = []
    in_channels = 3
    for v in cfg:
        if v == "M":
            layers.append(nn.MaxPool2d(kernel_size=2, stride=2))
        else:
            conv = nn.Conv2d(in_channels, v, kernel_size=3, padding=1)
            layers += [conv, nn.BatchNorm2d(v), nn.ReLU(inplace=True)] if batch_norm else [conv, nn.ReLU(inplace=True)]
            in_channels = v
    return nn.Sequential(*layers)


cfgs = {
    "A": [64, "M", 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
    "B": [64, 64, "M", 128, 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
    "D": [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"],
    "E": [64, 64, "M", 128, 128, "M", 256, 256, 256, 256, "M", 512, 512, 512, 512, "M", 512, 512, 512, 512, "M"],
}


def _vgg(cfg, batch_norm, weights, progress, **kwargs):
    if weights is not None:
        kwargs["init_weights"] = False
    model = VGG(make_layers(cfgs[cfg], batch_norm=batch_norm), **kwargs)
    return _load_weights(model, weights, progress)


VGG11_Weights = _make_weights_enum("vgg11")
VGG11_BN_Weights = _make_weights_enum("vgg11_bn")
VGG13_Weights = _make_weights_enum("vgg13")
VGG13_BN_Weights = _make_weights_enum("vgg13_bn")
VGG16_Weights = _make_weights_enum("vgg16")
VGG16_BN_Weights = _make_weights_enum("vgg16_bn")
VGG19_Weights = _make_weights_enum("vgg19")
VGG19_BN_Weights = _make_weights_enum("vgg19_bn")


@builder(VGG11_Weights, legacy_default="IMAGENET1K_V1")
def vgg11(*, weights=None, progress=True, **kwargs):
    """VGG-11 (config "A"); ``weights`` a :class:`VGG11_Weights` member or its name.

    >>> from ember.vision.models.vgg import VGG11_Weights
    >>> VGG11_Weights.DEFAULT.meta["num_params"] > 0
    True
    """
    weights = _prepare(VGG11_Weights, weights, kwargs)
    return _vgg("A", False, weights, progress, **kwargs)


@builder(VGG11_BN_Weights, legacy_default="IMAGENET1K_V1")
def vgg11_bn(*, weights=None, progress=True, **kwargs):
    """VGG-11 with batch norm (config "A"); ``weights`` a :class:`VGG11_BN_Weights` member or its name.

    >>> from ember.vision.models.vgg import VGG11_BN_Weights
    >>> VGG11_BN_Weights.DEFAULT.meta["num_params"] > 0
    True
    """
    weights = _prepare(VGG11_BN_Weights, weights, kwargs)
    return _vgg("A", True, weights, progress, **kwargs)


@builder(VGG13_Weights, legacy_default="IMAGENET1K_V1")
def vgg13(*, weights=None, progress=True, **kwargs):
    """VGG-13 (config "B"); ``weights`` a :class:`VGG13_Weights` member or its name.

    >>> from ember.vision.models.vgg import VGG13_Weights
    >>> VGG13_Weights.DEFAULT.meta["num_params"] > 0
    True
    """
    weights = _prepare(VGG13_Weights, weights, kwargs)
    return _vgg("B", False, weights, progress, **kwargs)


@builder(VGG13_BN_Weights, legacy_default="IMAGENET1K_V1")
def vgg13_bn(*, weights=None, progress=True, **kwargs):
    """VGG-13 with batch norm (config "B"); ``weights`` a :class:`VGG13_BN_Weights` member or its name.

    >>> from ember.vision.models.vgg import VGG13_BN_Weights
    >>> VGG13_BN_Weights.DEFAULT.meta["num_params"] > 0
    True
    """
    weights = _prepare(VGG13_BN_Weights, weights, kwargs)
    return _vgg("B", True, weights, progress, **kwargs)


@builder(VGG16_Weights, legacy_default="IMAGENET1K_V1")
def vgg16(*, weights=None, progress=True, **kwargs):
    """VGG-16 (config "D"); ``weights`` a :class:`VGG16_Weights` member or its name.

    >>> from ember.vision.models.vgg import VGG16_Weights
    >>> VGG16_Weights.DEFAULT.meta["num_params"] > 0
    True
    """
    weights = _prepare(VGG16_Weights, weights, kwargs)
    return _vgg("D", False, weights, progress, **kwargs)


@builder(VGG16_BN_Weights, legacy_default="IMAGENET1K_V1")
def vgg16_bn(*, weights=None, progress=True, **kwargs):
    """VGG-16 with batch norm (config "D"); ``weights`` a :class:`VGG16_BN_Weights` member or its name.

    >>> from ember.vision.models.vgg import VGG16_BN_Weights
    >>> VGG16_BN_Weights.DEFAULT.meta["num_params"] > 0
    True
    """
    weights = _prepare(VGG16_BN_Weights, weights, kwargs)
    return _vgg("D", True, weights, progress, **kwargs)


@builder(VGG19_Weights, legacy_default="IMAGENET1K_V1")
def vgg19(*, weights=None, progress=True, **kwargs):
    """VGG-19 (config "E"); ``weights`` a :class:`VGG19_Weights` member or its name.

    >>> from ember.vision.models.vgg import VGG19_Weights
    >>> VGG19_Weights.DEFAULT.meta["num_params"] > 0
    True
    """
    weights = _prepare(VGG19_Weights, weights, kwargs)
    return _vgg("E", False, weights, progress, **kwargs)


@builder(VGG19_BN_Weights, legacy_default="IMAGENET1K_V1")
def vgg19_bn(*, weights=None, progress=True, **kwargs):
    """VGG-19 with batch norm (config "E"); ``weights`` a :class:`VGG19_BN_Weights` member or its name.

    >>> from ember.vision.models.vgg import VGG19_BN_Weights
    >>> VGG19_BN_Weights.DEFAULT.meta["num_params"] > 0
    True
    """
    weights = _prepare(VGG19_BN_Weights, weights, kwargs)
    return _vgg("E", True, weights, progress, **kwargs)
