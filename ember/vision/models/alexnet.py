"""AlexNet (torchvision's single-GPU variant; same module tree and keys).

>>> from ember.vision.models.alexnet import AlexNet_Weights
>>> AlexNet_Weights.DEFAULT.transforms().crop_size
[224]
"""
import ember
from ... import nn
from ._api import _load_weights, _make_weights_enum, _prepare, builder

__all__ = ["AlexNet", "alexnet", "AlexNet_Weights"]


class AlexNet(nn.Module):
    """Five convolutions, a 6x6 adaptive average pool and a 3-layer MLP with dropout.

    >>> from ember.vision.models.alexnet import AlexNet
    >>> AlexNet.__init__.__defaults__
    (1000, 0.5)
    """

    def __init__(self, num_classes=1000, dropout=0.5):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 64, kernel_size=11, stride=4, padding=2), nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=3, stride=2),
            nn.Conv2d(64, 192, kernel_size=5, padding=2), nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=3, stride=2),
            nn.Conv2d(192, 384, kernel_size=3, padding=1), nn.ReLU(inplace=True),
            nn.Conv2d(384, 256, kernel_size=3, padding=1), nn.ReLU(inplace=True),
            nn.Conv2d(256, 256, kernel_size=3, padding=1), nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=3, stride=2))
        self.avgpool = nn.AdaptiveAvgPool2d((6, 6))
        self.classifier = nn.Sequential(
            nn.Dropout(p=dropout), nn.Linear(256 * 6 * 6, 4096), nn.ReLU(inplace=True),
            nn.Dropout(p=dropout), nn.Linear(4096, 4096), nn.ReLU(inplace=True),
            nn.Linear(4096, num_classes))

    def forward(self, x):
        x = self.avgpool(self.features(x))
        return self.classifier(ember.flatten(x, 1))


AlexNet_Weights = _make_weights_enum("alexnet")


@builder(AlexNet_Weights, legacy_default="IMAGENET1K_V1")
def alexnet(*, weights=None, progress=True, **kwargs):
    """AlexNet; ``weights`` an :class:`AlexNet_Weights` member (or its name) loads published weights.

    >>> from ember.vision.models.alexnet import AlexNet_Weights
    >>> AlexNet_Weights.DEFAULT.meta["num_params"]
    61100840
    """
    weights = _prepare(AlexNet_Weights, weights, kwargs)
    return _load_weights(AlexNet(**kwargs), weights, progress)
