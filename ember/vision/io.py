"""``torchvision.io`` (images only): read and decode image files into uint8 ``CHW`` tensors.

Decoding uses Pillow. Video reading is not built (``read_video`` raises NotImplementedError).

>>> from ember.vision.io import *
>>> import io as _io, ember
>>> from PIL import Image
>>> buf = _io.BytesIO(); Image.new("RGB", (3, 2), (255, 0, 0)).save(buf, format="PNG")
>>> img = decode_image(ember.frombuffer(bytearray(buf.getvalue()), dtype=ember.uint8))
>>> img.shape, img[0, 0, 0].item(), img.dtype
(torch.Size([3, 2, 3]), 255, torch.uint8)
"""
import enum
import io as _io

from .._backend import np
from ._pil import require_pil

__all__ = ["ImageReadMode", "decode_image", "read_file", "read_image", "read_video"]


class ImageReadMode(enum.Enum):
    """Colour mode to decode an image into.

    >>> from ember.vision.io import *
    >>> ImageReadMode.RGB.value
    3
    """
    UNCHANGED = 0
    GRAY = 1
    GRAY_ALPHA = 2
    RGB = 3
    RGB_ALPHA = 4
    RGBA = 4


_PIL_MODE = {ImageReadMode.GRAY: "L", ImageReadMode.GRAY_ALPHA: "LA", ImageReadMode.RGB: "RGB",
             ImageReadMode.RGB_ALPHA: "RGBA"}


def read_file(path):
    """The bytes of the file at ``path`` as a 1-D uint8 tensor.

    >>> from ember.vision.io import *
    >>> import tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "b.bin"); open(p, "wb").write(b"ab")
    2
    >>> read_file(p)
    tensor([97, 98], dtype=torch.uint8)
    """
    from .. import tensor
    with open(path, "rb") as f:
        return tensor(np.frombuffer(f.read(), dtype=np.uint8).copy())


def decode_image(input, mode=ImageReadMode.UNCHANGED, apply_exif_orientation=False):
    """Decode encoded image bytes (a 1-D uint8 tensor, or a path) into a ``(C, H, W)`` uint8 tensor.

    >>> from ember.vision.io import *
    >>> callable(decode_image)
    True
    """
    from .. import tensor
    if isinstance(input, str):
        input = read_file(input)
    if isinstance(mode, str):
        mode = ImageReadMode[mode.upper()]
    Image = require_pil()
    img = Image.open(_io.BytesIO(input.numpy().tobytes()))
    if apply_exif_orientation:
        from PIL import ImageOps
        img = ImageOps.exif_transpose(img)
    if mode != ImageReadMode.UNCHANGED:
        img = img.convert(_PIL_MODE[mode])
    arr = np.asarray(img, dtype=np.uint8)
    arr = arr[:, :, None] if arr.ndim == 2 else arr
    return tensor(np.ascontiguousarray(arr.transpose(2, 0, 1)))


def read_image(path, mode=ImageReadMode.UNCHANGED, apply_exif_orientation=False):
    """Read and decode the image file at ``path`` into a ``(C, H, W)`` uint8 tensor.

    >>> from ember.vision.io import *
    >>> callable(read_image)
    True
    """
    return decode_image(read_file(path), mode, apply_exif_orientation)


def read_video(filename, start_pts=0, end_pts=None, pts_unit="pts", output_format="THWC"):
    """Read a video file (not built in ember).

    >>> from ember.vision.io import *
    >>> callable(read_video)
    True
    """
    raise NotImplementedError("torchvision.io.read_video is not built in ember (no video decoder)")
