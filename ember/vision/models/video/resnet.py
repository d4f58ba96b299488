"""Video ResNets: R3D-18, MC3-18 and R(2+1)D-18 (torchvision's module tree and state_dict keys).
Inputs are clips ``(N, C, T, H, W)``.

>>> from ember.vision.models.video import r3d_18
>>> r3d_18(num_classes=5).eval()(ember.zeros(1, 3, 2, 16, 16)).shape
torch.Size([1, 5])
"""
import ember
from .... import nn
from .._api import _load_weights, _make_weights_enum, _prepare, builder

__all__ = ["VideoResNet", "R3D_18_Weights", "MC3_18_Weights", "R2Plus1D_18_Weights", "r3d_18", "mc3_18",
           "r2plus1d_18"]


class Conv3DSimple(nn.Conv3d):
    """A full 3x3x3 convolution (``midplanes`` unused), no bias.

    >>> from ember.vision.models.video.resnet import Conv3DSimple
    >>> Conv3DSimple(3, 4, stride=2)(ember.zeros(1, 3, 4, 6, 6)).shape
    torch.Size([1, 4, 2, 3, 3])
    """

    def __init__(self, in_planes, out_planes, midplanes=None, stride=1, padding=1):
        super().__init__(in_channels=in_planes, out_channels=out_planes, kernel_size=(3, 3, 3), stride=stride,
                         padding=padding, bias=False)

    @staticmethod
    def get_downsample_stride(stride):
        """The (T, H, W) stride of the shortcut's 1x1x1 convolution."""
        return stride, stride, stride


class Conv2Plus1D(nn.Sequential):
    """A (2+1)D convolution: 1x3x3 spatial conv to ``midplanes``, batch norm, ReLU, 3x1x1 temporal conv.

    >>> from ember.vision.models.video.resnet import Conv2Plus1D
    >>> Conv2Plus1D(3, 4, 5, stride=2)(ember.zeros(1, 3, 4, 6, 6)).shape
    torch.Size([1, 4, 2, 3, 3])
    """

    def __init__(self, in_planes, out_planes, midplanes, stride=1, padding=1):
        super().__init__(
            nn.Conv3d(in_planes, midplanes, kernel_size=(1, 3, 3), stride=(1, stride, stride),
                      padding=(0, padding, padding), bias=False),
            nn.BatchNorm3d(midplanes), nn.ReLU(inplace=True),
            nn.Conv3d(midplanes, out_planes, kernel_size=(3, 1, 1), stride=(stride, 1, 1), padding=(padding, 0, 0),
                      bias=False))

    @staticmethod
    def get_downsample_stride(stride):
        """The (T, H, W) stride of the shortcut's 1x1x1 convolution."""
        return stride, stride, stride


class Conv3DNoTemporal(nn.Conv3d):
    """A 1x3x3 (spatial only) convolution (``midplanes`` unused), no bias.

    >>> from ember.vision.models.video.resnet import Conv3DNoTemporal
    >>> Conv3DNoTemporal(3, 4, stride=2)(ember.zeros(1, 3, 4, 6, 6)).shape
    torch.Size([1, 4, 4, 3, 3])
    """

    def __init__(self, in_planes, out_planes, midplanes=None, stride=1, padding=1):
        super().__init__(in_channels=in_planes, out_channels=out_planes, kernel_size=(1, 3, 3),
                         stride=(1, stride, stride), padding=(0, padding, padding), bias=False)

    @staticmethod
    def get_downsample_stride(stride):
        """The (T, H, W) stride of the shortcut's 1x1x1 convolution."""
        return 1, stride, stride


def _midplanes(inplanes, planes):
    """The (2+1)D width that keeps the parameter count of a full 3x3x3 convolution."""
    return (inplanes * planes * 3 * 3 * 3) // (inplanes * 3 * 3 + 3 * planes)


class BasicBlock(nn.Module):
    """Two ``conv_builder`` convolutions with batch norm and a residual connection.

    >>> from ember.vision.models.video.resnet import BasicBlock, Conv3DSimple
    >>> BasicBlock(4, 4, Conv3DSimple)(ember.zeros(1, 4, 2, 5, 5)).shape
    torch.Size([1, 4, 2, 5, 5])
    """
    expansion = 1

    def __init__(self, inplanes, planes, conv_builder, stride=1, downsample=None):
        mid = _midplanes(inplanes, planes)
        super().__init__()
        self.conv1 = nn.Sequential(conv_builder(inplanes, planes, mid, stride), nn.BatchNorm3d(planes),
                                   nn.ReLU(inplace=True))
        self.conv2 = nn.Sequential(conv_builder(planes, planes, mid), nn.BatchNorm3d(planes))
        self.relu = nn.ReLU(inplace=True)
        self.downsample = downsample
        self.stride = stride

    def forward(self, x):
        out = self.conv2(self.conv1(x))
        residual = x if self.downsample is None else self.downsample(x)
        return self.relu(out + residual)


