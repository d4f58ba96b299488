"""Functions on the spatial dims of ``(N, C, *spatial)`` inputs for ``ember.nn.functional``:
resizing (``interpolate``, ``upsample``), pixel and channel shuffles, and sliding blocks
(``unfold``/``fold``).

>>> import ember.nn.functional as F
>>> F.interpolate(ember.ones(1, 1, 2), scale_factor=2).shape
torch.Size([1, 1, 4])
"""
import math
import warnings

from .._backend import np
from .._tensor import _wrap
from .._quantized_mark import QUANTIZED as _QM, not_implemented as _q_refuse
from .resample_weights import linear_matrix, nearest_index
from ..ops.nn.upsample_nearest import upsample_nearest
from ..ops.elementwise.operands import _not_impl


# ---------------------------------------------------------------- pixel shuffle
def _at_least_3d(name, input):
    if input.dim() < 3:
        raise RuntimeError(f"{name} expects input to have at least 3 dimensions, but got input with "
                           f"{input.dim()} dimension(s)")


def pixel_shuffle(input, upscale_factor):
    """(*, C*r*r, H, W) -> (*, C, H*r, W*r).

    >>> F.pixel_shuffle(ember.arange(4.).reshape(1, 4, 1, 1), 2)
    tensor([[[[0., 1.],
              [2., 3.]]]])
    """
    r = upscale_factor
    if r <= 0:
        raise RuntimeError(f"pixel_shuffle expects a positive upscale_factor, but got {r}")
    _at_least_3d("pixel_shuffle", input)
    *lead, c, h, w = input.shape
    if c % (r * r):
        raise RuntimeError(f"pixel_shuffle expects its input's 'channel' dimension to be divisible by the "
                           f"square of upscale_factor, but input.size(-3)={c} is not divisible by {r * r}")
    n = len(lead)
    x = input.reshape(*lead, c // (r * r), r, r, h, w)
    x = x.permute(*range(n), n, n + 3, n + 1, n + 4, n + 2)
    return x.reshape(*lead, c // (r * r), h * r, w * r)


def pixel_unshuffle(input, downscale_factor):
    """(*, C, H*r, W*r) -> (*, C*r*r, H, W).

    >>> F.pixel_unshuffle(ember.arange(4.).reshape(1, 1, 2, 2), 2).flatten()
    tensor([0., 1., 2., 3.])
    """
    r = downscale_factor
    if r <= 0:
        raise RuntimeError(f"pixel_unshuffle expects a positive downscale_factor, but got {r}")
    _at_least_3d("pixel_unshuffle", input)
    *lead, c, h, w = input.shape
    n = len(lead)
    x = input.reshape(*lead, c, h // r, r, w // r, r)
    x = x.permute(*range(n), n, n + 2, n + 4, n + 1, n + 3)
    return x.reshape(*lead, c * r * r, h // r, w // r)


# ---------------------------------------------------------------- interpolation
def interpolate(input, size=None, scale_factor=None, mode="nearest", align_corners=None,
                recompute_scale_factor=None, antialias=False):
    """Resize the spatial dims: 'nearest', 'nearest-exact', 'linear', 'bilinear', 'bicubic',
    'trilinear', 'area', and 'lanczos' (with ``antialias=True``, as bilinear and bicubic may).

    Linear modes are separable: one small interpolation matrix per axis.

    >>> F.interpolate(ember.tensor([[[1., 2.]]]), scale_factor=2, mode="nearest")
    tensor([[[1., 1., 2., 2.]]])
    """
    nd = input.dim() - 2
    if nd < 1:
        raise ValueError(f"Input Error: Only 3D, 4D and 5D input Tensors supported (got {input.dim()}D)")
    if input._rg is _QM and mode not in ("nearest", "nearest-exact"):  # (nearest: exact on integers)
        raise _q_refuse(f"aten::upsample_{'bilinear' if mode == 'bilinear' else mode}{nd}d.out")
    if mode in ("nearest", "nearest-exact", "area") and align_corners is not None:
        raise ValueError("align_corners option can only be set with the interpolating modes: linear | "
                         "bilinear | bicubic | trilinear")
    sp = input.shape[2:]
    if size is not None and scale_factor is not None:
        raise ValueError("only one of size or scale_factor should be defined")
    if size is not None:
        out = tuple(size) if isinstance(size, (tuple, list)) else (size,) * nd
        if len(out) != nd:
            raise ValueError(f"Input and output must have the same number of spatial dimensions, but got input with "
                             f"spatial dimensions of {list(sp)} and output size of {size}. Please provide input "
                             "tensor in (N, C, d1, d2, ...,dK) format and output size in (o1, o2, ...,oK) format.")
        scales = (None,) * nd
    elif scale_factor is not None:
        sf = tuple(scale_factor) if isinstance(scale_factor, (tuple, list)) else (scale_factor,) * nd
        if len(sf) != nd:
            raise ValueError(f"Input and scale_factor must have the same number of spatial dimensions, but got input "
                             f"with spatial dimensions of {list(sp)} and scale_factor of shape {scale_factor}. Please "
                             "provide input tensor in (N, C, d1, d2, ...,dK) format and scale_factor in (s1, s2, "
                             "...,sK) format.")
        out = tuple(int(math.floor(s * f)) for s, f in zip(sp, sf))
        scales = (None,) * nd if recompute_scale_factor else tuple(float(f) for f in sf)
    else:
        raise ValueError("either size or scale_factor should be defined")
    if recompute_scale_factor and size is not None:
        raise ValueError("recompute_scale_factor is not meaningful with an explicit size.")
    if any(o <= 0 for o in out) or any(v <= 0 for v in sp):
        ax = ("D", "H", "W")[3 - nd:]
        io = lambda v: ", ".join(f"{a}: {x}" for a, x in zip(ax, v))  # noqa: E731
        raise RuntimeError(f"Input and output sizes should be greater than 0, but got input ({io(sp)})"
                           f"{' and' if nd == 1 else ''} output ({io(out)})")
    dt = input._data.dtype
    if dt.kind in "biu" and input._rg is not _QM and not antialias:
        _refuse_integer_resample(dt, mode, nd)
    if antialias or mode in ("bicubic", "lanczos") or (mode == "bilinear" and nd == 2):
        from .functional_resample import resample2d  # 2-D bilinear, bicubic, lanczos, antialias, uint8
        return resample2d(input, out, scales, mode, align_corners, antialias)
    if mode == "area":
        from .functional_pool import _adaptive_avg
        return _adaptive_avg(nd, input, out)
    want = {"linear": 1, "bilinear": 2, "trilinear": 3}
    if mode in want:
        if want[mode] != nd:
            raise NotImplementedError(f"Got {input.dim()}D input, but {mode} mode needs {want[mode] + 2}D input")
        y = input
        for ax in range(nd):
            A = _wrap(linear_matrix(out[ax], sp[ax], scales[ax], bool(align_corners), input._data.dtype))
            y = y.movedim(2 + ax, -1).matmul(A.t()).movedim(-1, 2 + ax)
        return y
    if mode in ("nearest", "nearest-exact"):
        idx = tuple(nearest_index(out[ax], sp[ax], scales[ax], mode == "nearest-exact", input._data.dtype, nd == 2)
                    for ax in range(nd))
        if input._rg is _QM:
            return input[(slice(None), slice(None)) + tuple(ix.reshape((-1,) + (1,) * (nd - 1 - a))
                                                            for a, ix in enumerate(idx))]
        name = f"UpsampleNearest{'Exact' if mode == 'nearest-exact' else ''}{nd}DBackward0"
        return upsample_nearest(input, idx, name)
    raise NotImplementedError(f"Input Error: Only 3D, 4D and 5D input Tensors supported (got {input.dim()}D) for the "
                              f"modes: nearest | linear | bilinear | bicubic | trilinear | lanczos | area | "
                              f"nearest-exact (got {mode})")


def _refuse_integer_resample(dt, mode, nd):
    """PyTorch's errors for integer (and bool) input: only uint8 has nearest and 2-D kernels."""
    if mode == "area":
        return                    # adaptive_avg_pool's errors
    if dt == np.uint8 and (mode in ("nearest", "nearest-exact") or nd == 2):
        return
    if mode in ("nearest", "nearest-exact"):
        kernel = "upsample_nearest2d_channels_last" if nd == 2 else "compute_indices_weights_nearest"
    elif {"linear": 1, "bilinear": 2, "trilinear": 3}.get(mode) == nd:
        kernel = "upsample_bilinear2d_channels_last" if nd == 2 else "compute_indices_weights_linear"
    elif mode == "bicubic" and nd == 2:
        kernel = "compute_indices_weights_cubic"
    else:
        return                    # the mode's own error (wrong number of dims) comes first
    _not_impl(kernel, dt)


def upsample(input, size=None, scale_factor=None, mode="nearest", align_corners=None):
    """Deprecated alias of :func:`interpolate`.

    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     F.upsample(ember.ones(1, 1, 2), scale_factor=2).shape
    torch.Size([1, 1, 4])
    """
    warnings.warn("`nn.functional.upsample` is deprecated. Use `nn.functional.interpolate` instead.",
                  stacklevel=2)
    return interpolate(input, size, scale_factor, mode, align_corners)


# ---------------------------------------------------------------- unfold / fold
def _pairs(v):
    return tuple(v) if isinstance(v, (tuple, list)) else (v, v)


def _check_blocks(k, d, p, s):
    """PyTorch's errors for unfold/fold windows (NumPy would divide by zero)."""
    for what, v, test, adj in (("kernel size", k, 0, "greater than zero"), ("dilation", d, 0, "greater than zero"),
                               ("padding", p, -1, "non-negative"), ("stride", s, 0, "greater than zero")):
        if min(v) <= test:
            key = {"kernel size": "kernel", "padding": "pad"}.get(what, what)
            raise RuntimeError(f"{what} should be {adj}, but got {key}_height: {v[0]} {key}_width: {v[1]}")


def unfold(input, kernel_size, dilation=1, padding=0, stride=1):
    """Extract sliding blocks: (N, C, H, W) -> (N, C*kh*kw, L).

    >>> F.unfold(ember.ones(1, 2, 3, 3), 2).shape
    torch.Size([1, 8, 4])
    """
    if input.dim() == 3:
        return unfold(input.unsqueeze(0), kernel_size, dilation, padding, stride).squeeze(0)
    if input.dim() != 4:
        raise RuntimeError("Expected 3D or 4D (batch mode) tensor with possibly 0 batch size and other non-zero "
                           f"dimensions for input, but got: {list(input.shape)}")
    from ..ops.nn import conv as _C
    k, d, p, s = _pairs(kernel_size), _pairs(dilation), _pairs(padding), _pairs(stride)
    _check_blocks(k, d, p, s)
    N, C = input.shape[:2]
    # identity weight: conv with one-hot kernels picks each (c, i, j) tap
    eye = np.eye(C * k[0] * k[1], dtype=input._data.dtype).reshape(C * k[0] * k[1], C, k[0], k[1])
    y = _C.conv(input, _wrap(eye), None, s, ((p[0], p[0]), (p[1], p[1])), d, 1)
    return y.reshape(N, C * k[0] * k[1], -1)


def fold(input, output_size, kernel_size, dilation=1, padding=0, stride=1):
    """Sum sliding blocks back into an image: (N, C*kh*kw, L) -> (N, C, H, W).

    >>> F.fold(F.unfold(ember.ones(1, 1, 3, 3), 2), (3, 3), 2)[0, 0]
    tensor([[1., 2., 1.],
            [2., 4., 2.],
            [1., 2., 1.]])
    """
    from ..ops.nn import conv as _C
    k, d, p, s = _pairs(kernel_size), _pairs(dilation), _pairs(padding), _pairs(stride)
    _check_blocks(k, d, p, s)
    out = _pairs(output_size)
    if input.dim() == 2:
        return fold(input.unsqueeze(0), output_size, kernel_size, dilation, padding, stride).squeeze(0)
    if input.dim() != 3:
        raise RuntimeError("Expected 2D or 3D (batch mode) tensor for input with possibly 0 batch size and non-zero "
                           f"dimensions for input, but got: {list(input.shape)}")
    N, CK, L = input.shape
    if CK % (k[0] * k[1]):
        raise RuntimeError("Expected size of input's dimension 1 to be divisible by the product of kernel_size, but "
                           f"got input.size(1)={CK} and kernel_size={tuple(k)}.")
    C = CK // (k[0] * k[1])
    oh = (out[0] + 2 * p[0] - d[0] * (k[0] - 1) - 1) // s[0] + 1
    ow = (out[1] + 2 * p[1] - d[1] * (k[1] - 1) - 1) // s[1] + 1
    if oh * ow != L:
        raise RuntimeError(f"Given output_size={list(out)}, kernel_size={list(k)}, dilation={list(d)}, "
                           f"padding={list(p)}, stride={list(s)}, expected size of input's dimension 2 to match "
                           f"the calculated number of sliding blocks {oh} * {ow} = {oh * ow}, but got "
                           f"input.size(2)={L}.")
    eye = np.eye(CK, dtype=input._data.dtype).reshape(CK, C, k[0], k[1])
    g = input.reshape(N, CK, oh, ow)
    return _C.conv_dx(g, _wrap(eye), out, s, ((p[0], p[0]), (p[1], p[1])), d, 1)


# ---------------------------------------------------------------- channel shuffle
def channel_shuffle(input, groups):
    """(N, g*k, *) -> (N, k*g, *): split the channels into ``groups`` and interleave them.

    >>> F.channel_shuffle(ember.arange(4.).reshape(1, 4, 1), 2).flatten()
    tensor([0., 2., 1., 3.])
    """
    shape = tuple(input.shape)
    if len(shape) <= 2:
        raise RuntimeError(f"channel_shuffle expects input with > 2 dims, but got input with sizes {list(shape)}")
    if groups <= 0:
        raise RuntimeError(f"Number of groups to divide channels in must be positive. Value of groups:{groups}")
    n, c = shape[:2]
    if c % groups:
        raise RuntimeError(f"Number of channels must be divisible by groups. Got {c} channels and {groups} groups.")
    x = input.reshape(n, groups, c // groups, *shape[2:]).transpose(1, 2)
    return x.reshape(shape)


native_channel_shuffle = channel_shuffle
