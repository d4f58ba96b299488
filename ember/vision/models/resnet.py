"""ResNet, ResNeXt and Wide ResNet (torchvision's module tree and state_dict keys).

>>> from ember.vision.models.resnet import resnet18
>>> m = resnet18(num_classes=10)
>>> m.eval()(ember.zeros(1, 3, 32, 32)).shape
torch.Size([1, 10])
"""
import ember
from ... import nn
from ._conv_norm_eval import conv_bn_act, fusable, hooked_anywhere
from ._api import _load_weights, _make_weights_enum, _ovewrite_named_param, _prepare, builder

__all__ = ["ResNet", "BasicBlock", "Bottleneck", "resnet18", "resnet34", "resnet50", "resnet101", "resnet152",
           "resnext50_32x4d", "resnext101_32x8d", "resnext101_64x4d", "wide_resnet50_2", "wide_resnet101_2",
           "ResNet18_Weights", "ResNet34_Weights", "ResNet50_Weights", "ResNet101_Weights", "ResNet152_Weights",
           "ResNeXt50_32X4D_Weights", "ResNeXt101_32X8D_Weights", "ResNeXt101_64X4D_Weights",
           "Wide_ResNet50_2_Weights", "Wide_ResNet101_2_Weights"]


def conv3x3(in_planes, out_planes, stride=1, groups=1, dilation=1):
    """3x3 convolution, padding ``dilation``, no bias."""
    return nn.Conv2d(in_planes, out_planes, kernel_size=3, stride=stride, padding=dilation, groups=groups,
                     bias=False, dilation=dilation)


def conv1x1(in_planes, out_planes, stride=1):
    """1x1 convolution, no bias."""
    return nn.Conv2d(in_planes, out_planes, kernel_size=1, stride=stride, bias=False)


class BasicBlock(nn.Module):
    """Two 3x3 convolutions with a residual connection (ResNet-18/34).

    >>> from ember.vision.models.resnet import BasicBlock
    >>> BasicBlock(4, 4)(ember.zeros(1, 4, 5, 5)).shape
    torch.Size([1, 4, 5, 5])
    """
    expansion = 1

    def __init__(self, inplanes, planes, stride=1, downsample=None, groups=1, base_width=64, dilation=1,
                 norm_layer=None):
        super().__init__()
        norm_layer = nn.BatchNorm2d if norm_layer is None else norm_layer
        if groups != 1 or base_width != 64:
            raise ValueError("BasicBlock only supports groups=1 and base_width=64")
        if dilation > 1:
            raise NotImplementedError("Dilation > 1 not supported in BasicBlock")
        self.conv1 = conv3x3(inplanes, planes, stride)
        self.bn1 = norm_layer(planes)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = conv3x3(planes, planes)
        self.bn2 = norm_layer(planes)
        self.downsample = downsample
        self.stride = stride

    def forward(self, x):
        out = _conv_bn(self.conv1, self.bn1, self.relu, x)
        y = _residual_tail(self, self.conv2, self.bn2, out, x)
        if y is not None:
            return y
        out = _conv_bn(self.conv2, self.bn2, None, out)
        identity = x if self.downsample is None else self.downsample(x)   # (after the main path, as
        return self.relu(out + identity)                                   # torchvision: same graph order)


def _residual_tail(block, conv, bn, out, x):
    """A residual block's ``relu(bn(conv(out)) + identity)``, identity ``x`` or
    ``downsample(x)``, where ``_conv_norm_eval.conv_bn_act`` applies: the batch norm, the add
    and the ReLU run on each block of the convolution's output while it is in cache (the
    same bits as the layers one by one). The downsample then runs first; so only without any
    hook on it, where nothing can see the order. None (nothing run) where this does not apply."""
    ds = block.downsample
    if fusable(conv, bn, block.relu, out) is None or (ds is not None and hooked_anywhere(ds)):
        return None
    identity = x if ds is None else ds(x)
    y = conv_bn_act(conv, bn, block.relu, out, fold=False, residual=identity)
    if y is None:
        y = block.relu(bn(conv(out)) + identity)
    return y


