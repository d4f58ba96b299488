"""Quantized tensors as PyTorch has them: ``qint8``/``quint8``/``qint32`` values with an
affine scheme (``real = (q - zero_point) * scale``), per tensor or per channel.

A quantized tensor holds its integer representation and its quantization parameters;
it prints, reshapes, indexes and serializes as PyTorch's do. Arithmetic on it raises
``NotImplementedError`` as in PyTorch (dequantize first). Rounding follows PyTorch's
x86 kernels: ``q = round_half_even(x * (1 / scale)) + zero_point`` in float32, clamped.

>>> q = ember.quantize_per_tensor(ember.tensor([-1.0, 0.0, 0.5, 2.0]), 0.1, 10, ember.quint8)
>>> q.int_repr()
tensor([ 0, 10, 15, 30], dtype=torch.uint8)
>>> q.q_scale(), q.q_zero_point(), q.qscheme()
(0.1, 10, torch.per_tensor_affine)
"""
from ._backend import np
from . import _dtype as D
from ._tensor import Tensor, _wrap, Size
from ._dtype_names import SCALAR_NAMES
from ._quantized_mark import QUANTIZED, not_implemented
from . import _quantized_values as _V

__all__ = ["qint8", "quint8", "qint32", "quint4x2", "quint2x4", "qscheme", "per_tensor_affine",
           "per_channel_affine", "per_tensor_symmetric", "per_channel_symmetric",
           "per_channel_affine_float_qparams", "quantize_per_tensor", "quantize_per_channel",
           "quantize_per_tensor_dynamic", "dequantize", "int_repr", "q_scale", "q_zero_point",
           "q_per_channel_scales", "q_per_channel_zero_points", "q_per_channel_axis"]



class _QDtype(D.dtype):
    """A quantized dtype (``ember.qint8`` ...): an ``ember.dtype`` whose elements are
    integers standing for ``(q - zero_point) * scale``."""

    __slots__ = ()

    def __reduce__(self):
        return (_qdtype_by_name, (self.name,))


def _qdtype_by_name(name):
    return _QDTYPES[name]


# the integer storage of each quantized dtype
_STORAGE = {"qint8": np.int8, "quint8": np.uint8, "qint32": np.int32, "quint4x2": np.uint8,
            "quint2x4": np.uint8}


def _adopt(name):
    """ember's ``qint8``... object: the one ``ember._dtype`` defines if it has one, else ours."""
    d = getattr(D, name, None)
    if d is None:
        d = _QDtype(name, _STORAGE[name], 1)
        d.is_signed = name in ("qint8", "qint32")
    return d


qint8, quint8, qint32 = _adopt("qint8"), _adopt("quint8"), _adopt("qint32")
quint4x2, quint2x4 = _adopt("quint4x2"), _adopt("quint2x4")
_QDTYPES = {d.name: d for d in (qint8, quint8, qint32, quint4x2, quint2x4)}
_RANGE = {"qint8": (-128, 127), "quint8": (0, 255), "qint32": (-2 ** 31, 2 ** 31 - 1)}


class qscheme:
    """A quantization scheme (``ember.per_tensor_affine`` ...), as ``torch.qscheme``.

    >>> ember.per_channel_affine
    torch.per_channel_affine
    """

    __slots__ = ("name",)

    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return "torch." + self.name

    def __reduce__(self):
        return (_scheme_by_name, (self.name,))


def _scheme_by_name(name):
    return _SCHEMES[name]


per_tensor_affine = qscheme("per_tensor_affine")
per_channel_affine = qscheme("per_channel_affine")
per_tensor_symmetric = qscheme("per_tensor_symmetric")
per_channel_symmetric = qscheme("per_channel_symmetric")
per_channel_affine_float_qparams = qscheme("per_channel_affine_float_qparams")
_SCHEMES = {s.name: s for s in (per_tensor_affine, per_channel_affine, per_tensor_symmetric,
                                per_channel_symmetric, per_channel_affine_float_qparams)}


def _scalar_arith(name):
    def op(self, other):
        if isinstance(other, QTensor):
            raise not_implemented(f"aten::{name}.out")
        raise RuntimeError("empty_strided not supported on quantized tensors yet see "
                           "https://github.com/pytorch/pytorch/issues/74540 (ember: dequantize "
                           "first)")
    op.__name__ = name
    return op


