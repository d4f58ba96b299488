"""Cumulative reductions along a dim: cumsum, cumprod, logcumsumexp, cummax and cummin
(plus the in-place ``cumsum_``/``cumprod_`` methods).

Forward on arrays; backward in Tensor ops. cummax/cummin send the gradient to the index
they return, as PyTorch does.

>>> x = ember.tensor([1., 2., 3.], requires_grad=True)
>>> ember.cumprod(x, 0).sum().backward(); x.grad
tensor([9., 4., 2.])
>>> ember.cummax(ember.tensor([1., 3., 2.]), 0).indices
tensor([0, 1, 1])
"""
from .._util import np, D, Op, apply_op, norm_dim, _NOGRAD
from ..inplace.history import inplace_op
from ... import return_types as RT
from .reduction_args import _as_1d, _const, _int64_if_int, _no_complex, _out1, _outn, _tname
from .selection_grads import _flip
from ..index.gather_scatter import scatter_into
from .sum_mean import out_dtype_arg
from ..numpy_arg_names import required_dim

__all__ = ["cumsum", "cumprod", "cummax", "cummin", "logcumsumexp"]


def _revcumsum(t, dim):
    """Reverse cumulative sum along ``dim`` (the gradient of cumsum)."""
    return _flip(cumsum(_flip(t, dim), dim), dim)


# ---------------------------------------------------------------- cumulative ops
_ACC = {np.dtype(np.float32): np.float64, np.dtype(np.float16): np.float32}
_STEP_MIN = 512     # elements per step at least for the step-by-step loop (fewer: NumPy's)


def _cumulate(ufunc, a, dim):
    """``ufunc.accumulate`` of ``a`` along ``dim`` as PyTorch computes a cumulative sum or
    product: element by element in order, the running value held in double for float32 (in
    float for float16 and bfloat16) and rounded at each position, which gives torch's bits
    (NumPy accumulates float32 in float32: 1e6 values drift by ~3e-2). Along a dim that is not
    the last, with at least ``_STEP_MIN`` elements per step, one vectorised ufunc call per
    step (3-10x faster than NumPy's accumulate, the same order of operations)."""
    acc = _ACC.get(a.dtype)
    if acc is None and a.dtype.kind == "V":     # bfloat16
        acc = np.float32
    src = b = a.astype(acc) if acc is not None else None     # (float64: straight into the result)
    if b is None:
        src, b = a, np.empty(a.shape, a.dtype)
    n = b.shape[dim] if b.ndim else 1
    if n > 1 and b.size // n >= _STEP_MIN and dim != b.ndim - 1:
        m, ms = np.moveaxis(b, dim, 0), np.moveaxis(src, dim, 0)
        if ms is not m:
            m[0] = ms[0]
        for i in range(1, n):
            ufunc(m[i - 1], ms[i], out=m[i])
    elif b.size:
        ufunc.accumulate(src, axis=dim if b.ndim else 0, out=b)
    return b.astype(a.dtype, copy=False)


class _Cumsum(Op):
    @staticmethod
    def forward(ctx, a, dim, npdt):
        ctx.dim = dim
        if a.dtype.kind in "fV":
            return _cumulate(np.add, a, dim)
        return np.cumsum(a, axis=dim, dtype=a.dtype)

    @staticmethod
    def backward(ctx, g):
        return _revcumsum(g, ctx.dim)


