"""Ops on quantized tensors: where ``apply_op`` sends an op that meets one.

A quantized tensor holds integers, so no float kernel may run on it. ``apply_op`` (the one
entry of every op) sees the tensor's mark (``ember._quantized_mark``) and calls
:func:`dispatch`, which runs the op's quantized kernel when ember has one (as PyTorch's
QuantizedCPU kernels: views and other ops that only move values keep the input's scale and
zero point; relu, max/min, sort, cat, comparisons, ...) and otherwise raises PyTorch's
``NotImplementedError`` naming the ATen op, never a result computed on the raw integers.

>>> q = ember.quantize_per_tensor(ember.tensor([-1.0, 0.5, 2.0]), 0.1, 10, ember.quint8)
>>> ember.relu(q).int_repr(), q.flatten().q_scale()
(tensor([10, 15, 30], dtype=torch.uint8), 0.1)
>>> try:
...     ember.exp(q)
... except NotImplementedError as e:
...     print(str(e).split(". ")[0])
Could not run 'aten::exp.out' with arguments from the 'QuantizedCPU' backend
"""
import re

from ._backend import np
from ._tensor import Tensor, _wrap
from ._quantized_mark import QUANTIZED, not_implemented
from . import _quantized as Q

__all__ = ["dispatch", "not_implemented", "aten_name"]

# the ATen overload PyTorch names in its error, by ember Op class name (others: the class name
# in snake case, with ``.out`` for the elementwise ops declared in tables)
_ATEN = {
    "SumAll": "sum.IntList_out", "Sum": "sum.IntList_out", "MeanAll": "mean.out", "Mean": "mean.out",
    "Pow": "pow.Tensor_Scalar_out", "PowT": "pow.Tensor_Tensor_out", "Add": "add.out",
    "Sub": "sub.out", "Mul": "mul.out", "Div": "div.out", "Matmul": "bmm.out", "Mm": "mm.out",
    "Bmm": "bmm.out", "Where": "where.self", "Gather": "gather.out", "_Amax": "amax.out",
    "_Amin": "amin.out", "Kthvalue": "kthvalue.values", "Clamp": "clamp.out",
    "ClampT": "clamp.Tensor_out", "Minimum": "minimum.out", "Maximum": "maximum.out",
    "Standardize": "native_batch_norm", "AvgPool": "avg_pool2d.out", "ToCopy": "_to_copy",
    "Index": "index.Tensor", "MaskedFill": "masked_fill_.Scalar", "Einsum": "einsum",
    "Linear": "mm.out", "Sign": "sign.out", "Cumsum": "cumsum.out", "Prod": "prod",
}


def aten_name(cls):
    """The ATen op PyTorch would name for ember Op class ``cls``.

    >>> from ember._quantized_dispatch import aten_name
    >>> from ember.ops.elementwise.basic_math import Exp
    >>> aten_name(Exp)
    'aten::exp.out'
    """
    for c in cls.__mro__:
        if c.__name__ in _ATEN:
            return "aten::" + _ATEN[c.__name__]
    name = cls.__name__.lstrip("_")
    snake = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()
    formula = any(c.__name__ == "FormulaOp" for c in cls.__mro__)
    return f"aten::{snake}.out" if formula else f"aten::{snake}"


def _first_q(tensors):
    for t in tensors:
        if isinstance(t, Q.QTensor):
            return t
    return None


def _per_tensor(q, cls):
    if q._qscheme is not Q.per_tensor_affine:
        what = cls if isinstance(cls, str) else aten_name(cls)
        raise NotImplementedError(f"ember: {what} of a per-channel quantized tensor is not built "
                                  "(dequantize first)")


def _rewrap(q, out):
    """Outputs stored in the quantized tensor's integer type become quantized tensors with its
    scale and zero point; others (indices, masks) plain tensors."""
    st = q._data.dtype

    def one(o):
        o = np.asarray(o)
        return q._like(o) if o.dtype == st else _wrap(o)
    return tuple([one(o) for o in out]) if out.__class__ is tuple else one(out)