def _not_on_quantized(name):
    def op(self, *args, **kwargs):
        raise not_implemented(f"aten::{name}")
    op.__name__ = name
    return op


class QTensor(Tensor):
    """A quantized tensor (``is_quantized`` is True); make one with
    :func:`quantize_per_tensor` or :func:`quantize_per_channel`.

    >>> q = ember.quantize_per_tensor(ember.tensor([[1., 2.], [3., 4.]]), 0.5, 0, ember.qint8)
    >>> q[1], q.t().int_repr()
    (tensor([3., 4.], size=(2,), dtype=torch.qint8,
           quantization_scheme=torch.per_tensor_affine, scale=0.5, zero_point=0), tensor([[2, 6],
            [4, 8]], dtype=torch.int8))
    """

    def _like(self, data):
        q = _new_q(data, self._qdtype)
        q.__dict__.update({k: v for k, v in self.__dict__.items() if k.startswith("_q")})
        return q

    @property
    def dtype(self):
        return self._qdtype

    @property
    def is_quantized(self):
        return True

    @property
    def requires_grad(self):
        return False

    @requires_grad.setter
    def requires_grad(self, value):
        self.requires_grad_(value)

    def requires_grad_(self, requires_grad=True):
        """Quantized tensors never require grad (``_rg`` keeps their mark, see
        ``ember/_quantized_mark.py``)."""
        if requires_grad:
            raise RuntimeError("only Tensors of floating point dtype can require gradients")
        return self

    def detach_(self):
        return self

    def qscheme(self):
        return self._qscheme

    def q_scale(self):
        self._need_per_tensor()
        return self._qscale

    def q_zero_point(self):
        self._need_per_tensor()
        return self._qzp

    def q_per_channel_scales(self):
        self._need_per_channel()
        return _wrap(self._qscales.copy())

    def q_per_channel_zero_points(self):
        self._need_per_channel()
        return _wrap(self._qzps.copy())

    def q_per_channel_axis(self):
        self._need_per_channel()
        return self._qaxis

    def _need_per_tensor(self):
        if self._qscheme is not per_tensor_affine:
            raise RuntimeError("Expected quantizer->qscheme() == kPerTensorAffine to be true, "
                               "but got false.")

    def _need_per_channel(self):
        if self._qscheme is per_tensor_affine:
            raise RuntimeError("Expected quantizer->qscheme() == kPerChannelAffine || "
                               "quantizer->qscheme() == kPerChannelAffineFloatQParams to be true, "
                               "but got false.")

    def int_repr(self):
        return _wrap(self._data.copy())

    def dequantize(self):
        q = self._data
        if self._qscheme is per_tensor_affine:
            out = (q.astype(np.float32) - np.float32(self._qzp)) * np.float32(self._qscale)
        else:
            shape = [1] * q.ndim
            shape[self._qaxis] = -1
            out = (q - self._qzps.reshape(shape)) * self._qscales.reshape(shape)  # float64, as torch
        return _wrap(np.ascontiguousarray(out, dtype=np.float32))

    def numpy(self, *, force=False):
        raise TypeError(f"Got unsupported ScalarType {SCALAR_NAMES[self._qdtype.name]}")

    def __repr__(self, *, tensor_contents=None):
        from ._tensor_str import _tensor_str, _add_suffixes
        prefix = "tensor("
        a = self.dequantize()._data
        body = _tensor_str(a, len(prefix)) if a.size else "[]"
        sfx = ["size=" + str(tuple(a.shape)), f"dtype={self._qdtype!r}",
               f"quantization_scheme={self._qscheme!r}"]
        if self._qscheme is per_tensor_affine:
            sfx += [f"scale={self._qscale!r}", f"zero_point={self._qzp}"]
        else:
            sfx += [f"scale={self.q_per_channel_scales()!r}",
                    f"zero_point={self.q_per_channel_zero_points()!r}", f"axis={self._qaxis}"]
        return _add_suffixes(prefix + body, sfx, len(prefix))

    def clone(self, *, memory_format=None):
        return self._like(self._data.copy())

    def detach(self):
        return self._like(self._data)

    def contiguous(self, memory_format=None):
        return self if self._data.flags.c_contiguous else self._like(np.ascontiguousarray(self._data))

    def _per_tensor_view(self, name, data):
        if self._qscheme is not per_tensor_affine:
            raise NotImplementedError(f"ember: {name} of a per-channel quantized tensor")
        return self._like(data)

    def __getitem__(self, item):
        if isinstance(item, Tensor):
            item = item._data
        elif isinstance(item, tuple):
            item = tuple(i._data if isinstance(i, Tensor) else i for i in item)
        return self._per_tensor_view("indexing", self._data[item])

    def view(self, *shape):
        shape = shape[0] if len(shape) == 1 and isinstance(shape[0], (tuple, list, Size)) else shape
        return self._per_tensor_view("view", self._data.reshape(shape))

    reshape = view

    def flatten(self, start_dim=0, end_dim=-1):
        shape = self._data.shape
        if not shape:
            return self.reshape(1)
        s, e = start_dim % len(shape), end_dim % len(shape)
        return self.reshape(shape[:s] + (-1,) + shape[e + 1:]) if s <= e else self

    def transpose(self, dim0, dim1):
        return self._per_tensor_view("transpose", np.swapaxes(self._data, dim0, dim1))

    def permute(self, *dims):
        dims = dims[0] if len(dims) == 1 and isinstance(dims[0], (tuple, list)) else dims
        return self._per_tensor_view("permute", np.transpose(self._data, dims))

    def t(self):
        return self.transpose(0, 1) if self._data.ndim == 2 else self

    def mean(self, dim=None, keepdim=False, *, dtype=None):
        """Mean of the integer values rounded half to even, same scale and zero point (as
        PyTorch's quantized mean)."""
        if self._qscheme is not per_tensor_affine or dtype is not None:
            raise NotImplementedError("ember: mean of a per-channel quantized tensor or with dtype")
        axis = None if dim is None else tuple(dim) if isinstance(dim, (list, tuple)) else (dim,)
        m = np.rint(self._data.astype(np.float64).mean(axis=axis, keepdims=keepdim))
        return self._like(np.asarray(m).astype(self._data.dtype))

    def __reduce_ex__(self, proto):
        return (_rebuild_q, (self._data, self._qdtype.name, self._qscheme.name,
                             self.__dict__.get("_qscale"), self.__dict__.get("_qzp"),
                             self.__dict__.get("_qscales"), self.__dict__.get("_qzps"),
                             self.__dict__.get("_qaxis")))

    def __deepcopy__(self, memo):
        return self.clone()

    __add__ = __radd__ = __iadd__ = _scalar_arith("add")
    __sub__ = __rsub__ = __isub__ = _scalar_arith("sub")
    __mul__ = __rmul__ = __imul__ = _scalar_arith("mul")
    __truediv__ = __rtruediv__ = _scalar_arith("div")
    def __matmul__(self, other):
        raise not_implemented("aten::mm.out" if self._data.ndim == 2 == getattr(other, "ndim", 0)
                              else "aten::bmm.out")

    __rmatmul__ = __matmul__
    __neg__ = _not_on_quantized("neg.out")
    __pow__ = _not_on_quantized("pow.Tensor_Scalar_out")
    # values in and out go through the scale and zero point (ember/_quantized_values.py)
    item, tolist, __bool__ = _V.item, _V.tolist, _V.to_bool
    fill_, zero_, copy_, __setitem__ = _V.fill_, _V.zero_, _V.copy_, _V.setitem
    new_zeros, new_ones, new_full = _V.new_zeros, _V.new_factory("new_ones"), _V.new_factory("new_full")
    new_empty, new_tensor, new = (_V.new_factory(n) for n in ("new_empty", "new_tensor", "new"))
    register_hook = register_post_accumulate_grad_hook = _V.no_grad_hook
    retain_grad = _V.no_retain_grad


