"""DeepLabV3 with a dilated ResNet-50/101 or MobileNetV3-Large backbone (torchvision's module tree
and state_dict keys): ``DeepLabV3``, ``DeepLabHead``, ``ASPP`` and the builders.

>>> from ember.vision.models.segmentation import DeepLabV3_ResNet50_Weights
>>> DeepLabV3_ResNet50_Weights.DEFAULT.url.rsplit("/", 1)[-1]
'deeplabv3_resnet50_coco-cd0a2569.pth'
"""
import ember
from .... import nn
from ....nn import functional as F
from .._api import _load_weights, _make_weights_enum, builder
from .._utils import IntermediateLayerGetter
from ..mobilenetv3 import MobileNet_V3_Large_Weights, mobilenet_v3_large
from ..resnet import ResNet50_Weights, ResNet101_Weights, resnet50, resnet101
from .fcn import FCNHead, _segmentation_setup, _SimpleSegmentationModel

__all__ = ["DeepLabV3", "DeepLabV3_ResNet50_Weights", "DeepLabV3_ResNet101_Weights",
           "DeepLabV3_MobileNet_V3_Large_Weights", "deeplabv3_mobilenet_v3_large", "deeplabv3_resnet50",
           "deeplabv3_resnet101"]


class DeepLabV3(_SimpleSegmentationModel):
    """DeepLabV3 (Chen et al., 2017): ``backbone`` features, a dense ``classifier`` (an ASPP head)
    and an optional auxiliary classifier used in training.

    >>> from ember.vision.models.segmentation import DeepLabV3, DeepLabHead
    >>> from ember.vision.models._utils import IntermediateLayerGetter
    >>> body = IntermediateLayerGetter(nn.Sequential(nn.Conv2d(3, 8, 3, stride=4)), {"0": "out"})
    >>> DeepLabV3(body, DeepLabHead(8, 3)).eval()(ember.zeros(1, 3, 16, 16))["out"].shape
    torch.Size([1, 3, 16, 16])
    """


class DeepLabHead(nn.Sequential):
    """ASPP, a 3x3 conv-BN-ReLU at 256 channels and a 1x1 conv to ``num_classes``.

    >>> from ember.vision.models.segmentation import DeepLabHead
    >>> DeepLabHead(8, 3).eval()(ember.zeros(1, 8, 5, 5)).shape
    torch.Size([1, 3, 5, 5])
    """

    def __init__(self, in_channels, num_classes, atrous_rates=(12, 24, 36)):
        super().__init__(ASPP(in_channels, atrous_rates), nn.Conv2d(256, 256, 3, padding=1, bias=False),
                         nn.BatchNorm2d(256), nn.ReLU(), nn.Conv2d(256, num_classes, 1))


class ASPPConv(nn.Sequential):
    """A 3x3 convolution dilated by ``dilation``, batch norm and ReLU.

    >>> from ember.vision.models.segmentation.deeplabv3 import ASPPConv
    >>> ASPPConv(4, 2, 3)(ember.zeros(1, 4, 7, 7)).shape
    torch.Size([1, 2, 7, 7])
    """

    def __init__(self, in_channels, out_channels, dilation):
        super().__init__(nn.Conv2d(in_channels, out_channels, 3, padding=dilation, dilation=dilation, bias=False),
                         nn.BatchNorm2d(out_channels), nn.ReLU())


class ASPPPooling(nn.Sequential):
    """Image-level features: global average pool, 1x1 conv-BN-ReLU, upsampled back to the input size.

    >>> from ember.vision.models.segmentation.deeplabv3 import ASPPPooling
    >>> ASPPPooling(4, 2).eval()(ember.ones(1, 4, 5, 6)).shape
    torch.Size([1, 2, 5, 6])
    """

    def __init__(self, in_channels, out_channels):
        super().__init__(nn.AdaptiveAvgPool2d(1), nn.Conv2d(in_channels, out_channels, 1, bias=False),
                         nn.BatchNorm2d(out_channels), nn.ReLU())

    def forward(self, x):
        size = x.shape[-2:]
        for mod in self:
            x = mod(x)
        return F.interpolate(x, size=size, mode="bilinear", align_corners=False)


class ASPP(nn.Module):
    """Atrous spatial pyramid pooling: a 1x1 branch, one dilated 3x3 branch per rate in
    ``atrous_rates`` and an image-pooling branch, concatenated and projected to ``out_channels``
    (1x1 conv-BN-ReLU, dropout 0.5).

    >>> from ember.vision.models.segmentation.deeplabv3 import ASPP
    >>> ASPP(8, [2, 4]).eval()(ember.zeros(1, 8, 6, 6)).shape
    torch.Size([1, 256, 6, 6])
    """

    def __init__(self, in_channels, atrous_rates, out_channels=256):
        super().__init__()
        branches = [nn.Sequential(nn.Conv2d(in_channels, out_channels, 1, bias=False), nn.BatchNorm2d(out_channels),
                                  nn.ReLU())]
        branches += [ASPPConv(in_channels, out_channels, rate) for rate in tuple(atrous_rates)]
        branches.append(ASPPPooling(in_channels, out_channels))
        self.convs = nn.ModuleList(branches)
        self.project = nn.Sequential(nn.Conv2d(len(self.convs) * out_channels, out_channels, 1, bias=False),
                                     nn.BatchNorm2d(out_channels), nn.ReLU(), nn.Dropout(0.5))

    def forward(self, x):
        return self.project(ember.cat([conv(x) for conv in self.convs], dim=1))


