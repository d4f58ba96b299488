"""``torch.library``: define custom operators from Python functions.

``custom_op`` wraps a function as an operator; ``register_autograd`` gives it a backward
(``setup_context(ctx, inputs, output)`` then ``backward(ctx, *grads)``), ``register_fake``
records its shape function (ember runs real tensors only, so the fake is kept, not used).

>>> from ember.library import *
>>> import ember
>>> @ember.library.custom_op("demo::twice", mutates_args=())
... def twice(x: ember.Tensor) -> ember.Tensor:
...     return x * 2
>>> def setup(ctx, inputs, output):
...     pass
>>> ember.library.register_autograd("demo::twice", lambda ctx, g: g * 2, setup_context=setup)
>>> x = ember.ones(3, requires_grad=True)
>>> twice(x).sum().backward(); x.grad
tensor([2., 2., 2.])

Calling a custom op as ``torch.ops.<namespace>.<name>`` is not built (ember's ``ember.ops``
holds its own primitives); call the object ``custom_op`` returns.
"""
import inspect

from .autograd.function import Function
from .autograd import grad_mode

__all__ = ["custom_op", "register_fake", "register_autograd", "register_kernel", "impl_abstract",
           "Library", "CustomOpDef", "get_ctx", "infer_schema"]

_REGISTRY = {}       # "ns::name" -> CustomOpDef


class CustomOpDef:
    """A custom operator: call it like the function it wraps.

    >>> from ember.library import *
    >>> op = custom_op("demo::inc", lambda x: x + 1, mutates_args=())
    >>> op(ember.zeros(2))
    tensor([1., 1.])
    """

    def __init__(self, name, fn, mutates_args, schema=None):
        self._qualname = name
        self._init_fn = fn
        self._mutates_args = mutates_args
        self._schema = schema
        self._fake_fn = None
        self._backward_fn = None
        self._setup_context_fn = None
        self._kernels = {}
        self._signature = inspect.signature(fn)
        self.__name__ = name.split("::")[-1]
        self.__doc__ = fn.__doc__

    def __repr__(self):
        return f"<CustomOpDef({self._qualname})>"

    def register_fake(self, fn):
        self._fake_fn = fn
        return fn

    def register_autograd(self, backward, /, *, setup_context=None):
        self._backward_fn = backward
        self._setup_context_fn = setup_context

    def register_kernel(self, device_types, fn=None, /):
        def inner(f):
            for d in ([device_types] if isinstance(device_types, str) or device_types is None else device_types):
                self._kernels[d] = f
            return f
        return inner if fn is None else inner(fn)

    def _impl(self):
        return self._kernels.get("cpu") or self._kernels.get(None) or self._init_fn

    def __call__(self, *args, **kwargs):
        bound = self._signature.bind(*args, **kwargs)
        bound.apply_defaults()
        inputs = tuple(bound.arguments.values())
        impl = self._impl()
        if self._backward_fn is None or not grad_mode._state[0] or not any(
                getattr(a, "requires_grad", False) for a in inputs):
            return impl(*inputs)
        return _autograd_function(self).apply(*inputs)


def _autograd_function(op):
    impl, setup, backward = op._impl(), op._setup_context_fn, op._backward_fn

    class _CustomOpFunction(Function):
        @staticmethod
        def forward(ctx, *inputs):
            out = impl(*inputs)
            if setup is not None:
                setup(ctx, inputs, out)
            return out

        @staticmethod
        def backward(ctx, *grads):
            res = backward(ctx, *grads)
            return tuple(res) if isinstance(res, (tuple, list)) else (res,)

    _CustomOpFunction.__name__ = op.__name__ + "Backward"
    return _CustomOpFunction


def custom_op(name, fn=None, /, *, mutates_args, device_types=None, schema=None, tags=None):
    """Wrap ``fn`` as the custom operator ``"namespace::name"`` (usable as a decorator).

    >>> from ember.library import *
    >>> custom_op("demo::neg", mutates_args=())(lambda x: -x)(ember.ones(1))
    tensor([-1.])
    """
    if "::" not in name:
        raise ValueError(f"Expected `name` to be of the form \"namespace::name\", got {name!r}")

    def inner(f):
        op = CustomOpDef(name, f, mutates_args, schema)
        _REGISTRY[name] = op
        return op
    return inner if fn is None else inner(fn)


def _lookup(op):
    if isinstance(op, CustomOpDef):
        return op
    if op not in _REGISTRY:
        raise ValueError(f"register: there is no custom op named {op!r} (define it with torch.library.custom_op)")
    return _REGISTRY[op]


def register_fake(op, func=None, /, *, lib=None, _stacklevel=1, allow_override=True):
    """Record the shape/dtype function of a custom op (kept; ember has no fake tensors).

    >>> from ember.library import *
    >>> _ = custom_op("demo::id", lambda x: x, mutates_args=())
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
    >>> _ = custom_op("demo::sq", lambda x: x * x, mutates_args=())
    >>> register_autograd("demo::sq", lambda ctx, g: 2 * ctx.x * g,
    ...                   setup_context=lambda ctx, inputs, out: setattr(ctx, "x", inputs[0]))
    """
    _lookup(op).register_autograd(backward, setup_context=setup_context)


def register_kernel(op, device_types, func=None, /, *, lib=None):
    """Use ``func`` as the op's implementation for ``device_types`` (``"cpu"`` is what ember runs).

    >>> from ember.library import *
    >>> _ = custom_op("demo::k", lambda x: x, mutates_args=())
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
    """The operator schema of a type-annotated function (not built in ember).

    >>> from ember.library import *
    >>> callable(infer_schema)
    True
    """
    raise NotImplementedError("torch.library.infer_schema is not built in ember")


class Library:
    """A namespace of operators defined by schema strings (not built in ember: use ``custom_op``).

    >>> from ember.library import *
    >>> try:
    ...     Library("demo", "DEF")
    ... except NotImplementedError:
    ...     print("not built")
    not built
    """

    def __init__(self, ns, kind, dispatch_key=""):
        raise NotImplementedError("torch.library.Library (schema-string operator definitions) is not "
                                  "built in ember; use torch.library.custom_op")