def _new_q(data, qdtype):
    t = QTensor.__new__(QTensor)
    t._data = data
    t._rg = QUANTIZED  # (true: every op's entry sends it to _quantized_dispatch)
    t.grad = None
    t.grad_fn = None
    t._vc = None
    t._qdtype = qdtype
    return t


def _make_per_tensor(data, qdtype, scale, zero_point):
    q = _new_q(data, qdtype)
    q._qscheme = per_tensor_affine
    q._qscale = float(scale)
    q._qzp = int(zero_point)
    return q


def _make_per_channel(data, qdtype, scales, zero_points, axis):
    q = _new_q(data, qdtype)
    q._qscheme = per_channel_affine
    q._qscales = np.asarray(scales, dtype=np.float64)
    q._qzps = np.asarray(zero_points, dtype=np.int64)
    q._qaxis = int(axis)
    return q


def canonical(dtype, default=None):
    """``dtype`` with any quantized dtype replaced by this module's object of that name
    (so a ``qint8`` made elsewhere compares by identity here); None gives ``default``.

    >>> from ember._quantized import canonical
    >>> canonical(None, ember.qint8) is ember.qint8
    True
    """
    if dtype is None:
        return default
    return _QDTYPES.get(getattr(dtype, "name", None), dtype)


def _refuse_per_channel(qconfig):
    """NotImplementedError for a qconfig whose weight observer is per channel (ember's
    dynamic modules quantize weights per tensor only)."""
    if qconfig is not None and getattr(qconfig.weight(), "qscheme", None) in (
            per_channel_affine, per_channel_symmetric, per_channel_affine_float_qparams):
        raise NotImplementedError("ember: dynamic quantization with per-channel weights "
                                  "(per_channel_dynamic_qconfig) is not built; use the default "
                                  "per-tensor qconfig")


