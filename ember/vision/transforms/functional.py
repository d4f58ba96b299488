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
from ..._backend import np

import ember
from .._pil import is_pil_image, require_pil
from .image import InterpolationMode, get_dimensions, get_image_size, get_image_num_channels, _np, _t
from .geometry import resize, crop, center_crop, resized_crop, hflip, vflip, pad, rotate
from .color import (adjust_brightness, adjust_contrast, adjust_saturation, adjust_hue, rgb_to_grayscale,
                    to_grayscale)

__all__ = ["InterpolationMode", "get_dimensions", "get_image_size", "get_image_num_channels",
           "to_tensor", "pil_to_tensor", "convert_image_dtype", "to_pil_image", "normalize",
           "resize", "crop", "center_crop", "resized_crop", "hflip", "vflip", "pad", "rotate",
           "adjust_brightness", "adjust_contrast", "adjust_saturation", "adjust_hue",
           "rgb_to_grayscale", "to_grayscale"]


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
