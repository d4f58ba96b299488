"""Dropout, embedding, distances, one-hot, pixel shuffle, interpolation and unfold/fold
for ``ember.nn.functional``.

>>> import ember.nn.functional as F
>>> F.one_hot(ember.tensor([0, 2]), 3)
tensor([[1, 0, 0],
        [0, 0, 1]])
"""
from .. import _autocast_state as _ac
from .._autocast_state import on as _ac_on
import math

from .._backend import np
from .._tensor import Tensor, _wrap
from .._random import dropout_mask as _dropout_mask, keep_mask as _keep_mask
from .. import ops as _ops
from ..ops import _util
from ..ops._util import add_rows_at
from ..autograd.function import Op, apply_op
from ..autograd.grad_mode import no_grad

_public = _ops.public


# ---------------------------------------------------------------- dropout
_mask = _dropout_mask


def dropout(input, p=0.5, training=True, inplace=False):
    """Zero each element with probability ``p`` and scale the rest by ``1 / (1 - p)``
    (training only; note ``training=True`` is the default, as in PyTorch).

    >>> F.dropout(ember.ones(4), p=0.0)
    tensor([1., 1., 1., 1.])
    """
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if not training or p == 0.0:
        return input
    m = _wrap(_mask(input._data.shape, p, input._data.dtype))
    return input.mul_(m) if inplace else input * m


def _feature_dropout(input, p, training, inplace, batched_dims):
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if not training or p == 0.0:
        return input
    d = input._data
    shape = d.shape[:batched_dims] + (1,) * (d.ndim - batched_dims)
    m = _wrap(_mask(shape, p, d.dtype))
    return input.mul_(m) if inplace else input * m


def dropout1d(input, p=0.5, training=True, inplace=False):
    """Zero whole channels of (N, C, L) input.

    >>> F.dropout1d(ember.ones(1, 2, 3), 0.0).shape
    torch.Size([1, 2, 3])
    """
    return _feature_dropout(input, p, training, inplace, 2 if input.dim() == 3 else 1)


def dropout2d(input, p=0.5, training=True, inplace=False):
    """Zero whole channels of (N, C, H, W) input.

    >>> F.dropout2d(ember.ones(1, 2, 3, 3), 0.0).shape
    torch.Size([1, 2, 3, 3])
    """
    return _feature_dropout(input, p, training, inplace, 2 if input.dim() == 4 else 1)


def dropout3d(input, p=0.5, training=True, inplace=False):
    """Zero whole channels of (N, C, D, H, W) input.

    >>> F.dropout3d(ember.ones(1, 2, 2, 2, 2), 0.0).shape
    torch.Size([1, 2, 2, 2, 2])
    """
    return _feature_dropout(input, p, training, inplace, 2 if input.dim() == 5 else 1)


def alpha_dropout(input, p=0.5, training=False, inplace=False):
    """Dropout that keeps the SELU fixed point (mean 0, variance 1).

    >>> F.alpha_dropout(ember.ones(3), 0.5, training=False)
    tensor([1., 1., 1.])
    """
    if not training or p == 0.0:
        return input
    alpha_p = -1.7580993408473766
    keep = _keep_mask(input._data.shape, p)
    a = ((1 - p) * (1 + p * alpha_p ** 2)) ** -0.5
    b = -a * alpha_p * p
    dt = input._data.dtype
    out = input * _wrap((keep * a).astype(dt)) + _wrap(((~keep) * (a * alpha_p) + b).astype(dt))
    return input.copy_(out) if inplace else out


# ---------------------------------------------------------------- embedding
class _EmbeddingOp(Op):
    _name = "EmbeddingBackward0"

    @staticmethod
    def forward(ctx, weight, idx, padding_idx, scale_grad):
        ctx.idx, ctx.padding_idx, ctx.n = idx, padding_idx, weight.shape[0]
        ctx.scale_grad = scale_grad
        return weight[idx]

    @staticmethod
    def backward(ctx, g):
        idx = ctx.idx.reshape(-1)
        gd = g._data.reshape(idx.size, -1)
        out = np.zeros((ctx.n, gd.shape[1]), dtype=gd.dtype)
        if ctx.scale_grad:
            counts = np.bincount(idx, minlength=ctx.n).astype(gd.dtype)
            gd = gd / counts[idx][:, None]
        add_rows_at(out, idx, gd)
        if ctx.padding_idx is not None:
            out[ctx.padding_idx] = 0
        return _wrap(out)