def _rebuild_q(data, dname, sname, scale, zp, scales, zps, axis):
    if sname == "per_tensor_affine":
        return _make_per_tensor(data, _QDTYPES[dname], scale, zp)
    return _make_per_channel(data, _QDTYPES[dname], scales, zps, axis)


def _qdtype(dtype):
    dt = _QDTYPES.get(getattr(dtype, "name", None))
    if dt is None or dt.name not in _RANGE:
        raise RuntimeError(f"ScalarType {_scalar_type_name(dtype)} is not supported in new_qtensor.")
    return dt


def _scalar_type_name(dtype):
    name = getattr(dtype, "name", str(dtype))
    return SCALAR_NAMES.get(name, name)


def _float_input(input):
    if not isinstance(input, Tensor) or isinstance(input, QTensor) or input._data.dtype != np.float32:
        name = _scalar_type_name(input.dtype) if isinstance(input, Tensor) else type(input).__name__
        raise RuntimeError(f"Quantize only works on Float Tensor, got {name}")
    return input._data


def _round_affine(x, inv_scale, zp, qmin, qmax):
    """``clamp(rint(x * inv_scale) + zp)`` in float32, as PyTorch's x86 quantize kernel."""
    with np.errstate(over="ignore", invalid="ignore"):
        r = np.rint(x * inv_scale)
        r = np.nan_to_num(r, nan=0.0, posinf=2.0 ** 31, neginf=-2.0 ** 31).astype(np.float64)
    return np.clip(r + zp, qmin, qmax)


def _scalar(v, kind):
    if isinstance(v, Tensor):
        v = v._data.item()
    return kind(v)


def quantize_per_tensor(input, scale, zero_point, dtype):
    """Quantize a float32 tensor (or a list of them) with one ``scale`` and ``zero_point``.

    >>> ember.quantize_per_tensor(ember.tensor([-1.0, 0.0, 0.5, 2.0]), 0.1, 10, ember.quint8)
    tensor([-1.0000,  0.0000,  0.5000,  2.0000], size=(4,), dtype=torch.quint8,
           quantization_scheme=torch.per_tensor_affine, scale=0.1, zero_point=10)
    """
    if isinstance(input, (list, tuple)):
        return tuple(quantize_per_tensor(t, s, z, dtype) for t, s, z in
                     zip(input, scale._data.tolist() if isinstance(scale, Tensor) else scale,
                         zero_point._data.tolist() if isinstance(zero_point, Tensor) else zero_point))
    x = _float_input(input)
    dt = _qdtype(dtype)
    scale, zero_point = _scalar(scale, float), _scalar(zero_point, int)
    qmin, qmax = _RANGE[dt.name]
    if zero_point > qmax:
        raise RuntimeError(f"quantize_tensor_per_tensor_affine zero_point {zero_point} is above "
                           "upper bound.")
    if zero_point < qmin:
        raise RuntimeError(f"quantize_tensor_per_tensor_affine zero_point {zero_point} is below "
                           "lower bound.")
    with np.errstate(divide="ignore"):
        inv = np.float32(1.0) / np.float32(scale)
    q = _round_affine(x, inv, zero_point, qmin, qmax).astype(_STORAGE[dt.name])
    return _make_per_tensor(q, dt, scale, zero_point)


