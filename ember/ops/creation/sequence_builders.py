"""Tensors built from a start value and a rule: the deprecated inclusive ``range`` and the
Vandermonde matrix ``vander`` (powers of a vector, differentiable)."""
import builtins
import math
import warnings

from .._util import np
from ... import _tensor

__all__ = ["range", "vander"]


def range(start=0, end=None, step=1, *, out=None, dtype=None, layout=None, device=None, requires_grad=False,
          pin_memory=False):  # noqa: A001 - PyTorch's name
    """Values from ``start`` to ``end`` **inclusive** by ``step``, in the default float dtype
    unless ``dtype`` is given. Deprecated in PyTorch (it warns): use ``arange``.

    >>> import warnings; warnings.simplefilter("ignore")
    >>> ember.range(1, 4)
    tensor([1., 2., 3., 4.])
    """
    warnings.warn("torch.range is deprecated and will be removed in a future release because its behavior "
                  "is inconsistent with Python's range builtin. Instead, use torch.arange, which produces "
                  "values in [start, end).", UserWarning, stacklevel=2)
    if end is None:
        start, end = 0, start
    start, end, step = (float(v.item()) if isinstance(v, _tensor.Tensor) else float(v) for v in (start, end, step))
    if step == 0:
        raise RuntimeError("step must be nonzero")
    if (step > 0 and end < start) or (step < 0 and end > start):
        raise RuntimeError("upper bound and lower bound inconsistent with step sign")
    n = int(math.floor((end - start) / step)) + 1
    from ..._dtype import get_default_dtype
    from ..._creation import tensor, out_dtype, _to_out
    dtype = out_dtype(dtype, out, "range")
    dt = dtype if dtype is not None else get_default_dtype()
    vals = start + np.arange(n, dtype=np.float64) * step
    res = _to_out(tensor(vals, dtype=dt), out)
    if requires_grad:
        res.requires_grad_(True)
    return res


def vander(x, N=None, increasing=False):
    """The Vandermonde matrix of the 1-d ``x``: columns ``x^(N-1), ..., x, 1`` (reversed when
    ``increasing``); integer and bool inputs give int64.

    >>> ember.vander(ember.tensor([1, 2, 3]))
    tensor([[1, 1, 1],
            [4, 2, 1],
            [9, 3, 1]])
    """
    if x.dim() != 1:
        raise RuntimeError("x must be a one-dimensional tensor.")
    n = x.shape[0] if N is None else int(N)
    if n < 0:
        raise RuntimeError("N must be non-negative.")
    if not (x.is_floating_point() or x.is_complex()):
        from ..._dtype import int64
        x = x.to(int64)
    xc = x.unsqueeze(-1)
    if n == 0:
        return _tensor._wrap(np.zeros((x.shape[0], 0), dtype=x._data.dtype))  # as torch: no grad
    from ..shape.joining import cat
    cols = [_tensor._wrap(np.ones(tuple(xc.shape), dtype=xc._data.dtype))]
    for _ in builtins.range(n - 1):
        cols.append(cols[-1] * xc)
    if not increasing:
        cols.reverse()
    return cat(cols, -1)
