"""Concrete tracing: record a program into an fx graph while running it on real example inputs.

This is the capture that ``ember.jit.trace``, ``ember.compile`` and ``ember.onnx.export`` build on
(private, but documented here as their API). It uses the same recording machinery as
``ember.fx.symbolic_trace`` (Proxies, the trace-time patching of ember's namespaces), with one
difference: every Proxy also carries the real value computed as it goes. When Python itself
needs a value -- ``bool()``, ``int()``, ``float()``, ``len()``, iteration, ``format`` -- the real
value is used and the branch taken is baked into the graph (``torch.jit.trace`` semantics).
Each such moment is recorded as a :class:`Decision`; the ones that depend on tensor *data*
(not only shapes) emit a :class:`TracerWarning` as PyTorch's tracer does.

Differences from symbolic tracing: no module is a leaf unless ``leaf_modules`` says so (the graph
records the ``ember.nn.functional`` calls inside ``ember.nn`` layers, as ``jit.trace`` records
their ops); a module whose ``forward`` cannot be traced through (an internal function met a
Proxy) is recorded as one ``call_module`` instead (``fallback_to_leaf``); dead code is removed;
Proxies pass ``isinstance(p, ember.Tensor)`` when their value is a Tensor.

API::

    gm = ember.fx._concrete.trace(fn_or_module, example_args, example_kwargs=None,
                                  leaf_modules=(), fallback_to_leaf=True, autowrap_functions=(),
                                  dead_code_elimination=True, warn=True, tracer_cls=None)
    info = gm.meta["concrete_trace"]       # a TraceInfo
    info.decisions                         # [Decision(kind, value, data_dependent, node, where)]
    info.data_dependent                    # the decisions that depend on tensor values (graph breaks)
    info.leaf_fallbacks                    # qualified names of modules recorded whole after a failure
    info.example_output                    # what the program returned on the example inputs

>>> def f(x, n):
...     y = x * 2
...     if n > 1:                          # a Python decision on an input: baked in
...         y = y + 1
...     return y.relu()
>>> gm = ember.fx._concrete.trace(f, (ember.tensor([-1.0, 1.0]), 3))
>>> print(gm.code.strip())
def forward(self, x, n):
    mul = x * 2;  x = None
    add = mul + 1;  mul = None
    relu = add.relu();  add = None
    return relu
>>> [(d.kind, d.value, d.data_dependent) for d in gm.meta["concrete_trace"].decisions]
[('bool', True, False)]
"""
import inspect
import sys
import warnings

from .node import map_aggregate
from .patching import active_tracer, tracing_with
from .proxy import Proxy, TraceError, _internal_use_message, _tensor_internals
from .tracer import Tracer

__all__ = ["trace", "ConcreteTracer", "ConcreteProxy", "Decision", "TraceInfo", "TracerWarning", "is_tracing"]

_META_ATTRS = {"shape", "dtype", "device", "ndim", "requires_grad", "is_cuda", "layout", "is_sparse",
               "is_quantized", "is_leaf", "names", "is_meta", "is_cpu"}
_META_METHODS = {"size", "dim", "numel", "nelement", "ndimension", "stride", "is_contiguous",
                 "is_floating_point", "is_complex", "element_size", "get_device", "storage_offset"}


class TracerWarning(Warning):
    """A trace may not generalize: a tensor value steered Python (``torch.jit.TracerWarning``).

    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as w:
    ...     warnings.simplefilter("always")
    ...     _ = ember.fx._concrete.trace(lambda x: x * float(x.sum()), (ember.ones(2),))
    >>> w[0].category.__name__
    'TracerWarning'
    """


class Decision:
    """One point where Python used a traced value: ``kind`` (``bool``, ``int``, ``float``, ``index``,
    ``len``, ``iter``, ``format``, ``array``), the ``value`` used, whether it depends on tensor
    data (``data_dependent``; False for shapes, dtypes and non-tensor inputs), the ``node``
    that produced it and ``where`` (``file:line`` in the traced program).

    >>> gm = ember.fx._concrete.trace(lambda x: x * 2 if x.dim() == 1 else x, (ember.ones(2),))
    >>> d = gm.meta["concrete_trace"].decisions[0]; d.kind, d.value, d.data_dependent
    ('bool', True, False)
    """

    __slots__ = ("kind", "value", "data_dependent", "node", "where")

    def __init__(self, kind, value, data_dependent, node, where):
        self.kind, self.value, self.data_dependent, self.node, self.where = kind, value, data_dependent, node, where

    def __repr__(self):
        return (f"Decision({self.kind}={self.value!r}, data_dependent={self.data_dependent}, "
                f"node={self.node.name}, at {self.where})")


