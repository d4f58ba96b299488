"""Indexing: ``x[idx]`` (basic indices give a view, advanced ones a copy) and
``x[idx] = value``, with their gradients (the gradient of indexing scatters back into zeros;
index assignment goes through the autograd history of the in-place write).

>>> x = ember.zeros(3, requires_grad=True)
>>> y = x * 1; y[1] = 5.; y
tensor([0., 5., 0.], grad_fn=<CopySlices>)
"""
from .._util import np, D, _wrap, Op, apply_op, _state, make_view, add_rows_at, _TORCH_NAMES, _NOGRAD
from .._util import writeable_alias, write_error
from ..inplace.history import inplace_op
from ..shape.movement import expand
from .index_parsing import _index, _index_error, _norm_index
from .int_index_split import split_int_adv as _split_int_adv

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


class IndexGrad(Op):
    """Scatter a gradient back into zeros of the indexed tensor's shape (sums duplicates)."""

    _name = "IndexPutBackward0"

    @staticmethod
    def forward(ctx, g, shape, dtype, idx):
        if ctx is not _NOGRAD:
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
    return apply_op(Select if _is_basic(idx) else Index, (t,), idx)


def index_put_backward(g, shape, dtype, idx):
    """Gradient of ``x[idx]`` w.r.t. ``x``: ``g`` placed into zeros of ``shape``."""
    return apply_op(IndexGrad, (g,), shape, dtype, idx)


class IndexPut(Op):
    """``out = a.clone(); out[idx] = v`` (or ``+=`` with duplicates summed when accumulating)."""

    _name = "IndexPutBackward0"

    @staticmethod
    def forward(ctx, a, v, idx, accumulate=False):
        if ctx is not _NOGRAD:
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


from ..._dtype_names import C10_NAMES as _TN  # noqa: E402


def _put(d, nidx, v, accumulate, basic):
    """``d[nidx] = v`` (or ``+=``) in place, with PyTorch's errors (an expanded view is written
    through, as PyTorch does; other read-only memory refuses)."""
    if not d.flags.writeable:
        w = writeable_alias(d)
        if w is None:
            raise write_error(d)
        d = w
    try:
        if accumulate:
            np.add.at(d, nidx, v)
        else:
            d[nidx] = v
    except IndexError as e:
        raise _index_error(e, d.shape, nidx) from None
    except ValueError:
        sub = _index(d, nidx)
        vs = np.shape(v)
        if basic:
            expand(_wrap(np.broadcast_to(np.zeros((), d.dtype), vs)), sub.shape)
        raise RuntimeError(f"shape mismatch: value tensor of shape {list(vs)} cannot be "
                           f"broadcast to indexing result of shape {list(sub.shape)}") from None
    except TypeError:
        if isinstance(v, complex) or np.iscomplexobj(v):
            raise RuntimeError(f"value cannot be converted to type "
                               f"{_TN.get(D.NP2DT[d.dtype].name, d.dtype.name)} without overflow") from None
        if np.ndim(v) > 1:  # NumPy's boolean-mask assignment takes 0-d or 1-d values only
            raise RuntimeError(f"shape mismatch: value tensor of shape {list(np.shape(v))} cannot be "
                               f"broadcast to indexing result of shape {list(_index(d, nidx).shape)}") from None
        raise


_NUMBERS = (int, float, complex, np.generic)
_I64 = 1 << 63


def setitem_scalar(v, dt):
    """A Python number written by ``x[idx] = v`` into dtype ``dt``, as PyTorch converts it: an
    int beyond 64 bits is a ValueError, an integer dtype takes a value in range (an unsigned
    one ``-max..max``) else RuntimeError, ``bool`` takes anything, a complex number with an
    imaginary part fits only a complex dtype, float32 refuses a finite float beyond its range
    while float16/bfloat16 round it to inf.

    >>> from ember.ops.index.indexing import setitem_scalar
    >>> setitem_scalar(-1, ember.uint8), setitem_scalar(2.7, ember.int8), setitem_scalar(1+0j, ember.int8)
    (255, 2.7, 1.0)
    >>> setitem_scalar(300, ember.int8)
    Traceback (most recent call last):
    RuntimeError: value cannot be converted to type int8_t without overflow
    """
    if isinstance(v, np.generic):
        v = v.item()
    c = v.__class__
    if c is int and not -_I64 <= v < _I64:
        raise ValueError("Overflow when unpacking long long")
    cat = dt._cat
    if cat == 0:
        return bool(v)
    if c is complex:
        if cat == 3:
            return v
        if v.imag != 0:
            name = "double" if dt.name in ("float16", "bfloat16") else D._C_NAMES.get(dt.name, dt.name)
            raise RuntimeError(f"value cannot be converted to type {name} without overflow")
        v = v.real
        c = float
    if cat == 1:
        return D.checked_fill(v, dt)
    if c is float and dt.name == "float32" and v == v and abs(v) != D._INF and abs(v) > D._FLOAT_MAX["float32"]:
        raise RuntimeError("value cannot be converted to type float without overflow")
    return v


def _is_view_index(nidx):
    for i in (nidx if nidx.__class__ is tuple else (nidx,)):
        if i.__class__ is int or (i.__class__ is slice and i != slice(None)):
            return True
    return False


