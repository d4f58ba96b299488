"""DenseNet 121/161/169/201 (torchvision's module tree and keys).

>>> from ember.vision.models.densenet import densenet121
>>> densenet121(num_classes=10).eval()(ember.zeros(1, 3, 32, 32)).shape
torch.Size([1, 10])
"""
import re
from collections import OrderedDict

import ember
from ... import nn
from ._api import _make_weights_enum, _prepare, builder

__all__ = ["DenseNet", "densenet121", "densenet161", "densenet169", "densenet201", "DenseNet121_Weights",
           "DenseNet161_Weights", "DenseNet169_Weights", "DenseNet201_Weights"]


class _DenseLayer(nn.Module):
    def __init__(self, num_input_features, growth_rate, bn_size, drop_rate, memory_efficient=False):
        super().__init__()
        self.norm1 = nn.BatchNorm2d(num_input_features)
        self.relu1 = nn.ReLU(inplace=True)
        self.conv1 = nn.Conv2d(num_input_features, bn_size * growth_rate, kernel_size=1, stride=1, bias=False)
        self.norm2 = nn.BatchNorm2d(bn_size * growth_rate)
        self.relu2 = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(bn_size * growth_rate, growth_rate, kernel_size=3, stride=1, padding=1, bias=False)
        self.drop_rate = float(drop_rate)
        self.memory_efficient = memory_efficient  # recomputation is a memory trade-off only; same outputs

    def forward(self, input):
        prev = [input] if isinstance(input, ember.Tensor) else input
        out = self.conv1(self.relu1(self.norm1(ember.cat(prev, 1))))
        out = self.conv2(self.relu2(self.norm2(out)))
        if self.drop_rate > 0:
            out = nn.functional.dropout(out, p=self.drop_rate, training=self.training)
        return out


class _DenseBlock(nn.ModuleDict):
    _version = 2

    def __init__(self, num_layers, num_input_features, bn_size, growth_rate, drop_rate, memory_efficient=False):
        super().__init__()
        for i in range(num_layers):
            self.add_module(f"denselayer{i + 1}", _DenseLayer(num_input_features + i * growth_rate, growth_rate,
                                                              bn_size, drop_rate, memory_efficient))

    def forward(self, init_features):
        features = [init_features]
        for _, layer in self.items():
            features.append(layer(features))
        return ember.cat(features, 1)


class _Transition(nn.Sequential):
    def __init__(self, num_input_features, num_output_features):
        super().__init__()
        self.norm = nn.BatchNorm2d(num_input_features)
        self.relu = nn.ReLU(inplace=True)
        self.conv = nn.Conv2d(num_input_features, num_output_features, kernel_size=1, stride=1, bias=False)
        self.pool = nn.AvgPool2d(kernel_size=2, stride=2)