def keep_qparams(cls, tensors, args):
    """Ops that only move or select values (views, reshapes, indexing, flips, repeats, sort,
    max/min): the float op's forward on the integers, the input's scale and zero point."""
    q = _first_q(tensors)
    _per_tensor(q, cls)
    out = cls.forward(_nograd(), *[t._data for t in tensors], *args)
    return _rewrap(q, out)


def cat(cls, tensors, args):
    """``torch.cat`` of quantized tensors: the first input's scale and zero point; inputs with
    other quantization parameters are requantized to them (as PyTorch's quantized cat)."""
    q = tensors[0]
    if not all(isinstance(t, Q.QTensor) for t in tensors):
        raise not_implemented("aten::cat")
    for t in tensors:
        _per_tensor(t, cls)
        if t._qdtype is not q._qdtype:
            raise RuntimeError("Expected all tensors to have the same dtype for quantized cat")
    arrays = [t._data if (t._qscale, t._qzp) == (q._qscale, q._qzp) else _requantize(t, q)
              for t in tensors]
    return q._like(cls.forward(_nograd(), *arrays, *args))


def _requantize(t, like):
    lo, hi = Q._RANGE[like._qdtype.name]
    with np.errstate(divide="ignore"):
        inv = np.float32(1.0) / np.float32(like._qscale)
    deq = t.dequantize()._data
    return Q._round_affine(deq, inv, like._qzp, lo, hi).astype(like._data.dtype)


def relu(cls, tensors, args):
    """Quantized ReLU: ``max(q, zero_point)``, same scale and zero point."""
    q = tensors[0]
    _per_tensor(q, cls)
    return q._like(np.maximum(q._data, np.asarray(q._qzp).astype(q._data.dtype)))


def compare(cls, tensors, args):
    """Comparisons of quantized tensors compare their values (dequantized)."""
    arrays = [t.dequantize()._data if isinstance(t, Q.QTensor) else t._data for t in tensors]
    return _wrap(np.asarray(cls.forward(_nograd(), *arrays, *args)))


# output (scale, zero point) of the ops whose quantized outputs have fixed parameters
_FIXED = {("sigmoid", "quint8"): (1.0 / 256, 0), ("sigmoid", "qint8"): (1.0 / 256, -128),
          ("tanh", "quint8"): (2.0 / 256, 128), ("tanh", "qint8"): (2.0 / 256, 0)}
_FIXED_FN = {
    "sigmoid": lambda d: np.float32(1) / (np.float32(1) + np.exp(-d)),
    "tanh": np.tanh,
    "hardsigmoid": lambda d: np.clip(d / np.float32(6) + np.float32(0.5), 0, 1),
}


def fixed_qparams(name, input):
    """Quantized ``sigmoid``/``tanh``/``hardsigmoid``: the float32 function of the dequantized
    values, quantized with PyTorch's fixed output parameters (sigmoid and hardsigmoid:
    scale 1/256 over [0, 1]; tanh: scale 2/256 over [-1, 1]).

    >>> from ember._quantized_dispatch import fixed_qparams
    >>> q = ember.quantize_per_tensor(ember.tensor([0.0, 2.0]), 0.1, 10, ember.quint8)
    >>> r = fixed_qparams("sigmoid", q); r.int_repr(), r.q_scale()
    (tensor([128, 225], dtype=torch.uint8), 0.00390625)
    """
    key = ("sigmoid" if name == "hardsigmoid" else name, input._qdtype.name)
    if key not in _FIXED:
        raise not_implemented(f"aten::{name}")
    _per_tensor(input, f"aten::{name}")
    scale, zp = _FIXED[key]
    with np.errstate(over="ignore"):
        v = _FIXED_FN[name](input.dequantize()._data)
    lo, hi = Q._RANGE[input._qdtype.name]
    ints = Q._round_affine(v.astype(np.float32), np.float32(1) / np.float32(scale), zp, lo, hi)
    return Q._make_per_tensor(ints.astype(input._data.dtype), input._qdtype, scale, zp)


def _fixed(cls, tensors, args):
    return fixed_qparams(cls.__name__.lower(), tensors[0])


def _nograd():
    from .autograd.function import _NOGRAD
    return _NOGRAD