def _conv_bn(conv, bn, act, x):
    """``act(bn(conv(x)))`` (``act`` None: no activation): in eval mode outside autograd the
    batch norm and activation run in place on the convolution's fresh output
    (``_conv_norm_eval.conv_bn_act``, not folded into the weights: the same bits as the
    modules one by one, so traced and compiled graphs match eager exactly), else the modules
    one by one."""
    y = conv_bn_act(conv, bn, act, x, fold=False)
    if y is None:
        y = bn(conv(x))
        if act is not None:
            y = act(y)
    return y


class Bottleneck(nn.Module):
    """1x1 reduce, 3x3 (grouped, strided), 1x1 expand, with a residual connection (ResNet-50+).

    >>> from ember.vision.models.resnet import Bottleneck
    >>> Bottleneck(16, 4)(ember.zeros(1, 16, 5, 5)).shape
    torch.Size([1, 16, 5, 5])
    """
    expansion = 4

    def __init__(self, inplanes, planes, stride=1, downsample=None, groups=1, base_width=64, dilation=1,
                 norm_layer=None):
        super().__init__()
        norm_layer = nn.BatchNorm2d if norm_layer is None else norm_layer
        width = int(planes * (base_width / 64.0)) * groups
        self.conv1 = conv1x1(inplanes, width)
        self.bn1 = norm_layer(width)
        self.conv2 = conv3x3(width, width, stride, groups, dilation)
        self.bn2 = norm_layer(width)
        self.conv3 = conv1x1(width, planes * self.expansion)
        self.bn3 = norm_layer(planes * self.expansion)
        self.relu = nn.ReLU(inplace=True)
        self.downsample = downsample
        self.stride = stride

    def forward(self, x):
        out = _conv_bn(self.conv1, self.bn1, self.relu, x)
        out = _conv_bn(self.conv2, self.bn2, self.relu, out)
        y = _residual_tail(self, self.conv3, self.bn3, out, x)
        if y is not None:
            return y
        out = _conv_bn(self.conv3, self.bn3, None, out)
        identity = x if self.downsample is None else self.downsample(x)
        return self.relu(out + identity)


class ResNet(nn.Module):
    """The ResNet trunk: stem, four stages of ``block`` and a linear classifier.

    >>> from ember.vision.models.resnet import BasicBlock, ResNet
    >>> ResNet(BasicBlock, [1, 1, 1, 1], num_classes=3).eval()(ember.zeros(1, 3, 32, 32)).shape
    torch.Size([1, 3])
    """

    def __init__(self, block, layers, num_classes=1000, zero_init_residual=False, groups=1, width_per_group=64,
                 replace_stride_with_dilation=None, norm_layer=None):
        super().__init__()
        self._norm_layer = nn.BatchNorm2d if norm_layer is None else norm_layer
        self.inplanes = 64
        self.dilation = 1
        if replace_stride_with_dilation is None:
            replace_stride_with_dilation = [False, False, False]
        if len(replace_stride_with_dilation) != 3:
            raise ValueError("replace_stride_with_dilation should be None or a 3-element tuple, "
                             f"got {replace_stride_with_dilation}")
        self.groups = groups
        self.base_width = width_per_group
        self.conv1 = nn.Conv2d(3, self.inplanes, kernel_size=7, stride=2, padding=3, bias=False)
        self.bn1 = self._norm_layer(self.inplanes)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
        self.layer1 = self._make_layer(block, 64, layers[0])
        self.layer2 = self._make_layer(block, 128, layers[1], stride=2, dilate=replace_stride_with_dilation[0])
        self.layer3 = self._make_layer(block, 256, layers[2], stride=2, dilate=replace_stride_with_dilation[1])
        self.layer4 = self._make_layer(block, 512, layers[3], stride=2, dilate=replace_stride_with_dilation[2])
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(512 * block.expansion, num_classes)

        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
            elif isinstance(m, (nn.BatchNorm2d, nn.GroupNorm)):
                nn.init.constant_(m.weight, 1)
                nn.init.constant_(m.bias, 0)
        if zero_init_residual:
            for m in self.modules():
                if isinstance(m, Bottleneck) and m.bn3.weight is not None:
                    nn.init.constant_(m.bn3.weight, 0)
                elif isinstance(m, BasicBlock) and m.bn2.weight is not None:
                    nn.init.constant_(m.bn2.weight, 0)

    def _make_layer(self, block, planes, blocks, stride=1, dilate=False):
        norm_layer = self._norm_layer
        downsample = None
        previous_dilation = self.dilation
        if dilate:
            self.dilation *= stride
            stride = 1
        if stride != 1 or self.inplanes != planes * block.expansion:
            downsample = nn.Sequential(conv1x1(self.inplanes, planes * block.expansion, stride),
                                       norm_layer(planes * block.expansion))
        layers = [block(self.inplanes, planes, stride, downsample, self.groups, self.base_width, previous_dilation,
                        norm_layer)]
        self.inplanes = planes * block.expansion
        for _ in range(1, blocks):
            layers.append(block(self.inplanes, planes, groups=self.groups, base_width=self.base_width,
                                dilation=self.dilation, norm_layer=norm_layer))
        return nn.Sequential(*layers)

    def _forward_impl(self, x):
        x = self.maxpool(_conv_bn(self.conv1, self.bn1, self.relu, x))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        x = ember.flatten(self.avgpool(x), 1)
        return self.fc(x)

    def forward(self, x):
        return self._forward_impl(x)