class DenseNet(nn.Module):
    """DenseNet-BC: a stem, dense blocks joined by transitions, a final norm and a linear classifier.

    >>> from ember.vision.models.densenet import DenseNet
    >>> DenseNet(growth_rate=4, block_config=(1, 1, 1, 1), num_init_features=8).classifier.in_features
    8
    """

    def __init__(self, growth_rate=32, block_config=(6, 12, 24, 16), num_init_features=64, bn_size=4, drop_rate=0,
                 num_classes=1000, memory_efficient=False):
        super().__init__()
        self.features = nn.Sequential(OrderedDict([
            ("conv0", nn.Conv2d(3, num_init_features, kernel_size=7, stride=2, padding=3, bias=False)),
            ("norm0", nn.BatchNorm2d(num_init_features)),
            ("relu0", nn.ReLU(inplace=True)),
            ("pool0", nn.MaxPool2d(kernel_size=3, stride=2, padding=1))]))
        num_features = num_init_features
        for i, num_layers in enumerate(block_config):
            self.features.add_module(f"denseblock{i + 1}", _DenseBlock(num_layers, num_features, bn_size, growth_rate,
                                                                       drop_rate, memory_efficient))
            num_features = num_features + num_layers * growth_rate
            if i != len(block_config) - 1:
                self.features.add_module(f"transition{i + 1}", _Transition(num_features, num_features // 2))
                num_features = num_features // 2
        self.features.add_module("norm5", nn.BatchNorm2d(num_features))
        self.classifier = nn.Linear(num_features, num_classes)
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight)
            elif isinstance(m, nn.BatchNorm2d):
                nn.init.constant_(m.weight, 1)
                nn.init.constant_(m.bias, 0)
            elif isinstance(m, nn.Linear):
                nn.init.constant_(m.bias, 0)

    def forward(self, x):
        out = nn.functional.relu(self.features(x), inplace=True)
        out = ember.flatten(nn.functional.adaptive_avg_pool2d(out, (1, 1)), 1)
        return self.classifier(out)


# old checkpoints name a dense layer's children 'norm.1', 'conv.2', ...; today's names drop the dot
_OLD_KEY = re.compile(r"^(.*denselayer\d+\.(?:norm|relu|conv))\.((?:[12])\.(?:weight|bias|running_mean|running_var))$")


def _densenet(growth_rate, block_config, num_init_features, weights, progress, **kwargs):
    model = DenseNet(growth_rate, block_config, num_init_features, **kwargs)
    if weights is not None:
        state_dict = weights.get_state_dict(progress=progress, check_hash=True)
        for key in list(state_dict.keys()):
            m = _OLD_KEY.match(key)
            if m:
                state_dict[m.group(1) + m.group(2)] = state_dict.pop(key)
        model.load_state_dict(state_dict)
    return model


DenseNet121_Weights = _make_weights_enum("densenet121")
DenseNet161_Weights = _make_weights_enum("densenet161")
DenseNet169_Weights = _make_weights_enum("densenet169")
DenseNet201_Weights = _make_weights_enum("densenet201")


@builder(DenseNet121_Weights, legacy_default="IMAGENET1K_V1")
def densenet121(*, weights=None, progress=True, **kwargs):
    """DenseNet-121 (growth 32, blocks (6, 12, 24, 16)); ``weights`` a :class:`DenseNet121_Weights` member.

    >>> from ember.vision.models.densenet import DenseNet121_Weights
    >>> DenseNet121_Weights.DEFAULT.meta["num_params"] > 0
    True
    """
    weights = _prepare(DenseNet121_Weights, weights, kwargs)
    return _densenet(32, (6, 12, 24, 16), 64, weights, progress, **kwargs)


@builder(DenseNet161_Weights, legacy_default="IMAGENET1K_V1")
def densenet161(*, weights=None, progress=True, **kwargs):
    """DenseNet-161 (growth 48, blocks (6, 12, 36, 24)); ``weights`` a :class:`DenseNet161_Weights` member.

    >>> from ember.vision.models.densenet import DenseNet161_Weights
    >>> DenseNet161_Weights.DEFAULT.meta["num_params"] > 0
    True
    """
    weights = _prepare(DenseNet161_Weights, weights, kwargs)
    return _densenet(48, (6, 12, 36, 24), 96, weights, progress, **kwargs)


@builder(DenseNet169_Weights, legacy_default="IMAGENET1K_V1")
def densenet169(*, weights=None, progress=True, **kwargs):
    """DenseNet-169 (growth 32, blocks (6, 12, 32, 32)); ``weights`` a :class:`DenseNet169_Weights` member.

    >>> from ember.vision.models.densenet import DenseNet169_Weights
    >>> DenseNet169_Weights.DEFAULT.meta["num_params"] > 0
    True
    """
    weights = _prepare(DenseNet169_Weights, weights, kwargs)
    return _densenet(32, (6, 12, 32, 32), 64, weights, progress, **kwargs)


@builder(DenseNet201_Weights, legacy_default="IMAGENET1K_V1")
def densenet201(*, weights=None, progress=True, **kwargs):
    """DenseNet-201 (growth 32, blocks (6, 12, 48, 32)); ``weights`` a :class:`DenseNet201_Weights` member.

    >>> from ember.vision.models.densenet import DenseNet201_Weights
    >>> DenseNet201_Weights.DEFAULT.meta["num_params"] > 0
    True
    """
    weights = _prepare(DenseNet201_Weights, weights, kwargs)
    return _densenet(32, (6, 12, 48, 32), 64, weights, progress, **kwargs)
