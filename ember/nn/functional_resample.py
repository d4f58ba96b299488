"""Bilinear, bicubic, antialiased (bilinear, bicubic) and Lanczos resizing of 4-D inputs
for ``F.interpolate``, and PyTorch's fixed-point uint8 path for those modes.

Each mode is separable: the input is multiplied by one weight matrix along W and one along
H (see :mod:`ember.nn.resample_weights`, :mod:`ember.ops.nn.resample`); the backward
multiplies by the transposed matrices and is itself differentiable. uint8 inputs
follow PyTorch's CPU kernels bit for bit: int16 weights, W pass then H pass, each rounded
and clamped to [0, 255].

>>> import ember.nn.functional as F
>>> F.interpolate(ember.tensor([[[[0., 1.], [2., 3.]]]]), size=1, mode="bilinear", antialias=True)
tensor([[[[1.5000]]]])
"""
import functools

from .._backend import np
from .._tensor import _wrap
from .._dtype_names import SCALAR_NAMES
from .resample_weights import cubic_matrix, aa_matrix, int16_weights, linear_matrix
from ..ops.nn.resample import Band, banded_apply, resample_axis

__all__ = ["resample2d"]

_ALL_MODES = "nearest | linear | bilinear | bicubic | trilinear | lanczos | area | nearest-exact"
_KERNEL = {"bicubic": "compute_indices_weights_cubic", "aa": "compute_index_ranges_weights",
           "bilinear": "upsample_bilinear2d_channels_last"}


def _check(input, mode, align_corners, antialias):
    """PyTorch's argument errors for the modes handled here (raised in its order)."""
    nd = input.dim()
    if antialias and not (mode in ("bilinear", "bicubic", "lanczos") and nd == 4):
        raise ValueError("Anti-alias option is restricted to bilinear, bicubic, and lanczos modes and requires "
                         "a 4-D tensor as input")
    if nd != 4:
        if mode == "bilinear":
            raise NotImplementedError(f"Got {nd}D input, but bilinear mode needs 4D input")
        raise NotImplementedError(f"Input Error: Only 3D, 4D and 5D input Tensors supported (got {nd}D) for the "
                                  f"modes: {_ALL_MODES} (got {mode})")
    if mode == "lanczos":
        if align_corners:
            raise ValueError("Lanczos mode does not support align_corners=True")
        if not antialias:
            raise ValueError("Lanczos mode requires antialias=True")
    dt = input._data.dtype
    floating = dt.kind == "f" or input.dtype.name == "bfloat16"
    if not (floating or dt == np.uint8) or (antialias and floating and dt.itemsize < 4):
        kernel = _KERNEL["aa" if antialias else mode]
        raise NotImplementedError(f'"{kernel}" not implemented for \'{SCALAR_NAMES[input.dtype.name]}\'')
    if input.numel() == 0 and 0 in input.shape[1:]:
        raise RuntimeError(f"Non-empty 4D data tensor expected but got a tensor with sizes {list(input.shape)}")


@functools.lru_cache(maxsize=64)
def _band(n_out, n_in, sf, align_corners, mode, antialias, dtype, fixed_point=False):
    """The (cached, read-only) weights of one axis; for ``fixed_point`` their int16 form and
    precision."""
    if mode == "bicubic" and not antialias:
        w = cubic_matrix(n_out, n_in, sf, align_corners, dtype)
    elif mode == "bilinear" and not (antialias or fixed_point):
        w = linear_matrix(n_out, n_in, sf, align_corners, dtype)
    else:
        w = aa_matrix(n_out, n_in, sf, align_corners, mode, antialias, dtype)
    prec = None
    if fixed_point:
        w, prec = int16_weights(w)
    w.flags.writeable = False
    return Band(w), prec


def _fixed_point(a, band, prec, axis):
    """One uint8 pass: int16 weights, round half up at the precision, clamp to [0, 255]."""
    acc = banded_apply(a.astype(np.float64), band, axis)  # integer sums stay exact in float64 (< 2**40)
    acc = np.floor((acc + float(1 << (prec - 1))) * (1.0 / (1 << prec)))
    return np.clip(acc, 0, 255).astype(np.uint8)


def _resample_uint8(input, out, scales, mode, align_corners, antialias):
    a = input._data
    for axis in (-1, -2):
        n_in, n_out, sf = a.shape[axis], out[axis], scales[axis]
        if n_in != n_out:  # PyTorch's separable kernels skip an axis whose size is kept
            band, prec = _band(n_out, n_in, sf, align_corners, mode, antialias, np.float64, True)
            a = _fixed_point(a, band, prec, axis)
    return _wrap(np.ascontiguousarray(a))


def resample2d(input, out, scales, mode, align_corners, antialias):
    """Resize the last two dims of a 4-D ``input`` to ``out`` with ``mode`` ('bilinear',
    'bicubic' or 'lanczos'); ``scales`` are the user's scale factors (or None) per axis.
    An axis whose size is kept is left alone, except by plain bicubic (as PyTorch).

    >>> from ember.nn.functional_resample import resample2d
    >>> resample2d(ember.ones(1, 1, 2, 2), (3, 3), (None, None), "bicubic", False, False).sum()
    tensor(9.)
    """
    align_corners = bool(align_corners)
    _check(input, mode, align_corners, antialias)
    if input._data.dtype == np.uint8:
        return _resample_uint8(input, out, scales, mode, align_corners, antialias)
    x = input
    low = x._data.dtype.itemsize < 4  # float16, bfloat16
    if low:  # half precision computes in float32, as PyTorch's opmath
        x = x.float()
    dt = x._data.dtype.type
    w_first = x.shape[2] * out[1] <= out[0] * x.shape[3]  # the smaller intermediate first (exact either way)
    # plain bicubic resamples even a kept axis (with a given scale); the others skip it
    axes = [a for a in ((-1, -2) if w_first else (-2, -1))
            if x.shape[a] != out[a] or (mode == "bicubic" and not antialias)]
    name = mode + ("_aa" if antialias else "")
    for i, axis in enumerate(axes):
        band = _band(out[axis], x.shape[axis], scales[axis], align_corners, mode, antialias, dt)[0]
        x = resample_axis(x, band, axis, name if i == len(axes) - 1 else None)
    if not axes:  # nothing to resample: a copy, recorded under the op's name
        x = resample_axis(x, np.eye(x.shape[-1], dtype=dt), -1, name)
    return x.to(input.dtype) if low else x

