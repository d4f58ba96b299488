"""``torchvision.transforms.v2.functional``'s resize family on image tensors and PIL images.

v2 differs from v1 on tensors in two ways: uint8 images are resized by PyTorch's native
uint8 kernels (bilinear, bicubic and lanczos; fixed-point weights, no float round trip),
and ``size=None`` with ``max_size`` resizes the longer edge to ``max_size``.

>>> from ember.vision.transforms.v2.functional import resize
>>> resize(ember.zeros(3, 10, 20, dtype=ember.uint8), 5).shape
torch.Size([3, 5, 10])
"""
import ember
from ..._pil import is_pil_image
from ..image import InterpolationMode, get_dimensions
from ..geometry import _resized_size, _resize_tensor, crop
from .. import geometry as _v1

__all__ = ["resize", "resize_image", "resized_crop", "resized_crop_image"]

_NAMES = {m.value: m for m in InterpolationMode}


def _interp(interpolation):
    if isinstance(interpolation, str):
        if interpolation not in _NAMES:
            raise ValueError(f"Invalid interpolation mode: '{interpolation}'. "
                             f"Supported string values are: {list(_NAMES)}.")
        return _NAMES[interpolation]
    if isinstance(interpolation, int):
        return InterpolationMode(_v1._mode(interpolation))
    if not isinstance(interpolation, InterpolationMode):
        raise ValueError("Argument interpolation should be an `InterpolationMode` or a corresponding Pillow "
                         f"integer constant, but got {interpolation}.")
    return interpolation


def _output_size(h, w, size, max_size):
    if size is None:
        if not isinstance(max_size, int):
            raise ValueError(f"max_size must be an integer when size is None, but got {max_size} instead.")
        short, long = (w, h) if w <= h else (h, w)
        new_short = int(max_size * short / long)
        return (max_size, new_short) if w <= h else (new_short, max_size)
    if max_size is not None and not isinstance(size, int) and len(size) != 1:
        raise ValueError("max_size should only be passed if size is None or specifies the length of the smaller "
                         "edge, i.e. size should be an int or a sequence of length 1 in torchscript mode.")
    return _resized_size(h, w, size, max_size)


def resize_image(image, size, interpolation=InterpolationMode.BILINEAR, max_size=None, antialias=True):
    """Resize a ``(..., C, H, W)`` image tensor as torchvision v2 does (uint8 stays uint8 inside).

    >>> from ember.vision.transforms.v2.functional import resize_image
    >>> resize_image(ember.zeros(2, 3, 8, 8), [4, 6]).shape
    torch.Size([2, 3, 4, 6])
    """
    mode = _interp(interpolation).value
    if mode == "lanczos" and not antialias:
        raise ValueError("InterpolationMode.LANCZOS requires antialias=True")
    h, w = image.shape[-2:]
    oh, ow = _output_size(h, w, size, max_size)
    if (oh, ow) == (h, w):
        return image
    if image.numel() == 0:
        return image.reshape(*image.shape[:-2], oh, ow)
    return _resize_tensor(image, oh, ow, mode, antialias, native_uint8=True)


def resize(inpt, size, interpolation=InterpolationMode.BILINEAR, max_size=None, antialias=True):
    """Resize an image tensor or a PIL image (see :func:`resize_image`).

    >>> from ember.vision.transforms.v2.functional import resize
    >>> resize(ember.zeros(1, 4, 4), None, max_size=2).shape
    torch.Size([1, 2, 2])
    """
    if is_pil_image(inpt):
        mode = _interp(interpolation)
        _, h, w = get_dimensions(inpt)
        oh, ow = _output_size(h, w, size, max_size)
        return _v1.resize(inpt, [oh, ow], mode)
    if not ember.is_tensor(inpt):
        raise TypeError(f"resize() got an unsupported input type {type(inpt)}")
    return resize_image(inpt, size, interpolation, max_size, antialias)


def resized_crop_image(image, top, left, height, width, size, interpolation=InterpolationMode.BILINEAR,
                       antialias=True):
    """``crop`` then :func:`resize_image`.

    >>> from ember.vision.transforms.v2.functional import resized_crop_image
    >>> resized_crop_image(ember.zeros(3, 8, 8, dtype=ember.uint8), 0, 0, 4, 4, [2, 2]).shape
    torch.Size([3, 2, 2])
    """
    return resize_image(crop(image, top, left, height, width), size, interpolation, antialias=antialias)


def resized_crop(inpt, top, left, height, width, size, interpolation=InterpolationMode.BILINEAR, antialias=True):
    """``crop`` then :func:`resize`.

    >>> from ember.vision.transforms.v2.functional import resized_crop
    >>> resized_crop(ember.zeros(3, 8, 8), 2, 2, 4, 4, [3, 3]).shape
    torch.Size([3, 3, 3])
    """
    return resize(crop(inpt, top, left, height, width), size, interpolation, antialias=antialias)
