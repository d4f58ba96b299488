"""``torchvision.utils``: ``make_grid`` and ``save_image``.

>>> from ember.vision.utils import *
>>> make_grid(ember.zeros(4, 3, 2, 2), nrow=2, padding=1).shape
torch.Size([3, 7, 7])
"""
import math

from .._backend import np

import ember
from ._pil import require_pil

__all__ = ["make_grid", "save_image"]


def _norm_range(a, low, high):
    a = np.clip(a, low, high)
    return (a - low) / max(high - low, 1e-5)


def make_grid(tensor, nrow=8, padding=2, normalize=False, value_range=None, scale_each=False,
              pad_value=0.0, **kwargs):
    """Tile a batch ``(B, C, H, W)`` (or a list of images) into one ``(3 or C, H', W')`` image.

    ``nrow`` images per row with ``padding`` pixels of ``pad_value`` between them;
    ``normalize`` shifts to [0, 1] by ``value_range`` (default: min/max), per image with
    ``scale_each``. One-channel images are repeated to three channels, as torchvision.

    >>> from ember.vision.utils import *
    >>> g = make_grid(ember.ones(3, 1, 2, 2), nrow=2, padding=1, pad_value=0.5)
    >>> g.shape, g[0, 0].tolist()
    (torch.Size([3, 7, 7]), [0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5])
    """
    if isinstance(tensor, (list, tuple)):
        tensor = ember.stack(list(tensor), dim=0)
    if not ember.is_tensor(tensor):
        raise TypeError(f"tensor or list of tensors expected, got {type(tensor)}")
    a = tensor.detach().numpy()
    if a.ndim == 2:
        a = a[None]
    if a.ndim == 3:
        if a.shape[0] == 1:
            a = np.concatenate([a, a, a], 0)
        a = a[None]
    if a.ndim == 4 and a.shape[1] == 1:
        a = np.concatenate([a, a, a], 1)
    if normalize:
        a = a.astype(a.dtype if a.dtype.kind == "f" else np.float32, copy=True)
        if value_range is not None and not isinstance(value_range, tuple):
            raise TypeError("value_range has to be a tuple (min, max) if specified. min and max are numbers")
        if scale_each:
            a = np.stack([_norm_range(x, *(value_range or (float(x.min()), float(x.max()))))
                          for x in a]).astype(a.dtype)
        else:
            a = _norm_range(a, *(value_range or (float(a.min()), float(a.max())))).astype(a.dtype)
    if a.shape[0] == 1:
        return ember.from_numpy(np.ascontiguousarray(a[0]))
    nmaps = a.shape[0]
    xmaps = min(nrow, nmaps)
    ymaps = int(math.ceil(nmaps / xmaps))
    height, width = a.shape[2] + padding, a.shape[3] + padding
    grid = np.full((a.shape[1], height * ymaps + padding, width * xmaps + padding), pad_value, dtype=a.dtype)
    k = 0
    for y in range(ymaps):
        for x in range(xmaps):
            if k >= nmaps:
                break
            grid[:, y * height + padding:(y + 1) * height, x * width + padding:(x + 1) * width] = a[k]
            k += 1
    return ember.from_numpy(grid)


def save_image(tensor, fp, format=None, **kwargs):
    """Save a tensor (or batch, tiled by :func:`make_grid` with ``**kwargs``) as an image file.

    Values are taken in [0, 1] and stored as ``round(255 * x)``; needs Pillow.

    >>> from ember.vision.utils import *
    >>> import os, tempfile
    >>> from ember.vision._pil import have_pil
    >>> p = os.path.join(tempfile.mkdtemp(), "g.png")
    >>> if have_pil(): save_image(ember.rand(2, 3, 4, 4), p)
    >>> os.path.exists(p) or not have_pil()
    True
    """
    Image = require_pil()
    grid = make_grid(tensor, **kwargs).numpy()
    nd = np.clip(grid * 255 + 0.5, 0, 255).astype(np.uint8).transpose(1, 2, 0)
    if nd.shape[2] == 1:
        nd = nd[:, :, 0]
    Image.fromarray(np.ascontiguousarray(nd)).save(fp, format=format)