def embedding(input, weight, padding_idx=None, max_norm=None, norm_type=2.0, scale_grad_by_freq=False,
              sparse=False):
    """Rows of ``weight`` at the integer ``input`` indices; the gradient of ``padding_idx``'s
    row is zero.

    >>> F.embedding(ember.tensor([[0, 2]]), ember.arange(6.).reshape(3, 2))
    tensor([[[0., 1.],
             [4., 5.]]])
    """
    idx = input._data
    if idx.dtype.kind not in "iu":
        raise RuntimeError("Expected tensor for argument #1 'indices' to have one of the following scalar "
                           f"types: Long, Int; but got {input.type()} instead (while checking arguments for embedding)")
    n = weight._data.shape[0]
    if idx.size and (idx.min() < -n or idx.max() >= n):
        raise IndexError("index out of range in self")
    if padding_idx is not None and padding_idx < 0:
        padding_idx += n
    if max_norm is not None:
        with no_grad():
            rows = np.unique(idx)
            w = weight._data
            norms = np.linalg.norm(w[rows], ord=norm_type, axis=1)
            scale = np.where(norms > max_norm, max_norm / (norms + 1e-7), 1.0).astype(w.dtype)
            w[rows] *= scale[:, None]
            weight._bump()
    if _util.grad_on(weight):
        return apply_op(_EmbeddingOp, (weight,), idx, padding_idx, scale_grad_by_freq)
    return _wrap(weight._data[idx])


def one_hot(tensor, num_classes=-1):
    """Class indices to one-hot int64 rows.

    >>> F.one_hot(ember.tensor([1]), 3)
    tensor([[0, 1, 0]])
    """
    t = tensor._data
    if t.dtype.kind not in "iu":
        raise RuntimeError("one_hot is only applicable to index tensor of type LongTensor.")
    if num_classes == -1:
        num_classes = int(t.max()) + 1 if t.size else 0
    if t.size and (t.min() < 0):
        raise RuntimeError("Class values must be non-negative.")
    if t.size and t.max() >= num_classes:
        raise RuntimeError("Class values must be smaller than num_classes.")
    out = np.zeros(t.shape + (num_classes,), dtype=np.int64)
    np.put_along_axis(out, t[..., None].astype(np.int64), 1, axis=-1)
    return _wrap(out)


# ---------------------------------------------------------------- distances
def cosine_similarity(x1, x2, dim=1, eps=1e-8):
    """``x1 . x2 / max(||x1|| ||x2||, eps)`` along ``dim`` (broadcasting).

    >>> F.cosine_similarity(ember.tensor([[1., 0.]]), ember.tensor([[1., 1.]]))
    tensor([0.7071])
    """
    dot = (x1 * x2).sum(dim)
    n1 = (x1 * x1).sum(dim)
    n2 = (x2 * x2).sum(dim)
    return dot / (n1 * n2).clamp_min(eps * eps).sqrt()


def pairwise_distance(x1, x2, p=2.0, eps=1e-6, keepdim=False):
    """``||x1 - x2 + eps||_p`` over the last dim.

    >>> F.pairwise_distance(ember.tensor([[0., 0.]]), ember.tensor([[3., 4.]]))
    tensor([5.0000])
    """
    return (x1 - x2 + eps).norm(p, -1, keepdim=keepdim)


def pdist(input, p=2):
    """Distances between all row pairs of a 2-D input (upper triangle, row-major).

    >>> F.pdist(ember.tensor([[0., 0.], [3., 4.], [6., 8.]]))
    tensor([ 5., 10.,  5.])
    """
    n = input.shape[0]
    i, j = np.triu_indices(n, 1)
    return (input[_wrap(i)] - input[_wrap(j)]).norm(p, -1)


