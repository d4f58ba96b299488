"""``torch.library``: define custom operators, from Python functions or from schema strings.

``custom_op`` wraps a type-annotated function as the operator ``"ns::name"`` (its schema is
inferred from the annotations, as torch does); ``register_autograd`` gives it a backward
(``setup_context(ctx, inputs, output)`` then ``backward(ctx, *grads)``), ``register_fake``
records its shape function (ember runs real tensors, so the fake is used only by ``opcheck``).
``Library(ns, "DEF" | "FRAGMENT" | "IMPL")`` with ``define(schema)`` and ``impl(name, fn)``,
and the functions ``define`` / ``impl``, build operators from schema strings. Every operator is
also reachable as ``torch.ops.<ns>.<name>``.

>>> from ember.library import *
>>> import ember
>>> @ember.library.custom_op("demo::twice", mutates_args=())
... def twice(x: ember.Tensor) -> ember.Tensor:
...     return x * 2
>>> def setup(ctx, inputs, output):
...     pass
>>> ember.library.register_autograd("demo::twice", lambda ctx, g: g * 2, setup_context=setup)
>>> x = ember.ones(3, requires_grad=True)
>>> ember.ops.demo.twice(x).sum().backward(); x.grad
tensor([2., 2., 2.])
"""
from .autograd.function import Function
from .autograd import grad_mode
from . import _op_schema, _ops_namespace
from ._opcheck import opcheck, OpCheckError  # noqa: F401

__all__ = ["custom_op", "register_fake", "register_autograd", "register_kernel", "impl_abstract",
           "Library", "CustomOpDef", "get_ctx", "infer_schema", "define", "impl", "get_kernel",
           "fallthrough_kernel", "opcheck"]

_REGISTRY = {}       # "ns::name" -> CustomOpDef
_LIBRARIES = {}      # namespace -> the Library that DEF'd it


def _split(qualname):
    if "::" not in qualname:
        raise ValueError(f"Expected `name` to be of the form \"namespace::name\", got {qualname!r}")
    ns, name = qualname.split("::", 1)
    return ns, name


class CustomOpDef:
    """A custom operator: call it like the function it wraps (or as ``torch.ops.ns.name``).

    >>> from ember.library import *
    >>> def inc(x: ember.Tensor) -> ember.Tensor:
    ...     return x + 1
    >>> op = custom_op("demo::inc", inc, mutates_args=())
    >>> op(ember.zeros(2)), op
    (tensor([1., 1.]), <CustomOpDef(demo::inc)>)
    """

    def __init__(self, name, fn, mutates_args, schema):
        self._qualname = name
        self._namespace, self._name = _split(name)
        self._init_fn = fn
        self._mutates_args = mutates_args
        self._schema = _op_schema.parse_schema(f"{name}{schema}" if schema.startswith("(") else schema)
        self._schema.name = name
        self._fake_fn = None
        self._backward_fn = None
        self._setup_context_fn = None
        self._kernels = {}
        self.__name__ = self._name
        self.__doc__ = getattr(fn, "__doc__", None)
        _REGISTRY[name] = self
        _ops_namespace.namespace(self._namespace, create=True)._add(self._name, self, schema=self._schema)

    def __repr__(self):
        return f"<CustomOpDef({self._qualname})>"

    def register_fake(self, fn):
        """Record the op's fake (shape and dtype) implementation."""
        self._fake_fn = fn
        return fn

    def register_autograd(self, backward, /, *, setup_context=None):
        """Give the op a backward (see :func:`register_autograd`)."""
        self._backward_fn = backward
        self._setup_context_fn = setup_context

    def register_kernel(self, device_types, fn=None, /):
        """Use ``fn`` for ``device_types`` (usable as a decorator)."""
        def inner(f):
            for d in ([device_types] if isinstance(device_types, str) or device_types is None else device_types):
                self._kernels[None if d is None else d.lower()] = f
            return f
        return inner if fn is None else inner(fn)

    def _impl(self):
        fn = self._kernels.get("cpu") or self._kernels.get(None) or self._init_fn
        if fn is None:
            raise NotImplementedError(f"Could not run '{self._qualname}' with arguments from the 'CPU' backend: "
                                      "the operator was defined but no kernel was registered for it "
                                      "(use torch.library.impl or Library.impl)")
        return fn

    def __call__(self, *args, **kwargs):
        pos, kw = self._schema.bind(args, kwargs)
        impl = self._impl()
        if not grad_mode._state[0] or not any(_requires_grad(a) for a in pos + list(kw.values())):
            return impl(*pos, **kw)
        return _autograd_function(self, kw).apply(*pos)


def _requires_grad(a):
    if isinstance(a, (list, tuple)):
        return any(_requires_grad(x) for x in a)
    return getattr(a, "requires_grad", False)