def quantize_per_channel(input, scales, zero_points, axis, dtype):
    """Quantize a float32 tensor with a ``scale``/``zero_point`` per slice along ``axis``.

    >>> q = ember.quantize_per_channel(ember.tensor([[1., 2.], [3., 4.]]),
    ...     ember.tensor([0.5, 1.0]), ember.tensor([0, 1]), 0, ember.qint8)
    >>> q.int_repr(), q.q_per_channel_axis()
    (tensor([[2, 4],
            [4, 5]], dtype=torch.int8), 0)
    """
    x = _float_input(input)
    dt = _qdtype(dtype)
    s = np.asarray(scales._data if isinstance(scales, Tensor) else scales, dtype=np.float64)
    z = np.asarray(zero_points._data if isinstance(zero_points, Tensor) else zero_points,
                   dtype=np.int64)
    if axis < 0 or axis >= x.ndim:
        raise RuntimeError(f"axis {axis} is out of range for a tensor of dimension {x.ndim}")
    if s.shape[0] != x.shape[axis]:
        raise RuntimeError(f"length of scales must equal to channel, expected {x.shape[axis]} got, "
                           f"{s.shape[0]}")
    if z.shape[0] != x.shape[axis]:
        raise RuntimeError(f"length of zero_points must equal to channel expected {x.shape[axis]} "
                           f"got, {z.shape[0]}")
    shape = [1] * x.ndim
    shape[axis] = -1
    with np.errstate(divide="ignore"):
        inv = (np.float32(1.0) / s.astype(np.float32)).reshape(shape)
    qmin, qmax = _RANGE[dt.name]
    q = _round_affine(x, inv, z.reshape(shape), qmin, qmax).astype(_STORAGE[dt.name])
    return _make_per_channel(q, dt, s, z, axis)


def choose_qparams(x_min, x_max, qmin, qmax, reduce_range=False):
    """PyTorch's dynamic choice of (scale, zero_point) for values in [x_min, x_max]
    (float32 bounds; the range always includes 0; a tiny range gets scale 6.1e-5).

    >>> from ember._quantized import choose_qparams
    >>> choose_qparams(-1.0, 1.0, 0, 255)
    (0.00784313725490196, 128)
    """
    if reduce_range:
        qmin, qmax = qmin // 2, qmax // 2
    lo, hi = float(np.float32(min(x_min, 0.0))), float(np.float32(max(x_max, 0.0)))
    scale = (hi - lo) / (qmax - qmin)
    if float(np.float32(scale)) == 0.0 or np.isinf(np.float32(1.0) / np.float32(scale)):
        scale = 0.1
    small = float(np.float32(6.1e-5))
    if scale < small:
        org = float(np.float32(scale))
        scale = small
        if lo == 0.0:
            hi = float(np.float32(small * (qmax - qmin)))
        elif hi == 0.0:
            lo = float(np.float32(-small * (qmax - qmin)))
        else:
            amp = float(np.float32(small / org))
            lo, hi = float(np.float32(lo * amp)), float(np.float32(hi * amp))
    zp_min = qmin - lo / scale
    zp_max = qmax - hi / scale
    err_min = abs(qmin) - abs(lo / scale)
    err_max = abs(qmax) - abs(hi / scale)
    zp0 = zp_min if err_min < err_max else zp_max
    zp = qmin if zp0 < qmin else qmax if zp0 > qmax else int(np.rint(zp0))
    return scale, zp


def quantize_per_tensor_dynamic(input, dtype, reduce_range):
    """Quantize with a scale and zero point chosen from the tensor's own min and max.

    >>> ember.quantize_per_tensor_dynamic(ember.tensor([0., 1.]), ember.quint8, False).int_repr()
    tensor([  0, 255], dtype=torch.uint8)
    """
    x = _float_input(input)
    dt = _qdtype(dtype)
    if dt is qint32:
        raise RuntimeError("Expected dtype to be quint8 or qint8 for quantize_per_tensor_dynamic")
    qmin, qmax = _RANGE[dt.name]
    lo, hi = (float(x.min()), float(x.max())) if x.size else (0.0, 0.0)
    scale, zp = choose_qparams(lo, hi, qmin, qmax, reduce_range)
    return quantize_per_tensor(input, scale, zp, dt)