class Bottleneck(nn.Module):
    """1x1x1 reduce, a ``conv_builder`` convolution, 1x1x1 expand (x4), with a residual connection.

    >>> from ember.vision.models.video.resnet import Bottleneck, Conv3DSimple
    >>> Bottleneck(16, 4, Conv3DSimple)(ember.zeros(1, 16, 2, 5, 5)).shape
    torch.Size([1, 16, 2, 5, 5])
    """
    expansion = 4

    def __init__(self, inplanes, planes, conv_builder, stride=1, downsample=None):
        super().__init__()
        mid = _midplanes(inplanes, planes)
        self.conv1 = nn.Sequential(nn.Conv3d(inplanes, planes, kernel_size=1, bias=False), nn.BatchNorm3d(planes),
                                   nn.ReLU(inplace=True))
        self.conv2 = nn.Sequential(conv_builder(planes, planes, mid, stride), nn.BatchNorm3d(planes),
                                   nn.ReLU(inplace=True))
        self.conv3 = nn.Sequential(nn.Conv3d(planes, planes * self.expansion, kernel_size=1, bias=False),
                                   nn.BatchNorm3d(planes * self.expansion))
        self.relu = nn.ReLU(inplace=True)
        self.downsample = downsample
        self.stride = stride

    def forward(self, x):
        out = self.conv3(self.conv2(self.conv1(x)))
        residual = x if self.downsample is None else self.downsample(x)
        return self.relu(out + residual)


class BasicStem(nn.Sequential):
    """The default stem: 3x7x7 convolution (spatial stride 2) to 64 channels, batch norm, ReLU.

    >>> from ember.vision.models.video.resnet import BasicStem
    >>> BasicStem()(ember.zeros(1, 3, 2, 8, 8)).shape
    torch.Size([1, 64, 2, 4, 4])
    """

    def __init__(self):
        super().__init__(nn.Conv3d(3, 64, kernel_size=(3, 7, 7), stride=(1, 2, 2), padding=(1, 3, 3), bias=False),
                         nn.BatchNorm3d(64), nn.ReLU(inplace=True))


class R2Plus1dStem(nn.Sequential):
    """The R(2+1)D stem: a 1x7x7 spatial convolution to 45 channels and a 3x1x1 temporal one to 64,
    each with batch norm and ReLU.

    >>> from ember.vision.models.video.resnet import R2Plus1dStem
    >>> R2Plus1dStem()(ember.zeros(1, 3, 2, 8, 8)).shape
    torch.Size([1, 64, 2, 4, 4])
    """

    def __init__(self):
        super().__init__(nn.Conv3d(3, 45, kernel_size=(1, 7, 7), stride=(1, 2, 2), padding=(0, 3, 3), bias=False),
                         nn.BatchNorm3d(45), nn.ReLU(inplace=True),
                         nn.Conv3d(45, 64, kernel_size=(3, 1, 1), stride=(1, 1, 1), padding=(1, 0, 0), bias=False),
                         nn.BatchNorm3d(64), nn.ReLU(inplace=True))


