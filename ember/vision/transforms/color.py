"""Colour transforms of ``torchvision.transforms.functional``: grayscale conversion and the
brightness, contrast, saturation and hue adjustments (tensors or PIL images).

>>> from ember.vision.transforms.functional import adjust_brightness
>>> adjust_brightness(ember.full((3, 1, 1), 0.25), 2.0).flatten().tolist()
[0.5, 0.5, 0.5]
"""
from ..._backend import np

from .._pil import is_pil_image, require_pil
from .image import _check_img, _np, _t, _bound, _cast_back

__all__ = ["rgb_to_grayscale", "to_grayscale", "adjust_brightness", "adjust_contrast", "adjust_saturation",
           "adjust_hue"]


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
