"""Tensor methods from PyTorch's older and device-specific surface: the legacy type strings
(``x.type()``), element-wise Python callbacks (``apply_``, ``map_``, ``map2_``), ``as_subclass``,
``dim_order``, ``module_load`` and the device predicates that are False on a cpu-only build.

Bound on ``ember.Tensor`` in ember/_tensor.py.

>>> x = ember.tensor([1., 2., 3.])
>>> x.apply_(lambda v: v * 10)
tensor([10., 20., 30.])
>>> x.type(), x.is_mps, x.dim_order()
('torch.FloatTensor', False, (0,))
"""
import builtins
import warnings

from ._backend import np
from . import _dtype as D
from ._dtype_names import SCALAR_NAMES
from ._grad_state import _state



# -- legacy type strings ---------------------------------------------------------------------
def type_name(dt):
    """PyTorch's legacy type string of dtype ``dt``.

    >>> from ember._tensor_legacy import type_name
    >>> type_name(ember.uint8), type_name(ember.complex64)
    ('torch.ByteTensor', 'torch.ComplexFloatTensor')
    """
    return f"torch.{SCALAR_NAMES[dt.name]}Tensor"


_BY_TYPE_NAME = {}


def dtype_of_type_name(s):
    """The dtype a legacy type string names (``'torch.LongTensor'`` -> int64); ValueError for
    unknown names, TypeError for CUDA types.

    >>> from ember._tensor_legacy import dtype_of_type_name
    >>> dtype_of_type_name("torch.LongTensor")
    torch.int64
    """
    if not _BY_TYPE_NAME:
        for n, c in SCALAR_NAMES.items():
            _BY_TYPE_NAME[f"torch.{c}Tensor"] = D._BY_NAME[n]
    if s in _BY_TYPE_NAME:
        return _BY_TYPE_NAME[s]
    if s.startswith("torch.cuda."):
        raise TypeError(f"type {s} not available. Torch not compiled with CUDA enabled.")
    raise ValueError(f"invalid type: {s!r}")


def tensor_type(self, dtype=None, non_blocking=False, **kwargs):
    """Without arguments the legacy type string (``'torch.FloatTensor'``); given a dtype, a legacy
    class (``ember.DoubleTensor``) or a type string, ``self`` converted to it (``self`` if it is).

    >>> x = ember.zeros(2)
    >>> x.type(), x.type('torch.LongTensor').dtype, x.type(ember.float32) is x
    ('torch.FloatTensor', torch.int64, True)
    """
    if dtype is None:
        return type_name(D.NP2DT[self._data.dtype])
    if isinstance(dtype, str):
        dt = dtype_of_type_name(dtype)
    elif isinstance(dtype, D.dtype):
        dt = dtype
    elif isinstance(getattr(dtype, "dtype", None), D.dtype) and getattr(dtype, "__module__", "") == "torch":
        dt = dtype.dtype  # ember.FloatTensor ...
    else:
        raise TypeError("dtype must be a type, str, or dtype object")
    return self.to(dt)


# -- Python callbacks per element ------------------------------------------------------------
def _no_grad_check(self, name):
    if self._rg:
        raise RuntimeError(f"Can't call {name}() on Variable that requires grad. Use var.detach().{name}() instead.")


def _each(self, fn, others, name):
    _no_grad_check(self, name)
    arrs = []
    for o in others:
        _no_grad_check(o, name)
        if o._data.dtype != self._data.dtype:
            raise TypeError(f"{name}: expected {tensor_type(self)} for 'other' (got {tensor_type(o)})")
        arrs.append(o.expand(self._data.shape)._data)
    out = self._data
    it = np.nditer([out] + arrs, flags=["refs_ok", "zerosize_ok"],
                   op_flags=[["readwrite"]] + [["readonly"]] * len(arrs))
    with it:
        for vals in it:
            vals = vals if isinstance(vals, tuple) else (vals,)
            r = fn(*(v.item() for v in vals))
            try:
                vals[0][...] = r
            except (TypeError, ValueError):
                raise TypeError(f"must be real number, not {builtins.type(r).__name__}") from None
    self._bump()
    return self


