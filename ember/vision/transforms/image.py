"""What the transforms share about an image: ``InterpolationMode``, its size and channels
(``get_dimensions``), and the moves between tensors and NumPy arrays.

>>> from ember.vision.transforms.functional import get_dimensions
>>> get_dimensions(ember.zeros(3, 5, 7))
[3, 5, 7]
"""
from enum import Enum

from ..._backend import np

import ember
from .._pil import is_pil_image

__all__ = ["InterpolationMode", "get_dimensions", "get_image_size", "get_image_num_channels"]


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
