"""``torch.ops``: operators by namespace, ``torch.ops.aten.add.Tensor(a, b)`` and the custom ops
of ``torch.library`` (``torch.ops.mylib.foo``).

An ATen op resolves to the ember function with its schema: ``torch.<name>`` (whose signatures are
ATen's), else the Tensor method, else ``torch.nn.functional.<name>``; the ops whose ATen form
differs (``_softmax``, ``slice``, ``_to_copy``, ``sym_size``, the ``native_*`` norms, ...) have an
entry in ``_ATEN``. Every overload (``.default``, ``.Tensor``, ``.Scalar``, ...) runs the same
function: ember's functions already accept each overload's arguments.

>>> ember.ops.aten.add.Tensor(ember.ones(2), ember.ones(2), alpha=2)
tensor([3., 3.])
>>> ember.ops.aten.add
<OpOverloadPacket(op='aten.add')>
"""
import builtins

__all__ = ["OpOverloadPacket", "OpOverload", "namespace", "NAMESPACES"]

# namespaces that exist before any library registers one (torch.ops.<name>)
NAMESPACES = ("aten", "prims", "prim", "quantized", "profiler", "higher_order", "torchvision")
_SPACES = {}


def _softmax(x, dim, half_to_float=False):
    from . import softmax
    return softmax(x, dim)


def _log_softmax(x, dim, half_to_float=False):
    from . import log_softmax
    return log_softmax(x, dim)


def _slice(x, dim=0, start=None, end=None, step=1):
    idx = [builtins.slice(None)] * x.dim()
    idx[dim] = builtins.slice(start, end, step)
    return x[tuple(idx)]


def _to_copy(x, *, dtype=None, layout=None, device=None, pin_memory=None, non_blocking=False, memory_format=None):
    return x.to(dtype=dtype or x.dtype, copy=True)


def _empty(size, *, dtype=None, layout=None, device=None, pin_memory=None, memory_format=None):
    from . import empty
    return empty(size, dtype=dtype, device=device)


def _index(x, indices):
    return x[tuple(builtins.slice(None) if i is None else i for i in indices)]


def _index_put(x, indices, values, accumulate=False):
    return x.clone().index_put_(tuple(indices), values, accumulate)


def _native_batch_norm(x, weight, bias, running_mean, running_var, training, momentum, eps):
    from .nn.functional import batch_norm
    axes = [0] + list(range(2, x.dim()))
    out = batch_norm(x, running_mean, running_var, weight, bias, training, momentum, eps)
    if not training:
        return out, x.new_empty(0), x.new_empty(0)
    mean = x.detach().mean(axes)
    var = x.detach().var(axes, unbiased=False)
    return out, mean, (var + eps).rsqrt()


def _batch_norm_no_training(x, weight, bias, running_mean, running_var, momentum, eps):
    return _native_batch_norm(x, weight, bias, running_mean, running_var, False, momentum, eps)


def _max_pool2d_with_indices(x, kernel_size, stride=(), padding=0, dilation=1, ceil_mode=False):
    from .nn.functional import max_pool2d
    return max_pool2d(x, kernel_size, stride or None, padding, dilation, ceil_mode, True)


def _avg_pool2d(x, kernel_size, stride=(), padding=0, ceil_mode=False, count_include_pad=True, divisor_override=None):
    from .nn.functional import avg_pool2d
    return avg_pool2d(x, kernel_size, stride or None, padding, ceil_mode, count_include_pad, divisor_override)


def _upsample(mode):
    def run(x, output_size=None, *rest, scale_factors=None, **kw):
        from .nn.functional import interpolate
        corners = rest[0] if rest and isinstance(rest[0], bool) else kw.get("align_corners")
        if output_size is None and scale_factors is None:
            raise RuntimeError("upsample: either output_size or scale_factors must be given")
        return interpolate(x, size=output_size, scale_factor=scale_factors, mode=mode,
                           align_corners=corners if mode not in ("nearest", "nearest-exact") else None)
    return run


def _native_dropout(x, p, train):
    if not train or p == 0:
        return x.clone(), x.new_ones(x.shape).bool()
    keep = x.new_empty(x.shape).bernoulli_(1 - p).bool()
    return x * keep / (1 - p), keep


_ATEN = {
    "_softmax": _softmax, "_log_softmax": _log_softmax, "slice": _slice, "_to_copy": _to_copy,
    "empty": _empty, "index": _index, "index_put": _index_put,
    "view": lambda x, size: x.view(size), "_unsafe_view": lambda x, size: x.reshape(size),
    "alias": lambda x: x.view(x.shape), "lift_fresh_copy": lambda x: x.clone(), "lift_fresh": lambda x: x,
    "copy": lambda x, src, non_blocking=False: src.to(x.dtype).expand(x.shape).clone(),
    "sym_size": lambda x, dim=None: x.size() if dim is None else x.size(dim),
    "sym_stride": lambda x, dim=None: x.stride() if dim is None else x.stride(dim),
    "sym_numel": lambda x: x.numel(), "sym_storage_offset": lambda x: x.storage_offset(),
    "native_batch_norm": _native_batch_norm, "_native_batch_norm_legit_no_training": _batch_norm_no_training,
    "_native_batch_norm_legit": _native_batch_norm,
    "max_pool2d_with_indices": _max_pool2d_with_indices, "avg_pool2d": _avg_pool2d,
    "upsample_nearest2d": _upsample("nearest"), "upsample_bilinear2d": _upsample("bilinear"),
    "upsample_bicubic2d": _upsample("bicubic"), "upsample_nearest1d": _upsample("nearest"),
    "upsample_linear1d": _upsample("linear"), "_upsample_nearest_exact2d": _upsample("nearest-exact"),
    "native_dropout": _native_dropout,
    "rsub": lambda x, other, alpha=1: (other - alpha * x) if alpha != 1 else (other - x),
    "detach_": lambda x: x.detach_(),
}