def _autograd_function(op, kw):
    impl, setup, backward = op._impl(), op._setup_context_fn, op._backward_fn

    class _CustomOpFunction(Function):
        @staticmethod
        def forward(ctx, *inputs):
            out = impl(*inputs, **kw)
            if setup is not None:
                setup(ctx, inputs + tuple(kw.values()), out)
            return out

        @staticmethod
        def backward(ctx, *grads):
            if backward is None:
                raise RuntimeError(f"Trying to backward through {op._namespace}.{op._name}.default but no "
                                   "autograd formula was registered. Please use register_autograd to add one.")
            res = backward(ctx, *grads)
            return (tuple(res) if isinstance(res, (tuple, list)) else (res,))[:len(ctx.needs_input_grad)]

    _CustomOpFunction.__name__ = f"GeneratedBackwardFor_{op._namespace}_{op._name}_default"
    return _CustomOpFunction


def custom_op(name, fn=None, /, *, mutates_args, device_types=None, schema=None, tags=None):
    """Wrap ``fn`` as the custom operator ``"namespace::name"`` (usable as a decorator); its
    schema is inferred from ``fn``'s annotations unless ``schema`` is given.

    >>> from ember.library import *
    >>> def neg(x: ember.Tensor) -> ember.Tensor:
    ...     return -x
    >>> custom_op("demo::neg", neg, mutates_args=())(ember.ones(1))
    tensor([-1.])
    """
    def inner(f):
        ns, opname = _split(name)
        text = schema if schema is not None else _op_schema.infer_schema(f, mutates_args=mutates_args)
        op = CustomOpDef(name, f, mutates_args, text)
        if device_types is not None:
            op.register_kernel(device_types, f)
        return op
    if fn is None:
        return inner
    return inner(fn)


def _lookup(op):
    if isinstance(op, CustomOpDef):
        return op
    if isinstance(op, (_ops_namespace.OpOverload, _ops_namespace.OpOverloadPacket)):
        pk = op.overloadpacket if isinstance(op, _ops_namespace.OpOverload) else op
        op = pk._qualified_op_name
    if op not in _REGISTRY:
        raise RuntimeError(f"operator {op} does not exist")
    return _REGISTRY[op]


def register_fake(op, func=None, /, *, lib=None, _stacklevel=1, allow_override=True):
    """Record the shape/dtype function of a custom op (``opcheck`` checks it against the op).

    >>> from ember.library import *
    >>> def ident(x: ember.Tensor) -> ember.Tensor:
    ...     return x.clone()
    >>> _ = custom_op("demo::id", ident, mutates_args=())
    >>> register_fake("demo::id", lambda x: ember.empty_like(x)) is not None
    True
    """
    def inner(f):
        return _lookup(op).register_fake(f)
    return inner if func is None else inner(func)


impl_abstract = register_fake


def register_autograd(op, backward, /, *, setup_context=None, lib=None):
    """Give a custom op a backward: ``setup_context(ctx, inputs, output)``, ``backward(ctx, *grads)``.

    >>> from ember.library import *
    >>> def sq(x: ember.Tensor) -> ember.Tensor:
    ...     return x * x
    >>> _ = custom_op("demo::sq", sq, mutates_args=())
    >>> register_autograd("demo::sq", lambda ctx, g: 2 * ctx.x * g,
    ...                   setup_context=lambda ctx, inputs, out: setattr(ctx, "x", inputs[0]))
    """
    _lookup(op).register_autograd(backward, setup_context=setup_context)


def register_kernel(op, device_types, func=None, /, *, lib=None):
    """Use ``func`` as the op's implementation for ``device_types`` (``"cpu"`` is what ember runs).

    >>> from ember.library import *
    >>> def k(x: ember.Tensor) -> ember.Tensor:
    ...     return x.clone()
    >>> _ = custom_op("demo::k", k, mutates_args=())
    >>> register_kernel("demo::k", "cpu", lambda x: x + 5)(ember.zeros(1)) is not None
    True
    """
    return _lookup(op).register_kernel(device_types, func)


def get_ctx():
    """The fake-implementation context (ember has no fake tensors).

    >>> from ember.library import *
    >>> callable(get_ctx)
    True
    """
    raise NotImplementedError("torch.library.get_ctx: ember has no fake-tensor tracing")


def infer_schema(prototype_function, /, *, mutates_args, op_name=None):
    """The operator schema of a type-annotated function, as torch writes it.

    >>> from ember.library import *
    >>> def f(x: ember.Tensor, y: ember.Tensor) -> ember.Tensor: ...
    >>> infer_schema(f, mutates_args={"y"})
    '(Tensor x, Tensor(a1!) y) -> Tensor'
    """
    return _op_schema.infer_schema(prototype_function, mutates_args, op_name)


def fallthrough_kernel():
    """A dispatch placeholder that torch skips over; ember has no dispatch keys to fall through.

    >>> from ember.library import *
    >>> callable(fallthrough_kernel)
    True
    """
    raise NotImplementedError("fallthrough_kernel should never be called")


