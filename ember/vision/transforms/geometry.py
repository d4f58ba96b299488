"""Geometric transforms of ``torchvision.transforms.functional``: resize, crop, center_crop,
resized_crop, hflip, vflip, pad, rotate (tensors of shape ``(..., C, H, W)`` or PIL images).

>>> from ember.vision.transforms.functional import hflip
>>> hflip(ember.arange(3).reshape(1, 1, 3)).tolist()
[[[2, 1, 0]]]
"""
import math
import numbers

from ..._backend import np
import ember

from .._pil import is_pil_image, require_pil
from .image import InterpolationMode, _PIL_MODES, _mode, _check_img, _np, _t, _bound, get_dimensions

__all__ = ["resize", "crop", "center_crop", "resized_crop", "hflip", "vflip", "pad", "rotate"]


def _resized_size(h, w, size, max_size):
    if isinstance(size, numbers.Number):
        size = [int(size)]
    size = list(size)
    if len(size) == 1:
        short, long = (w, h) if w <= h else (h, w)
        new_short, new_long = size[0], int(size[0] * long / short)
        if max_size is not None:
            if max_size <= size[0]:
                raise ValueError(f"max_size = {max_size} must be strictly greater than the requested "
                                 f"size for the smaller edge size = {size}")
            if new_long > max_size:
                new_short, new_long = int(max_size * new_short / new_long), max_size
        return (new_long, new_short) if w <= h else (new_short, new_long)
    if max_size is not None:
        raise ValueError("max_size should only be passed if size specifies the length of the smaller "
                         "edge, i.e. size should be an int or a sequence of length 1 in torchscript mode.")
    return size[0], size[1]


def _resize_tensor(img, oh, ow, mode, antialias, native_uint8=False):
    """torchvision's tensor resize: ``F.interpolate`` on ``(N, C, H, W)``, ``align_corners=False``
    for the interpolating modes, antialias only where the mode has it. Other dtypes go through
    float32 and back (rounded for integers; uint8 bicubic clamped first). With ``native_uint8``
    (transforms.v2 on a CPU) uint8 bilinear/bicubic/lanczos use PyTorch's fixed-point uint8 kernels.
    """
    from ...nn.functional import interpolate
    aa_modes = ("bilinear", "bicubic", "lanczos") if native_uint8 else ("bilinear", "bicubic")
    antialias = bool(antialias) and mode in aa_modes
    shape = tuple(img.shape)
    x = img.reshape((-1,) + shape[-3:] if len(shape) >= 3 else (1, 1) + shape)
    dtype = x.dtype
    keep = (ember.float32, ember.float64) + ((ember.uint8,) if native_uint8 or mode.startswith("nearest") else ())
    if dtype not in keep:
        x = x.to(ember.float32)
    x = interpolate(x, size=[oh, ow], mode=mode, align_corners=False if mode in ("bilinear", "bicubic", "lanczos")
                    else None, antialias=antialias)
    if x.dtype != dtype:
        if mode in ("bicubic", "lanczos") and dtype == ember.uint8:
            x = x.clamp(0, 255)
        if not (dtype.is_floating_point or dtype.is_complex or dtype == ember.bool):
            x = x.round()
        x = x.to(dtype)
    return x.reshape(shape[:-2] + (oh, ow))


def resize(img, size, interpolation=InterpolationMode.BILINEAR, max_size=None, antialias=True):
    """Resize to ``size`` ((h, w), or an int for the smaller edge keeping the aspect ratio).

    PIL images are resized by Pillow (which always antialiases). Tensors are resized as
    torchvision does, by ``F.interpolate(..., align_corners=False, antialias=antialias)``:
    ``antialias`` applies to bilinear and bicubic only; tensors of other dtypes than float32
    and float64 (uint8 too) are interpolated in float32, then rounded (integers), clamped
    (uint8 bicubic) and cast back. Box, hamming and lanczos raise on tensors, as in torchvision.

    >>> from ember.vision.transforms.functional import *
    >>> resize(ember.zeros(3, 10, 20), 5).shape
    torch.Size([3, 5, 10])
    """
    _check_img(img)
    mode = _mode(interpolation)
    c, h, w = get_dimensions(img)
    oh, ow = _resized_size(h, w, size, max_size)
    if (oh, ow) == (h, w):
        return img
    if is_pil_image(img):
        return img.resize((ow, oh), _PIL_MODES[mode])
    return _resize_tensor(img, oh, ow, mode, antialias)