def _resolve_aten(name):
    if name in _ATEN:
        return _ATEN[name]
    import ember
    fn = getattr(ember, name, None)
    if callable(fn) and not isinstance(fn, type) and not name.startswith("_"):
        return fn
    meth = getattr(ember.Tensor, name, None)
    if callable(meth) and not name.startswith("_"):
        return meth
    fn = getattr(ember.nn.functional, name, None)
    if callable(fn) and not name.startswith("_"):
        return fn
    return None


class OpOverload:
    """One overload of an operator (``torch.ops.aten.add.Tensor``): call it like the op."""

    def __init__(self, packet, overload):
        self.overloadpacket, self._overloadname = packet, overload
        self.__name__ = f"{packet._name}.{overload}"
        self.__qualname__ = self.__name__

    def __call__(self, *args, **kwargs):
        return self.overloadpacket._fn(*args, **kwargs)

    def name(self):
        """``"ns::op.overload"`` (``"ns::op"`` for the default overload)."""
        base = self.overloadpacket._qualified_op_name
        return base if self._overloadname == "default" else f"{base}.{self._overloadname}"

    @property
    def namespace(self):
        return self.overloadpacket._ns

    @property
    def _schema(self):
        return self.overloadpacket._schema

    def __repr__(self):
        return f"<OpOverload(op='{self.overloadpacket._ns}.{self.overloadpacket._name}', overload='{self._overloadname}')>"

    def __str__(self):
        return f"{self.overloadpacket._ns}.{self.overloadpacket._name}.{self._overloadname}"

    def __hash__(self):
        return hash((self.overloadpacket._ns, self.overloadpacket._name, self._overloadname))

    def __eq__(self, other):
        return isinstance(other, OpOverload) and hash(self) == hash(other)


class OpOverloadPacket:
    """An operator with all its overloads (``torch.ops.aten.add``): calling it picks the
    overload from the arguments; ``.default``, ``.Tensor``, ... name one."""

    def __init__(self, ns, name, fn, overloads=("default",), schema=None):
        self._ns, self._name, self._fn = ns, name, fn
        self._overloads, self._schema = list(overloads), schema
        self._qualified_op_name = f"{ns}::{name}"
        self.__name__ = name
        self._cache = {}

    def __call__(self, *args, **kwargs):
        return self._fn(*args, **kwargs)

    def __getattr__(self, overload):
        if overload.startswith("__") or (self._ns != "aten" and overload not in self._overloads):
            raise AttributeError(f"The underlying op of '{self._ns}.{self._name}' has no overload name '{overload}'")
        if overload not in self._cache:
            self._cache[overload] = OpOverload(self, overload)
        return self._cache[overload]

    def overloads(self):
        """The overload names known for this op."""
        return list(self._overloads)

    def __repr__(self):
        return f"<OpOverloadPacket(op='{self._ns}.{self._name}')>"

    def __str__(self):
        return f"{self._ns}.{self._name}"


class _OpNamespace:
    """``torch.ops.<ns>``: its operators as attributes."""

    def __init__(self, name):
        self.name = self.__name__ = name
        self._ops = {}

    def _add(self, name, fn, overloads=("default",), schema=None):
        self._ops[name] = OpOverloadPacket(self.name, name, fn, overloads, schema)
        return self._ops[name]

    def __getattr__(self, op):
        if op.startswith("__"):
            raise AttributeError(op)
        if op in self._ops:
            return self._ops[op]
        if self.name == "aten":
            fn = _resolve_aten(op)
            if fn is not None:
                return self._add(op, fn)
        elif self.name == "torchvision":      # torchvision's registered kernels (nms, roi_align, ...)
            from .vision import ops as tv_ops
            fn = getattr(tv_ops, op, None)
            if callable(fn) and not isinstance(fn, type):
                return self._add(op, fn)
        raise AttributeError(f"'_OpNamespace' '{self.name}' object has no attribute '{op}'")

    def __repr__(self):
        return f"<module 'torch.ops.{self.name}' from 'torch.ops'>"


def namespace(name, create=False):
    """The namespace ``torch.ops.<name>`` (AttributeError when none is known and ``create`` is
    False)."""
    if name not in _SPACES:
        if not create and name not in NAMESPACES:
            raise AttributeError(f"module 'torch.ops' has no attribute '{name}'")
        _SPACES[name] = _OpNamespace(name)
    return _SPACES[name]


def load_library(path):
    """``torch.ops.load_library``: ember cannot load compiled PyTorch operator libraries."""
    raise NotImplementedError(f"torch.ops.load_library({path!r}): ember cannot load compiled C++ "
                              "operator libraries; define the operator with torch.library.custom_op")