class TraceInfo:
    """What a concrete trace learned besides the graph (see the module docstring).

    >>> ember.fx._concrete.trace(lambda x: x + 1, (ember.ones(1),)).meta["concrete_trace"]
    TraceInfo(decisions=0, data_dependent=0, leaf_fallbacks=[])
    """

    def __init__(self, decisions, leaf_fallbacks, example_output):
        self.decisions = decisions
        self.leaf_fallbacks = leaf_fallbacks
        self.example_output = example_output

    @property
    def data_dependent(self):
        return [d for d in self.decisions if d.data_dependent]

    def __repr__(self):
        return (f"TraceInfo(decisions={len(self.decisions)}, data_dependent={len(self.data_dependent)}, "
                f"leaf_fallbacks={self.leaf_fallbacks})")


def _value(a):
    return map_aggregate(a, lambda v: v._value if isinstance(v, ConcreteProxy) else v)


def _is_tensor(v):
    from .._tensor import Tensor
    return isinstance(v, Tensor)


def _where():
    f = sys._getframe(2)
    while f is not None and f.f_globals.get("__name__", "").startswith("ember.fx"):
        f = f.f_back
    return "?" if f is None else f"{f.f_code.co_filename}:{f.f_lineno}"


_MESSAGES = {
    "bool": "Converting a tensor to a Python boolean might cause the trace to be incorrect. We can't record "
            "the data flow of Python values, so this value will be treated as a constant in the future. This "
            "means that the trace might not generalize to other inputs!",
    "int": "Converting a tensor to a Python integer might cause the trace to be incorrect. We can't record the "
           "data flow of Python values, so this value will be treated as a constant in the future. This means "
           "that the trace might not generalize to other inputs!",
    "float": "Converting a tensor to a Python float might cause the trace to be incorrect. We can't record the "
             "data flow of Python values, so this value will be treated as a constant in the future. This "
             "means that the trace might not generalize to other inputs!",
    "index": "Converting a tensor to a Python index might cause the trace to be incorrect. We can't record the "
             "data flow of Python values, so this value will be treated as a constant in the future. This "
             "means that the trace might not generalize to other inputs!",
    "iter": "Iterating over a tensor might cause the trace to be incorrect. Passing a tensor of different shape "
            "won't change the number of iterations executed (and might lead to errors or silently give "
            "incorrect results).",
    "array": "Converting a tensor to a NumPy array might cause the trace to be incorrect. We can't record the "
             "data flow of Python values, so this value will be treated as a constant in the future. This "
             "means that the trace might not generalize to other inputs!",
}


class ConcreteProxy(Proxy):
    """A Proxy that also holds the real value (``_value``) of what it stands for.

    >>> gm = ember.fx._concrete.trace(lambda x: x.shape[0] * x, (ember.ones(3),))
    >>> [n.op for n in gm.graph.nodes]
    ['placeholder', 'call_function', 'call_function', 'call_function', 'output']
    """

    def __init__(self, node, tracer, value, data_dependent):
        self.node = node
        self.tracer = tracer
        self._value = value
        self._data_dep = data_dependent

    @property
    def __class__(self):
        v = self._value
        return type(v) if _is_tensor(v) else ConcreteProxy

    def __repr__(self):
        return f"ConcreteProxy({self.node.name})"

    def __str__(self):
        return str(self._value)

    def __getattr__(self, k):
        if k in _tensor_internals():
            raise TraceError(_internal_use_message(3))
        v = getattr(self._value, k)
        if k.startswith("__") and k.endswith("__"):
            return v  # protocol probes read the value; they are not part of the program
        if k not in _META_ATTRS and callable(v) and not _is_tensor(v) and not isinstance(v, type):
            return _Method(self, k)
        return self.tracer.create_proxy("call_function", getattr, (self, k), {})

    def _decide(self, kind, value, data_dependent=None):
        dd = self._data_dep if data_dependent is None else data_dependent
        self.tracer._decide(kind, value, dd, self.node)
        return value

    def __bool__(self):
        return self._decide("bool", bool(self._value))

    def __int__(self):
        return self._decide("int", int(self._value))

    def __float__(self):
        return self._decide("float", float(self._value))

    def __complex__(self):
        return self._decide("float", complex(self._value))

    def __index__(self):
        return self._decide("index", self._value.__index__())

    def __len__(self):
        return self._decide("len", len(self._value), False if _is_tensor(self._value) else None)

    def __iter__(self):
        v = self._value
        n = self._decide("iter", len(v), False if _is_tensor(v) or isinstance(v, (tuple, list)) else None)
        if _is_tensor(v) and self.tracer.warn:
            warnings.warn(TracerWarning(_MESSAGES["iter"]), stacklevel=2)
        if isinstance(v, dict):
            return iter(list(v))
        return (self[i] for i in range(n))

    def __contains__(self, item):
        return self._decide("bool", item in self._value)

    def __format__(self, spec):
        return self._decide("format", format(self._value, spec))

    def __array__(self, dtype=None, copy=None):
        from .._backend import np
        arr = self._value.numpy() if _is_tensor(self._value) else self._value
        self._decide("array", None, True)
        return np.asarray(arr, dtype=dtype)

    def keys(self):
        return self._value.keys()