class _Cumprod(Op):
    @staticmethod
    def forward(ctx, a, dim, npdt):
        ctx.dim = dim
        out = _cumulate(np.multiply, a, dim) if a.dtype.kind in "fV" else np.cumprod(a, axis=dim, dtype=a.dtype)
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx, g):
        a, out = ctx.saved_tensors
        dim = ctx.dim
        ad = a._data
        zero = ad == 0
        if not zero.any():
            return _revcumsum(g * out, dim) / a
        # gradient for position k: sum over j >= k of g[j] * prod(a[i], i <= j, i != k).
        # Before the first zero z of a slice divide as usual; at z use the cumprod with a[z]
        # replaced by 1; after z every such product holds a[z] and vanishes.
        n = ad.shape[dim]
        pos = np.arange(n).reshape((n,) + (1,) * (ad.ndim - dim - 1))
        first = np.where(zero.any(axis=dim, keepdims=True), np.argmax(zero, axis=dim, keepdims=True), n)
        before, at = pos < first, pos == first
        a_safe = a * _const(before, ad) + _const(~before, ad)
        part1 = _revcumsum(g * out, dim) / a_safe * _const(before, ad)
        a_one = a * _const(~at, ad) + _const(at, ad)
        part2 = _revcumsum(g * cumprod(a_one, dim), dim) * _const(at, ad)
        return part1 + part2


def _cum(cls, input, dim, dtype, out):
    if out is not None:
        name = "cumsum" if cls is _Cumsum else "cumprod"
        dtype = out_dtype_arg(input, dtype, out, name)
        if dtype is D.bool:
            raise NotImplementedError(f'"{name}_out_cpu" not implemented for \'Bool\'')
    dt = _int64_if_int(input._data, dtype)
    if dt is not None and dt.np != input._data.dtype:
        input = input.to(dt)
    d = input._data
    dim = norm_dim(dim, d.ndim)
    if d.ndim == 0:
        r = _cum(cls, _as_1d(input), 0, None, None)
        return _out1(r.reshape(()), out)
    return _out1(apply_op(cls, (input,), dim, None), out)


def cumsum(input, dim=None, *, dtype=None, out=None, axis=None):
    """Cumulative sum along ``dim``; integers and bools accumulate in int64.

    >>> ember.cumsum(ember.tensor([[1, 2, 3], [4, 5, 6]]), dim=1)
    tensor([[ 1,  3,  6],
            [ 4,  9, 15]])
    """
    if dim is None:  # given as NumPy's axis (as PyTorch accepts)
        dim = required_dim("cumsum", axis)
    return _cum(_Cumsum, input, dim, dtype, out)


def cumprod(input, dim=None, *, dtype=None, out=None, axis=None):
    """Cumulative product along ``dim``; the gradient is exact with zeros in the input.

    >>> ember.cumprod(ember.tensor([1., 2., 3., 4.]), 0)
    tensor([ 1.,  2.,  6., 24.])
    """
    if dim is None:  # given as NumPy's axis (as PyTorch accepts)
        dim = required_dim("cumprod", axis)
    return _cum(_Cumprod, input, dim, dtype, out)


def cumsum_(self, dim, *, dtype=None):
    """In-place :func:`cumsum`.

    >>> x = ember.tensor([1., 2., 3.]); x.cumsum_(0); x
    tensor([1., 3., 6.])
    tensor([1., 3., 6.])
    """
    return inplace_op(self, lambda t: cumsum(t, dim, dtype=dtype))


def cumprod_(self, dim, *, dtype=None):
    """In-place :func:`cumprod`.

    >>> x = ember.tensor([1., 2., 3.]); _ = x.cumprod_(0); x
    tensor([1., 2., 6.])
    """
    return inplace_op(self, lambda t: cumprod(t, dim, dtype=dtype))


class _Logcumsumexp(Op):
    @staticmethod
    def forward(ctx, a, dim):
        ctx.dim = dim
        out = np.logaddexp.accumulate(a, axis=dim)
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx, g):
        # grad[k] = sum_{j>=k} g[j] exp(a[k] - out[j]), summed in log space separately for the
        # positive and negative parts of g so that nothing overflows
        a, out = ctx.saved_tensors
        dim = ctx.dim
        tiny = -float(np.finfo(out._data.dtype).max) / 4  # log(0) kept finite: no inf - inf

        def part(gpart):
            zero = gpart._data == 0
            lg = (gpart + _const(zero, gpart._data)).log() + _const(zero * tiny, gpart._data)
            r = _flip(logcumsumexp(_flip(lg - out, dim), dim), dim)
            return (a + r).exp()
        return part(g.relu()) - part((-g).relu())