# ---------------------------------------------------------------- pixel shuffle
def pixel_shuffle(input, upscale_factor):
    """(*, C*r*r, H, W) -> (*, C, H*r, W*r).

    >>> F.pixel_shuffle(ember.arange(4.).reshape(1, 4, 1, 1), 2)
    tensor([[[[0., 1.],
              [2., 3.]]]])
    """
    r = upscale_factor
    if r <= 0:
        raise RuntimeError(f"pixel_shuffle expects a positive upscale_factor, but got {r}")
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
    *lead, c, h, w = input.shape
    n = len(lead)
    x = input.reshape(*lead, c, h // r, r, w // r, r)
    x = x.permute(*range(n), n, n + 2, n + 4, n + 1, n + 3)
    return x.reshape(*lead, c * r * r, h // r, w // r)


# ---------------------------------------------------------------- interpolation
def _src_index(out_size, in_size, scale, align_corners, mode):
    """Source coordinates for each output position (PyTorch's conventions)."""
    o = np.arange(out_size, dtype=np.float64)
    if mode == "nearest":
        s = (in_size / out_size) if scale is None else 1.0 / scale
        return np.minimum(np.floor(o * s).astype(np.int64), in_size - 1)
    if mode == "nearest-exact":
        s = (in_size / out_size) if scale is None else 1.0 / scale
        return np.minimum(np.floor((o + 0.5) * s).astype(np.int64), in_size - 1)
    if align_corners:
        return o * ((in_size - 1) / (out_size - 1)) if out_size > 1 else np.zeros_like(o)
    s = (in_size / out_size) if scale is None else 1.0 / scale
    return np.maximum((o + 0.5) * s - 0.5, 0.0)


def _linear_matrix(out_size, in_size, scale, align_corners, dtype):
    src = _src_index(out_size, in_size, scale, align_corners, "linear")
    i0 = np.minimum(np.floor(src).astype(np.int64), in_size - 1)
    i1 = np.minimum(i0 + 1, in_size - 1)
    lam = (src - i0).astype(np.float64)
    A = np.zeros((out_size, in_size), dtype=np.float64)
    np.add.at(A, (np.arange(out_size), i0), 1 - lam)
    np.add.at(A, (np.arange(out_size), i1), lam)
    return A.astype(dtype)


def interpolate(input, size=None, scale_factor=None, mode="nearest", align_corners=None,
                recompute_scale_factor=None, antialias=False):
    """Resize the spatial dims: 'nearest', 'nearest-exact', 'linear', 'bilinear', 'trilinear'.

    Linear modes are separable: one small interpolation matrix per axis.

    >>> F.interpolate(ember.tensor([[[1., 2.]]]), scale_factor=2, mode="nearest")
    tensor([[[1., 1., 2., 2.]]])
    """
    nd = input.dim() - 2
    if nd < 1:
        raise ValueError(f"Input Error: Only 3D, 4D and 5D input Tensors supported (got {input.dim()}D)")
    if antialias:
        raise NotImplementedError("ember: interpolate(antialias=True) is not supported yet")
    if mode in ("nearest", "nearest-exact", "area") and align_corners is not None:
        raise ValueError("align_corners option can only be set with the interpolating modes: linear | "
                         "bilinear | bicubic | trilinear")
    sp = input.shape[2:]
    if size is not None and scale_factor is not None:
        raise ValueError("only one of size or scale_factor should be defined")
    if size is not None:
        out = tuple(size) if isinstance(size, (tuple, list)) else (size,) * nd
        scales = (None,) * nd
    elif scale_factor is not None:
        sf = tuple(scale_factor) if isinstance(scale_factor, (tuple, list)) else (scale_factor,) * nd
        out = tuple(int(math.floor(s * f)) for s, f in zip(sp, sf))
        scales = (None,) * nd if recompute_scale_factor else tuple(float(f) for f in sf)
    else:
        raise ValueError("either size or scale_factor should be defined")
    if any(o <= 0 for o in out) or any(v <= 0 for v in sp):
        ax = ("D", "H", "W")[3 - nd:]
        io = lambda v: ", ".join(f"{a}: {x}" for a, x in zip(ax, v))  # noqa: E731
        raise RuntimeError(f"Input and output sizes should be greater than 0, but got input ({io(sp)})"
                           f"{' and' if nd == 1 else ''} output ({io(out)})")
    if mode == "area":
        from .functional_pool import _adaptive_avg
        return _adaptive_avg(nd, input, out)
    want = {"linear": 1, "bilinear": 2, "trilinear": 3}
    if mode in want:
        if want[mode] != nd:
            raise NotImplementedError(f"Got {input.dim()}D input, but {mode} mode needs {want[mode] + 2}D input")
        y = input
        for ax in range(nd):
            A = _wrap(_linear_matrix(out[ax], sp[ax], scales[ax], bool(align_corners), input._data.dtype))
            y = y.movedim(2 + ax, -1).matmul(A.t()).movedim(-1, 2 + ax)
        return y
    if mode in ("nearest", "nearest-exact"):
        idx = [slice(None), slice(None)]
        for ax in range(nd):
            ix = _src_index(out[ax], sp[ax], scales[ax], False, mode)
            idx.append(ix.reshape((-1,) + (1,) * (nd - 1 - ax)))
        return input[tuple(idx)]
    raise NotImplementedError(f"ember: interpolate mode {mode!r} is not supported yet (bicubic)")


def upsample(input, size=None, scale_factor=None, mode="nearest", align_corners=None):
    """Deprecated alias of :func:`interpolate`.

    >>> F.upsample(ember.ones(1, 1, 2), scale_factor=2).shape
    torch.Size([1, 1, 4])
    """
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
    if input.dim() != 4:
        raise NotImplementedError("ember: unfold supports 4-D (N, C, H, W) input")
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
    N, CK, L = input.shape
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


def bilinear(input1, input2, weight, bias=None):
    """``y_k = x1^T W_k x2 + b_k``.

    >>> F.bilinear(ember.ones(1, 2), ember.ones(1, 3), ember.ones(4, 2, 3)).shape
    torch.Size([1, 4])
    """
    y = _public["einsum"]("...i,kij,...j->...k", input1, weight, input2)
    if _ac_on[0]:  # PyTorch: products autocast inside, the result in the inputs' dtype
        y = y.to(input1.dtype)
    return y if bias is None else y + bias


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