class VideoResNet(nn.Module):
    """The video ResNet trunk: ``stem``, four stages of ``block`` built with ``conv_makers[i]``,
    global average pooling and a linear classifier.

    >>> from ember.vision.models.video.resnet import BasicBlock, BasicStem, Conv3DSimple, VideoResNet
    >>> m = VideoResNet(BasicBlock, [Conv3DSimple] * 4, [1, 1, 1, 1], BasicStem, num_classes=3)
    >>> m.eval()(ember.zeros(1, 3, 2, 16, 16)).shape
    torch.Size([1, 3])
    """

    def __init__(self, block, conv_makers, layers, stem, num_classes=400, zero_init_residual=False):
        super().__init__()
        self.inplanes = 64
        self.stem = stem()
        self.layer1 = self._make_layer(block, conv_makers[0], 64, layers[0], stride=1)
        self.layer2 = self._make_layer(block, conv_makers[1], 128, layers[1], stride=2)
        self.layer3 = self._make_layer(block, conv_makers[2], 256, layers[2], stride=2)
        self.layer4 = self._make_layer(block, conv_makers[3], 512, layers[3], stride=2)
        self.avgpool = nn.AdaptiveAvgPool3d((1, 1, 1))
        self.fc = nn.Linear(512 * block.expansion, num_classes)
        for m in self.modules():
            if isinstance(m, nn.Conv3d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
                if m.bias is not None:
                    nn.init.constant_(m.bias, 0)
            elif isinstance(m, nn.BatchNorm3d):
                nn.init.constant_(m.weight, 1)
                nn.init.constant_(m.bias, 0)
            elif isinstance(m, nn.Linear):
                nn.init.normal_(m.weight, 0, 0.01)
                nn.init.constant_(m.bias, 0)
        if zero_init_residual:
            for m in self.modules():
                if isinstance(m, Bottleneck):
                    nn.init.constant_(m.bn3.weight, 0)  # torchvision's AttributeError: this Bottleneck has no bn3

    def forward(self, x):
        x = self.layer4(self.layer3(self.layer2(self.layer1(self.stem(x)))))
        return self.fc(ember.flatten(self.avgpool(x), 1))

    def _make_layer(self, block, conv_builder, planes, blocks, stride=1):
        downsample = None
        if stride != 1 or self.inplanes != planes * block.expansion:
            downsample = nn.Sequential(
                nn.Conv3d(self.inplanes, planes * block.expansion, kernel_size=1,
                          stride=conv_builder.get_downsample_stride(stride), bias=False),
                nn.BatchNorm3d(planes * block.expansion))
        layers = [block(self.inplanes, planes, conv_builder, stride, downsample)]
        self.inplanes = planes * block.expansion
        layers += [block(self.inplanes, planes, conv_builder) for _ in range(1, blocks)]
        return nn.Sequential(*layers)


def _video_resnet(block, conv_makers, layers, stem, weights, progress, **kwargs):
    return _load_weights(VideoResNet(block, conv_makers, layers, stem, **kwargs), weights, progress)


_TABLE = "video/_weights_table.json"
R3D_18_Weights = _make_weights_enum("r3d_18", _TABLE, __name__)
MC3_18_Weights = _make_weights_enum("mc3_18", _TABLE, __name__)
R2Plus1D_18_Weights = _make_weights_enum("r2plus1d_18", _TABLE, __name__)


@builder(R3D_18_Weights, legacy_default="KINETICS400_V1")
def r3d_18(*, weights=None, progress=True, **kwargs):
    """18-layer ResNet3D (full 3x3x3 convolutions); ``weights`` a :class:`R3D_18_Weights` member.

    >>> from ember.vision.models.video import R3D_18_Weights
    >>> R3D_18_Weights.DEFAULT.meta["num_params"]
    33371472
    """
    weights = _prepare(R3D_18_Weights, weights, kwargs)
    return _video_resnet(BasicBlock, [Conv3DSimple] * 4, [2, 2, 2, 2], BasicStem, weights, progress, **kwargs)


@builder(MC3_18_Weights, legacy_default="KINETICS400_V1")
def mc3_18(*, weights=None, progress=True, **kwargs):
    """18-layer mixed-convolution network (3D in the first stage, 2D after); ``weights`` a
    :class:`MC3_18_Weights` member.

    >>> from ember.vision.models.video import MC3_18_Weights
    >>> MC3_18_Weights.DEFAULT.meta["num_params"]
    11695440
    """
    weights = _prepare(MC3_18_Weights, weights, kwargs)
    return _video_resnet(BasicBlock, [Conv3DSimple] + [Conv3DNoTemporal] * 3, [2, 2, 2, 2], BasicStem, weights,
                         progress, **kwargs)


@builder(R2Plus1D_18_Weights, legacy_default="KINETICS400_V1")
def r2plus1d_18(*, weights=None, progress=True, **kwargs):
    """18-layer R(2+1)D network (factorised spatial + temporal convolutions); ``weights`` a
    :class:`R2Plus1D_18_Weights` member.

    >>> from ember.vision.models.video import R2Plus1D_18_Weights
    >>> R2Plus1D_18_Weights.DEFAULT.transforms().crop_size
    [112, 112]
    """
    weights = _prepare(R2Plus1D_18_Weights, weights, kwargs)
    return _video_resnet(BasicBlock, [Conv2Plus1D] * 4, [2, 2, 2, 2], R2Plus1dStem, weights, progress, **kwargs)
