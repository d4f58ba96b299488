"""Index assignment and the gradient of indexing.

>>> x = ember.zeros(3, requires_grad=True)
>>> y = x * 1; y[1] = 5.; y
tensor([0., 5., 0.], grad_fn=<CopySlices>)
"""
from ._util import np, D, Tensor, _wrap, Op, apply_op, _state, grad_on, copy_into
from .inplace import inplace_op

__all__ = []


def _is_basic(idx):
    for i in (idx if isinstance(idx, tuple) else (idx,)):
        if isinstance(i, np.ndarray) or isinstance(i, (bool, np.bool_)):
            return False
    return True


def _index(a, idx):
    try:
        return a[idx]
    except IndexError as e:
        raise IndexError(str(e).replace("axis", "dimension").replace("array", "tensor")) from None


class IndexGrad(Op):
    """Scatter a gradient back into zeros of the indexed tensor's shape (sums duplicates)."""

    _name = "IndexPutBackward0"

    @staticmethod
    def forward(ctx, g, shape, dtype, idx):
        if ctx is not None:
            ctx.idx = idx
        out = np.zeros(shape, dtype=dtype)
        if _is_basic(idx):
            out[idx] = g
        else:
            np.add.at(out, idx, g)
        return out

    @staticmethod
    def backward(ctx, gg):
        return _wrap_index(gg, ctx.idx)


def _wrap_index(t, idx):
    from .movement import Select, Index, _view_result
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
    @staticmethod
    def forward(ctx, a, v, idx, accumulate=False):
        if ctx is not None:
            ctx.idx = idx
            ctx.v_shape = np.shape(v)
        out = a.copy()
        if accumulate:
            np.add.at(out, idx, v)
        else:
            try:
                out[idx] = v
            except ValueError:
                sub = _index(out, idx)
                raise RuntimeError(f"shape mismatch: value tensor of shape {list(np.shape(v))} cannot be "
                                   f"broadcast to indexing result of shape {list(sub.shape)}") from None
        return out

    @staticmethod
    def backward(ctx, g):
        ga = gv = None
        n = ctx.needs_input_grad
        if n[0]:
            ga = _zero_region(g, ctx.idx)
        if len(n) > 1 and n[1]:
            gv = _wrap_index(g, ctx.idx)
        return ga, gv


class SlicePut(IndexPut):
    _name = "CopySlices"


def _zero_region(g, idx):
    mask = np.ones(g._data.shape, dtype=bool)
    mask[idx] = False
    return g * _wrap(mask)


def index_put_nidx(self, nidx, value):
    """``self[nidx] = value`` for a normalised index (see ``movement._norm_index``)."""
    vd = getattr(value, "_data", None)
    if not (_state[0] and (self._rg or (vd is not None and value._rg)) or
            (self._base is not None and self._base._rg and _state[0] and vd is not None and value._rg)):
        d = self._data
        v = value if vd is None else vd
        if vd is not None:
            from .._dtype import NP2DT
            if NP2DT[vd.dtype]._cat > NP2DT[d.dtype]._cat and vd.dtype.kind == "c":
                raise RuntimeError("value cannot be converted to type without overflow")
        try:
            d[nidx] = v
        except IndexError as e:
            raise IndexError(str(e).replace("axis", "dimension").replace("array", "tensor")) from None
        except ValueError:
            sub = _index(d, nidx)
            raise RuntimeError(f"shape mismatch: value tensor of shape {list(np.shape(v))} cannot be "
                               f"broadcast to indexing result of shape {list(sub.shape)}") from None
        self._bump()
        return self
    if vd is not None:
        if value._data.dtype != self._data.dtype:
            value = value.to(D.NP2DT[self._data.dtype])
        cls = SlicePut if _is_basic(nidx) else IndexPut
        return inplace_op(self, lambda s: apply_op(cls, (s, value), nidx), value)
    v = np.asarray(value, dtype=self._data.dtype)
    cls = SlicePut if _is_basic(nidx) else IndexPut
    return inplace_op(self, lambda s: apply_op(cls, (s,), v, nidx))
