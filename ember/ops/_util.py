"""Small helpers shared by the op families (argument handling, views, in-place)."""
from weakref import ref as _weakref

from .._backend import np, ndarray
from .. import _dtype as D
from .._tensor import Tensor, _wrap, _dim_msg
from ..autograd import grad_mode
from ..autograd.function import Op, apply_op, _saved_arrays, _NOGRAD  # noqa: F401  (_NOGRAD: the no-grad ctx forwards test for)
from ..autograd.saved import _FREED, _Saved

_state = grad_mode._state
NP2DT = D.NP2DT

__all__ = ["np", "ndarray", "D", "Tensor", "_wrap", "Op", "FormulaOp", "apply_op", "norm_dim",
           "norm_dims", "as_tensor_like", "to_float_np", "make_view", "grad_on", "float_np",
           "check_cast", "copy_into"]


# ---------------------------------------------------------------- backward written once
class _ArrayMath:
    """NumPy under the names a gradient formula uses, for real float arrays: ``conj`` is the
    identity there (the array path never sees complex gradients)."""

    @staticmethod
    def conj(x):
        return x

    def __getattr__(self, name):
        f = getattr(np, name)
        setattr(self, name, f)
        return f


class _TensorMath:
    """ember's ops under NumPy's names (``xp.cos``, ``xp.where``, ``xp.conj``...), for the
    same gradient formula on Tensors (differentiable, PyTorch's type promotion)."""

    @staticmethod
    def conj(x):
        if isinstance(x, Tensor):
            return x.conj() if x._data.dtype.kind == "c" else x
        return x.conjugate() if x.__class__ is complex else x

    def __getattr__(self, name):
        from . import public
        f = public.get(name)
        if f is None:
            raise AttributeError(name)
        setattr(self, name, f)
        return f


ARRAY_MATH, TENSOR_MATH = _ArrayMath(), _TensorMath()
_F32, _F64 = np.dtype(np.float32), np.dtype(np.float64)
try:
    from .._backend import _EXTOBJ, _FP_IGNORE
except ImportError:  # pragma: no cover - NumPy 1.x
    _EXTOBJ = None


class FormulaOp(Op):
    """An Op whose backward is one formula, ``grad(ctx, xp, g, *saved)``, written once.

    ``saved`` are the values the forward saved and ``xp`` a namespace of NumPy's names
    (``xp.cos``, ``xp.where``, ``xp.conj``). Without ``create_graph`` and with a float32/float64
    gradient whose saved arrays share its dtype, the formula runs on NumPy arrays (``xp`` is
    NumPy); otherwise on Tensors (``xp`` is ember's ops), so double backward works and the
    half/complex types promote as in PyTorch. Return one gradient per input (None for an
    input that needs none; ``ctx.needs_input_grad`` says which).

    >>> from ember.ops._util import FormulaOp, apply_op
    >>> class Cube(FormulaOp):
    ...     @staticmethod
    ...     def forward(ctx, a):
    ...         ctx.save_for_backward(a)
    ...         return a ** 3
    ...     @staticmethod
    ...     def grad(ctx, xp, g, a):
    ...         return g * 3 * a * a
    >>> x = ember.tensor([2.], requires_grad=True)
    >>> apply_op(Cube, (x,)).sum().backward(); x.grad
    tensor([12.])
    """

    __slots__ = ()
    _array_grad = True

    @staticmethod
    def grad(ctx, xp, g, *saved):  # pragma: no cover - overridden
        raise NotImplementedError(f"{ctx._name} has no gradient formula")

    @staticmethod
    def backward(ctx, g):
        gd = g._data
        dt = gd.dtype
        if not _state[0] and (dt is _F32 or dt is _F64):
            vals = _saved_arrays(ctx, dt)
            if vals is not None:
                if _EXTOBJ is not None:
                    tok = _EXTOBJ.set(_FP_IGNORE)  # inf/NaN without NumPy's warnings, as PyTorch
                    try:
                        r = ctx.grad(ctx, ARRAY_MATH, gd, *vals)
                    finally:
                        _EXTOBJ.reset(tok)
                else:  # pragma: no cover - NumPy 1.x
                    with np.errstate(all="ignore"):
                        r = ctx.grad(ctx, ARRAY_MATH, gd, *vals)
                if r.__class__ is tuple:
                    return tuple([None if x is None else _wrap(x) for x in r])
                return _wrap(r)
        return ctx.grad(ctx, TENSOR_MATH, g, *ctx.saved_tensors)

    def _grad_arrays(self, gd, retain_graph):
        """The backward engine's fast path (no create_graph): the formula on array ``gd``, a
        tuple of arrays (or None) per input; None when it must run on Tensors instead (a
        gradient that is not float32/float64, or saved values of another dtype). The engine
        calls it with NumPy's floating-point warnings off (inf/NaN pass silently, as in
        PyTorch). Without ``retain_graph`` the saved values are released once read."""
        dt = gd.dtype
        if dt is not _F32 and dt is not _F64:
            return None
        s = self._saved
        if s is None:
            r = self.grad(self, ARRAY_MATH, gd)
        else:
            vals = []
            if s is not _FREED:
                for e in s:  # _saved_arrays, inline for the common entries
                    if e is None:
                        vals.append(None)
                        continue
                    if e.__class__ is not _Saved:
                        vals = _saved_arrays(self, dt)
                        break
                    kind, a, vc, version, _ = e
                    if vc is not None and vc[0] != version:
                        vals = _saved_arrays(self, dt)  # raises PyTorch's error
                        break
                    if kind == 0:
                        a = a._data
                    if a.dtype is not dt and a.dtype != dt:
                        return None
                    vals.append(a)
            else:
                vals = _saved_arrays(self, dt)  # raises: freed
            if vals is None:
                return None
            r = self.grad(self, ARRAY_MATH, gd, *vals)
            if not retain_graph:
                self._saved = _FREED  # Node._release
        return r if r.__class__ is tuple else (r,)


