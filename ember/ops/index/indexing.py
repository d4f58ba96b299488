"""Index assignment and the gradient of indexing.

>>> x = ember.zeros(3, requires_grad=True)
>>> y = x * 1; y[1] = 5.; y
tensor([0., 5., 0.], grad_fn=<CopySlices>)
"""
from .._util import np, D, Tensor, _wrap, Op, apply_op, _state, grad_on, copy_into, add_rows_at
from ..inplace.history import inplace_op

__all__ = []


def _is_basic(idx):
    for i in (idx if isinstance(idx, tuple) else (idx,)):
        if isinstance(i, np.ndarray) or isinstance(i, (bool, np.bool_)):
            return False
    return True


def _no_repeats(idx):
    """True when ``idx`` cannot address an element twice (no integer arrays): plain assignment
    then scatters a gradient as well as the much slower ``np.add.at``."""
    for i in (idx if isinstance(idx, tuple) else (idx,)):
        if isinstance(i, np.ndarray) and i.dtype.kind != "b":
            return False
    return True


def _rows_index(idx):
    """True for a lone 1-D integer array (``x[i]``): its gradient adds whole rows."""
    return isinstance(idx, np.ndarray) and idx.ndim == 1 and idx.dtype.kind in "iu"


def _index(a, idx):
    from ..shape.movement import _index as ix
    return ix(a, idx)


class IndexGrad(Op):
    """Scatter a gradient back into zeros of the indexed tensor's shape (sums duplicates)."""

    _name = "IndexPutBackward0"

    @staticmethod
    def forward(ctx, g, shape, dtype, idx):
        if ctx is not None:
            ctx.idx = idx
        out = np.zeros(shape, dtype=dtype)
        if _no_repeats(idx):
            out[idx] = g
        elif _rows_index(idx) and g.shape[:1] == idx.shape:
            add_rows_at(out, idx, g)                  # x[i] with a 1-D integer array: rows
        else:
            np.add.at(out, idx, g)
        return out

    @staticmethod
    def backward(ctx, gg):
        return _wrap_index(gg, ctx.idx)


def _wrap_index(t, idx):
    from ..shape.movement import Select, Index, _view_result
    if _is_basic(idx):
        if _state[0] and t._rg:
            return apply_op(Select, (t,), idx)
        return _wrap(_index(t._data, idx))
    if _state[0] and t._rg:
        return apply_op(Index, (t,), idx)
    return _wrap(_index(t._data, idx))


def index_put_backward(g, shape, dtype, idx):
    """Gradient of ``x[idx]`` w.r.t. ``x``: ``g`` placed into zeros of ``shape``."""
    if _state[0] and g._rg:
        return apply_op(IndexGrad, (g,), shape, dtype, idx)
    return _wrap(IndexGrad.forward(None, g._data, shape, dtype, idx))


class IndexPut(Op):
    """``out = a.clone(); out[idx] = v`` (or ``+=`` with duplicates summed when accumulating)."""

    _name = "IndexPutBackward0"

    @staticmethod
    def forward(ctx, a, v, idx, accumulate=False):
        if ctx is not None:
            ctx.idx = idx
            ctx.accumulate = accumulate
        out = a.copy()
        _put(out, idx, v, accumulate, False)
        return out

    @staticmethod
    def backward(ctx, g):
        ga = gv = None
        n = ctx.needs_input_grad
        if n[0]:
            ga = g if ctx.accumulate else _zero_region(g, ctx.idx)
        if len(n) > 1 and n[1]:
            gv = _wrap_index(g, ctx.idx)
        return ga, gv


class SlicePut(IndexPut):
    _name = "CopySlices"


def _zero_region(g, idx):
    mask = np.ones(g._data.shape, dtype=bool)
    mask[idx] = False
    return g * _wrap(mask)