class _Method:
    """``proxy.method``: calling it records a ``call_method`` node."""

    def __init__(self, proxy, name):
        self.proxy, self.name = proxy, name

    def __call__(self, *args, **kwargs):
        return self.proxy.tracer.create_proxy("call_method", self.name, (self.proxy,) + args, kwargs)


class ConcreteTracer(Tracer):
    """The tracer behind :func:`trace`: records while computing real values (module docstring).

    >>> t = ember.fx._concrete.ConcreteTracer(leaf_modules=(ember.nn.Linear,))
    >>> t.is_leaf_module(ember.nn.Linear(1, 1), "fc"), t.is_leaf_module(ember.nn.ReLU(), "act")
    (True, False)
    """

    proxy_buffer_attributes = True  # in-place buffer updates (BatchNorm's counters) are in the graph
    _honor_fx_wrap = False          # records inside fx.wrap'ed functions (as torch.export traces them)

    def __init__(self, leaf_modules=(), fallback_to_leaf=True, autowrap_functions=(), warn=True):
        super().__init__(autowrap_functions=autowrap_functions)
        self.leaf_modules = leaf_modules
        self.fallback_to_leaf = fallback_to_leaf
        self.warn = warn
        self.decisions = []
        self.leaf_fallbacks = []
        self._params_as_constants = True

    def is_leaf_module(self, m, module_qualified_name):
        lm = self.leaf_modules
        if callable(lm) and not isinstance(lm, (tuple, list, type)):
            return bool(lm(m, module_qualified_name))
        if isinstance(lm, type):
            lm = (lm,)
        return isinstance(m, tuple(lm)) if lm else False

    def _decide(self, kind, value, data_dependent, node):
        self.decisions.append(Decision(kind, value, data_dependent, node, _where()))
        if data_dependent and self.warn and kind in _MESSAGES:
            warnings.warn(TracerWarning(_MESSAGES[kind]), stacklevel=4)

    def to_bool(self, obj):
        return obj.__bool__()

    def call_module(self, m, forward, args, kwargs):
        try:
            path = self.path_of_module(m)
        except NameError:
            return forward(*args, **kwargs)  # not installed on the root: trace through it
        if self.is_leaf_module(m, path):
            return self.create_proxy("call_module", path, args, kwargs)
        g = getattr(type(m).forward, "__globals__", None)
        if g is not None:
            self._patcher.patch_globals(g, self._autowrap_ids, ())
        self._patcher.patch_instance(m)
        if not self.fallback_to_leaf:
            return forward(*args, **kwargs)
        marker, n_dec, n_fb = self.graph._root._prev, len(self.decisions), len(self.leaf_fallbacks)
        saved = _snapshot(m)
        try:
            return forward(*args, **kwargs)
        except TraceError:
            _restore(saved)  # the module runs again as a leaf: undo what the failed attempt did
            self._rollback(marker)
            del self.decisions[n_dec:]
            del self.leaf_fallbacks[n_fb:]
            self.leaf_fallbacks.append(path)
            return self.create_proxy("call_module", path, args, kwargs)

    def _rollback(self, marker):
        erased = set()
        while self.graph._root._prev is not marker:
            n = self.graph._root._prev
            for u in list(n.users):
                u._update_args_kwargs((), {})
            n.users.clear()
            self.graph.erase_node(n)
            erased.add(n)
        for k in [k for k, p in self._parameter_proxy_cache.items() if p.node in erased]:
            del self._parameter_proxy_cache[k]

    def _make_input(self, name, default, concrete_args, type_expr=None):
        self._pending = concrete_args[name]
        return self.create_proxy("placeholder", name, (), {})

    def create_proxy(self, kind, target, args, kwargs, name=None, type_expr=None, proxy_factory_fn=None):
        if kind == "placeholder":
            value = self._pending
            dd = _is_tensor(value) or isinstance(value, (tuple, list, dict))
        else:
            value, dd = self._compute(kind, target, args, kwargs)
        args_ = self.create_arg(args)
        kwargs_ = self.create_arg(kwargs)
        node = self.create_node(kind, target, args_, kwargs_, name, type_expr)
        return ConcreteProxy(node, self, value, dd)

    def _compute(self, kind, target, args, kwargs):
        a, k = _value(args), _value(kwargs)
        with tracing_with(None):
            if kind == "get_attr":
                value = self.root
                for atom in target.split("."):
                    value = getattr(value, atom)
                return value, True
            if kind == "call_function":
                value = target(*a, **k)
            elif kind == "call_method":
                value = getattr(a[0], target)(*a[1:], **k)
            elif kind == "call_module":
                value = self.root.get_submodule(target)(*a, **k)
            else:
                raise AssertionError(f"unexpected node kind {kind!r}")
        if _is_tensor(value) or kind == "call_module":
            return value, True
        if kind == "call_function" and target is getattr and args[1] in _META_ATTRS:
            return value, False
        if kind == "call_method" and target in _META_METHODS:
            return value, False
        inputs = []
        map_aggregate((args, kwargs), lambda v: inputs.append(v) if isinstance(v, ConcreteProxy) else None)
        return value, any(p._data_dep for p in inputs)

    def create_args_for_root(self, root_fn, is_module, concrete_args=None):
        sig = inspect.signature(root_fn)
        params = list(sig.parameters.values())[1:] if is_module else list(sig.parameters.values())
        bound = inspect.Signature(params).bind(*self._example_args, **self._example_kwargs)
        args, kwargs = [], {}
        for p in params:
            if p.name not in bound.arguments:
                continue
            val = bound.arguments[p.name]
            if p.kind is p.VAR_POSITIONAL:
                args.extend(self._placeholder(f"{p.name}_{i}", v) for i, v in enumerate(val))
            elif p.kind is p.VAR_KEYWORD:
                kwargs.update({k: self._placeholder(k, v) for k, v in val.items()})
            elif p.kind is p.KEYWORD_ONLY:
                kwargs[p.name] = self._placeholder(p.name, val)
            else:
                args.append(self._placeholder(p.name, val))
        return args, kwargs

    def _placeholder(self, name, value):
        self._pending = value
        return self.create_proxy("placeholder", name, (), {})