def grad_on(*tensors):
    """True when an op on ``tensors`` must be recorded."""
    if not _state[0]:
        return False
    for t in tensors:
        if t._rg:
            return True
    return False


def norm_dim(dim, ndim):
    """Normalise a possibly negative ``dim`` for a tensor of ``ndim`` dims (IndexError as torch)."""
    n = ndim if ndim else 1
    if not -n <= dim < n:
        raise IndexError(_dim_msg(dim, ndim))
    return dim % n if ndim else 0


def norm_dims(dim, ndim):
    """``dim`` as a sorted tuple of non-negative ints; None means all dims."""
    if dim is None:
        return tuple(range(ndim))
    if isinstance(dim, int):
        return (norm_dim(dim, ndim),)
    out = tuple(sorted(norm_dim(int(d), ndim) for d in dim))
    if len(set(out)) != len(out):
        raise RuntimeError(f"dim {out[0]} appears multiple times in the list of dims")
    return out


def as_tensor_like(x, like=None, dtype=None):
    """Turn a scalar, list or array into a Tensor (no grad)."""
    if isinstance(x, Tensor):
        return x
    if dtype is None:
        if isinstance(x, ndarray):
            return _wrap(x)
        if isinstance(x, (bool, int, float, complex, np.generic)):
            dtype = D.scalar_dtype(x) if like is None else D.result_type(like, x)
            return _wrap(np.asarray(x, dtype=dtype.np))
        from .._creation import tensor
        return tensor(x)
    return _wrap(np.asarray(x, dtype=dtype.np))


def float_np():
    """NumPy dtype of the default float type."""
    return D._default[0].np


def to_float_np(a):
    """``a`` itself when it is floating/complex, else cast to the default float dtype."""
    if a.dtype.kind in "fcV":  # V: ml_dtypes bfloat16
        return a
    return a.astype(D._default[0].np)


def make_view(out, base, fn):
    """Mark ``out`` (a Tensor made by a view op on ``base``) as a view sharing its version.

    ``fn`` replays the view on another tensor of base's shape (used by in-place ops
    on views to route gradients into the base).
    """
    root = base._base if base._base is not None else base
    out._base = root
    if "_inference" in root.__dict__:
        out.__dict__["_inference"] = True
    out._vc = root._vc if root._vc is not None else root._ensure_version()
    pfn = base._view_fn
    out._view_fn = fn if pfn is None else (lambda t, _p=pfn, _f=fn: _f(_p(t)))
    if not _state.v[0]:
        if root._rg:
            out.__dict__["_nograd_view"] = True  # in-place on it with grad mode on is refused
    elif not (root._rg and root.grad_fn is None):
        _register_view(root, out)
    return out