def crop(img, top, left, height, width):
    """Crop the box at (top, left) of size (height, width); out-of-image parts are zero-filled.

    >>> from ember.vision.transforms.functional import *
    >>> crop(ember.arange(16).reshape(1, 4, 4), 1, 1, 2, 2).tolist()
    [[[5, 6], [9, 10]]]
    """
    _check_img(img)
    if is_pil_image(img):
        return img.crop((left, top, left + width, top + height))
    a = _np(img)
    h, w = a.shape[-2:]
    right, bottom = left + width, top + height
    if left < 0 or top < 0 or right > w or bottom > h:
        pads = [(0, 0)] * (a.ndim - 2) + [(max(-top, 0), max(bottom - h, 0)), (max(-left, 0), max(right - w, 0))]
        a = np.pad(a[..., max(top, 0):min(bottom, h), max(left, 0):min(right, w)], pads)
        return _t(a)
    return _t(a[..., top:bottom, left:right])


def _pair(size, name="size"):
    if isinstance(size, numbers.Number):
        return int(size), int(size)
    size = list(size)
    if len(size) == 1:
        return size[0], size[0]
    if len(size) != 2:
        raise ValueError(f"Please provide only two dimensions (h, w) for {name}.")
    return size[0], size[1]


def center_crop(img, output_size):
    """Crop the center; offsets are ``int(round((H - h) / 2))`` (smaller images are zero-padded first).

    >>> from ember.vision.transforms.functional import *
    >>> center_crop(ember.arange(25).reshape(1, 5, 5), 2).tolist()
    [[[12, 13], [17, 18]]]
    """
    _check_img(img)
    ch, cw = _pair(output_size, "output_size")
    _, h, w = get_dimensions(img)
    if ch > h or cw > w:
        p = [(cw - w) // 2 if cw > w else 0, (ch - h) // 2 if ch > h else 0,
             (cw - w + 1) // 2 if cw > w else 0, (ch - h + 1) // 2 if ch > h else 0]
        img = pad(img, p, fill=0)
        _, h, w = get_dimensions(img)
        if (h, w) == (ch, cw):
            return img
    top = int(round((h - ch) / 2.0))
    left = int(round((w - cw) / 2.0))
    return crop(img, top, left, ch, cw)


def resized_crop(img, top, left, height, width, size, interpolation=InterpolationMode.BILINEAR,
                 antialias=True):
    """``crop`` then ``resize``.

    >>> from ember.vision.transforms.functional import *
    >>> resized_crop(ember.zeros(3, 8, 8), 0, 0, 4, 4, [2, 2]).shape
    torch.Size([3, 2, 2])
    """
    return resize(crop(img, top, left, height, width), size, interpolation, antialias=antialias)


def hflip(img):
    """Flip left-right.

    >>> from ember.vision.transforms.functional import *
    >>> hflip(ember.tensor([[[1, 2, 3]]])).tolist()
    [[[3, 2, 1]]]
    """
    _check_img(img)
    if is_pil_image(img):
        return img.transpose(0)  # FLIP_LEFT_RIGHT
    return _t(_np(img)[..., ::-1])


def vflip(img):
    """Flip top-bottom.

    >>> from ember.vision.transforms.functional import *
    >>> vflip(ember.tensor([[[1], [2]]])).tolist()
    [[[2], [1]]]
    """
    _check_img(img)
    if is_pil_image(img):
        return img.transpose(1)  # FLIP_TOP_BOTTOM
    return _t(_np(img)[..., ::-1, :])


def _parse_padding(padding):
    if isinstance(padding, numbers.Number):
        return [int(padding)] * 4
    padding = list(padding)
    if len(padding) == 1:
        return [padding[0]] * 4
    if len(padding) == 2:
        return [padding[0], padding[1], padding[0], padding[1]]
    if len(padding) == 4:
        return padding
    raise ValueError(f"Padding must be an int or a 1, 2, or 4 element tuple, not a {len(padding)} element tuple")


def _pad_hw(a, lt, pads, fill, padding_mode):
    """np.pad over axes (H, W) of an array whose last two or first two axes are H, W."""
    (l, t, r, b) = pads
    crop_sl = [slice(max(-t, 0), a.shape[lt] - max(-b, 0)), slice(max(-l, 0), a.shape[lt + 1] - max(-r, 0))]
    idx = [slice(None)] * a.ndim
    idx[lt], idx[lt + 1] = crop_sl
    a = a[tuple(idx)]
    pw = [(0, 0)] * a.ndim
    pw[lt], pw[lt + 1] = (max(t, 0), max(b, 0)), (max(l, 0), max(r, 0))
    if padding_mode == "constant":
        if isinstance(fill, (tuple, list)) and lt == 0 and a.ndim == 3:
            return np.stack([np.pad(a[..., k], pw[:2], constant_values=fill[k]) for k in range(a.shape[2])], -1)
        if isinstance(fill, (tuple, list)):
            fill = fill[0]
        return np.pad(a, pw, mode="constant", constant_values=fill)
    return np.pad(a, pw, mode=padding_mode)


def pad(img, padding, fill=0, padding_mode="constant"):
    """Pad the borders: ``padding`` is an int, (left/right, top/bottom) or (left, top, right, bottom).

    ``padding_mode`` is ``'constant'`` (with ``fill``), ``'edge'``, ``'reflect'`` or
    ``'symmetric'``; negative padding crops.

    >>> from ember.vision.transforms.functional import *
    >>> pad(ember.tensor([[[1, 2]]]), [1, 0], padding_mode="edge").tolist()
    [[[1, 1, 2, 2]]]
    """
    _check_img(img)
    if padding_mode not in ("constant", "edge", "reflect", "symmetric"):
        raise ValueError("Padding mode should be either constant, edge, reflect or symmetric")
    p = _parse_padding(padding)
    if is_pil_image(img):
        Image = require_pil()
        a = np.asarray(img)
        out = _pad_hw(a, 0, p, fill if fill is not None else 0, padding_mode)
        res = Image.fromarray(np.ascontiguousarray(out))
        if img.mode == "P":
            res = res.convert("L") if res.mode != "L" else res
            res = Image.frombytes("P", res.size, res.tobytes())
            res.putpalette(img.getpalette())
        elif res.mode != img.mode and img.mode in ("1", "I;16"):
            res = res.convert(img.mode)
        return res
    a = _np(img)
    return _t(_pad_hw(a, a.ndim - 2, p, 0 if fill is None else fill, padding_mode))


def rotate(img, angle, interpolation=InterpolationMode.NEAREST, expand=False, center=None, fill=None):
    """Rotate counter-clockwise by ``angle`` degrees about ``center`` (default: the image center).

    Tensors: nearest or bilinear sampling; pixels from outside are ``fill`` (default 0);
    ``expand=True`` on tensors raises NotImplementedError.

    >>> from ember.vision.transforms.functional import *
    >>> rotate(ember.tensor([[[1, 2], [3, 4]]]), 90).tolist()
    [[[2, 4], [1, 3]]]
    """
    _check_img(img)
    mode = _mode(interpolation)
    if is_pil_image(img):
        if isinstance(fill, (list, tuple)) and len(fill) == 1:
            fill = fill[0]
        if isinstance(fill, list):
            fill = tuple(fill)
        return img.rotate(angle, _PIL_MODES[mode], expand, center, fillcolor=fill)
    if expand:
        raise NotImplementedError("rotate(expand=True) is not implemented for tensors; use a PIL image")
    if mode not in ("nearest", "bilinear"):
        raise NotImplementedError(f"rotate of tensors supports nearest and bilinear, not {mode!r}")
    a = _np(img)
    h, w = a.shape[-2:]
    cx, cy = ((w - 1) * 0.5, (h - 1) * 0.5) if center is None else (center[0], center[1])
    th = math.radians(angle)
    c, s = math.cos(th), math.sin(th)
    yy, xx = np.meshgrid(np.arange(h, dtype=np.float64), np.arange(w, dtype=np.float64), indexing="ij")
    xr, yr = xx - cx, yy - cy
    sx = cx + xr * c - yr * s
    sy = cy + xr * s + yr * c
    f = a.astype(np.float32) if a.dtype.kind != "f" else a
    if mode == "nearest":
        ix, iy = np.rint(sx).astype(np.int64), np.rint(sy).astype(np.int64)
        ok = (ix >= 0) & (ix < w) & (iy >= 0) & (iy < h)
        out = f[..., np.clip(iy, 0, h - 1), np.clip(ix, 0, w - 1)] * ok
        mask = ok.astype(f.dtype)
    else:
        x0, y0 = np.floor(sx).astype(np.int64), np.floor(sy).astype(np.int64)
        out = np.zeros(a.shape, f.dtype)
        mask = np.zeros((h, w), f.dtype)
        for dy in (0, 1):
            for dx in (0, 1):
                xi, yi = x0 + dx, y0 + dy
                wgt = ((1 - np.abs(sx - xi)) * (1 - np.abs(sy - yi))).astype(f.dtype)
                ok = (xi >= 0) & (xi < w) & (yi >= 0) & (yi < h)
                wgt = wgt * ok
                out = out + f[..., np.clip(yi, 0, h - 1), np.clip(xi, 0, w - 1)] * wgt
                mask = mask + wgt
    if fill is not None:
        fv = np.asarray(fill, f.dtype)
        fv = fv.reshape(-1, 1, 1) if fv.ndim else fv
        if mode == "nearest":
            out = np.where(mask > 0.5, out, fv)
        else:
            out = out * mask + (1 - mask) * fv
    if a.dtype.kind != "f":
        out = np.clip(np.round(out) if mode != "nearest" else out, 0, _bound(a.dtype)).astype(a.dtype)
    return _t(out.astype(a.dtype, copy=False))