def logcumsumexp(input, dim=None, *, out=None, axis=None):
    """``log(cumsum(exp(input)))`` along ``dim``, computed without overflow.

    >>> ember.logcumsumexp(ember.tensor([0., 0., 1000.]), 0)
    tensor([0.0000e+00, 6.9315e-01, 1.0000e+03])
    """
    if dim is None:  # given as NumPy's axis (as PyTorch accepts)
        dim = required_dim("logcumsumexp", axis)
    d = input._data
    if d.dtype.kind not in "fV":
        if d.dtype.kind == "c":
            raise NotImplementedError("ember: logcumsumexp of complex tensors")
        raise NotImplementedError(f'"logcumsumexp_out_cpu" not implemented for \'{_tname(d.dtype)}\'')
    dim = norm_dim(dim, d.ndim)
    if d.ndim == 0:
        return _out1(logcumsumexp(_as_1d(input), 0).reshape(()), out)
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        return _out1(apply_op(_Logcumsumexp, (input,), dim), out)


class _Cumext(Op):
    @staticmethod
    def forward(ctx, a, dim, is_max):
        ctx.dim, ctx.shape = dim, a.shape
        acc = np.maximum.accumulate if is_max else np.minimum.accumulate
        vals = acc(a, axis=dim)
        n = a.shape[dim]
        pos = np.arange(n, dtype=np.int64).reshape((n,) + (1,) * (a.ndim - dim - 1))
        hit = a == vals
        if a.dtype.kind in "fcV":
            hit |= np.isnan(a)
        idx = np.maximum.accumulate(np.where(hit, pos, 0), axis=dim) if n else \
            np.zeros(a.shape, np.int64)
        if ctx is not _NOGRAD:
            ctx.idx = idx
        return vals, idx

    @staticmethod
    def backward(ctx, g, _gi=None):
        return scatter_into(g, ctx.idx, ctx.dim, ctx.shape)


class _Cummax(_Cumext):
    pass


class _Cummin(_Cumext):
    pass


def _cumext(name, is_max, input, dim, out):
    d = input._data
    _no_complex(name, d, f"{name}_cpu")
    dim = norm_dim(dim, d.ndim)
    if d.ndim == 0:
        v, i = _cumext(name, is_max, _as_1d(input), 0, None)
        return _outn(getattr(RT, name), (v.reshape(()), i.reshape(())), out)
    return _outn(getattr(RT, name), apply_op(_Cummax if is_max else _Cummin, (input,), dim, is_max),
                 out)


def cummax(input, dim=None, *, out=None, axis=None):
    """Running maximum along ``dim`` and the index where each running value was found.

    >>> ember.cummax(ember.tensor([1., 3., 2., 5.]), 0)
    torch.return_types.cummax(
    values=tensor([1., 3., 3., 5.]),
    indices=tensor([0, 1, 1, 3]))
    """
    if dim is None:  # given as NumPy's axis (as PyTorch accepts)
        dim = required_dim("cummax", axis)
    return _cumext("cummax", True, input, dim, out)


def cummin(input, dim=None, *, out=None, axis=None):
    """Running minimum along ``dim`` and the index where each running value was found.

    >>> ember.cummin(ember.tensor([3., 1., 2., 0.]), 0).values
    tensor([3., 1., 1., 0.])
    """
    if dim is None:  # given as NumPy's axis (as PyTorch accepts)
        dim = required_dim("cummin", axis)
    return _cumext("cummin", False, input, dim, out)


# ---------------------------------------------------------------- Tensor methods
TENSOR_METHODS = {name: globals()[name] for name in __all__}
TENSOR_METHODS.update({"cumsum_": cumsum_, "cumprod_": cumprod_})