class _Views:
    """Weak references to the live views of a tensor, so that an in-place op on the tensor
    (or on one of its views) can give every other view its new history, as PyTorch does."""

    __slots__ = ("refs", "limit")


def _register_view(root, v):
    reg = root.__dict__.get("_views")
    if reg is None:
        reg = root.__dict__["_views"] = _Views()
        reg.refs, reg.limit = [], 64
    refs = reg.refs
    refs.append(_weakref(v))
    if len(refs) >= reg.limit:  # drop dead views; amortised O(1) per registration
        refs[:] = [r for r in refs if r() is not None]
        reg.limit = max(64, 2 * len(refs))


def live_views(root):
    """The live views of ``root`` registered by :func:`make_view` (may include dead-end temporaries)."""
    reg = root.__dict__.get("_views")
    if reg is None:
        return []
    return [v for v in (r() for r in reg.refs) if v is not None]


from .._dtype_names import SCALAR_NAMES as _TORCH_NAMES  # noqa: E402


def check_cast(src_dt, dst_dt):
    """In-place results may not move up a category (e.g. float into an int tensor)."""
    if src_dt is not dst_dt and NP2DT[src_dt]._cat > NP2DT[dst_dt]._cat:
        raise RuntimeError(f"result type {_TORCH_NAMES[NP2DT[src_dt].name]} can't be cast to the "
                           f"desired output type {_TORCH_NAMES[NP2DT[dst_dt].name]}")


OVERLAP_MSG = ("unsupported operation: more than one element of the written-to tensor refers to a "
               "single memory location. Please clone() the tensor before performing the operation.")
NOT_WRITEABLE_MSG = ("The tensor is not writeable: it shares the memory of a read-only NumPy array "
                     "(e.g. torch.from_numpy of a non-writeable array). Write into a clone() of it, "
                     "or make the array writeable before converting it.")


def write_error(a):
    """The RuntimeError for a write NumPy refused into read-only array ``a``: PyTorch's
    overlap error for an expanded (stride-0) view, else that the tensor is not writeable.

    >>> from ember.ops._util import write_error
    >>> a = np.ones(2); a.flags.writeable = False
    >>> str(write_error(a)).split(":")[0]
    'The tensor is not writeable'
    """
    if any(st == 0 and n > 1 for st, n in zip(a.strides, a.shape)):
        return RuntimeError(OVERLAP_MSG)
    return RuntimeError(NOT_WRITEABLE_MSG)


def writeable_alias(a):
    """A writeable array on the memory of read-only view ``a`` when the memory it views is
    writeable (an expanded view: PyTorch writes through those), else None.

    >>> from ember.ops._util import writeable_alias
    >>> x = np.zeros(3); v = np.broadcast_to(x, (2, 3))
    >>> writeable_alias(v)[0, 1] = 5.0; x.tolist()
    [0.0, 5.0, 0.0]
    """
    if not any(st == 0 and n > 1 for st, n in zip(a.strides, a.shape)):
        return None  # (not an expanded view: a read-only array stays read-only)
    o = a
    while isinstance(o.base, np.ndarray):
        o = o.base
    if not (o.flags.writeable and o.flags.c_contiguous) or o is a:
        return None
    off = a.__array_interface__["data"][0] - o.__array_interface__["data"][0]
    try:
        return np.ndarray(a.shape, a.dtype, buffer=o, offset=off, strides=a.strides)
    except (ValueError, TypeError):
        return None


PARTIAL_OVERLAP_MSG = ("unsupported operation: some elements of the input tensor and the written-to "
                       "tensor refer to a single memory location. Please clone() the tensor before "
                       "performing the operation.")


def _dense_span(a):
    """Byte range ``(start, end)`` of array ``a`` when its elements tile that range exactly
    (non-overlapping and dense, in any dim order), else None (PyTorch's "too hard" case)."""
    start = a.__array_interface__["data"][0]
    if a.flags.c_contiguous or a.flags.f_contiguous:
        return start, start + a.nbytes
    expect = a.itemsize
    for st, n in sorted((st, n) for st, n in zip(a.strides, a.shape) if n != 1):
        if st != expect:
            return None
        expect *= n
    return start, start + a.nbytes


