"""``histogramdd``: the histogram of points in D dimensions (the innermost dim of the input
holds a point's coordinates), with equal bins per dim or given bin edges. Not differentiable."""
import builtins
import numbers

from .._util import np
from ... import _tensor
from ... import return_types as _RT

__all__ = ["histogramdd"]

_histogramdd = _RT.structseq("histogramdd", ("hist", "bin_edges"))


def histogramdd(input, bins, *, range=None, weight=None, density=False):  # noqa: A002 - PyTorch's names
    """Counts of the points of ``input`` (shape ``(..., D)``) in a D-dimensional grid of bins:
    ``bins`` is an int (each dim), a list of ints, or a list of edge tensors; ``range`` lists
    ``[lo_0, hi_0, lo_1, hi_1, ...]`` (default each dim's data range). Returns ``(hist, bin_edges)``.

    >>> ember.histogramdd(ember.tensor([[0., 1.], [1., 0.]]), bins=2).hist
    tensor([[0., 1.],
            [1., 0.]])
    """
    from .sort_ops import histogram
    Tensor = _tensor.Tensor
    a = input._data
    if a.dtype.kind not in "fV":
        raise NotImplementedError(f"\"histogramdd\" not implemented for '{input.type().split('.')[-1][:-6]}'")
    if a.ndim < 1:
        raise RuntimeError("torch.histogramdd: input tensor should have at least 1 dimension, but got 0")
    D = a.shape[-1]
    pts = a.reshape(-1, D)
    if isinstance(bins, numbers.Integral):
        bins = [int(bins)] * D
    bins = list(bins)
    if len(bins) != D:
        raise RuntimeError("histogramdd: The size of bins must be equal to the innermost dimension of the input.")
    if range is not None and len(range) != 2 * D:
        raise RuntimeError("histogramdd: for a 2-dimensional input, the size of range must be "
                           f"{2 * D}, but got {len(range)}")
    edges = []
    for d in builtins.range(D):
        col = _tensor._wrap(np.ascontiguousarray(pts[:, d]))
        if isinstance(bins[d], Tensor):
            edges.append(bins[d]._data.astype(a.dtype))
            continue
        r = None if range is None else (range[2 * d], range[2 * d + 1])
        if r is None and pts.shape[0] == 0:
            r = (0.0, 1.0)
        edges.append(histogram(col, int(bins[d]), range=r).bin_edges._data)
    x = pts.astype(np.float64)
    keep = np.ones(x.shape[0], dtype=bool)
    pos = []
    for d, e in enumerate(edges):
        e64 = e.astype(np.float64)
        nb = len(e64) - 1
        keep &= (x[:, d] >= e64[0]) & (x[:, d] <= e64[-1])
        pos.append(np.clip(np.searchsorted(e64, x[:, d], side="right") - 1, 0, nb - 1))
    shape = tuple(len(e) - 1 for e in edges)
    w = None if weight is None else weight._data.reshape(-1).astype(np.float64)[keep]
    flat = np.ravel_multi_index(tuple(p[keep] for p in pos), shape) if D else np.zeros(0, np.int64)
    hist = np.bincount(flat, weights=w, minlength=int(np.prod(shape))).astype(np.float64).reshape(shape)
    if density:
        tot = hist.sum()
        vol = np.ones(shape)
        for d, e in enumerate(edges):
            sh = [1] * D
            sh[d] = -1
            vol = vol * np.diff(e.astype(np.float64)).reshape(sh)
        hist = hist / (tot * vol) if tot else hist * np.nan
    return _histogramdd((_tensor._wrap(hist.astype(a.dtype)), tuple(_tensor._wrap(e) for e in edges)))
