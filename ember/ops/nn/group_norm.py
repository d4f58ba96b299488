"""GroupNorm as one node (PyTorch's ``NativeGroupNormBackward0``), on LayerNorm's row kernels.

x (N, C, *) is viewed as N * G rows of D = (C / G) * S elements (S the spatial size): each row
is one group of channels of one sample, normalised as LayerNorm normalises a row
(``layer_norm._forward``/``_backward``: cache-sized blocks of rows, the same bits on any
number of threads). Only the affine differs: w and b are per channel, so a block of rows is
seen as (rows, C / G, S) and scaled by the weights of each row's group; dw and db sum each
channel's S values per row (BLAS row sums), then the rows of each group in float64.

>>> from ember.ops.nn.group_norm import group_norm
>>> group_norm(ember.tensor([[[1., 3.], [5., 7.]]]), 1, eps=0.0)
tensor([[[-1.3416, -0.4472],
         [ 0.4472,  1.3416]]])
"""
from .._util import np
from ..._ufunc_buffers import rows
from ..._row_sums import row_sum
from .layer_norm import _norm_op, _run_norm, _FLOATS

__all__ = ["group_norm", "fusable"]


def fusable(x, weight, bias):
    """Whether ``group_norm`` takes this input: a float32/float64 array (N, C, ...) with at least
    one element per sample (N may be 0), w and b of its dtype or None (the caller has checked
    C % groups).

    >>> from ember.ops.nn.group_norm import fusable
    >>> fusable(np.ones((2, 4, 3)), None, None)
    True
    """
    return (x.dtype in _FLOATS and x.ndim >= 2 and int(np.prod(x.shape[1:])) > 0
            and all(t is None or t._data.dtype == x.dtype for t in (weight, bias)))


class _ChannelAffine:
    """GroupNorm's affine on rows of G groups of Cg channels of S elements: y = xhat * w[c] +
    b[c]; the hooks of ``layer_norm``'s row kernels for a block of rows ``s``."""

    def __init__(self, w, b, G, Cg, S):
        self.G, self.Cg, self.S = G, Cg, S
        self.w = None if w is None else w.reshape(G, Cg, 1)
        self.b = None if b is None else b.reshape(G, Cg, 1)
        self.part_shape = (G, Cg)

    def _groups(self, s):
        return np.arange(s.start, s.stop) % self.G

    def apply(self, s, hb):
        w, b = self.w, self.b
        if w is None and b is None:
            return
        g = self._groups(s)
        h3 = hb.reshape(hb.shape[0], self.Cg, self.S)
        with rows(self.S):
            if w is not None:
                h3 *= w[g]
            if b is not None:
                h3 += b[g]

    def scale(self, s, gb, out):
        if self.w is None:
            return gb
        shape = (gb.shape[0], self.Cg, self.S)
        with rows(self.S):
            np.multiply(gb.reshape(shape), self.w[self._groups(s)], out=out.reshape(shape))
        return out

    def part(self, s, a):
        sums = row_sum(a.reshape(-1, self.S), None, 0).reshape(a.shape[0], self.Cg)
        out = np.zeros((self.G, self.Cg), np.float64)
        np.add.at(out, self._groups(s), sums)
        return out


def _layout(a, G, w, b):
    N, C = a.shape[:2]
    S = int(np.prod(a.shape[2:]))
    return np.ascontiguousarray(a).reshape(N * G, (C // G) * S), _ChannelAffine(w, b, G, C // G, S)


def _differentiable_grads(ctx, g, x, w, n):
    N, C = x.shape[:2]
    G = ctx.arg
    xg = x.reshape(N, G, -1)
    xc = xg - xg.mean(2, keepdim=True)
    rstd = ((xc * xc).mean(2, keepdim=True) + ctx.eps).rsqrt()
    xhat = (xc * rstd).reshape(x.shape)
    shape = (1, C) + (1,) * (x.dim() - 2)
    gw = g if w is None else g * w.reshape(shape)
    gg, hg = gw.reshape(N, G, -1), xhat.reshape(N, G, -1)
    dx = rstd * (gg - gg.mean(2, keepdim=True) - hg * (gg * hg).mean(2, keepdim=True))
    out = [dx.reshape(x.shape) if n[0] else None]
    dims = (0,) + tuple(range(2, x.dim()))
    if w is not None:
        out.append((g * xhat).sum(dims) if n[1] else None)
    if ctx.affine & 2:
        out.append(g.sum(dims) if n[-1] else None)
    return tuple(out)


GroupNorm = _norm_op("GroupNorm", "NativeGroupNormBackward0", _layout, _differentiable_grads,
                    "x (N, C, *) normalised over each of ``G`` groups of channels (and every position), "
                    "times w, plus b (per channel; ``affine``: 1 w, 2 b, 3 both).", __name__)


def group_norm(x, num_groups, weight=None, bias=None, eps=1e-5):
    """x (a Tensor (N, C, ...)) normalised over groups of channels, times ``weight``, plus
    ``bias`` (Tensors (C,), or None), as one node; the caller checks ``fusable`` first.

    >>> from ember.ops.nn.group_norm import group_norm
    >>> group_norm(ember.tensor([[1., 3.], [2., 2.]]), 2).abs().max()
    tensor(0.)
    """
    return _run_norm(GroupNorm, x, num_groups, weight, bias, eps)
