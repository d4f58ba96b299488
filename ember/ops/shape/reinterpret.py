"""``Tensor.view(dtype)``: the same bytes read as another dtype, as PyTorch does.

>>> ember.tensor([1.0]).view(ember.int32)
tensor([1065353216], dtype=torch.int32)
"""
from .._util import np, _wrap, make_view
from ..._backend import as_strided as _as_strided

__all__ = []

_VIEW_DTYPE_MSG = "{what} to view {a} as {b} (different element sizes)"


def view_dtype(self, dt):
    """``x.view(dtype)``: the same bytes read as ``dtype`` (a view, never differentiable); with a
    different element size the last dim shrinks or grows, as in PyTorch."""
    from .._util import _TORCH_NAMES
    d = self._data
    if dt.np == d.dtype:
        return _wrap(d.view())
    a_sz, b_sz = d.dtype.itemsize, np.dtype(dt.np).itemsize
    if a_sz != b_sz:
        names = dict(a=_TORCH_NAMES.get(d.dtype.name, d.dtype.name), b=_TORCH_NAMES.get(dt.name, dt.name))
        if d.ndim == 0:
            raise RuntimeError(_VIEW_DTYPE_MSG.format(what="self.dim() cannot be 0", **names))
        if d.shape[-1] != 1 and d.strides[-1] != a_sz:
            raise RuntimeError(_VIEW_DTYPE_MSG.format(
                what=f"self.stride(-1) must be 1", **names) + f", but got {d.strides[-1] // a_sz}")
        if b_sz > a_sz:
            k = b_sz // a_sz
            if d.shape[-1] % k:
                raise RuntimeError(_VIEW_DTYPE_MSG.format(
                    what=f"self.size(-1) must be divisible by {k}", **names) + f", but got {d.shape[-1]}")
            root = (self._base if self._base is not None else self)._data
            off = (d.__array_interface__["data"][0] - root.__array_interface__["data"][0]) // a_sz
            if off % k:
                raise RuntimeError(_VIEW_DTYPE_MSG.format(
                    what=f"self.storage_offset() must be divisible by {k}", **names) + f", but got {off}")
            for st in d.strides[:-1]:
                if (st // a_sz) % k:
                    raise RuntimeError(_VIEW_DTYPE_MSG.format(
                        what=f"self.stride({d.strides.index(st)}) must be divisible by {k}", **names)
                        + f", but got {st // a_sz}")
    if d.ndim and d.shape[-1] == 1 and d.strides[-1] != a_sz:
        d = _as_strided(d, d.shape[:-1] + (1,), d.strides[:-1] + (a_sz,))
    out = _wrap(d.view(dt.np))
    return make_view(out, self, lambda t, _dt=dt: t.view(_dt))
