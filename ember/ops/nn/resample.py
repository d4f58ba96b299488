"""One axis of a separable resize: ``y = A x`` along H or W, with ``A`` an ``(n_out, n_in)``
weight matrix whose rows are narrow windows (bicubic, antialiased and Lanczos resizing).

The forward multiplies block by block: each block of output rows reads only the span of
input rows its windows cover, so the work follows the band of ``A`` rather than all of it.
The backward is the same op with ``A`` transposed, so it is differentiable again.

>>> from ember.ops.nn.resample import resample_axis
>>> resample_axis(ember.arange(4.).reshape(1, 4), np.full((2, 4), 0.25), -1)
tensor([[1.5000, 1.5000]])
"""
from .._util import np, Op, apply_op

__all__ = []

_BLOCK = 64  # output rows per matmul


def _bands(A):
    """(start, stop, lo, hi) blocks of output rows and the input span each block reads."""
    n_out, n_in = A.shape
    nz = A != 0
    any_nz = nz.any(1)
    lo = np.where(any_nz, nz.argmax(1), n_in)
    hi = np.where(any_nz, n_in - nz[:, ::-1].argmax(1), 0)
    out = []
    for s in range(0, n_out, _BLOCK):
        e = min(s + _BLOCK, n_out)
        a, b = int(lo[s:e].min()), int(hi[s:e].max())
        out.append((s, e, a, max(a, b)))
    return out


class Band:
    """A weight matrix with its row blocks and input spans worked out once (and its
    transpose, for the backward, made on first use).

    >>> from ember.ops.nn.resample import Band
    >>> Band(np.eye(3)).blocks
    [(0, 3, 0, 3)]
    """

    __slots__ = ("a", "blocks", "_t")

    def __init__(self, a):
        self.a = a
        self.blocks = _bands(a)
        self._t = None

    @property
    def T(self):
        if self._t is None:
            self._t = Band(np.ascontiguousarray(self.a.T))
            self._t._t = self
        return self._t


def banded_apply(x, A, axis):
    """``A`` (an array or a :class:`Band`) applied along ``axis`` (-1 or -2) of the array ``x``,
    in ``x``'s dtype.

    >>> from ember.ops.nn.resample import banded_apply
    >>> banded_apply(np.ones((2, 3)), np.eye(2, 3), -1).tolist()
    [[1.0, 1.0], [1.0, 1.0]]
    """
    band = A if isinstance(A, Band) else Band(A)
    A = band.a.astype(x.dtype, copy=False)
    shape = list(x.shape)
    shape[axis] = A.shape[0]
    out = np.zeros(shape, x.dtype)
    for s, e, a, b in band.blocks:
        if a == b:
            continue
        if axis == -1:
            out[..., s:e] = np.matmul(x[..., a:b], np.ascontiguousarray(A[s:e, a:b].T))  # a view: no BLAS
        else:
            out[..., s:e, :] = np.matmul(A[s:e, a:b], x[..., a:b, :])
    return out


class AxisResample(Op):
    """``y = A x`` along one of the last two axes; ``dx = A^T dy`` along the same axis."""

    _saves_inputs = False

    @staticmethod
    def forward(ctx, x, band, axis):
        if isinstance(ctx, Op):
            ctx.args = (band, axis)
        return banded_apply(x, band, axis)

    @staticmethod
    def backward(ctx, go):
        band, axis = ctx.args
        return resample_axis(go, band.T, axis)


# the last pass of a resize is named after PyTorch's node for the whole op (grad_fn.name())
_NAMED = {key: type(AxisResample)(name, (AxisResample,), {"__slots__": (), "_name": name + "Backward0"})
          for key, name in (("bilinear", "UpsampleBilinear2D"), ("bicubic", "UpsampleBicubic2D"),
                            ("bilinear_aa", "UpsampleBilinear2DAa"), ("bicubic_aa", "UpsampleBicubic2DAa"),
                            ("lanczos_aa", "UpsampleLanczos2DAa"))}


def resample_axis(x, A, axis, name=None):
    """Differentiable ``A`` (an array or a :class:`Band`) applied along ``axis`` (-1 or -2) of
    the tensor ``x``; ``name`` (e.g. ``'bicubic_aa'``) picks PyTorch's node name.

    >>> from ember.ops.nn.resample import resample_axis
    >>> resample_axis(ember.ones(1, 2, 1), np.ones((3, 2)), -2).flatten()
    tensor([2., 2., 2.])
    """
    return apply_op(_NAMED.get(name, AxisResample), (x,), A if isinstance(A, Band) else Band(A), axis)
