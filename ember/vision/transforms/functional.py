"""``torchvision.transforms.functional``: stateless image transforms on PIL images and tensors.

Tensors are images as ``(..., C, H, W)`` (a single image or a batch); PIL images go
through Pillow (optional: ``pip install 'ember[vision]'``). Functions that take either
return the same kind they were given.

>>> from ember.vision.transforms.functional import *
>>> import ember.vision.transforms.functional as TF
>>> img = ember.arange(12, dtype=ember.uint8).reshape(1, 3, 4)
>>> TF.hflip(img)[0, 0].tolist()
[3, 2, 1, 0]
"""
import math
import numbers
from enum import Enum

from ..._backend import np

import ember
from .._pil import is_pil_image, require_pil

__all__ = ["InterpolationMode", "get_dimensions", "get_image_size", "get_image_num_channels",
           "to_tensor", "pil_to_tensor", "convert_image_dtype", "to_pil_image", "normalize",
           "resize", "crop", "center_crop", "resized_crop", "hflip", "vflip", "pad", "rotate",
           "adjust_brightness", "adjust_contrast", "adjust_saturation", "adjust_hue",
           "rgb_to_grayscale", "to_grayscale"]


class InterpolationMode(Enum):
    """Interpolation modes, as ``torchvision.transforms.InterpolationMode``.

    >>> from ember.vision.transforms.functional import *
    >>> InterpolationMode.BILINEAR.value
    'bilinear'
    """
    NEAREST = "nearest"
    NEAREST_EXACT = "nearest-exact"
    BILINEAR = "bilinear"
    BICUBIC = "bicubic"
    BOX = "box"
    HAMMING = "hamming"
    LANCZOS = "lanczos"


_PIL_MODES = {"nearest": 0, "nearest-exact": 0, "bilinear": 2, "bicubic": 3, "box": 4,
              "hamming": 5, "lanczos": 1}


def _mode(interpolation):
    if isinstance(interpolation, InterpolationMode):
        return interpolation.value
    if isinstance(interpolation, int):  # PIL constants, still accepted by torchvision
        inv = {0: "nearest", 2: "bilinear", 3: "bicubic", 4: "box", 5: "hamming", 1: "lanczos"}
        return inv[interpolation]
    return InterpolationMode(interpolation).value


def _check_img(img):
    if not (ember.is_tensor(img) or is_pil_image(img)):
        raise TypeError(f"img should be PIL Image or Tensor. Got {type(img)}")


def _np(t):
    return t.detach().numpy()


def _t(a):
    return ember.from_numpy(np.ascontiguousarray(a))


def _bound(dtype):
    return 1.0 if dtype.kind == "f" else float(np.iinfo(dtype).max)


def _cast_back(x, dtype):
    """Float result back to an image dtype: clamp, and truncate for integers (as torch ``.to``)."""
    if dtype.kind == "f":
        return x.astype(dtype, copy=False)
    return np.clip(x, 0, _bound(dtype)).astype(dtype)


def get_dimensions(img):
    """``[channels, height, width]`` of an image.

    >>> from ember.vision.transforms.functional import *
    >>> get_dimensions(ember.zeros(3, 5, 7))
    [3, 5, 7]
    """
    if is_pil_image(img):
        return [len(img.getbands()), img.height, img.width]
    _check_img(img)
    s = tuple(img.shape)
    return [1 if len(s) == 2 else s[-3], s[-2], s[-1]]


def get_image_size(img):
    """``[width, height]`` of an image.

    >>> from ember.vision.transforms.functional import *
    >>> get_image_size(ember.zeros(3, 5, 7))
    [7, 5]
    """
    c, h, w = get_dimensions(img)
    return [w, h]


def get_image_num_channels(img):
    """Number of channels of an image.

    >>> from ember.vision.transforms.functional import *
    >>> get_image_num_channels(ember.zeros(3, 5, 7))
    3
    """
    return get_dimensions(img)[0]


def _pil_to_array(pic):
    mode = pic.mode
    if mode == "1":
        a = np.asarray(pic.convert("L"))
    else:
        a = np.array(pic)
    if a.ndim == 2:
        a = a[:, :, None]
    if mode.startswith("I;16") and a.dtype.itemsize == 2:
        a = a.astype(a.dtype.newbyteorder("="), copy=False).view(np.int16)  # torchvision reads I;16 as int16
    return a


