"""``Proxy``: the stand-in value symbolic tracing passes through a program (``torch.fx.Proxy``).

Every operation on a Proxy (an operator, an attribute, a method call, a call of an ember
function) records a ``Node`` in the tracer's graph and returns a new Proxy for its result.

>>> def f(x):
...     return (x + 1).relu()
>>> [n.op for n in ember.fx.symbolic_trace(f).graph.nodes]
['placeholder', 'call_function', 'call_method', 'output']
"""
import dis
import operator
import sys

__all__ = ["Proxy", "Attribute", "TraceError", "ProxyableClassMeta"]


class TraceError(ValueError):
    """A program did something symbolic tracing cannot record (``torch.fx.proxy.TraceError``).

    >>> try:
    ...     ember.fx.symbolic_trace(lambda x: x if x.sum() > 0 else -x)
    ... except ember.fx.proxy.TraceError as e:
    ...     print(e)
    symbolically traced variables cannot be used as inputs to control flow
    """


_TENSOR_SLOTS = None


def _tensor_internals():
    global _TENSOR_SLOTS
    if _TENSOR_SLOTS is None:
        from .._tensor import Tensor
        slots = set()
        for k in Tensor.__mro__:
            slots.update(getattr(k, "__slots__", ()))
        _TENSOR_SLOTS = {s for s in slots if s.startswith("_")}
    return _TENSOR_SLOTS


def _caller(depth=2):
    f = sys._getframe(depth)
    name = getattr(f.f_code, "co_qualname", f.f_code.co_name)
    return f"{f.f_globals.get('__name__', '?')}.{name}"


def _internal_use_message(depth):
    return (f"{_caller(depth)} received an fx Proxy (a traced value) where it needs a real Tensor: it is "
            "not recorded by ember.fx. Call it through a public ember function, or register it with "
            "ember.fx.wrap so it is recorded as one call")


class Proxy:
    """A value being traced; operations on it record nodes in ``tracer.graph``.

    >>> g = ember.fx.Graph(); t = ember.fx.Tracer(); t.graph = g
    >>> p = ember.fx.Proxy(g.placeholder("x"), t); (p * 2).node.op
    'call_function'
    """

    def __init__(self, node, tracer=None):
        if tracer is None:
            from .tracer import GraphAppendingTracer
            tracer = GraphAppendingTracer(node.graph)
        self.tracer = tracer
        self.node = node

    def __repr__(self):
        return f"Proxy({self.node.name})"

    __hash__ = object.__hash__

    def __getattr__(self, k):
        if k in _tensor_internals():
            raise TraceError(_internal_use_message(3))
        if k.startswith("__") and k.endswith("__"):
            # protocol probes (NumPy's __array_interface__, copy's __deepcopy__ ...) are not recorded
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {k!r}")
        return Attribute(self, k)

    def __call__(self, *args, **kwargs):
        return self.tracer.create_proxy("call_method", "__call__", (self,) + args, kwargs)

    def __iter__(self):
        frame = sys._getframe(1)
        inst = _next_instruction(frame)
        if inst is not None and inst.opname == "UNPACK_SEQUENCE":
            return (self[i] for i in range(inst.argval))
        return self.tracer.iter(self)

    def __bool__(self):
        return self.tracer.to_bool(self)

    def keys(self):
        return self.tracer.keys(self)

    def __len__(self):
        raise RuntimeError("'len' is not supported in symbolic tracing by default. If you want this call to "
                           "be recorded, please call ember.fx.wrap('len') at module scope")

    def __array__(self, *args, **kwargs):
        raise TraceError(f"{_caller()} tried to turn an fx Proxy into a NumPy array: the traced value has no "
                         "data. Call it through a public ember function or register it with ember.fx.wrap")

    def __setitem__(self, key, value):
        self.tracer.create_proxy("call_function", operator.setitem, (self, key, value), {})

    def __getitem__(self, key):
        return self.tracer.create_proxy("call_function", operator.getitem, (self, key), {})

    def __abs__(self):
        return self.tracer.create_proxy("call_function", operator.abs, (self,), {})


def _next_instruction(frame):
    try:
        for inst in dis.get_instructions(frame.f_code):
            if inst.offset == frame.f_lasti:
                return inst
    except Exception:  # pragma: no cover - exotic frames
        return None
    return None


def _binary(op):
    def forward(self, other):
        return self.tracer.create_proxy("call_function", op, (self, other), {})

    def reflected(self, other):
        return self.tracer.create_proxy("call_function", op, (other, self), {})
    return forward, reflected


for _name in ("add", "sub", "mul", "truediv", "floordiv", "mod", "pow", "matmul", "lshift", "rshift",
              "and_", "or_", "xor"):
    _f, _r = _binary(getattr(operator, _name))
    _dunder = _name.rstrip("_")
    setattr(Proxy, f"__{_dunder}__", _f)
    setattr(Proxy, f"__r{_dunder}__", _r)
for _name in ("eq", "ne", "lt", "le", "gt", "ge"):
    setattr(Proxy, f"__{_name}__", _binary(getattr(operator, _name))[0])
for _name in ("neg", "pos", "invert"):
    setattr(Proxy, f"__{_name}__", (lambda op: lambda self: self.tracer.create_proxy(
        "call_function", op, (self,), {}))(getattr(operator, _name)))
del _name, _f, _r, _dunder


class Attribute(Proxy):
    """``proxy.name``: a getattr node, created only when used as a value (a call records a method).

    >>> p = ember.fx.symbolic_trace(lambda x: x.T).graph; [n.op for n in p.nodes][1]
    'call_function'
    """

    def __init__(self, root, attr):
        self.root = root
        self.attr = attr
        self.tracer = root.tracer
        self._node = None

    @property
    def node(self):
        if self._node is None:
            self._node = self.tracer.create_proxy("call_function", getattr, (self.root, self.attr), {}).node
        return self._node

    def __call__(self, *args, **kwargs):
        return self.tracer.create_proxy("call_method", self.attr, (self.root,) + args, kwargs)


class ProxyableClassMeta(type):
    """Metaclass whose instances built from Proxies are recorded as one call of the class.

    >>> class Pair(metaclass=ember.fx.ProxyableClassMeta):
    ...     def __init__(self, a): self.a = a
    >>> Pair(1).a
    1
    """

    def __call__(cls, *args, **kwargs):
        from .tracer import find_proxy
        p = find_proxy(args, kwargs)
        if p is not None:
            return p.tracer.create_proxy("call_function", cls, args, kwargs)
        return super().__call__(*args, **kwargs)


def __getattr__(name):
    if name == "GraphAppendingTracer":  # torch.fx.proxy.GraphAppendingTracer (defined with the Tracer)
        from .tracer import GraphAppendingTracer
        return GraphAppendingTracer
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