def check_write_overlap(dst, *srcs):
    """PyTorch's memory-overlap checks for a write into tensor ``dst`` reading ``srcs``: a
    written-to tensor with a stride-0 dim of size > 1 (e.g. ``expand``) raises; a source that
    shares memory with ``dst`` partially (same storage, overlapping but not identical dense
    ranges, e.g. ``x[1:].copy_(x[:-1])``) raises. Cheap when nothing is a view.

    >>> x = ember.arange(6.)
    >>> x[1:].copy_(x[:-1])
    Traceback (most recent call last):
    ...
    RuntimeError: unsupported operation: some elements of the input tensor and the written-to tensor refer to a single memory location. Please clone() the tensor before performing the operation.
    """
    d = dst._data
    root = dst._base
    if root is not None and d.size > 1 and 0 in d.strides:
        for st, n in zip(d.strides, d.shape):
            if st == 0 and n > 1:
                raise RuntimeError(OVERLAP_MSG)
    if root is None:
        root = dst
    for s in srcs:
        if s.__class__ is not Tensor and not isinstance(s, Tensor):
            continue
        if s is dst or (s._base if s._base is not None else s) is not root:
            continue
        a = s._data
        if a.size == 0 or d.size == 0:
            continue
        sa, sd = _dense_span(a), _dense_span(d)
        if sa is None or sd is None:
            continue
        if sa == sd and a.strides == d.strides and a.shape == d.shape:
            continue  # the same elements: a full overlap is allowed
        if sa[0] < sd[1] and sd[0] < sa[1]:
            raise RuntimeError(PARTIAL_OVERLAP_MSG)


def copy_into(dst, src):
    """Write array ``src`` into ``dst`` (broadcasting), with PyTorch's cast check."""
    if dst.dtype != src.dtype:
        check_cast(src.dtype, dst.dtype)
    try:
        np.copyto(dst, src, casting="unsafe")
    except ValueError:
        if not dst.flags.writeable:  # an expanded (stride-0) view, or a read-only array
            raise write_error(dst) from None
        from .._errors import broadcast_shape, output_shape_error
        shp = broadcast_shape(dst.shape, src.shape)  # (PyTorch's RuntimeError when they do not broadcast)
        if shp != dst.shape:
            raise output_shape_error(dst.shape, shp) from None
        raise


_RUNS_BY_OCCURRENCE = 16   # ``add_rows_at`` with no index repeated more often than this: by occurrence


def add_rows_at(out, idx, vals):
    """``out[idx[k]] += vals[k]`` for every k, repeated indices summed: ``np.add.at`` over
    axis 0, but one sort and one ``np.add.reduceat`` instead of a per-element loop (~1.7x
    faster for an embedding's gradient). ``idx`` is 1-D, possibly negative. A long run of
    repeats may be summed pairwise (to rounding the same as ``np.add.at``'s running sum).

    >>> from ember.ops._util import add_rows_at
    >>> out = np.zeros(3)
    >>> add_rows_at(out, np.array([2, 0, -1]), np.array([1., 2., 3.]))
    >>> out.tolist()
    [2.0, 0.0, 4.0]
    """
    n = out.shape[0]
    if idx.size < 8 or out.dtype.kind == "b":      # (bool: np.add.reduceat would give int64)
        np.add.at(out, idx, vals)
        return
    idx = np.where(idx < 0, idx + n, idx) if idx.min() < 0 else idx
    order = np.argsort(idx, kind="stable")
    si = idx[order]
    first = np.empty(si.size, bool)
    first[0] = True
    np.not_equal(si[1:], si[:-1], out=first[1:])
    starts = np.flatnonzero(first)
    v = vals[order]
    if starts.size == si.size:           # no repeats: one fancy-indexed add
        out[si] += v
        return
    lens = np.diff(np.append(starts, si.size))
    R = int(lens.max())
    if R > _RUNS_BY_OCCURRENCE:
        out[si[starts]] += np.add.reduceat(v, starts, axis=0)
        return
    u = si[starts]                       # few repeats: the j-th occurrences of every index added at
    out[u] += v[starts]                  # once (np.add.at's order and bits; reduceat pays per run)
    for j in range(1, R):
        sel = lens > j
        out[u[sel]] += v[starts[sel] + j]
