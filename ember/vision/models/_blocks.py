"""Building blocks shared by the model families (torchvision.ops.misc's conv-norm-activation
and squeeze-excitation, with the same child names so state_dict keys match).

>>> from ember.vision.models._blocks import Conv2dNormActivation
>>> Conv2dNormActivation(3, 8)(ember.zeros(1, 3, 4, 4)).shape
torch.Size([1, 8, 4, 4])
"""
import ember
from ... import nn
from ._conv_norm_eval import conv_norm_forward

__all__ = ["Conv2dNormActivation", "SqueezeExcitation", "StochasticDepth", "stochastic_depth", "Permute", "MLP"]


class Conv2dNormActivation(nn.Sequential):
    """Conv2d, then ``norm_layer`` (if any), then ``activation_layer`` (if any); children ``0``, ``1``, ``2``.

    ``padding`` defaults to ``(kernel_size - 1) // 2 * dilation``; the convolution has a bias
    only when there is no norm layer (unless ``bias`` says otherwise).

    >>> from ember.vision.models._blocks import Conv2dNormActivation
    >>> [type(m).__name__ for m in Conv2dNormActivation(3, 8, kernel_size=1)]
    ['Conv2d', 'BatchNorm2d', 'ReLU']
    """

    def __init__(self, in_channels, out_channels, kernel_size=3, stride=1, padding=None, groups=1,
                 norm_layer=nn.BatchNorm2d, activation_layer=nn.ReLU, dilation=1, inplace=True, bias=None):
        if padding is None:
            if isinstance(kernel_size, int) and isinstance(dilation, int):
                padding = (kernel_size - 1) // 2 * dilation
            else:
                ks = kernel_size if isinstance(kernel_size, (tuple, list)) else (kernel_size,) * 2
                dl = dilation if isinstance(dilation, (tuple, list)) else (dilation,) * len(ks)
                padding = tuple((k - 1) // 2 * d for k, d in zip(ks, dl))
        if bias is None:
            bias = norm_layer is None
        layers = [nn.Conv2d(in_channels, out_channels, kernel_size, stride, padding, dilation=dilation,
                            groups=groups, bias=bias)]
        if norm_layer is not None:
            layers.append(norm_layer(out_channels))
        if activation_layer is not None:
            layers.append(activation_layer() if inplace is None else activation_layer(inplace=inplace))
        super().__init__(*layers)
        self.out_channels = out_channels

    def forward(self, input):
        y = conv_norm_forward(self, input)   # eval inference: the batch norm folded into the conv
        return super().forward(input) if y is None else y


class SqueezeExcitation(nn.Module):
    """Channel attention: global average pool, 1x1 conv down, ``activation``, 1x1 conv up,
    ``scale_activation``, then scale the input.

    >>> from ember.vision.models._blocks import SqueezeExcitation
    >>> SqueezeExcitation(8, 2)(ember.ones(1, 8, 3, 3)).shape
    torch.Size([1, 8, 3, 3])
    """

    def __init__(self, input_channels, squeeze_channels, activation=nn.ReLU, scale_activation=nn.Sigmoid):
        super().__init__()
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.fc1 = nn.Conv2d(input_channels, squeeze_channels, 1)
        self.fc2 = nn.Conv2d(squeeze_channels, input_channels, 1)
        self.activation = activation()
        self.scale_activation = scale_activation()

    def _scale(self, x):
        s = self.activation(self.fc1(self.avgpool(x)))
        return self.scale_activation(self.fc2(s))

    def forward(self, input):
        return self._scale(input) * input


def init_mobile(module):
    """The MobileNet-family init: conv kaiming-normal (fan_out), norms 1/0, linear N(0, 0.01)."""
    for m in module.modules():
        if isinstance(m, nn.Conv2d):
            nn.init.kaiming_normal_(m.weight, mode="fan_out")
            if m.bias is not None:
                nn.init.zeros_(m.bias)
        elif isinstance(m, (nn.BatchNorm2d, nn.GroupNorm)):
            nn.init.ones_(m.weight)
            nn.init.zeros_(m.bias)
        elif isinstance(m, nn.Linear):
            nn.init.normal_(m.weight, 0, 0.01)
            nn.init.zeros_(m.bias)


def stochastic_depth(input, p, mode, training=True):
    """Drop whole residual branches with probability ``p`` (per sample for ``"row"``, per batch for
    ``"batch"``) and rescale the survivors by ``1 / (1 - p)``; identity in eval or for ``p == 0``.

    >>> from ember.vision.models._blocks import stochastic_depth
    >>> stochastic_depth(ember.ones(2, 3), 0.5, "row", training=False).sum().item()
    6.0
    """
    if p < 0.0 or p > 1.0:
        raise ValueError(f"drop probability has to be between 0 and 1, but got {p}")
    if mode not in ["batch", "row"]:
        raise ValueError(f"mode has to be either 'batch' or 'row', but got {mode}")
    if not training or p == 0.0:
        return input
    survival = 1.0 - p
    size = [input.shape[0]] + [1] * (input.ndim - 1) if mode == "row" else [1] * input.ndim
    noise = ember.empty(size, dtype=input.dtype).bernoulli_(survival)
    if survival > 0.0:
        noise.div_(survival)
    return input * noise


class StochasticDepth(nn.Module):
    """Module form of :func:`stochastic_depth` (active in training mode only).

    >>> from ember.vision.models._blocks import StochasticDepth
    >>> StochasticDepth(0.2, "row").eval()(ember.ones(2)).tolist()
    [1.0, 1.0]
    """

    def __init__(self, p, mode):
        super().__init__()
        self.p = p
        self.mode = mode

    def forward(self, input):
        return stochastic_depth(input, self.p, self.mode, self.training)

    def __repr__(self):
        return f"{self.__class__.__name__}(p={self.p}, mode={self.mode})"


class Permute(nn.Module):
    """Permute the dimensions of the input.

    >>> from ember.vision.models._blocks import Permute
    >>> Permute([0, 2, 1])(ember.zeros(1, 2, 3)).shape
    torch.Size([1, 3, 2])
    """

    def __init__(self, dims):
        super().__init__()
        self.dims = dims

    def forward(self, x):
        return ember.permute(x, self.dims)


class MLP(nn.Sequential):
    """Linear layers with a norm, an activation and dropout between them (torchvision.ops.MLP):
    children ``Linear, [norm], activation, Dropout`` per hidden size, then ``Linear, Dropout``.

    >>> from ember.vision.models._blocks import MLP
    >>> [type(m).__name__ for m in MLP(4, [8, 2])]
    ['Linear', 'ReLU', 'Dropout', 'Linear', 'Dropout']
    """

    def __init__(self, in_channels, hidden_channels, norm_layer=None, activation_layer=nn.ReLU, inplace=None,
                 bias=True, dropout=0.0):
        kw = {} if inplace is None else {"inplace": inplace}
        layers, width = [], in_channels
        for h in hidden_channels[:-1]:
            layers.append(nn.Linear(width, h, bias=bias))
            if norm_layer is not None:
                layers.append(norm_layer(h))
            layers += [activation_layer(**kw), nn.Dropout(dropout, **kw)]
            width = h
        layers += [nn.Linear(width, hidden_channels[-1], bias=bias), nn.Dropout(dropout, **kw)]
        super().__init__(*layers)
