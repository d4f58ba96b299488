"""FCN (fully convolutional network) with a dilated ResNet-50/101 backbone (torchvision's module
tree and state_dict keys).

>>> from ember.vision.models.segmentation import FCN_ResNet50_Weights
>>> FCN_ResNet50_Weights.DEFAULT.meta["categories"][:3]
['__background__', 'aeroplane', 'bicycle']
"""
from collections import OrderedDict

from .... import nn
from ....nn import functional as F
from .._api import _load_weights, _make_weights_enum, builder
from .._utils import IntermediateLayerGetter, _ovewrite_value_param
from ..resnet import ResNet50_Weights, ResNet101_Weights, resnet50, resnet101

__all__ = ["FCN", "FCN_ResNet50_Weights", "FCN_ResNet101_Weights", "fcn_resnet50", "fcn_resnet101"]


class _SimpleSegmentationModel(nn.Module):
    """A backbone returning ``{"out": ..., "aux": ...}`` feature maps, a ``classifier`` on ``"out"``
    and an optional ``aux_classifier`` on ``"aux"``; both predictions are upsampled (bilinear) to
    the input's size and returned in an ``OrderedDict``.

    >>> from ember.vision.models.segmentation.fcn import _SimpleSegmentationModel
    >>> from ember.vision.models._utils import IntermediateLayerGetter
    >>> body = IntermediateLayerGetter(nn.Sequential(nn.Conv2d(3, 4, 3, stride=2)), {"0": "out"})
    >>> m = _SimpleSegmentationModel(body, nn.Conv2d(4, 2, 1))
    >>> m(ember.zeros(1, 3, 9, 9))["out"].shape
    torch.Size([1, 2, 9, 9])
    """
    __constants__ = ["aux_classifier"]

    def __init__(self, backbone, classifier, aux_classifier=None):
        super().__init__()
        self.backbone = backbone
        self.classifier = classifier
        self.aux_classifier = aux_classifier

    def forward(self, x):
        size = x.shape[-2:]
        features = self.backbone(x)
        result = OrderedDict()
        result["out"] = F.interpolate(self.classifier(features["out"]), size=size, mode="bilinear",
                                      align_corners=False)
        if self.aux_classifier is not None:
            result["aux"] = F.interpolate(self.aux_classifier(features["aux"]), size=size, mode="bilinear",
                                          align_corners=False)
        return result


class FCN(_SimpleSegmentationModel):
    """Fully Convolutional Network (Long et al., 2015): ``backbone`` features, a dense ``classifier``
    and an optional auxiliary classifier used in training.

    >>> from ember.vision.models.segmentation import FCN, FCNHead
    >>> from ember.vision.models._utils import IntermediateLayerGetter
    >>> body = IntermediateLayerGetter(nn.Sequential(nn.Conv2d(3, 8, 3, stride=4)), {"0": "out"})
    >>> FCN(body, FCNHead(8, 3)).eval()(ember.zeros(1, 3, 16, 16))["out"].shape
    torch.Size([1, 3, 16, 16])
    """


class FCNHead(nn.Sequential):
    """3x3 conv to ``in_channels // 4``, batch norm, ReLU, dropout 0.1, 1x1 conv to ``channels``.

    >>> from ember.vision.models.segmentation import FCNHead
    >>> [type(m).__name__ for m in FCNHead(16, 3)]
    ['Conv2d', 'BatchNorm2d', 'ReLU', 'Dropout', 'Conv2d']
    """

    def __init__(self, in_channels, channels):
        inter = in_channels // 4
        super().__init__(nn.Conv2d(in_channels, inter, 3, padding=1, bias=False), nn.BatchNorm2d(inter), nn.ReLU(),
                         nn.Dropout(0.1), nn.Conv2d(inter, channels, 1))


FCN_ResNet50_Weights = _make_weights_enum("fcn_resnet50", "segmentation/_weights_table.json", __name__)
FCN_ResNet101_Weights = _make_weights_enum("fcn_resnet101", "segmentation/_weights_table.json", __name__)


def _fcn_resnet(backbone, num_classes, aux):
    return_layers = {"layer4": "out"}
    if aux:
        return_layers["layer3"] = "aux"
    backbone = IntermediateLayerGetter(backbone, return_layers=return_layers)
    aux_classifier = FCNHead(1024, num_classes) if aux else None
    return FCN(backbone, FCNHead(2048, num_classes), aux_classifier)


def _segmentation_setup(weights_enum, weights, backbone_enum, weights_backbone, num_classes, aux_loss,
                        has_aux=True):
    """torchvision's argument handling shared by the segmentation builders: verify both weights,
    drop the backbone weights when full weights are given (which fix ``num_classes`` and, for
    models ``has_aux``, ``aux_loss``), and default ``num_classes`` to 21."""
    weights = weights_enum.verify(weights)
    weights_backbone = backbone_enum.verify(weights_backbone)
    if weights is not None:
        weights_backbone = None
        num_classes = _ovewrite_value_param("num_classes", num_classes, len(weights.meta["categories"]))
        if has_aux:
            aux_loss = _ovewrite_value_param("aux_loss", aux_loss, True)
    elif num_classes is None:
        num_classes = 21
    return weights, weights_backbone, num_classes, aux_loss


@builder(FCN_ResNet50_Weights, legacy_default="COCO_WITH_VOC_LABELS_V1",
         legacy_backbone=ResNet50_Weights.IMAGENET1K_V1)
def fcn_resnet50(*, weights=None, progress=True, num_classes=None, aux_loss=None,
                 weights_backbone=ResNet50_Weights.IMAGENET1K_V1, **kwargs):
    """FCN with a ResNet-50 backbone (layers 3-4 dilated); ``weights`` a :class:`FCN_ResNet50_Weights`
    member, ``weights_backbone`` a :class:`ResNet50_Weights` member (the default needs its file in
    the hub cache; pass None for random initialisation).

    >>> from ember.vision.models.segmentation import fcn_resnet50
    >>> fcn_resnet50(weights_backbone=None, num_classes=3).classifier[4].out_channels
    3
    """
    weights, weights_backbone, num_classes, aux_loss = _segmentation_setup(
        FCN_ResNet50_Weights, weights, ResNet50_Weights, weights_backbone, num_classes, aux_loss)
    backbone = resnet50(weights=weights_backbone, replace_stride_with_dilation=[False, True, True])
    return _load_weights(_fcn_resnet(backbone, num_classes, aux_loss), weights, progress)


@builder(FCN_ResNet101_Weights, legacy_default="COCO_WITH_VOC_LABELS_V1",
         legacy_backbone=ResNet101_Weights.IMAGENET1K_V1)
def fcn_resnet101(*, weights=None, progress=True, num_classes=None, aux_loss=None,
                  weights_backbone=ResNet101_Weights.IMAGENET1K_V1, **kwargs):
    """FCN with a ResNet-101 backbone (layers 3-4 dilated); ``weights`` a :class:`FCN_ResNet101_Weights`
    member, ``weights_backbone`` a :class:`ResNet101_Weights` member (None: random initialisation).

    >>> from ember.vision.models.segmentation import FCN_ResNet101_Weights
    >>> FCN_ResNet101_Weights.DEFAULT.meta["num_params"]
    54314346
    """
    weights, weights_backbone, num_classes, aux_loss = _segmentation_setup(
        FCN_ResNet101_Weights, weights, ResNet101_Weights, weights_backbone, num_classes, aux_loss)
    backbone = resnet101(weights=weights_backbone, replace_stride_with_dilation=[False, True, True])
    return _load_weights(_fcn_resnet(backbone, num_classes, aux_loss), weights, progress)