_M, _IX, _SH = "ember.ops.shape.movement.", "ember.ops.index.", "ember.ops.shape."
_KERNELS = {n: keep_qparams for n in (
    _M + "View", _M + "UnsqueezeView", _M + "Squeeze", _M + "SqueezeDim", _M + "SqueezeDims",
    _M + "Transpose", _M + "Permute", _M + "Expand",
    _IX + "indexing.Select", _IX + "indexing.Slice", _IX + "indexing.Unsqueeze",
    _IX + "index_along_dim.IndexSelect",
    _SH + "splitting.Unbind", _SH + "splitting.Split", _SH + "splitting.SplitWithSizes",
    _SH + "flip_repeat.Flip", _SH + "flip_repeat.Repeat",
    _SH + "diagonals.Diagonal", _SH + "shape_ops.Unfold", _SH + "shape_ops.AsStrided",
    "ember.ops.reduce.sort_ops.Sort", "ember.ops.reduce.sort_ops.Topk",
    "ember.ops.reduce.selection_grads._MaxDim", "ember.ops.reduce.selection_grads._MinDim",
    "ember.ops.reduce.selection_grads._MaxAll", "ember.ops.reduce.selection_grads._MinAll")}
_KERNELS[_SH + "joining.Cat"] = cat
_KERNELS["ember.ops.elementwise.basic_math.Relu"] = relu
_KERNELS["ember.ops.elementwise.basic_math.Sigmoid"] = _fixed
_KERNELS["ember.ops.elementwise.basic_math.Tanh"] = _fixed
_KERNELS.update({"ember.ops.elementwise.comparison." + n: compare
                 for n in ("Eq", "Ne", "Gt", "Ge", "Lt", "Le")})


def dispatch(cls, tensors, args):
    """Run op ``cls`` on ``tensors`` (at least one quantized) with extra ``args``: its
    quantized kernel, or PyTorch's NotImplementedError naming the ATen op."""
    if _first_q(tensors) is None:  # a mark copied onto a plain tensor: nothing quantized here
        return _wrap(np.asarray(cls.forward(_nograd(), *[t._data for t in tensors], *args)))
    k = _KERNELS.get(cls.__module__ + "." + cls.__name__)
    if k is None:
        raise not_implemented(aten_name(cls))
    return k(cls, tensors, args)


def is_quantized(t):
    """True for a quantized tensor (one identity test on ``_rg``).

    >>> from ember._quantized_dispatch import is_quantized
    >>> is_quantized(ember.ones(1))
    False
    """
    return isinstance(t, Tensor) and t._rg is QUANTIZED


# -- kernels the float functions call directly (their fast paths never reach apply_op) ------

def max_pool(input, k, s, p, d, ceil_mode, return_indices):
    """Quantized max pooling: the max of the integers per window, same scale and zero point
    (as PyTorch's quantized max_pool1d/2d/3d).

    >>> from ember._quantized_dispatch import max_pool
    >>> q = ember.quantize_per_tensor(ember.arange(4.).reshape(1, 1, 2, 2), 1.0, 0, ember.quint8)
    >>> max_pool(q, (2, 2), (2, 2), (0, 0), (1, 1), False, False).int_repr()
    tensor([[[[3]]]], dtype=torch.uint8)
    """
    from .ops.nn import pool as P
    if return_indices:  # (PyTorch has no quantized kernel for it either)
        raise not_implemented(f"aten::max_pool{len(k)}d_with_indices.out")
    x = input._data
    vals = P.max_pool_values(x, k, s, p, d, ceil_mode)
    if vals is None:  # (an empty output: the indexed path reports PyTorch's error)
        vals = P.max_pool(_wrap(x), k, s, p, d, ceil_mode)[0]._data
    return input._like(vals)