def apply_(self, callable):
    """Replace every element ``v`` with ``callable(v)`` in place (cpu only; slow, Python per element).

    >>> ember.tensor([1, 2]).apply_(lambda v: v + 1)
    tensor([2, 3])
    """
    return _each(self, callable, (), "apply_")


def map_(self, tensor, callable):
    """``self[i] = callable(self[i], tensor[i])`` in place, ``tensor`` broadcast to ``self``.

    >>> ember.tensor([1., 2.]).map_(ember.tensor([10., 20.]), lambda a, b: a + b)
    tensor([11., 22.])
    """
    return _each(self, callable, (tensor,), "map_")


def map2_(self, x, y, callable):
    """``self[i] = callable(self[i], x[i], y[i])`` in place.

    >>> ember.zeros(2).map2_(ember.ones(2), ember.tensor([1., 2.]), lambda a, b, c: a + b + c)
    tensor([2., 3.])
    """
    return _each(self, callable, (x, y), "map2_")


# -- identity and layout ------------------------------------------------------------------------
def as_subclass(self, cls):
    """This tensor as an instance of Tensor subclass ``cls``: shared memory, still attached to
    the autograd graph (through an alias, as PyTorch).

    >>> class T(ember.Tensor): pass
    >>> type(ember.ones(1).as_subclass(T)).__name__
    'T'
    """
    from ._tensor import Tensor
    if not (isinstance(cls, builtins.type) and issubclass(cls, Tensor)):
        raise TypeError("Creating a Tensor subclass from a class that does not inherit from Tensor is not possible. "
                        "Make sure your class inherits from Tensor.")
    out = self.view_as(self)
    out.__class__ = cls
    return out


def new_empty_strided(self, size, stride, *, dtype=None, layout=None, device=None, requires_grad=False,
                      pin_memory=False):
    """An uninitialised tensor with ``size`` and element ``stride`` (``self``'s dtype by default).

    >>> ember.zeros(1).new_empty_strided((2, 3), (1, 2)).stride()
    (1, 2)
    """
    from ._creation import empty_strided
    return empty_strided(size, stride, dtype=D.NP2DT[self._data.dtype] if dtype is None else dtype,
                         device=device, requires_grad=requires_grad)


def dim_order(self, *, ambiguity_check=False):
    """The dimensions from outermost to innermost in memory (``(0, 2, 3, 1)`` for channels_last).
    Dimensions of stride 0 keep their place; equal strides order by size.

    >>> ember.zeros(2, 3).t().dim_order()
    (1, 0)
    """
    shape, st = self._data.shape, self.stride()
    if ambiguity_check and (any(n == 1 for n in shape) or 0 in st or len(set(st)) != len(st)):
        raise RuntimeError("The tensor does not have unique dim order, or cannot map to exact one of the given "
                           "memory formats.")
    order = list(range(len(shape)))

    def inner_first(a, b):  # does a belong after (inside) b?
        if st[a] == 0 or st[b] == 0:
            return False
        return st[a] < st[b] or (st[a] == st[b] and shape[a] < shape[b])

    for i in range(1, len(order)):
        j = i
        while j > 0 and inner_first(order[j - 1], order[j]):
            order[j - 1], order[j] = order[j], order[j - 1]
            j -= 1
    return tuple(order)


def const_data_ptr(self):
    """The address of the first element (as :meth:`data_ptr`)."""
    return self.data_ptr()


def record_stream(self, stream):
    """CUDA-only in PyTorch; ember has no streams."""
    raise RuntimeError("record_stream: ember has no CUDA streams (Torch not compiled with CUDA enabled)")


def module_load(self, other, assign=False):
    """What ``Module.load_state_dict`` stores for parameter ``self`` given ``other``: with
    ``assign`` a detached ``other``, else ``self`` after copying ``other`` into it (detached).

    >>> ember.zeros(2).module_load(ember.ones(2))
    tensor([1., 1.])
    """
    if assign:
        return other.detach()
    return self.copy_(other).detach()


def to_dense(self, dtype=None, *, masked_grad=None):
    """``self`` (ember's tensors are all dense), converted to ``dtype`` when given.

    >>> x = ember.ones(2); x.to_dense() is x
    True
    """
    return self if dtype is None else self.to(dtype)