def to_tensor(pic):
    """PIL image or HWC ``numpy.ndarray`` to a CHW tensor; uint8 is scaled to float in [0, 1].

    Other dtypes keep their values (as torchvision).

    >>> from ember.vision.transforms.functional import *
    >>> to_tensor(np.full((2, 2, 3), 255, np.uint8)).shape, to_tensor(np.full((2, 2, 3), 255, np.uint8)).max().item()
    (torch.Size([3, 2, 2]), 1.0)
    """
    if is_pil_image(pic):
        a = _pil_to_array(pic)
        if pic.mode == "1":
            a = (a > 0).astype(np.uint8) * 255
    elif isinstance(pic, np.ndarray):
        if pic.ndim not in (2, 3):
            raise ValueError(f"pic should be 2/3 dimensional. Got {pic.ndim} dimensions.")
        a = pic[:, :, None] if pic.ndim == 2 else pic
    else:
        raise TypeError(f"pic should be PIL Image or ndarray. Got {type(pic)}")
    a = a.transpose(2, 0, 1)
    if a.dtype == np.uint8:
        return _t(a.astype(ember.get_default_dtype().np) / np.float32(255))
    return _t(a)


def pil_to_tensor(pic):
    """PIL image to a CHW tensor of its own dtype (no scaling).

    >>> from ember.vision.transforms.functional import *
    >>> from ember.vision._pil import have_pil
    >>> if have_pil():
    ...     import PIL.Image
    ...     print(pil_to_tensor(PIL.Image.new("RGB", (4, 2), (9, 8, 7))).shape)
    ... else:
    ...     print("torch.Size([3, 2, 4])")
    torch.Size([3, 2, 4])
    """
    if not is_pil_image(pic):
        raise TypeError(f"pic should be PIL Image. Got {type(pic)}")
    return _t(_pil_to_array(pic).transpose(2, 0, 1))