def dequantize(tensor):
    """The float32 values of a quantized tensor (or of each in a list); a float tensor is
    returned unchanged.

    >>> ember.dequantize(ember.quantize_per_tensor(ember.tensor([0.26]), 0.1, 0, ember.qint8))
    tensor([0.3000])
    """
    if isinstance(tensor, (list, tuple)):
        return [dequantize(t) for t in tensor]
    if isinstance(tensor, QTensor):
        return tensor.dequantize()
    if tensor._data.dtype != np.float32:
        raise RuntimeError(f"Expected a float tensor or a quantized tensor, got {tensor.dtype}")
    return tensor


def _require_q(name):
    def method(self, *args):
        if isinstance(self, QTensor):
            return getattr(QTensor, name)(self, *args)
        raise NotImplementedError(f"Could not run 'aten::{name}' with arguments from the 'CPU' "
                                  "backend (the tensor is not quantized)")
    method.__name__ = name
    method.__doc__ = _DOCS[name]
    return method


_PT = ">>> q = ember.quantize_per_tensor(ember.tensor([0.5, 1.0]), 0.25, 2, ember.quint8)\n    "
_PC = (">>> q = ember.quantize_per_channel(ember.tensor([[1., 2.], [3., 4.]]), "
       "ember.tensor([0.5, 1.0]), ember.tensor([0, 1]), 0, ember.qint8)\n    ")
_DOCS = {
    "int_repr": f"""The integer values of a quantized tensor.

    {_PT}>>> ember.int_repr(q)
    tensor([4, 6], dtype=torch.uint8)
    """,
    "q_scale": f"""The scale of a per-tensor quantized tensor (a Python float).

    {_PT}>>> ember.q_scale(q)
    0.25
    """,
    "q_zero_point": f"""The zero point of a per-tensor quantized tensor (a Python int).

    {_PT}>>> ember.q_zero_point(q)
    2
    """,
    "q_per_channel_scales": f"""The float64 scales of a per-channel quantized tensor.

    {_PC}>>> ember.q_per_channel_scales(q)
    tensor([0.5000, 1.0000], dtype=torch.float64)
    """,
    "q_per_channel_zero_points": f"""The int64 zero points of a per-channel quantized tensor.

    {_PC}>>> ember.q_per_channel_zero_points(q)
    tensor([0, 1])
    """,
    "q_per_channel_axis": f"""The channel axis of a per-channel quantized tensor.

    {_PC}>>> ember.q_per_channel_axis(q)
    0
    """,
    "qscheme": f"""The quantization scheme of a quantized tensor.

    {_PT}>>> q.qscheme()
    torch.per_tensor_affine
    """,
}


int_repr = _require_q("int_repr")
q_scale = _require_q("q_scale")
q_zero_point = _require_q("q_zero_point")
q_per_channel_scales = _require_q("q_per_channel_scales")
q_per_channel_zero_points = _require_q("q_per_channel_zero_points")
q_per_channel_axis = _require_q("q_per_channel_axis")
_qscheme_method = _require_q("qscheme")

TENSOR_METHODS = {"int_repr": int_repr, "q_scale": q_scale, "q_zero_point": q_zero_point,
                  "q_per_channel_scales": q_per_channel_scales,
                  "q_per_channel_zero_points": q_per_channel_zero_points,
                  "q_per_channel_axis": q_per_channel_axis, "qscheme": _qscheme_method,
                  "dequantize": dequantize}


def install(namespace, tensor_cls):
    """Export the names ember does not have yet into ``namespace`` and bind the Tensor
    methods missing on ``tensor_cls`` (called once by ``ember/__init__``)."""
    for n in __all__:
        namespace.setdefault(n, globals()[n])
    for n, f in TENSOR_METHODS.items():
        if n not in tensor_cls.__dict__:
            setattr(tensor_cls, n, f)