class Library:
    """A namespace of operators defined by schema strings: ``kind`` is ``"DEF"`` (the namespace's
    one defining library), ``"FRAGMENT"`` (more definitions) or ``"IMPL"`` (kernels only).

    >>> from ember.library import *
    >>> lib = Library("demo_lib", "DEF")
    >>> lib.define("scale(Tensor x, float s=2.0) -> Tensor")
    'scale'
    >>> lib.impl("scale", lambda x, s=2.0: x * s, "CPU")
    >>> ember.ops.demo_lib.scale(ember.ones(2))
    tensor([2., 2.])
    """

    def __init__(self, ns, kind, dispatch_key=""):
        if kind not in ("DEF", "IMPL", "FRAGMENT"):
            raise ValueError("Unsupported kind: ", kind)
        if ns == "aten" and kind != "FRAGMENT":
            raise NotImplementedError("torch.library.Library('aten', ...): replacing ATen kernels is not built "
                                      "in ember")
        if kind == "DEF":
            if ns in _LIBRARIES:
                raise RuntimeError(f"Only a single TORCH_LIBRARY can be used to register the namespace {ns}; "
                                   "please put all of your definitions in a single TORCH_LIBRARY block.  If "
                                   "you were trying to specify implementations, consider using TORCH_LIBRARY_IMPL "
                                   "(which can be duplicated).  If you really intended to define operators for a "
                                   "single namespace in a distributed way, you can use TORCH_LIBRARY_FRAGMENT to "
                                   "explicitly indicate this.")
            _LIBRARIES[ns] = self
        self.ns, self.kind, self.dispatch_key = ns, kind, dispatch_key
        self._defined = []

    def define(self, schema, alias_analysis="", *, tags=()):
        """Define an operator from its schema string; returns its name.

        >>> from ember.library import *
        >>> Library("demo_def", "DEF").define("twice(Tensor x) -> Tensor")
        'twice'
        """
        if self.kind == "IMPL":
            raise RuntimeError("Cannot define an operator inside of a IMPL library.")
        parsed = _op_schema.parse_schema(schema)
        qual = f"{self.ns}::{parsed.name}"
        CustomOpDef(qual, None, "unknown", f"{qual}{schema[schema.index('('):]}")
        self._defined.append(qual)
        return parsed.name

    def impl(self, op_name, fn, dispatch_key="", *, with_keyset=False, allow_override=True):
        """Register ``fn`` as the kernel of ``op_name`` (``"name"`` or ``"ns::name"``) for
        ``dispatch_key`` (CPU, CompositeImplicitAutograd, ...; Meta kernels become its fake)."""
        if not callable(fn):
            raise TypeError(f"Input function is required to be a callable but found type {type(fn)}")
        name = op_name if isinstance(op_name, str) else op_name._qualified_op_name
        qual = name if "::" in name else f"{self.ns}::{name.split('.')[0]}"
        op = _lookup(qual)
        key = (dispatch_key or "CompositeImplicitAutograd").lower()
        if key == "meta":
            op.register_fake(fn)
        elif key == "autograd":
            raise NotImplementedError("Library.impl(..., 'Autograd'): register a backward with "
                                      "torch.library.register_autograd instead")
        else:
            op.register_kernel("cpu" if key in ("cpu", "compositeimplicitautograd", "compositeexplicitautograd",
                                                "") else key, fn)

    def _destroy(self):
        for qual in self._defined:
            _REGISTRY.pop(qual, None)
            ns, name = _split(qual)
            _ops_namespace.namespace(ns, create=True)._ops.pop(name, None)
        if _LIBRARIES.get(self.ns) is self:
            del _LIBRARIES[self.ns]


def define(qualname, schema, *, lib=None, tags=()):
    """Define the operator ``"ns::name"`` from a schema string such as ``"(Tensor x) -> Tensor"``.

    >>> from ember.library import *
    >>> define("demo_fn::cube", "(Tensor x) -> Tensor")
    >>> _ = impl("demo_fn::cube", "cpu", lambda x: x ** 3)
    >>> ember.ops.demo_fn.cube(ember.tensor([2.]))
    tensor([8.])
    """
    ns, name = _split(qualname)
    lib = lib if lib is not None else Library(ns, "FRAGMENT")
    lib.define(name + schema, tags=tags)


def impl(qualname, types, func=None, *, lib=None):
    """Register a kernel for the operator ``qualname`` on ``types`` (usable as a decorator).

    >>> from ember.library import *
    >>> define("demo_fn::half", "(Tensor x) -> Tensor")
    >>> @impl("demo_fn::half", "cpu")
    ... def _(x):
    ...     return x / 2
    >>> ember.ops.demo_fn.half(ember.tensor([2.]))
    tensor([1.])
    """
    def inner(f):
        op = _lookup(qualname if isinstance(qualname, str) else qualname._qualified_op_name)
        op.register_kernel([types] if isinstance(types, str) else list(types), f)
        return f
    return inner if func is None else inner(func)


def get_kernel(op, dispatch_key):
    """The kernel registered for ``op`` on ``dispatch_key`` (a callable).

    >>> from ember.library import *
    >>> define("demo_fn::inc", "(Tensor x) -> Tensor")
    >>> _ = impl("demo_fn::inc", "cpu", lambda x: x + 1)
    >>> get_kernel("demo_fn::inc", "CPU")(ember.zeros(1))
    tensor([1.])
    """
    return _lookup(op)._impl()
