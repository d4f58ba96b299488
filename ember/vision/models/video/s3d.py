"""S3D, the separable 3D CNN (torchvision's module tree and state_dict keys). Inputs are clips
``(N, C, T, H, W)`` of at least 13 frames of 209x209 (the final pooling window is 2x7x7).

>>> from ember.vision.models.video import S3D_Weights
>>> S3D_Weights.DEFAULT.meta["min_temporal_size"]
14
"""
import functools

import ember
from .... import nn
from .._api import _load_weights, _make_weights_enum, _prepare, builder

__all__ = ["S3D", "S3D_Weights", "s3d"]


class Conv3dNormActivation(nn.Sequential):
    """Conv3d, then ``norm_layer`` (if any), then ``activation_layer`` (if any); children ``0``, ``1``,
    ``2`` (torchvision.ops.misc's block). ``padding`` defaults to ``(kernel_size - 1) // 2 * dilation``;
    the convolution has a bias only without a norm layer (unless ``bias`` says otherwise).

    >>> from ember.vision.models.video.s3d import Conv3dNormActivation
    >>> Conv3dNormActivation(3, 8)(ember.zeros(1, 3, 2, 4, 4)).shape
    torch.Size([1, 8, 2, 4, 4])
    """

    def __init__(self, in_channels, out_channels, kernel_size=3, stride=1, padding=None, groups=1,
                 norm_layer=nn.BatchNorm3d, activation_layer=nn.ReLU, dilation=1, inplace=True, bias=None):
        if padding is None:
            ks = kernel_size if isinstance(kernel_size, (tuple, list)) else (kernel_size,) * 3
            dl = dilation if isinstance(dilation, (tuple, list)) else (dilation,) * len(ks)
            padding = tuple((k - 1) // 2 * d for k, d in zip(ks, dl))
            if isinstance(kernel_size, int) and isinstance(dilation, int):
                padding = padding[0]
        if bias is None:
            bias = norm_layer is None
        layers = [nn.Conv3d(in_channels, out_channels, kernel_size, stride, padding, dilation=dilation, groups=groups,
                            bias=bias)]
        if norm_layer is not None:
            layers.append(norm_layer(out_channels))
        if activation_layer is not None:
            layers.append(activation_layer() if inplace is None else activation_layer(inplace=inplace))
        super().__init__(*layers)
        self.out_channels = out_channels


class TemporalSeparableConv(nn.Sequential):
    """A 1xkxk spatial conv-norm-ReLU followed by a kx1x1 temporal one.

    >>> from ember.vision.models.video.s3d import TemporalSeparableConv
    >>> TemporalSeparableConv(3, 4, 3, 2, 1, nn.BatchNorm3d)(ember.zeros(1, 3, 4, 6, 6)).shape
    torch.Size([1, 4, 2, 3, 3])
    """

    def __init__(self, in_planes, out_planes, kernel_size, stride, padding, norm_layer):
        super().__init__(
            Conv3dNormActivation(in_planes, out_planes, kernel_size=(1, kernel_size, kernel_size),
                                 stride=(1, stride, stride), padding=(0, padding, padding), bias=False,
                                 norm_layer=norm_layer),
            Conv3dNormActivation(out_planes, out_planes, kernel_size=(kernel_size, 1, 1), stride=(stride, 1, 1),
                                 padding=(padding, 0, 0), bias=False, norm_layer=norm_layer))


class SepInceptionBlock3D(nn.Module):
    """An inception block with separable 3D convolutions: a 1x1x1 branch, two 1x1x1 + separable 3x3x3
    branches and a max-pool + 1x1x1 branch, concatenated on channels.

    >>> from ember.vision.models.video.s3d import SepInceptionBlock3D
    >>> SepInceptionBlock3D(8, 2, 2, 3, 2, 3, 4, nn.BatchNorm3d)(ember.zeros(1, 8, 2, 4, 4)).shape
    torch.Size([1, 12, 2, 4, 4])
    """

    def __init__(self, in_planes, b0_out, b1_mid, b1_out, b2_mid, b2_out, b3_out, norm_layer):
        super().__init__()
        self.branch0 = Conv3dNormActivation(in_planes, b0_out, kernel_size=1, stride=1, norm_layer=norm_layer)
        self.branch1 = nn.Sequential(
            Conv3dNormActivation(in_planes, b1_mid, kernel_size=1, stride=1, norm_layer=norm_layer),
            TemporalSeparableConv(b1_mid, b1_out, kernel_size=3, stride=1, padding=1, norm_layer=norm_layer))
        self.branch2 = nn.Sequential(
            Conv3dNormActivation(in_planes, b2_mid, kernel_size=1, stride=1, norm_layer=norm_layer),
            TemporalSeparableConv(b2_mid, b2_out, kernel_size=3, stride=1, padding=1, norm_layer=norm_layer))
        self.branch3 = nn.Sequential(
            nn.MaxPool3d(kernel_size=(3, 3, 3), stride=1, padding=1),
            Conv3dNormActivation(in_planes, b3_out, kernel_size=1, stride=1, norm_layer=norm_layer))

    def forward(self, x):
        return ember.cat((self.branch0(x), self.branch1(x), self.branch2(x), self.branch3(x)), 1)


# SepInceptionBlock3D widths (in, b0, b1_mid, b1, b2_mid, b2, b3), "M<k>" a max-pool of kernel/stride k
_S3D_LAYOUT = [(192, 64, 96, 128, 16, 32, 32), (256, 128, 128, 192, 32, 96, 64), "M3",
               (480, 192, 96, 208, 16, 48, 64), (512, 160, 112, 224, 24, 64, 64), (512, 128, 128, 256, 24, 64, 64),
               (512, 112, 144, 288, 32, 64, 64), (528, 256, 160, 320, 32, 128, 128), "M2",
               (832, 256, 160, 320, 32, 128, 128), (832, 384, 192, 384, 48, 128, 128)]


class S3D(nn.Module):
    """S3D (Xie et al., 2018): separable-convolution stem, separable inception blocks, 2x7x7 average
    pooling, dropout and a 1x1x1 convolution classifier averaged over the remaining positions.

    >>> from ember.vision.models.video import S3D
    >>> S3D(num_classes=3).classifier[1].out_channels
    3
    """

    def __init__(self, num_classes=400, dropout=0.2, norm_layer=None):
        super().__init__()
        if norm_layer is None:
            norm_layer = functools.partial(nn.BatchNorm3d, eps=0.001, momentum=0.001)
        layers = [TemporalSeparableConv(3, 64, 7, 2, 3, norm_layer),
                  nn.MaxPool3d(kernel_size=(1, 3, 3), stride=(1, 2, 2), padding=(0, 1, 1)),
                  Conv3dNormActivation(64, 64, kernel_size=1, stride=1, norm_layer=norm_layer),
                  TemporalSeparableConv(64, 192, 3, 1, 1, norm_layer),
                  nn.MaxPool3d(kernel_size=(1, 3, 3), stride=(1, 2, 2), padding=(0, 1, 1))]
        for spec in _S3D_LAYOUT:
            if spec == "M3":
                layers.append(nn.MaxPool3d(kernel_size=(3, 3, 3), stride=(2, 2, 2), padding=(1, 1, 1)))
            elif spec == "M2":
                layers.append(nn.MaxPool3d(kernel_size=(2, 2, 2), stride=(2, 2, 2), padding=(0, 0, 0)))
            else:
                layers.append(SepInceptionBlock3D(*spec, norm_layer))
        self.features = nn.Sequential(*layers)
        self.avgpool = nn.AvgPool3d(kernel_size=(2, 7, 7), stride=1)
        self.classifier = nn.Sequential(nn.Dropout(p=dropout),
                                        nn.Conv3d(1024, num_classes, kernel_size=1, stride=1, bias=True))

    def forward(self, x):
        x = self.classifier(self.avgpool(self.features(x)))
        return ember.mean(x, dim=(2, 3, 4))


S3D_Weights = _make_weights_enum("s3d", "video/_weights_table.json", __name__)


@builder(S3D_Weights, legacy_default="KINETICS400_V1")
def s3d(*, weights=None, progress=True, **kwargs):
    """S3D; ``weights`` a :class:`S3D_Weights` member.

    >>> from ember.vision.models.video import S3D_Weights
    >>> S3D_Weights.DEFAULT.meta["num_params"]
    8320048
    """
    weights = _prepare(S3D_Weights, weights, kwargs)
    return _load_weights(S3D(**kwargs), weights, progress)
