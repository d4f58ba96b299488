"""Lite R-ASPP (LRASPP) with a dilated MobileNetV3-Large backbone (torchvision's module tree and
state_dict keys).

>>> from ember.vision.models.segmentation import LRASPP_MobileNet_V3_Large_Weights
>>> LRASPP_MobileNet_V3_Large_Weights.DEFAULT.meta["num_params"]
3221538
"""
from collections import OrderedDict

from .... import nn
from ....nn import functional as F
from .._api import _load_weights, _make_weights_enum, builder
from .._utils import IntermediateLayerGetter
from ..mobilenetv3 import MobileNet_V3_Large_Weights, mobilenet_v3_large
from .deeplabv3 import _mobilenet_stages
from .fcn import _segmentation_setup

__all__ = ["LRASPP", "LRASPP_MobileNet_V3_Large_Weights", "lraspp_mobilenet_v3_large"]


class LRASPP(nn.Module):
    """Lite R-ASPP (Howard et al., 2019): ``backbone`` returns ``{"low": ..., "high": ...}`` feature
    maps, an :class:`LRASPPHead` combines them, and the prediction is upsampled (bilinear) to the input.

    >>> from ember.vision.models.segmentation import LRASPP
    >>> from ember.vision.models._utils import IntermediateLayerGetter
    >>> body = IntermediateLayerGetter(nn.Sequential(nn.Conv2d(3, 4, 3, stride=2), nn.Conv2d(4, 6, 3, stride=2)),
    ...                                {"0": "low", "1": "high"})
    >>> LRASPP(body, 4, 6, num_classes=3, inter_channels=8).eval()(ember.zeros(1, 3, 17, 17))["out"].shape
    torch.Size([1, 3, 17, 17])
    """

    def __init__(self, backbone, low_channels, high_channels, num_classes, inter_channels=128):
        super().__init__()
        self.backbone = backbone
        self.classifier = LRASPPHead(low_channels, high_channels, num_classes, inter_channels)

    def forward(self, input):
        out = self.classifier(self.backbone(input))
        result = OrderedDict()
        result["out"] = F.interpolate(out, size=input.shape[-2:], mode="bilinear", align_corners=False)
        return result


class LRASPPHead(nn.Module):
    """The LRASPP head: the high-level features through a 1x1 conv-BN-ReLU, gated by a global
    sigmoid attention, upsampled to the low-level features' size; the sum of a 1x1 classifier on
    each.

    >>> from ember.vision.models.segmentation import LRASPPHead
    >>> h = LRASPPHead(4, 6, 3, 8).eval()
    >>> h({"low": ember.zeros(1, 4, 8, 8), "high": ember.zeros(1, 6, 4, 4)}).shape
    torch.Size([1, 3, 8, 8])
    """

    def __init__(self, low_channels, high_channels, num_classes, inter_channels):
        super().__init__()
        self.cbr = nn.Sequential(nn.Conv2d(high_channels, inter_channels, 1, bias=False),
                                 nn.BatchNorm2d(inter_channels), nn.ReLU(inplace=True))
        self.scale = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Conv2d(high_channels, inter_channels, 1, bias=False),
                                   nn.Sigmoid())
        self.low_classifier = nn.Conv2d(low_channels, num_classes, 1)
        self.high_classifier = nn.Conv2d(inter_channels, num_classes, 1)

    def forward(self, input):
        low, high = input["low"], input["high"]
        x = self.cbr(high) * self.scale(high)
        x = F.interpolate(x, size=low.shape[-2:], mode="bilinear", align_corners=False)
        return self.low_classifier(low) + self.high_classifier(x)


def _lraspp_mobilenetv3(backbone, num_classes):
    features = backbone.features
    stages = _mobilenet_stages(features)
    low_pos, high_pos = stages[-4], stages[-1]  # C2 (output stride 8) and C5 (output stride 16)
    low_ch, high_ch = features[low_pos].out_channels, features[high_pos].out_channels
    features = IntermediateLayerGetter(features, return_layers={str(low_pos): "low", str(high_pos): "high"})
    return LRASPP(features, low_ch, high_ch, num_classes)


LRASPP_MobileNet_V3_Large_Weights = _make_weights_enum("lraspp_mobilenet_v3_large", "segmentation/_weights_table.json",
                                                       __name__)


@builder(LRASPP_MobileNet_V3_Large_Weights, legacy_default="COCO_WITH_VOC_LABELS_V1",
         legacy_backbone=MobileNet_V3_Large_Weights.IMAGENET1K_V1)
def lraspp_mobilenet_v3_large(*, weights=None, progress=True, num_classes=None,
                              weights_backbone=MobileNet_V3_Large_Weights.IMAGENET1K_V1, **kwargs):
    """LRASPP with a dilated MobileNetV3-Large backbone; ``weights`` a
    :class:`LRASPP_MobileNet_V3_Large_Weights` member, ``weights_backbone`` a
    :class:`MobileNet_V3_Large_Weights` member (None: random initialisation). This model has no
    auxiliary loss (``aux_loss=True`` raises NotImplementedError, as in torchvision).

    >>> from ember.vision.models.segmentation import lraspp_mobilenet_v3_large
    >>> lraspp_mobilenet_v3_large(weights_backbone=None).classifier.low_classifier.out_channels
    21
    """
    if kwargs.pop("aux_loss", False):
        raise NotImplementedError("This model does not use auxiliary loss")
    weights, weights_backbone, num_classes, _ = _segmentation_setup(
        LRASPP_MobileNet_V3_Large_Weights, weights, MobileNet_V3_Large_Weights, weights_backbone, num_classes, None,
        has_aux=False)
    backbone = mobilenet_v3_large(weights=weights_backbone, dilated=True)
    return _load_weights(_lraspp_mobilenetv3(backbone, num_classes), weights, progress)