def _snapshot(m):
    """Buffer values and the RNG state, to undo a failed attempt to trace through ``m``."""
    from .._random import get_rng_state
    with tracing_with(None):
        return [(b, b.detach().clone()) for _, b in m.named_buffers()], get_rng_state()


def _restore(saved):
    from .._random import set_rng_state
    from ..autograd.grad_mode import no_grad
    bufs, rng = saved
    with tracing_with(None), no_grad():
        for b, v in bufs:
            if b.shape == v.shape:
                b.copy_(v)
    set_rng_state(rng)


def is_tracing():
    """Whether this thread is inside a concrete trace (what ``torch.jit.is_tracing`` reports).

    >>> ember.fx._concrete.is_tracing()
    False
    """
    return isinstance(active_tracer(), ConcreteTracer)


def trace(fn_or_module, example_args=(), example_kwargs=None, *, leaf_modules=(), fallback_to_leaf=True,
          autowrap_functions=(), dead_code_elimination=True, warn=True, tracer_cls=None):
    """Run ``fn_or_module`` on the example inputs and return the ``GraphModule`` it recorded, with
    a :class:`TraceInfo` in ``gm.meta["concrete_trace"]`` (see the module docstring).
    ``tracer_cls`` substitutes a subclass of :class:`ConcreteTracer` (same constructor).

    >>> net = ember.nn.Sequential(ember.nn.Linear(3, 2), ember.nn.ReLU())
    >>> gm = ember.fx._concrete.trace(net, (ember.randn(4, 3),))
    >>> [str(n.target) for n in gm.graph.nodes if n.op != "placeholder"][:3]
    ['0.weight', '0.bias', '<function linear at ...>']
    """
    from ..nn.modules.module import Module
    from .graph_module import GraphModule
    if not isinstance(example_args, tuple):
        example_args = (example_args,) if not isinstance(example_args, list) else tuple(example_args)
    tracer = (tracer_cls or ConcreteTracer)(leaf_modules, fallback_to_leaf, autowrap_functions, warn)
    tracer._example_args, tracer._example_kwargs = example_args, dict(example_kwargs or {})
    graph = tracer.trace(fn_or_module)
    example_output = _value(tracer._last_output)
    if dead_code_elimination:
        graph.eliminate_dead_code()
    name = type(fn_or_module).__name__ if isinstance(fn_or_module, Module) else \
        getattr(fn_or_module, "__name__", "GraphModule")
    gm = GraphModule(tracer.root, graph, "GraphModule" if name == "<lambda>" else name)
    gm.meta["concrete_trace"] = TraceInfo(tracer.decisions, tracer.leaf_fallbacks, example_output)
    return gm
