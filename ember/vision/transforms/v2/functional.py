"""``torchvision.transforms.v2.functional``: v1's functional transforms plus v2's conversions
and v2's resize family (native uint8 resizing).

>>> from ember.vision.transforms.v2.functional import *
>>> to_image(np.zeros((2, 3, 1), np.uint8)).shape
torch.Size([1, 2, 3])
"""
from ...._backend import np
import ember
from ..._pil import is_pil_image
from ..functional import *  # noqa: F401,F403
from ..functional import __all__ as _v1_all
from ..functional import convert_image_dtype, pil_to_tensor
from .geometry import resize, resize_image, resized_crop, resized_crop_image  # noqa: F401  (v2's own)

__all__ = list(_v1_all) + ["to_image", "to_dtype", "to_dtype_image", "grayscale_to_rgb", "resize_image",
                           "resized_crop_image"]


def to_image(inpt):
    """A ``(C, H, W)`` tensor from a PIL image, an ``(H, W, C)`` array or a tensor (kept).

    >>> from ember.vision.transforms.v2.functional import *
    >>> to_image(ember.zeros(1, 2, 2)).shape
    torch.Size([1, 2, 2])
    """
    if is_pil_image(inpt):
        return pil_to_tensor(inpt)
    if isinstance(inpt, np.ndarray):
        a = inpt[:, :, None] if inpt.ndim == 2 else inpt
        return ember.from_numpy(np.ascontiguousarray(a.transpose(2, 0, 1)))
    if ember.is_tensor(inpt):
        return inpt
    raise TypeError(f"Input can either be a pure Tensor, a numpy array, or a PIL image, but got {type(inpt)} instead.")


def to_dtype(inpt, dtype=ember.float32, scale=False):
    """Cast an image tensor to ``dtype``; ``scale=True`` also rescales its value range.

    >>> from ember.vision.transforms.v2.functional import *
    >>> to_dtype(ember.tensor([255], dtype=ember.uint8), ember.float32).tolist()
    [255.0]
    """
    return convert_image_dtype(inpt, dtype) if scale else inpt.to(dtype)


def to_dtype_image(image, dtype=ember.float32, scale=False):
    """:func:`to_dtype` for image tensors.

    >>> from ember.vision.transforms.v2.functional import *
    >>> to_dtype_image(ember.tensor([255], dtype=ember.uint8), scale=True).tolist()
    [1.0]
    """
    return to_dtype(image, dtype, scale)


def grayscale_to_rgb(inpt):
    """Repeat a one-channel image's channel three times (RGB images are returned as they are).

    >>> from ember.vision.transforms.v2.functional import *
    >>> grayscale_to_rgb(ember.zeros(1, 2, 2)).shape
    torch.Size([3, 2, 2])
    """
    if inpt.shape[-3] == 3:
        return inpt
    return inpt.expand(*inpt.shape[:-3], 3, *inpt.shape[-2:]).clone()