def convert_image_dtype(image, dtype=ember.float32):
    """Convert an image tensor to ``dtype``, rescaling values (uint8 255 <-> float 1.0).

    >>> from ember.vision.transforms.functional import *
    >>> convert_image_dtype(ember.tensor([0, 255], dtype=ember.uint8)).tolist()
    [0.0, 1.0]
    >>> convert_image_dtype(ember.tensor([0.0, 1.0]), ember.uint8).tolist()
    [0, 255]
    """
    if not ember.is_tensor(image):
        raise TypeError("Input img should be Tensor Image")
    src, dst = image.dtype.np, dtype.np
    if src == dst:
        return image
    a = _np(image)
    if src.kind == "f":
        if dst.kind == "f":
            return _t(a.astype(dst))
        if (src == np.float32 and dst in (np.int32, np.int64)) or (src == np.float64 and dst == np.int64):
            raise RuntimeError(f"The cast from {image.dtype} to {dtype} cannot be performed safely.")
        eps = 1e-3
        mx = float(np.iinfo(dst).max)
        return _t((a * (mx + 1.0 - eps)).astype(dst))
    smax = float(np.iinfo(src).max)
    if dst.kind == "f":
        return _t((a.astype(dst) / dst.type(smax)).astype(dst))
    dmax = np.iinfo(dst).max
    if smax > dmax:
        factor = int((smax + 1) // (dmax + 1))
        return _t((a.astype(np.int64) // factor).astype(dst))
    factor = int((dmax + 1) // (int(smax) + 1))
    return _t(a.astype(dst) * dst.type(factor))


def to_pil_image(pic, mode=None):
    """CHW tensor or HWC ndarray to a PIL image (floats are multiplied by 255 and truncated).

    >>> from ember.vision.transforms.functional import *
    >>> from ember.vision._pil import have_pil
    >>> to_pil_image(ember.ones(3, 2, 4)).size if have_pil() else (4, 2)
    (4, 2)
    """
    Image = require_pil()
    if ember.is_tensor(pic):
        if pic.ndim not in (2, 3):
            raise ValueError(f"pic should be 2/3 dimensional. Got {pic.ndim} dimensions.")
        a = _np(pic)
        if a.ndim == 2:
            a = a[None]
        if a.dtype.kind == "f" and mode != "F":
            a = (a * 255).astype(np.uint8)
        a = a.transpose(1, 2, 0)
    elif isinstance(pic, np.ndarray):
        if pic.ndim not in (2, 3):
            raise ValueError(f"pic should be 2/3 dimensional. Got {pic.ndim} dimensions.")
        a = pic[:, :, None] if pic.ndim == 2 else pic
    else:
        raise TypeError(f"pic should be Tensor or ndarray. Got {type(pic)}.")
    c = a.shape[2]
    if c == 1:
        a = a[:, :, 0]
        if mode is None:
            mode = {np.dtype(np.uint8): "L", np.dtype(np.int16): "I;16", np.dtype(np.uint16): "I;16",
                    np.dtype(np.int32): "I", np.dtype(np.float32): "F"}.get(a.dtype)
            if mode is None:
                raise TypeError(f"Input type {a.dtype} is not supported")
        if mode == "F":
            a = a.astype(np.float32)
        elif mode == "I":
            a = a.astype(np.int32)
        elif mode == "L":
            a = a.astype(np.uint8)
    else:
        if a.dtype != np.uint8:
            raise TypeError(f"Input type {a.dtype} is not supported for {c}-channel images")
        default = {2: "LA", 3: "RGB", 4: "RGBA"}.get(c)
        mode = mode or default
        if mode is None:
            raise ValueError(f"pic should not have > 4 channels. Got {c} channels.")
    img = Image.fromarray(np.ascontiguousarray(a))
    return img if img.mode == mode else img.convert(mode)


def normalize(tensor, mean, std, inplace=False):
    """``(tensor - mean) / std`` per channel of a float ``(..., C, H, W)`` tensor.

    >>> from ember.vision.transforms.functional import *
    >>> normalize(ember.ones(2, 1, 1), [0.5, 0.0], [0.5, 2.0]).flatten().tolist()
    [1.0, 0.5]
    """
    if not ember.is_tensor(tensor):
        raise TypeError(f"img should be Tensor Image. Got {type(tensor)}")
    if not tensor.is_floating_point():
        raise TypeError(f"Input tensor should be a float tensor. Got {tensor.dtype}.")
    if tensor.ndim < 3:
        raise ValueError("Expected tensor to be a tensor image of size (..., C, H, W). Got "
                         f"tensor.size() = {tuple(tensor.shape)}")
    dt = tensor.dtype.np
    m = np.asarray(mean, dtype=dt).reshape(-1, 1, 1)
    s = np.asarray(std, dtype=dt).reshape(-1, 1, 1)
    if (s == 0).any():
        raise ValueError(f"std evaluated to zero after conversion to {tensor.dtype}, leading to division by zero.")
    mt, st = ember.from_numpy(m), ember.from_numpy(s)
    if inplace:
        return tensor.sub_(mt).div_(st)
    return (tensor - mt) / st


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


def _linear_idx(n_in, n_out):
    scale = n_in / n_out
    src = np.maximum((np.arange(n_out) + 0.5) * scale - 0.5, 0.0)
    i0 = np.minimum(np.floor(src).astype(np.int64), n_in - 1)
    i1 = np.minimum(i0 + 1, n_in - 1)
    lam = (src - i0).astype(np.float32)
    return i0, i1, lam


def _aa_weights(n_in, n_out):
    """(n_out, n_in) triangle-filter weights widened by the scale (PIL's / torch's antialias)."""
    scale = n_in / n_out
    support = scale if scale > 1.0 else 1.0
    inv = 1.0 / scale if scale > 1.0 else 1.0
    centers = scale * (np.arange(n_out) + 0.5)
    lo = np.maximum((centers - support + 0.5).astype(np.int64), 0)
    hi = np.minimum((centers + support + 0.5).astype(np.int64), n_in)
    j = np.arange(n_in)
    wts = np.clip(1.0 - np.abs((j[None, :] - centers[:, None] + 0.5) * inv), 0.0, None)
    wts *= (j[None, :] >= lo[:, None]) & (j[None, :] < hi[:, None])
    tot = wts.sum(1, keepdims=True)
    return wts / np.where(tot == 0, 1.0, tot)


def _resize_array(a, oh, ow, mode, antialias=False):
    """Resize the last two axes of ``a`` (align_corners=False)."""
    h, w = a.shape[-2:]
    dtype = a.dtype
    if antialias and mode == "bilinear" and (oh < h or ow < w):
        f = a.astype(np.float32) if dtype.kind != "f" else a
        wy = _aa_weights(h, oh).astype(f.dtype)
        wx = _aa_weights(w, ow).astype(f.dtype)
        out = np.matmul(np.matmul(wy, f), wx.T)
        if dtype.kind != "f":
            out = np.clip(np.round(out), 0, _bound(dtype)).astype(dtype)
        return out
    if mode in ("nearest", "nearest-exact"):
        off = 0.5 if mode == "nearest-exact" else 0.0
        ys = np.minimum(np.floor((np.arange(oh) + off) * (h / oh)).astype(np.int64), h - 1)
        xs = np.minimum(np.floor((np.arange(ow) + off) * (w / ow)).astype(np.int64), w - 1)
        return a[..., ys[:, None], xs]
    if mode != "bilinear":
        raise NotImplementedError(f"resize of tensors supports nearest, nearest-exact and bilinear; "
                                  f"got {mode!r} (use a PIL image for it)")
    f = a.astype(np.float32) if dtype.kind != "f" else a
    y0, y1, ly = _linear_idx(h, oh)
    x0, x1, lx = _linear_idx(w, ow)
    ly = ly.astype(f.dtype)[:, None]
    lx = lx.astype(f.dtype)
    rows = f[..., y0, :] * (1 - ly) + f[..., y1, :] * ly
    out = rows[..., x0] * (1 - lx) + rows[..., x1] * lx
    if dtype.kind != "f":
        out = np.clip(np.round(out), 0, _bound(dtype)).astype(dtype)
    return out


def resize(img, size, interpolation=InterpolationMode.BILINEAR, max_size=None, antialias=True):
    """Resize to ``size`` ((h, w), or an int for the smaller edge keeping the aspect ratio).

    PIL images are resized by Pillow (which always antialiases). Tensors are resized like
    ``F.interpolate(..., align_corners=False, antialias=antialias)``: with the default
    ``antialias=True`` a bilinear downscale uses the widened triangle filter (as torchvision
    and Pillow), with ``antialias=False`` plain bilinear; nearest modes never antialias and
    bicubic/box/hamming/lanczos on tensors raise NotImplementedError. Integer tensors are
    interpolated in float, rounded and clamped back (may differ by 1 from torch's uint8 path).

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
    return _t(_resize_array(_np(img), oh, ow, mode, antialias))


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


def _gray_np(a):
    """ITU-R 601-2 luma of a (..., 3, H, W) array, with torchvision's tensor weights."""
    r, g, b = a[..., 0, :, :], a[..., 1, :, :], a[..., 2, :, :]
    l = (0.2989 * r.astype(np.float32) + 0.587 * g + 0.114 * b)
    return _cast_back(l, a.dtype) if a.dtype.kind != "f" else l.astype(a.dtype)


def rgb_to_grayscale(img, num_output_channels=1):
    """Grayscale ``L = 0.2989 R + 0.587 G + 0.114 B`` (PIL images: Pillow's ``convert('L')``).

    >>> from ember.vision.transforms.functional import *
    >>> rgb_to_grayscale(ember.tensor([[[1.0]], [[1.0]], [[1.0]]])).shape
    torch.Size([1, 1, 1])
    """
    _check_img(img)
    if num_output_channels not in (1, 3):
        raise ValueError("num_output_channels should be either 1 or 3")
    if is_pil_image(img):
        g = img.convert("L")
        return g if num_output_channels == 1 else g.convert("RGB")
    a = _np(img)
    if a.shape[-3] == 1:
        g = a
    elif a.shape[-3] == 3:
        g = _gray_np(a)[..., None, :, :]
    else:
        raise TypeError(f"Input image tensor permitted channel values are [1, 3], but found {a.shape[-3]}")
    if num_output_channels == 3:
        g = np.broadcast_to(g, a.shape[:-3] + (3,) + a.shape[-2:])
    return _t(g)


def to_grayscale(img, num_output_channels=1):
    """Alias of :func:`rgb_to_grayscale` (torchvision's PIL-only name).

    >>> from ember.vision.transforms.functional import *
    >>> to_grayscale(ember.zeros(3, 2, 2), 3).shape
    torch.Size([3, 2, 2])
    """
    return rgb_to_grayscale(img, num_output_channels)


def _blend(a, b, ratio):
    bound = _bound(a.dtype)
    out = np.clip(ratio * a.astype(np.float32) + (1.0 - ratio) * b, 0, bound)
    return out.astype(a.dtype)


def _pil_enhance(img, name, factor):
    require_pil()
    from PIL import ImageEnhance
    return getattr(ImageEnhance, name)(img).enhance(factor)


def adjust_brightness(img, brightness_factor):
    """Multiply by ``brightness_factor`` (clamped to the dtype's range).

    >>> from ember.vision.transforms.functional import *
    >>> adjust_brightness(ember.tensor([[[0.25, 0.75]]]), 2.0).tolist()
    [[[0.5, 1.0]]]
    """
    if brightness_factor < 0:
        raise ValueError(f"brightness_factor ({brightness_factor}) is not non-negative.")
    _check_img(img)
    if is_pil_image(img):
        return _pil_enhance(img, "Brightness", brightness_factor)
    a = _np(img)
    return _t(_blend(a, 0.0, brightness_factor))


def adjust_contrast(img, contrast_factor):
    """Blend with the mean of the grayscale image.

    >>> from ember.vision.transforms.functional import *
    >>> adjust_contrast(ember.tensor([[[0.0, 1.0]]]), 0.0).tolist()
    [[[0.5, 0.5]]]
    """
    if contrast_factor < 0:
        raise ValueError(f"contrast_factor ({contrast_factor}) is not non-negative.")
    _check_img(img)
    if is_pil_image(img):
        return _pil_enhance(img, "Contrast", contrast_factor)
    a = _np(img)
    g = _gray_np(a) if a.shape[-3] == 3 else a
    dt = a.dtype if a.dtype.kind == "f" else np.float32
    mean = g.astype(dt).mean(axis=(-2, -1), keepdims=True)
    if a.shape[-3] == 3:
        mean = mean[..., None, :, :]
    if g.ndim < a.ndim or a.shape[-3] == 1:
        mean = mean.reshape(a.shape[:-3] + (1, 1, 1))
    return _t(_blend(a, mean, contrast_factor))


def adjust_saturation(img, saturation_factor):
    """Blend with the grayscale image (0 gives gray, 1 the original).

    >>> from ember.vision.transforms.functional import *
    >>> adjust_saturation(ember.tensor([[[1.0]], [[0.0]], [[0.0]]]), 0.0).flatten().tolist()
    [0.298900008201..., 0.298900008201..., 0.298900008201...]
    """
    if saturation_factor < 0:
        raise ValueError(f"saturation_factor ({saturation_factor}) is not non-negative.")
    _check_img(img)
    if is_pil_image(img):
        return _pil_enhance(img, "Color", saturation_factor)
    a = _np(img)
    if a.shape[-3] == 1:
        return img
    return _t(_blend(a, _gray_np(a)[..., None, :, :], saturation_factor))


def _rgb2hsv(r, g, b):
    maxc = np.maximum(np.maximum(r, g), b)
    minc = np.minimum(np.minimum(r, g), b)
    eqc = maxc == minc
    cr = maxc - minc
    ones = np.ones_like(maxc)
    s = cr / np.where(eqc, ones, maxc)
    crd = np.where(eqc, ones, cr)
    rc, gc, bc = (maxc - r) / crd, (maxc - g) / crd, (maxc - b) / crd
    hr = (maxc == r) * (bc - gc)
    hg = ((maxc == g) & (maxc != r)) * (2.0 + rc - bc)
    hb = ((maxc != g) & (maxc != r)) * (4.0 + gc - rc)
    h = np.fmod((hr + hg + hb) / 6.0 + 1.0, 1.0)
    return h, s, maxc


def _hsv2rgb(h, s, v):
    i = np.floor(h * 6.0)
    f = h * 6.0 - i
    i = i.astype(np.int64) % 6
    p = np.clip(v * (1.0 - s), 0.0, 1.0)
    q = np.clip(v * (1.0 - s * f), 0.0, 1.0)
    t = np.clip(v * (1.0 - s * (1.0 - f)), 0.0, 1.0)
    choices_r = [v, q, p, p, t, v]
    choices_g = [t, v, v, q, p, p]
    choices_b = [p, p, t, v, v, q]
    return (np.choose(i, choices_r), np.choose(i, choices_g), np.choose(i, choices_b))


def adjust_hue(img, hue_factor):
    """Shift the hue by ``hue_factor`` in [-0.5, 0.5] (a fraction of the color wheel).

    >>> from ember.vision.transforms.functional import *
    >>> adjust_hue(ember.tensor([[[1.0]], [[0.0]], [[0.0]]]), 1 / 3).flatten().tolist()
    [0.0, 1.0, 0.0]
    """
    if not -0.5 <= hue_factor <= 0.5:
        raise ValueError(f"hue_factor ({hue_factor}) is not in [-0.5, 0.5].")
    _check_img(img)
    if is_pil_image(img):
        Image = require_pil()
        mode = img.mode
        if mode in ("L", "1", "I", "F"):
            return img
        h, s, v = img.convert("HSV").split()
        nh = np.array(h, dtype=np.uint8)
        with np.errstate(over="ignore"):
            nh += np.uint8(int(hue_factor * 255) % 256)
        return Image.merge("HSV", (Image.fromarray(nh), s, v)).convert(mode)
    a = _np(img)
    if a.shape[-3] == 1:
        return img
    f = a.astype(np.float32) / 255.0 if a.dtype == np.uint8 else a
    h, s, v = _rgb2hsv(f[..., 0, :, :], f[..., 1, :, :], f[..., 2, :, :])
    h = np.fmod(h + hue_factor, 1.0)
    h = np.where(h < 0, h + 1.0, h)
    out = np.stack(_hsv2rgb(h, s, v), axis=-3).astype(f.dtype)
    if a.dtype == np.uint8:
        out = (out * 255.0).astype(np.uint8)
    return _t(out)