def _resnet(block, layers, weights, progress, **kwargs):
    model = ResNet(block, layers, **kwargs)
    return _load_weights(model, weights, progress)


ResNet18_Weights = _make_weights_enum("resnet18")
ResNet34_Weights = _make_weights_enum("resnet34")
ResNet50_Weights = _make_weights_enum("resnet50")
ResNet101_Weights = _make_weights_enum("resnet101")
ResNet152_Weights = _make_weights_enum("resnet152")
ResNeXt50_32X4D_Weights = _make_weights_enum("resnext50_32x4d")
ResNeXt101_32X8D_Weights = _make_weights_enum("resnext101_32x8d")
ResNeXt101_64X4D_Weights = _make_weights_enum("resnext101_64x4d")
Wide_ResNet50_2_Weights = _make_weights_enum("wide_resnet50_2")
Wide_ResNet101_2_Weights = _make_weights_enum("wide_resnet101_2")




@builder(ResNet18_Weights, legacy_default="IMAGENET1K_V1")
def resnet18(*, weights=None, progress=True, **kwargs):
    """ResNet-18; ``weights`` a :class:`ResNet18_Weights` member (or its name).

    >>> from ember.vision.models.resnet import ResNet18_Weights
    >>> ResNet18_Weights.DEFAULT.meta["num_params"] > 0
    True
    """
    weights = _prepare(ResNet18_Weights, weights, kwargs)
    return _resnet(BasicBlock, [2, 2, 2, 2], weights, progress, **kwargs)


@builder(ResNet34_Weights, legacy_default="IMAGENET1K_V1")
def resnet34(*, weights=None, progress=True, **kwargs):
    """ResNet-34; ``weights`` a :class:`ResNet34_Weights` member (or its name).

    >>> from ember.vision.models.resnet import ResNet34_Weights
    >>> ResNet34_Weights.DEFAULT.meta["num_params"] > 0
    True
    """
    weights = _prepare(ResNet34_Weights, weights, kwargs)
    return _resnet(BasicBlock, [3, 4, 6, 3], weights, progress, **kwargs)


@builder(ResNet50_Weights, legacy_default="IMAGENET1K_V1")
def resnet50(*, weights=None, progress=True, **kwargs):
    """ResNet-50; ``weights`` a :class:`ResNet50_Weights` member (or its name).

    >>> from ember.vision.models.resnet import ResNet50_Weights
    >>> ResNet50_Weights.DEFAULT.meta["num_params"] > 0
    True
    """
    weights = _prepare(ResNet50_Weights, weights, kwargs)
    return _resnet(Bottleneck, [3, 4, 6, 3], weights, progress, **kwargs)


@builder(ResNet101_Weights, legacy_default="IMAGENET1K_V1")
def resnet101(*, weights=None, progress=True, **kwargs):
    """ResNet-101; ``weights`` a :class:`ResNet101_Weights` member (or its name).

    >>> from ember.vision.models.resnet import ResNet101_Weights
    >>> ResNet101_Weights.DEFAULT.meta["num_params"] > 0
    True
    """
    weights = _prepare(ResNet101_Weights, weights, kwargs)
    return _resnet(Bottleneck, [3, 4, 23, 3], weights, progress, **kwargs)