def reinforce(self, reward):
    """Removed in PyTorch; raises as PyTorch does."""
    raise RuntimeError("reinforce() was removed.\nUse torch.distributions instead.\n"
                       "See https://pytorch.org/docs/main/distributions.html\n")


def _volatile_get(self):
    warnings.warn("volatile was removed (Variable.volatile is always False)", UserWarning, stacklevel=2)
    return False


def _volatile_set(self, value):
    warnings.warn("volatile was removed and now has no effect. Use `with torch.no_grad():` instead.",
                  UserWarning, stacklevel=2)


volatile = property(_volatile_get, _volatile_set, doc="Removed: always False (warns).")


def _grad_dtype_get(self):
    return self.__dict__.get("_grad_dtype") or D.NP2DT[self._data.dtype]


def _grad_dtype_set(self, value):
    self.__dict__["_grad_dtype"] = D.to_dtype(value)


grad_dtype = property(_grad_dtype_get, _grad_dtype_set, doc="The dtype gradients of this tensor take.")
name = property(lambda self: None, doc="None (PyTorch's named tensors keep names in ``names``).")
_false = property(lambda self: False, doc="False: ember computes on the cpu with strided dense tensors.")
is_xpu = is_mps = is_ipu = is_xla = is_mtia = is_maia = is_vulkan = is_mkldnn = is_nested = is_sparse_csr = _false


# -- top-level questions about tensors -----------------------------------------------------------
def _need_tensor(fn, x):
    from ._tensor import Tensor
    if not isinstance(x, Tensor):
        raise TypeError(f"{fn}(): argument 'input' (position 1) must be Tensor, not {builtins.type(x).__name__}")


def get_device(input):
    """-1 for a cpu tensor (the CUDA index otherwise, which ember never has).

    >>> ember.get_device(ember.zeros(1))
    -1
    """
    _need_tensor("get_device", input)
    return -1


def _assert(condition, message):
    """``assert condition, message`` that tracing/scripting in PyTorch keeps; a tensor condition
    counts by its truth value.

    >>> ember._assert(True, "never raised")
    """
    if not condition:
        raise AssertionError(message)


# -- deprecated and device-specific conversions ------------------------------------------------------
def resize(self, *sizes):
    """Deprecated out-of-place resize: a view of ``self`` with the same number of elements (warns).

    >>> import warnings; warnings.simplefilter("ignore")
    >>> ember.arange(6.).resize(2, 3).shape
    torch.Size([2, 3])
    """
    warnings.warn("non-inplace resize is deprecated", UserWarning, stacklevel=2)
    shape = tuple(sizes[0]) if len(sizes) == 1 and isinstance(sizes[0], (tuple, list)) else sizes
    n = 1
    for s in shape:
        n *= s
    if n != self._data.size:
        raise RuntimeError(f"requested resize to {'x'.join(map(str, shape))} ({n} elements in total), but the given "
                           f"tensor has a size of {'x'.join(map(str, self._data.shape))} ({self._data.size} elements). "
                           "autograd's resize can only change the shape of a given tensor, while preserving the "
                           "number of elements. ")
    return self.contiguous().view(shape)


def resize_as(self, tensor):
    """Deprecated out-of-place :meth:`resize` to ``tensor``'s shape (warns)."""
    warnings.warn("non-inplace resize_as is deprecated", UserWarning, stacklevel=2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return resize(self, tuple(tensor._data.shape))


def is_distributed(self):
    """False: no tensor is distributed in ember."""
    return False


def chalf(self, memory_format=None):
    """``self.to(ember.complex32)``.

    >>> ember.tensor([1.]).chalf().dtype
    torch.complex32
    """
    return self.to(D.complex32)


def ipu(self, device=None, non_blocking=False, memory_format=None):
    """Not available: ember has no IPU backend (RuntimeError, as PyTorch without one)."""
    raise RuntimeError("PyTorch is not linked with support for ipu devices")


def xpu(self, device=None, non_blocking=False, memory_format=None):
    """Not available: ember has no XPU backend."""
    raise AssertionError("Torch not compiled with XPU enabled")


def mtia(self, device=None, non_blocking=False, memory_format=None):
    """Not available: ember has no MTIA backend."""
    raise AssertionError("Torch not compiled with MTIA enabled")
