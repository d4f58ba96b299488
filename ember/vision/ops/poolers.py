"""``torchvision.ops.poolers``: ``MultiScaleRoIAlign``, RoI Align over a feature pyramid with
each box pooled from the level that matches its size (FPN paper, eq. 1).

>>> from ember.vision.ops import MultiScaleRoIAlign
>>> m = MultiScaleRoIAlign(["feat1", "feat3"], 3, 2)
>>> feats = {"feat1": ember.rand(1, 5, 64, 64), "feat3": ember.rand(1, 5, 16, 16)}
>>> m(feats, [ember.tensor([[0., 0., 20., 20.], [0., 0., 200., 200.]])], [(512, 512)]).shape
torch.Size([2, 5, 3, 3])
"""

import ember
from ... import nn
from ..._backend import np
from ._roi_sampling import convert_boxes_to_roi_format
from .boxes import box_area
from .roi_align import roi_align

__all__ = ["MultiScaleRoIAlign"]


class LevelMapper:
    """Map boxes to pyramid levels: ``floor(canonical_level + log2(sqrt(area) / canonical_scale) + eps)``
    clamped to ``[k_min, k_max]``, returned relative to ``k_min`` (int64).

    >>> from ember.vision.ops.poolers import LevelMapper
    >>> LevelMapper(2, 5)([ember.tensor([[0., 0., 224., 224.], [0., 0., 8., 8.]])])
    tensor([2, 0])
    """

    def __init__(self, k_min, k_max, canonical_scale=224, canonical_level=4, eps=1e-6):
        self.k_min = k_min
        self.k_max = k_max
        self.s0 = canonical_scale
        self.lvl0 = canonical_level
        self.eps = eps

    def __call__(self, boxlists):
        s = ember.sqrt(ember.cat([box_area(b) for b in boxlists]))
        lvl = ember.floor(self.lvl0 + ember.log2(s / self.s0) + ember.tensor(self.eps, dtype=s.dtype))
        return (ember.clamp(lvl, min=self.k_min, max=self.k_max).to(ember.int64) - self.k_min).to(ember.int64)


def initLevelMapper(k_min, k_max, canonical_scale=224, canonical_level=4, eps=1e-6):
    """A :class:`LevelMapper` (torchvision's factory name).

    >>> from ember.vision.ops.poolers import initLevelMapper
    >>> initLevelMapper(2, 5).k_max
    5
    """
    return LevelMapper(k_min, k_max, canonical_scale, canonical_level, eps)


def _infer_scale(feature, original_size):
    """The power of two closest (in float32 log2, as torchvision) to feature height / image height."""
    approx = float(feature.shape[-2]) / float(original_size[0])
    return 2 ** float(np.round(np.log2(np.float32(approx))))


def _setup_scales(features, image_shapes, canonical_scale, canonical_level):
    if not image_shapes:
        raise ValueError("images list should not be empty")
    original = (max(s[0] for s in image_shapes), max(s[1] for s in image_shapes))
    scales = [_infer_scale(f, original) for f in features]
    lvl_min = -float(np.log2(np.float32(scales[0])))
    lvl_max = -float(np.log2(np.float32(scales[-1])))
    return scales, initLevelMapper(int(lvl_min), int(lvl_max), canonical_scale=canonical_scale,
                                   canonical_level=canonical_level)


def _filter_input(x, featmap_names):
    return [v for k, v in x.items() if k in featmap_names]


def _multiscale_roi_align(x_filtered, boxes, output_size, sampling_ratio, scales, mapper):
    if scales is None or mapper is None:
        raise ValueError("scales and mapper should not be None")
    rois = convert_boxes_to_roi_format(boxes)
    if len(x_filtered) == 1:
        return roi_align(x_filtered[0], rois, output_size=output_size, spatial_scale=scales[0],
                         sampling_ratio=sampling_ratio)
    levels = mapper(boxes).numpy()
    pieces, order = [], []
    for level, (feature, scale) in enumerate(zip(x_filtered, scales)):
        idx = np.nonzero(levels == level)[0]
        pieces.append(roi_align(feature, rois[ember.from_numpy(idx)], output_size=output_size,
                                spatial_scale=scale, sampling_ratio=sampling_ratio).to(x_filtered[0].dtype))
        order.append(idx)
    rest = np.nonzero(levels >= len(x_filtered))[0]           # levels without a map stay zero
    if rest.size:
        shape = (len(rest), x_filtered[0].shape[1]) + tuple(output_size)
        pieces.append(ember.zeros(shape, dtype=x_filtered[0].dtype))
        order.append(rest)
    # each box's result back in the boxes' order
    return ember.cat(pieces, 0)[ember.from_numpy(np.argsort(np.concatenate(order), kind="stable"))]


class MultiScaleRoIAlign(nn.Module):
    """RoI Align over the feature maps named ``featmap_names`` of an ordered dict of features:
    the scales of the levels are inferred from the first call's ``image_shapes``; each box is
    pooled from the level chosen by :class:`LevelMapper` (``canonical_scale``/``canonical_level``).

    >>> from ember.vision.ops import MultiScaleRoIAlign
    >>> MultiScaleRoIAlign(["0", "1"], 7, 2)
    MultiScaleRoIAlign(featmap_names=['0', '1'], output_size=(7, 7), sampling_ratio=2)
    """

    def __init__(self, featmap_names, output_size, sampling_ratio, *, canonical_scale=224, canonical_level=4):
        super().__init__()
        if isinstance(output_size, int):
            output_size = (output_size, output_size)
        self.featmap_names = featmap_names
        self.sampling_ratio = sampling_ratio
        self.output_size = tuple(output_size)
        self.scales = None
        self.map_levels = None
        self.canonical_scale = canonical_scale
        self.canonical_level = canonical_level

    def forward(self, x, boxes, image_shapes):
        x_filtered = _filter_input(x, self.featmap_names)
        if self.scales is None or self.map_levels is None:
            self.scales, self.map_levels = _setup_scales(x_filtered, image_shapes, self.canonical_scale,
                                                         self.canonical_level)
        return _multiscale_roi_align(x_filtered, boxes, self.output_size, self.sampling_ratio, self.scales,
                                     self.map_levels)

    def __repr__(self):
        return (f"{self.__class__.__name__}(featmap_names={self.featmap_names}, "
                f"output_size={self.output_size}, sampling_ratio={self.sampling_ratio})")


