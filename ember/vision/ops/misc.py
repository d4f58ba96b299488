"""``torchvision.ops.misc``: the layers detection and classification models share.

``Conv2dNormActivation``, ``SqueezeExcitation``, ``MLP`` and ``Permute`` are the very classes
``ember.vision.models`` builds its networks from (``models/_blocks.py``), and
``Conv3dNormActivation`` the one of the video models (``models/video/s3d.py``), so ``isinstance``
checks and ``state_dict`` keys agree between the two namespaces.

>>> from ember.vision.ops import FrozenBatchNorm2d
>>> FrozenBatchNorm2d(3)(ember.ones(1, 3, 2, 2)).shape
torch.Size([1, 3, 2, 2])
"""
import warnings

import ember
from ... import nn
from ..models._blocks import MLP, Conv2dNormActivation, Permute, SqueezeExcitation
from ..models.video.s3d import Conv3dNormActivation

__all__ = ["FrozenBatchNorm2d", "ConvNormActivation", "Conv2dNormActivation", "Conv3dNormActivation",
           "SqueezeExcitation", "MLP", "Permute"]

interpolate = nn.functional.interpolate


class FrozenBatchNorm2d(nn.Module):
    """BatchNorm2d whose statistics and affine parameters are fixed buffers (``weight``,
    ``bias``, ``running_mean``, ``running_var``): ``y = (x - mean) / sqrt(var + eps) * w + b``.
    Loading a state_dict ignores a ``num_batches_tracked`` entry.

    >>> from ember.vision.ops import FrozenBatchNorm2d
    >>> bn = FrozenBatchNorm2d(2); bn.running_var.fill_(4.0)
    tensor([4., 4.])
    >>> bn(ember.full((1, 2, 1, 1), 2.0)).flatten()
    tensor([1.0000, 1.0000])
    """

    def __init__(self, num_features, eps=1e-5):
        super().__init__()
        self.eps = eps
        self.register_buffer("weight", ember.ones(num_features))
        self.register_buffer("bias", ember.zeros(num_features))
        self.register_buffer("running_mean", ember.zeros(num_features))
        self.register_buffer("running_var", ember.ones(num_features))

    def _load_from_state_dict(self, state_dict, prefix, local_metadata, strict, missing_keys,
                              unexpected_keys, error_msgs):
        state_dict.pop(prefix + "num_batches_tracked", None)
        super()._load_from_state_dict(state_dict, prefix, local_metadata, strict, missing_keys,
                                      unexpected_keys, error_msgs)

    def forward(self, x):
        scale = self.weight.reshape(1, -1, 1, 1) * (self.running_var.reshape(1, -1, 1, 1) + self.eps).rsqrt()
        shift = self.bias.reshape(1, -1, 1, 1) - self.running_mean.reshape(1, -1, 1, 1) * scale
        return x * scale + shift

    def __repr__(self):
        return f"{self.__class__.__name__}({self.weight.shape[0]}, eps={self.eps})"


def _ntuple(x, n):
    return tuple(x) if isinstance(x, (tuple, list)) else (x,) * n


class ConvNormActivation(nn.Sequential):
    """A convolution (``conv_layer``), then ``norm_layer`` and ``activation_layer`` when given;
    children ``0``, ``1``, ``2``. Use :class:`Conv2dNormActivation` or :class:`Conv3dNormActivation`.

    >>> from ember.vision.ops.misc import ConvNormActivation
    >>> len(ConvNormActivation(3, 4, norm_layer=None, activation_layer=None))
    1
    """

    def __init__(self, in_channels, out_channels, kernel_size=3, stride=1, padding=None, groups=1,
                 norm_layer=nn.BatchNorm2d, activation_layer=nn.ReLU, dilation=1, inplace=True, bias=None,
                 conv_layer=nn.Conv2d):
        if padding is None:
            if isinstance(kernel_size, int) and isinstance(dilation, int):
                padding = (kernel_size - 1) // 2 * dilation
            else:
                n = len(kernel_size) if isinstance(kernel_size, (tuple, list)) else len(dilation)
                kernel_size, dilation = _ntuple(kernel_size, n), _ntuple(dilation, n)
                padding = tuple((k - 1) // 2 * d for k, d in zip(kernel_size, dilation))
        if bias is None:
            bias = norm_layer is None
        layers = [conv_layer(in_channels, out_channels, kernel_size, stride, padding, dilation=dilation,
                             groups=groups, bias=bias)]
        if norm_layer is not None:
            layers.append(norm_layer(out_channels))
        if activation_layer is not None:
            layers.append(activation_layer() if inplace is None else activation_layer(inplace=inplace))
        super().__init__(*layers)
        self.out_channels = out_channels
        if type(self) is ConvNormActivation:
            warnings.warn("Don't use ConvNormActivation directly, please use Conv2dNormActivation and "
                          "Conv3dNormActivation instead.")