def _deeplabv3_resnet(backbone, num_classes, aux):
    return_layers = {"layer4": "out"}
    if aux:
        return_layers["layer3"] = "aux"
    backbone = IntermediateLayerGetter(backbone, return_layers=return_layers)
    aux_classifier = FCNHead(1024, num_classes) if aux else None
    return DeepLabV3(backbone, DeepLabHead(2048, num_classes), aux_classifier)


def _mobilenet_stages(features):
    """Indices of the first block, each strided block (``_is_cn``) and the last block of a MobileNetV3."""
    return [0] + [i for i, b in enumerate(features) if getattr(b, "_is_cn", False)] + [len(features) - 1]


def _deeplabv3_mobilenetv3(backbone, num_classes, aux):
    features = backbone.features
    stages = _mobilenet_stages(features)
    out_pos, aux_pos = stages[-1], stages[-4]  # C5 (output stride 16) and C2 (output stride 8)
    return_layers = {str(out_pos): "out"}
    if aux:
        return_layers[str(aux_pos)] = "aux"
    out_ch, aux_ch = features[out_pos].out_channels, features[aux_pos].out_channels
    features = IntermediateLayerGetter(features, return_layers=return_layers)
    aux_classifier = FCNHead(aux_ch, num_classes) if aux else None
    return DeepLabV3(features, DeepLabHead(out_ch, num_classes), aux_classifier)


_TABLE = "segmentation/_weights_table.json"
DeepLabV3_ResNet50_Weights = _make_weights_enum("deeplabv3_resnet50", _TABLE, __name__)
DeepLabV3_ResNet101_Weights = _make_weights_enum("deeplabv3_resnet101", _TABLE, __name__)
DeepLabV3_MobileNet_V3_Large_Weights = _make_weights_enum("deeplabv3_mobilenet_v3_large", _TABLE, __name__)


@builder(DeepLabV3_ResNet50_Weights, legacy_default="COCO_WITH_VOC_LABELS_V1",
         legacy_backbone=ResNet50_Weights.IMAGENET1K_V1)
def deeplabv3_resnet50(*, weights=None, progress=True, num_classes=None, aux_loss=None,
                       weights_backbone=ResNet50_Weights.IMAGENET1K_V1, **kwargs):
    """DeepLabV3 with a ResNet-50 backbone (layers 3-4 dilated); ``weights`` a
    :class:`DeepLabV3_ResNet50_Weights` member, ``weights_backbone`` a :class:`ResNet50_Weights`
    member (None: random initialisation).

    >>> from ember.vision.models.segmentation import DeepLabV3_ResNet50_Weights
    >>> DeepLabV3_ResNet50_Weights.DEFAULT.meta["num_params"]
    42004074
    """
    weights, weights_backbone, num_classes, aux_loss = _segmentation_setup(
        DeepLabV3_ResNet50_Weights, weights, ResNet50_Weights, weights_backbone, num_classes, aux_loss)
    backbone = resnet50(weights=weights_backbone, replace_stride_with_dilation=[False, True, True])
    return _load_weights(_deeplabv3_resnet(backbone, num_classes, aux_loss), weights, progress)


@builder(DeepLabV3_ResNet101_Weights, legacy_default="COCO_WITH_VOC_LABELS_V1",
         legacy_backbone=ResNet101_Weights.IMAGENET1K_V1)
def deeplabv3_resnet101(*, weights=None, progress=True, num_classes=None, aux_loss=None,
                        weights_backbone=ResNet101_Weights.IMAGENET1K_V1, **kwargs):
    """DeepLabV3 with a ResNet-101 backbone (layers 3-4 dilated); ``weights`` a
    :class:`DeepLabV3_ResNet101_Weights` member, ``weights_backbone`` a :class:`ResNet101_Weights`
    member (None: random initialisation).

    >>> from ember.vision.models.segmentation import DeepLabV3_ResNet101_Weights
    >>> DeepLabV3_ResNet101_Weights.DEFAULT.meta["num_params"]
    60996202
    """
    weights, weights_backbone, num_classes, aux_loss = _segmentation_setup(
        DeepLabV3_ResNet101_Weights, weights, ResNet101_Weights, weights_backbone, num_classes, aux_loss)
    backbone = resnet101(weights=weights_backbone, replace_stride_with_dilation=[False, True, True])
    return _load_weights(_deeplabv3_resnet(backbone, num_classes, aux_loss), weights, progress)


@builder(DeepLabV3_MobileNet_V3_Large_Weights, legacy_default="COCO_WITH_VOC_LABELS_V1",
         legacy_backbone=MobileNet_V3_Large_Weights.IMAGENET1K_V1)
def deeplabv3_mobilenet_v3_large(*, weights=None, progress=True, num_classes=None, aux_loss=None,
                                 weights_backbone=MobileNet_V3_Large_Weights.IMAGENET1K_V1, **kwargs):
    """DeepLabV3 with a dilated MobileNetV3-Large backbone; ``weights`` a
    :class:`DeepLabV3_MobileNet_V3_Large_Weights` member, ``weights_backbone`` a
    :class:`MobileNet_V3_Large_Weights` member (None: random initialisation).

    >>> from ember.vision.models.segmentation import deeplabv3_mobilenet_v3_large
    >>> m = deeplabv3_mobilenet_v3_large(weights_backbone=None, aux_loss=True)
    >>> m.aux_classifier[0].in_channels, m.classifier[0].convs[0][0].in_channels
    (40, 960)
    """
    weights, weights_backbone, num_classes, aux_loss = _segmentation_setup(
        DeepLabV3_MobileNet_V3_Large_Weights, weights, MobileNet_V3_Large_Weights, weights_backbone, num_classes,
        aux_loss)
    backbone = mobilenet_v3_large(weights=weights_backbone, dilated=True)
    return _load_weights(_deeplabv3_mobilenetv3(backbone, num_classes, aux_loss), weights, progress)
