"""dtype conversion and copies: ``to``, ``clone``, ``contiguous`` and the cast shorthands.

>>> ember.tensor([1.7, -2.5]).long()
tensor([ 1, -2])
"""
from ..._backend import raises_oom_as_runtime_error as _oom
from .._util import np, D, Tensor, _wrap, Op, apply_op, _state, copy_into, _NOGRAD
from ..._tensor import _check_device, device as _device
from ..._errors import broadcast_error, broadcast_shape, output_shape_error
from ... import _layout as _L

__all__ = ["clone"]


class ToCopy(Op):
    @staticmethod
    def forward(ctx, a, npdt):
        if ctx is not _NOGRAD:
            ctx.src = a.dtype
        return a.astype(npdt)

    @staticmethod
    def backward(ctx, g):
        return g.to(D.NP2DT[ctx.src])


def _cast(self, dt, copy=False):
    d = self._data
    if d.dtype == dt.np and not copy:
        return self
    return apply_op(ToCopy, (self,), dt.np)


def to(self, *args, dtype=None, device=None, non_blocking=False, copy=False, memory_format=None):
    """Convert dtype (and, nominally, device). Returns ``self`` when nothing changes.

    >>> ember.tensor([1, 2]).to(ember.float32)
    tensor([1., 2.])
    """
    for a in args:
        if isinstance(a, D.dtype):
            dtype = a
        elif isinstance(a, (str, _device)):
            device = a
        elif isinstance(a, Tensor):
            dtype = a.dtype
        elif a is None:
            pass
        else:
            dtype = D.to_dtype(a)
    _check_device(device)
    if memory_format is not None and memory_format is not _L.preserve_format:
        out = _as_format(self, memory_format)
        return out if dtype is None else _cast(out, D.to_dtype(dtype), copy and out is self)
    if dtype is None:
        return clone(self) if copy else self
    return _cast(self, D.to_dtype(dtype), copy)


def _as_format(t, fmt):
    """``t`` itself when it is dense in memory format ``fmt``, else a copy laid out so."""
    if fmt is _L.preserve_format:
        if t._data.flags.c_contiguous:
            return t
        raise RuntimeError("preserve memory format is unsupported by the contiguous operator")
    if _L.is_contiguous_as(t._data, fmt):
        return t
    _L.check_rank(t._data, fmt)
    return apply_op(Clone, (t,), fmt)


class Clone(Op):
    @staticmethod
    def forward(ctx, a, fmt="preserve"):
        if fmt == "preserve":  # torch's preserve_format: the input's own layout
            return _L.copy_preserving(a)
        return a.copy() if fmt is None else _L.copy_in(a, fmt)

    @staticmethod
    def backward(ctx, g):
        return g


def clone(input, *, memory_format=None):
    """A copy with its own memory; gradients flow through.

    >>> x = ember.ones(2); y = x.clone(); y[0] = 5.; x
    tensor([1., 1.])
    """
    if memory_format is None or memory_format is _L.preserve_format:
        fmt = "preserve"
    else:
        fmt = _L.clone_format(input._data, memory_format)  # None: a C-ordered copy
    return apply_op(Clone, (input,), fmt)


@_oom
def contiguous(self, memory_format=None):
    """``self`` if C-contiguous (or dense in ``memory_format``), else a copy in that format.

    >>> ember.zeros(1, 2, 3, 4).contiguous(memory_format=ember.channels_last).stride()
    (24, 1, 8, 2)
    """
    if memory_format is not None and memory_format is not _L.contiguous_format:
        return _as_format(self, memory_format)
    if self._data.flags.c_contiguous:
        return self
    return apply_op(Clone, (self,), None)


def _caster(dt):
    def method(self, memory_format=None):
        return _cast(self, dt)
    method.__doc__ = f"``self.to({dt!r})``."
    return method


def _copy_(self, src, non_blocking=False):
    """Copy ``src`` into ``self`` (broadcasting, casting); differentiable."""
    from ..inplace.history import inplace_op
    if not isinstance(src, Tensor):
        src = _wrap(np.asarray(src))
    if self._base is not None or src._base is not None:
        from .._util import check_write_overlap
        check_write_overlap(self, src)
    if not (_state[0] and (self._rg or src._rg)) and not (self._base is not None and self._base._rg and _state[0] and src._rg):
        try:
            np.copyto(self._data, src._data, casting="unsafe")
        except ValueError:
            if not self._data.flags.writeable:
                from .._util import write_error
                raise write_error(self._data) from None
            raise (broadcast_error(self._data.shape, src._data.shape) or output_shape_error(
                self._data.shape, broadcast_shape(self._data.shape, src._data.shape))) from None
        self._bump()
        return self
    return inplace_op(self, lambda s: _CopyFrom.apply_to(s, src), src)


