"""Conversions between box formats (the helpers behind ``box_convert``), and the dtype
widening the box functions apply before arithmetic.

Axis-aligned formats: ``xyxy`` (corners), ``xywh`` (corner, size), ``cxcywh`` (centre, size).
Rotated formats: ``xywhr`` and ``cxcywhr`` (``r`` in degrees, counter-clockwise) and
``xyxyxyxy`` (the four corners). Integer rotated boxes are rounded back to their dtype.

>>> from ember.vision.ops._box_convert import _xyxy_to_cxcywh
>>> _xyxy_to_cxcywh(ember.tensor([[0., 0., 4., 2.]]))
tensor([[2., 1., 4., 2.]])
"""
import math

import ember

__all__ = []


def _upcast(t):
    """Float boxes below float32 become float32; integer boxes below int32 become int32."""
    if t.is_floating_point():
        return t if t.dtype in (ember.float32, ember.float64) else t.float()
    return t if t.dtype in (ember.int32, ember.int64) else t.int()


def _upcast_non_float(t):
    """Anything but float32/float64 becomes float32 (the box losses' rule)."""
    return t if t.dtype in (ember.float32, ember.float64) else t.float()


def _xyxy_to_cxcywh(boxes):
    x1, y1, x2, y2 = boxes.unbind(-1)
    return ember.stack(((x1 + x2) / 2, (y1 + y2) / 2, x2 - x1, y2 - y1), dim=-1)


def _cxcywh_to_xyxy(boxes):
    cx, cy, w, h = boxes.unbind(-1)
    hw, hh = 0.5 * w, 0.5 * h
    return ember.stack((cx - hw, cy - hh, cx + hw, cy + hh), dim=-1)


def _xywh_to_xyxy(boxes):
    x, y, w, h = boxes.unbind(-1)
    return ember.stack((x, y, x + w, y + h), dim=-1)


def _xyxy_to_xywh(boxes):
    x1, y1, x2, y2 = boxes.unbind(-1)
    return ember.stack((x1, y1, x2 - x1, y2 - y1), dim=-1)


def _rotated(fn):
    """Run a rotated conversion in floating point; integer input is rounded back to its dtype."""
    def wrapper(boxes):
        out = fn(boxes)
        if not boxes.is_floating_point():
            out = out.round().to(boxes.dtype)
        return out
    wrapper.__name__ = fn.__name__
    return wrapper


def _cos_sin(r):
    rad = r * math.pi / 180.0
    return ember.cos(rad), ember.sin(rad)


@_rotated
def _cxcywhr_to_xywhr(boxes):
    cx, cy, w, h, r = boxes.unbind(-1)
    c, s = _cos_sin(r)
    return ember.stack((cx - w / 2 * c - h / 2 * s, cy - h / 2 * c + w / 2 * s, w, h, r), dim=-1)


@_rotated
def _xywhr_to_cxcywhr(boxes):
    x1, y1, w, h, r = boxes.unbind(-1)
    c, s = _cos_sin(r)
    return ember.stack((x1 + w / 2 * c + h / 2 * s, y1 - w / 2 * s + h / 2 * c, w, h, r), dim=-1)


@_rotated
def _xywhr_to_xyxyxyxy(boxes):
    x1, y1, w, h, r = boxes.unbind(-1)
    c, s = _cos_sin(r)
    x2, y2 = x1 + w * c, y1 - w * s
    return ember.stack((x1, y1, x2, y2, x2 + h * s, y2 + h * c, x1 + h * s, y1 + h * c), dim=-1)


@_rotated
def _xyxyxyxy_to_xywhr(boxes):
    x1, y1, x2, y2, x3, y3, _, _ = boxes.unbind(-1)
    r = ember.atan2(y1 - y2, x2 - x1) * 180 / math.pi
    w = ((x2 - x1) ** 2 + (y1 - y2) ** 2).sqrt()
    h = ((x3 - x2) ** 2 + (y3 - y2) ** 2).sqrt()
    return ember.stack((x1, y1, w, h, r), dim=-1)


# (in, out) -> the chain of conversions
_PATHS = {
    ("xywh", "xyxy"): (_xywh_to_xyxy,),
    ("cxcywh", "xyxy"): (_cxcywh_to_xyxy,),
    ("xyxy", "xywh"): (_xyxy_to_xywh,),
    ("xyxy", "cxcywh"): (_xyxy_to_cxcywh,),
    ("xywh", "cxcywh"): (_xywh_to_xyxy, _xyxy_to_cxcywh),
    ("cxcywh", "xywh"): (_cxcywh_to_xyxy, _xyxy_to_xywh),
    ("cxcywhr", "xywhr"): (_cxcywhr_to_xywhr,),
    ("xywhr", "cxcywhr"): (_xywhr_to_cxcywhr,),
    ("cxcywhr", "xyxyxyxy"): (_cxcywhr_to_xywhr, _xywhr_to_xyxyxyxy),
    ("xyxyxyxy", "cxcywhr"): (_xyxyxyxy_to_xywhr, _xywhr_to_cxcywhr),
    ("xywhr", "xyxyxyxy"): (_xywhr_to_xyxyxyxy,),
    ("xyxyxyxy", "xywhr"): (_xyxyxyxy_to_xywhr,),
}