_TN = {"float32": "float", "float64": "double", "float16": "c10::Half", "bfloat16": "c10::BFloat16",
       "int64": "long int", "int32": "int", "int16": "short int", "int8": "signed char",
       "uint8": "unsigned char", "bool": "bool"}


def _put(d, nidx, v, accumulate, basic):
    """``d[nidx] = v`` (or ``+=``) in place, with PyTorch's errors."""
    try:
        if accumulate:
            np.add.at(d, nidx, v)
        else:
            d[nidx] = v
    except IndexError as e:
        from ..shape.movement import _index_error
        raise _index_error(e, d.shape, nidx) from None
    except ValueError:
        sub = _index(d, nidx)
        vs = np.shape(v)
        if basic:
            from ..shape.movement import expand
            expand(_wrap(np.broadcast_to(np.zeros((), d.dtype), vs)), sub.shape)
        raise RuntimeError(f"shape mismatch: value tensor of shape {list(vs)} cannot be "
                           f"broadcast to indexing result of shape {list(sub.shape)}") from None
    except TypeError:
        if isinstance(v, complex) or np.iscomplexobj(v):
            raise RuntimeError(f"value cannot be converted to type "
                               f"{_TN.get(D.NP2DT[d.dtype].name, d.dtype.name)} without overflow") from None
        raise


def _is_view_index(nidx):
    for i in (nidx if nidx.__class__ is tuple else (nidx,)):
        if i.__class__ is int or (i.__class__ is slice and i != slice(None)):
            return True
    return False


def index_put_nidx(self, nidx, value, accumulate=False, advanced=None):
    """``self[nidx] = value`` for a normalised index (see ``movement._norm_index``)."""
    basic = not advanced if advanced is not None else _is_basic(nidx)
    vd = getattr(value, "_data", None)
    vrg = vd is not None and value._rg
    on = _state[0]
    if vd is not None and not basic and vd.dtype != self._data.dtype and not (
            vd.ndim == 0 and len(nidx) == 1 and getattr(nidx[0], "dtype", None) == np.bool_):
        from .._util import _TORCH_NAMES as N
        raise RuntimeError(f"Index put requires the source and destination dtypes match, got "
                           f"{N[D.NP2DT[self._data.dtype].name]} for the destination and "
                           f"{N[D.NP2DT[vd.dtype].name]} for the source.")
    if not (on and (self._rg or vrg or (self._base is not None and self._base._rg))):
        d = self._data
        v = value if vd is None else vd
        if vd is not None and vd.dtype.kind == "c" and d.dtype.kind != "c":
            raise RuntimeError(f"value cannot be converted to type "
                               f"{_TN.get(D.NP2DT[d.dtype].name, d.dtype.name)} without overflow")
        if vd is not None and vd.dtype != d.dtype and accumulate:
            v = vd.astype(d.dtype)
        _put(d, nidx, v, accumulate, basic)
        self._bump()
        return self
    if self._rg and self.grad_fn is None:
        if basic and _is_view_index(nidx):
            raise RuntimeError("a view of a leaf Variable that requires grad is being used in an in-place "
                               "operation.")
        raise RuntimeError("a leaf Variable that requires grad is being used in an in-place operation.")
    cls = SlicePut if basic else IndexPut
    if vd is not None:
        if vd.dtype != self._data.dtype:
            if vd.dtype.kind == "c" and self._data.dtype.kind != "c":
                raise RuntimeError("value cannot be converted to type without overflow")
            value = value.to(D.NP2DT[self._data.dtype])
        return inplace_op(self, lambda s: apply_op(cls, (s, value), nidx, accumulate), value)
    try:
        v = np.asarray(value, dtype=self._data.dtype)
    except TypeError:
        raise RuntimeError(f"value cannot be converted to type "
                           f"{_TN.get(D.NP2DT[self._data.dtype].name, 'the tensor type')} without overflow") \
            from None
    return inplace_op(self, lambda s: apply_op(cls, (s,), v, nidx, accumulate))