def index_put_nidx(self, nidx, value, accumulate=False, advanced=None):
    """``self[nidx] = value`` for a normalised index (see ``index_parsing._norm_index``)."""
    basic = not advanced if advanced is not None else _is_basic(nidx)
    vd = getattr(value, "_data", None)
    if vd is None and isinstance(value, _NUMBERS):
        value = setitem_scalar(value, D.NP2DT[self._data.dtype])
    elif vd is not None and vd.ndim and vd.shape[0] == 1:   # leading 1s beyond the target's dims are dropped
        k = vd.ndim - np.ndim(_index(self._data, nidx))
        if k > 0 and not any(n != 1 for n in vd.shape[:k]):
            value = value.reshape(vd.shape[k:])
            vd = value._data
    vrg = vd is not None and value._rg
    on = _state[0]
    if vd is not None and not basic and vd.dtype != self._data.dtype and not (
            vd.ndim == 0 and len(nidx) == 1 and getattr(nidx[0], "dtype", None) == np.bool_) \
            and not (len(nidx) == 1 and nidx[0].__class__ is bool):  # (x[True] = v: a copy, as PyTorch)
        N = _TORCH_NAMES
        raise RuntimeError(f"Index put requires the source and destination dtypes match, got "
                           f"{N[D.NP2DT[self._data.dtype].name]} for the destination and "
                           f"{N[D.NP2DT[vd.dtype].name]} for the source.")
    if not (on and (self._rg or vrg or (self._base is not None and self._base._rg))):
        d = self._data
        v = value if vd is None else vd
        if vd is not None and vd.dtype != d.dtype and (accumulate or vd.dtype.kind == "c"):
            v = vd.astype(d.dtype)     # complex into real drops the imaginary part (NumPy warns)
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
            value = value.to(D.NP2DT[self._data.dtype])
        return inplace_op(self, lambda s: apply_op(cls, (s, value), nidx, accumulate), value)
    try:
        v = np.asarray(value, dtype=self._data.dtype)
    except TypeError:
        raise RuntimeError(f"value cannot be converted to type "
                           f"{_TN.get(D.NP2DT[self._data.dtype].name, 'the tensor type')} without overflow") \
            from None
    return inplace_op(self, lambda s: apply_op(cls, (s,), v, nidx, accumulate))


# ------------------------------------------------------------------ x[idx] and x[idx] = value
class Select(Op):
    _name = "SelectBackward0"

    @staticmethod
    def forward(ctx, a, idx):
        if ctx is not _NOGRAD:
            ctx.in_shape = a.shape
            ctx.dtype = a.dtype
            ctx.idx = idx
        try:  # (index_parsing._index inlined: x[i] is the hottest view)
            r = a[idx]
        except IndexError as e:
            raise _index_error(e, a.shape, idx) from None
        if r.__class__ is not np.ndarray:  # all-integer index: NumPy gives a scalar copy, torch a 0-d view
            r = a[(idx if isinstance(idx, tuple) else (idx,)) + (Ellipsis,)]
        return r

    @staticmethod
    def backward(ctx, g):
        return index_put_backward(g, ctx.in_shape, ctx.dtype, ctx.idx)


class Slice(Select):
    _name = "SliceBackward0"


class Unsqueeze(Select):
    _name = "UnsqueezeBackward0"


class Alias(Select):
    _name = "AliasBackward0"


class Index(Select):
    _name = "IndexBackward0"


def _basic_cls(nidx):
    """The op PyTorch's slicing ends with, for the grad_fn name (Select, Slice, Unsqueeze, Alias)."""
    cls = Alias
    for i in (nidx if nidx.__class__ is tuple else (nidx,)):
        if i.__class__ is int:
            cls = Select
        elif i.__class__ is slice:
            if i != slice(None):
                cls = Slice
        elif i is None:
            cls = Unsqueeze
    return cls


def _zero_dim_check(idx):
    """PyTorch refuses a bare integer index on a 0-d tensor (other indices: 'too many indices')."""
    if isinstance(idx, int) and not isinstance(idx, bool):
        raise IndexError("invalid index of a 0-dim tensor. Use `tensor.item()` in Python or "
                         "`tensor.item<T>()` in C++ to convert a 0-dim tensor to a number")


def getitem(self, idx):
    """``x[idx]``: basic indexing gives a view, advanced indexing a copy; both differentiable."""
    d = self._data
    if idx.__class__ is int and d.ndim:
        n = d.shape[0]
        if not -n <= idx < n:
            raise IndexError(f"index {idx} is out of bounds for dimension 0 with size {n}")
        nidx, basic = idx, True
    else:
        if d.ndim == 0:
            _zero_dim_check(idx)
        nidx, basic = _norm_index(idx)
    if basic:  # (the class names the node; without one recorded any will do)
        out = apply_op(Select if nidx.__class__ is int or not self._rg else _basic_cls(nidx), (self,), nidx)
        return make_view(out, self, lambda x, i=nidx: _replay_index(x, i))
    sp = _split_int_adv(nidx)
    if sp is not None:
        return getitem(getitem(self, sp[0]), sp[1])
    return apply_op(Index, (self,), nidx)


def _replay_index(x, nidx):
    out = apply_op(Select if nidx.__class__ is int else _basic_cls(nidx), (x,), nidx)
    return make_view(out, x, lambda t, i=nidx: _replay_index(t, i))


def setitem(self, idx, value):
    """``x[idx] = value`` with broadcasting; differentiable w.r.t. ``x`` and ``value``."""
    if self._data.ndim == 0:
        _zero_dim_check(idx)
    nidx, basic = _norm_index(idx)
    sp = None if basic else _split_int_adv(nidx)
    if sp is not None and not (_state[0] and self._rg and self.grad_fn is None):  # leaf: index_put's error
        setitem(getitem(self, sp[0]), sp[1], value)
        return
    index_put_nidx(self, nidx, value, advanced=not basic)


TENSOR_METHODS = {"__getitem__": getitem, "__setitem__": setitem}