def _windows(n_in, n_out):
    return [(i * n_in // n_out, -(-(i + 1) * n_in // n_out)) for i in range(n_out)]


def adaptive_avg_pool(input, out):
    """Quantized adaptive average pooling over the last ``len(out)`` (1 or 2) dims: per window
    the integer sum times the float32 ``1 / window size``, rounded half to even (PyTorch's
    quantized kernel); same scale and zero point.

    >>> from ember._quantized_dispatch import adaptive_avg_pool
    >>> q = ember.quantize_per_tensor(ember.tensor([[[[0.2, 0.3]]]]), 0.1, 0, ember.quint8)
    >>> adaptive_avg_pool(q, (1, 1)).int_repr()
    tensor([[[[2]]]], dtype=torch.uint8)
    """
    q = input._data
    if len(out) == 1:
        return adaptive_avg_pool(input.unsqueeze(-2), (1,) + tuple(out)).squeeze(-2)
    if len(out) != 2:
        raise not_implemented("aten::adaptive_avg_pool3d.out")
    _per_tensor(input, "aten::adaptive_avg_pool2d")
    h, w = q.shape[-2:]
    oh, ow = out
    res = np.empty(q.shape[:-2] + (oh, ow), dtype=q.dtype)
    lo, hi = Q._RANGE[input._qdtype.name]
    for i, (h0, h1) in enumerate(_windows(h, oh)):
        for j, (w0, w1) in enumerate(_windows(w, ow)):
            size = (h1 - h0) * (w1 - w0)
            acc = q[..., h0:h1, w0:w1].astype(np.int64).sum(axis=(-2, -1))
            v = np.rint(acc.astype(np.float32) * np.float32(1.0 / size))
            res[..., i, j] = np.clip(v, lo, hi)
    return input._like(res)


def mean(input, dim, keepdim, dtype):
    """``torch.mean`` of a quantized tensor (the integer mean rounded half to even, same scale
    and zero point, as PyTorch's quantized mean).

    >>> from ember._quantized_dispatch import mean
    >>> q = ember.quantize_per_tensor(ember.tensor([[0.1, 0.4]]), 0.1, 0, ember.quint8)
    >>> mean(q, 1, False, None).int_repr()
    tensor([2], dtype=torch.uint8)
    """
    return input.mean(dim, keepdim, dtype=dtype)


def store_inplace(self, result, name):
    """The in-place form of a quantized op (``relu_``, ``F.relu(q, inplace=True)``): the result,
    when it has ``self``'s dtype and quantization parameters, written into ``self``.

    >>> from ember._quantized_dispatch import store_inplace
    >>> q = ember.quantize_per_tensor(ember.tensor([-1.0, 1.0]), 0.1, 10, ember.quint8)
    >>> store_inplace(q, ember.relu(q), "relu").int_repr()
    tensor([10, 20], dtype=torch.uint8)
    """
    if not (isinstance(result, Q.QTensor) and result._qdtype is self._qdtype and
            self._qscheme is Q.per_tensor_affine and result._qscheme is Q.per_tensor_affine and
            (result._qscale, result._qzp) == (self._qscale, self._qzp)):
        raise not_implemented(f"aten::{name}_")
    self._data[...] = result._data
    return self


def avg_pool(input, k, s, p, ceil_mode, count_include_pad, divisor_override):
    """Quantized average pooling over the last 1 or 2 dims (PyTorch's kernel): per window the
    sum of ``q - zero_point`` over the elements inside the input, divided in float32 by the
    window size (with padding when ``count_include_pad``, or ``divisor_override``), plus the
    zero point, rounded half to even; same scale and zero point.

    >>> from ember._quantized_dispatch import avg_pool
    >>> q = ember.quantize_per_tensor(ember.tensor([[[[0.1, 0.4]]]]), 0.1, 3, ember.quint8)
    >>> avg_pool(q, (1, 2), (1, 2), (0, 0), False, True, None).int_repr()
    tensor([[[[6]]]], dtype=torch.uint8)
    """
    from .ops.nn.pool import pool_out_size
    if len(k) == 1:
        return avg_pool(input.unsqueeze(-2), (1,) + k, (1,) + s, (0,) + p, ceil_mode,
                        count_include_pad, divisor_override).squeeze(-2)
    _per_tensor(input, "aten::avg_pool2d")
    q = input._data
    H, W = q.shape[-2:]
    x = q.astype(np.int64) - input._qzp
    S = np.zeros(q.shape[:-2] + (H + 1, W + 1), np.int64)  # integral image of q - zero_point
    S[..., 1:, 1:] = x.cumsum(-2).cumsum(-1)
    spans = []
    for L, kk, ss, pp in ((H, k[0], s[0], p[0]), (W, k[1], s[1], p[1])):
        o = pool_out_size(L, kk, ss, pp, 1, ceil_mode)
        start = np.arange(o) * ss - pp
        end = np.minimum(start + kk, L + pp)
        lo, hi = np.clip(start, 0, L), np.clip(end, 0, L)
        spans.append((lo, hi, end - start))
    (h0, h1, ph), (w0, w1, pw) = spans
    acc = (S[..., h1[:, None], w1[None, :]] - S[..., h0[:, None], w1[None, :]]
           - S[..., h1[:, None], w0[None, :]] + S[..., h0[:, None], w0[None, :]])
    if divisor_override:
        d = np.full((len(h0), len(w0)), divisor_override)
    elif count_include_pad:
        d = ph[:, None] * pw[None, :]
    else:
        d = (h1 - h0)[:, None] * (w1 - w0)[None, :]
    v = np.rint(acc.astype(np.float32) / d.astype(np.float32) + np.float32(input._qzp))
    lo, hi = Q._RANGE[input._qdtype.name]
    return input._like(np.clip(v, lo, hi).astype(q.dtype))


def clamp(input, min, max, fname="clamp"):
    """Quantized ``clamp``/``hardtanh``/``relu6``: the integers clamped to the bounds quantized
    with the input's scale and zero point (number bounds); same scale and zero point.

    >>> from ember._quantized_dispatch import clamp
    >>> q = ember.quantize_per_tensor(ember.tensor([-2.0, 0.5, 3.0]), 0.1, 10, ember.quint8)
    >>> clamp(q, -0.5, 1.0).int_repr()
    tensor([ 5, 15, 20], dtype=torch.uint8)
    """
    if fname != "clamp":  # (PyTorch has no quantized clamp_min/clamp_max)
        from ._dtype_names import SCALAR_NAMES
        name = SCALAR_NAMES[input._qdtype.name]
        raise RuntimeError("promoteTypes with quantized numbers is not handled yet; figure out "
                           f"what the correct rules should be, offending types: {name} Float")
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    if isinstance(min, Tensor) or isinstance(max, Tensor):
        raise not_implemented(f"aten::{fname}.Tensor")
    _per_tensor(input, f"aten::{fname}")
    lo, hi = Q._RANGE[input._qdtype.name]
    with np.errstate(divide="ignore"):
        inv = np.float32(1.0) / np.float32(input._qscale)

    def bound(v, default):
        if v is None:
            return default
        return int(Q._round_affine(np.float32(v), inv, input._qzp, lo, hi))
    a, b = bound(min, lo), bound(max, hi)
    out = np.minimum(np.maximum(input._data, a), b) if a <= b else np.full_like(input._data, b)
    return input._like(out.astype(input._data.dtype))


def pad_constant(input, dims, pairs, value):
    """Quantized constant padding: the integers padded with ``value`` quantized by the input's
    scale and zero point (0.0 pads the zero point); ``pairs`` (left, right) per dim of ``dims``.

    >>> from ember._quantized_dispatch import pad_constant
    >>> q = ember.quantize_per_tensor(ember.tensor([[0.5]]), 0.1, 10, ember.quint8)
    >>> pad_constant(q, [1], [(1, 2)], 0.0).int_repr()
    tensor([[10, 15, 10, 10]], dtype=torch.uint8)
    """
    _per_tensor(input, "aten::constant_pad_nd")
    lo, hi = Q._RANGE[input._qdtype.name]
    with np.errstate(divide="ignore"):
        inv = np.float32(1.0) / np.float32(input._qscale)
    fill = int(Q._round_affine(np.float32(float(value)), inv, input._qzp, lo, hi))
    widths = [(0, 0)] * input._data.ndim
    for d, lr in zip(dims, pairs):
        widths[d] = lr
    return input._like(np.pad(input._data, widths, constant_values=fill))