@builder(ResNet152_Weights, legacy_default="IMAGENET1K_V1")
def resnet152(*, weights=None, progress=True, **kwargs):
    """ResNet-152; ``weights`` a :class:`ResNet152_Weights` member (or its name).

    >>> from ember.vision.models.resnet import ResNet152_Weights
    >>> ResNet152_Weights.DEFAULT.meta["num_params"] > 0
    True
    """
    weights = _prepare(ResNet152_Weights, weights, kwargs)
    return _resnet(Bottleneck, [3, 8, 36, 3], weights, progress, **kwargs)


@builder(ResNeXt50_32X4D_Weights, legacy_default="IMAGENET1K_V1")
def resnext50_32x4d(*, weights=None, progress=True, **kwargs):
    """ResNeXt-50 32x4d; ``weights`` a :class:`ResNeXt50_32X4D_Weights` member (or its name).

    >>> from ember.vision.models.resnet import ResNeXt50_32X4D_Weights
    >>> ResNeXt50_32X4D_Weights.DEFAULT.meta["num_params"] > 0
    True
    """
    weights = _prepare(ResNeXt50_32X4D_Weights, weights, kwargs)
    _ovewrite_named_param(kwargs, "groups", 32)
    _ovewrite_named_param(kwargs, "width_per_group", 4)
    return _resnet(Bottleneck, [3, 4, 6, 3], weights, progress, **kwargs)


@builder(ResNeXt101_32X8D_Weights, legacy_default="IMAGENET1K_V1")
def resnext101_32x8d(*, weights=None, progress=True, **kwargs):
    """ResNeXt-101 32x8d; ``weights`` a :class:`ResNeXt101_32X8D_Weights` member (or its name).

    >>> from ember.vision.models.resnet import ResNeXt101_32X8D_Weights
    >>> ResNeXt101_32X8D_Weights.DEFAULT.meta["num_params"] > 0
    True
    """
    weights = _prepare(ResNeXt101_32X8D_Weights, weights, kwargs)
    _ovewrite_named_param(kwargs, "groups", 32)
    _ovewrite_named_param(kwargs, "width_per_group", 8)
    return _resnet(Bottleneck, [3, 4, 23, 3], weights, progress, **kwargs)


@builder(ResNeXt101_64X4D_Weights, legacy_default="IMAGENET1K_V1")
def resnext101_64x4d(*, weights=None, progress=True, **kwargs):
    """ResNeXt-101 64x4d; ``weights`` a :class:`ResNeXt101_64X4D_Weights` member (or its name).

    >>> from ember.vision.models.resnet import ResNeXt101_64X4D_Weights
    >>> ResNeXt101_64X4D_Weights.DEFAULT.meta["num_params"] > 0
    True
    """
    weights = _prepare(ResNeXt101_64X4D_Weights, weights, kwargs)
    _ovewrite_named_param(kwargs, "groups", 64)
    _ovewrite_named_param(kwargs, "width_per_group", 4)
    return _resnet(Bottleneck, [3, 4, 23, 3], weights, progress, **kwargs)


@builder(Wide_ResNet50_2_Weights, legacy_default="IMAGENET1K_V1")
def wide_resnet50_2(*, weights=None, progress=True, **kwargs):
    """Wide ResNet-50-2; ``weights`` a :class:`Wide_ResNet50_2_Weights` member (or its name).

    >>> from ember.vision.models.resnet import Wide_ResNet50_2_Weights
    >>> Wide_ResNet50_2_Weights.DEFAULT.meta["num_params"] > 0
    True
    """
    weights = _prepare(Wide_ResNet50_2_Weights, weights, kwargs)
    _ovewrite_named_param(kwargs, "width_per_group", 128)
    return _resnet(Bottleneck, [3, 4, 6, 3], weights, progress, **kwargs)


@builder(Wide_ResNet101_2_Weights, legacy_default="IMAGENET1K_V1")
def wide_resnet101_2(*, weights=None, progress=True, **kwargs):
    """Wide ResNet-101-2; ``weights`` a :class:`Wide_ResNet101_2_Weights` member (or its name).

    >>> from ember.vision.models.resnet import Wide_ResNet101_2_Weights
    >>> Wide_ResNet101_2_Weights.DEFAULT.meta["num_params"] > 0
    True
    """
    weights = _prepare(Wide_ResNet101_2_Weights, weights, kwargs)
    _ovewrite_named_param(kwargs, "width_per_group", 128)
    return _resnet(Bottleneck, [3, 4, 23, 3], weights, progress, **kwargs)