class _CopyFrom(Op):
    _name = "CopyBackwards"

    @staticmethod
    def forward(ctx, a, b):
        if ctx is not _NOGRAD:
            ctx.b_dtype = b.dtype
        out = np.empty_like(a)
        np.copyto(out, b, casting="unsafe")
        return out

    @staticmethod
    def backward(ctx, g):
        n = ctx.needs_input_grad
        ga = g.new_zeros(g.shape) if n[0] else None
        gb = g.to(D.NP2DT[ctx.b_dtype]) if n[1] else None
        return ga, gb

    @classmethod
    def apply_to(cls, s, src):
        return apply_op(cls, (s, src))


def _fill_(self, value):
    """Fill with ``value`` in place."""
    if isinstance(value, Tensor):
        if value._data.ndim:
            raise RuntimeError(f"fill_ only supports 0-dimension value tensor but got tensor with "
                               f"{value._data.ndim} dimensions.")
        if _state[0] and (value._rg or self._rg):
            return _copy_(self, value.expand(self._data.shape))
        value = value._data
    else:  # PyTorch's checked conversion (uint8 takes -255..255, no finite value becomes inf)
        value = D.checked_fill(value, D.NP2DT[self._data.dtype])
    if _state[0] and (self._rg or (self._base is not None and self._base._rg)):
        from ..inplace.history import inplace_op
        return _copy_(self, _wrap(np.full(self._data.shape, value, dtype=self._data.dtype)))
    d = self._data
    if not d.flags.writeable:  # an expanded view is written through (as PyTorch); else refused
        from .._util import writeable_alias, write_error
        d = writeable_alias(d)
        if d is None:
            raise write_error(self._data)
    d.fill(value)
    self._bump()
    return self


def _zero_(self):
    """Fill with zeros in place."""
    return _fill_(self, 0)


def _new_factory(np_fn, name):
    def method(self, *sizes, size=None, dtype=None, device=None, requires_grad=False, layout=None,
               pin_memory=False):
        _check_device(device)
        size = sizes if size is None or sizes else (size,)
        if len(size) == 1 and isinstance(size[0], (tuple, list)):
            size = tuple(size[0])
        dt = self._data.dtype if dtype is None else D.to_dtype(dtype).np
        t = _wrap(np_fn(tuple(int(s) for s in size), dtype=dt))
        return t.requires_grad_() if requires_grad else t
    method.__name__ = name
    method.__doc__ = f"A new tensor of the given size filled like ``ember.{name[4:]}``, with this tensor's dtype."
    return method


def new_full(self, size, fill_value, *, dtype=None, device=None, requires_grad=False, layout=None,
             pin_memory=False):
    """A tensor of ``size`` filled with ``fill_value``, with this tensor's dtype.

    >>> ember.tensor([1, 2]).new_full((2,), 7)
    tensor([7, 7])
    """
    _check_device(device)
    dt = self._data.dtype if dtype is None else D.to_dtype(dtype).np
    t = _wrap(np.full(tuple(size), fill_value, dtype=dt))
    return t.requires_grad_() if requires_grad else t


def new_tensor(self, data, *, dtype=None, device=None, requires_grad=False, layout=None, pin_memory=False):
    """A copy of ``data`` as a tensor with this tensor's dtype (unless ``dtype`` is given).

    >>> ember.zeros(1, dtype=ember.float64).new_tensor([1, 2])
    tensor([1., 2.], dtype=torch.float64)
    """
    from ..._creation import tensor
    return tensor(data, dtype=D.NP2DT[self._data.dtype] if dtype is None else dtype,
                  device=device, requires_grad=requires_grad)


def type_as(self, other):
    """``self`` cast to ``other``'s dtype.

    >>> ember.tensor([1, 2]).type_as(ember.zeros(1))
    tensor([1., 2.])
    """
    return _cast(self, D.NP2DT[other._data.dtype])


TENSOR_METHODS = {
    "new_zeros": _new_factory(np.zeros, "new_zeros"), "new_ones": _new_factory(np.ones, "new_ones"),
    "new_empty": _new_factory(np.empty, "new_empty"), "new_full": new_full, "new_tensor": new_tensor,
    "type_as": type_as,
    "to": to, "clone": clone, "contiguous": contiguous, "copy_": _copy_, "fill_": _fill_,
    "zero_": _zero_,
    "float": _caster(D.float32), "double": _caster(D.float64), "half": _caster(D.float16),
    "long": _caster(D.int64), "int": _caster(D.int32), "short": _caster(D.int16),
    "char": _caster(D.int8), "byte": _caster(D.uint8), "bool": _caster(D.bool),
    "cfloat": _caster(D.complex64), "cdouble": _caster(D.complex128),
}


def _bfloat16(self, memory_format=None):
    """``self.to(ember.bfloat16)`` (needs the optional ml_dtypes package)."""
    return _cast(self, D.to_dtype("bfloat16"))


TENSOR_METHODS["bfloat16"] = _bfloat16
