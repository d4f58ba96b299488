"""Symbolic tracing: ``Tracer``, ``symbolic_trace`` and ``wrap`` (``torch.fx``'s ``_symbolic_trace``).

>>> class Net(ember.nn.Module):
...     def __init__(self):
...         super().__init__()
...         self.fc = ember.nn.Linear(4, 2)
...     def forward(self, x):
...         return ember.relu(self.fc(x)) + 1
>>> gm = ember.fx.symbolic_trace(Net())
>>> [(n.op, n.name) for n in gm.graph.nodes]
[('placeholder', 'x'), ('call_module', 'fc'), ('call_function', 'relu'), ('call_function', 'add'), ('output', 'output')]
"""
import inspect
import math
import sys

from .graph import Graph
from .node import Node, _register_side_effects
from .patching import Patched, find_proxy, tracing_with  # noqa: F401  (find_proxy: used by proxy.py)
from .proxy import Proxy, TraceError

__all__ = ["Tracer", "symbolic_trace", "wrap", "PH", "GraphAppendingTracer"]

_wrapped_names = []      # (globals dict, name) registered by wrap()


class _PH:
    """Placeholder marker for ``concrete_args``: this argument stays an input (``torch.fx.PH``).

    >>> gm = ember.fx.symbolic_trace(lambda x, k: x * k, concrete_args={"x": ember.fx.PH, "k": 2})
    >>> gm(ember.ones(1), 2)
    tensor([2.])
    """

    def __repr__(self):
        return "PH"


PH = _PH()


def _is_tensor(v):
    from .._tensor import Tensor
    return isinstance(v, Tensor)


def _is_param(v):
    from ..nn.parameter import Parameter
    return isinstance(v, Parameter)


class Tracer:
    """Records a program into a ``Graph`` by running it on Proxies (``torch.fx.Tracer``).

    Submodules defined in ``ember.nn`` are leaves (recorded as one ``call_module``), as
    PyTorch's ``torch.nn`` ones are; override :meth:`is_leaf_module` to change that.

    >>> g = ember.fx.Tracer().trace(lambda x: x * 2); [n.op for n in g.nodes]
    ['placeholder', 'call_function', 'output']
    """

    proxy_buffer_attributes = False  # buffers read as module attributes become get_attr nodes too
    _honor_fx_wrap = True            # functions named by fx.wrap stay one node (the export tracer
                                     # records what they do instead, as torch.export does)

    def __init__(self, autowrap_modules=(math,), autowrap_functions=(), param_shapes_constant=False):
        self._autowrap_ids = {id(v) for m in autowrap_modules for k, v in vars(m).items()
                              if not k.startswith("_") and callable(v)}
        self._autowrap_ids |= {id(f) for f in autowrap_functions}
        self._autowrap_search = list(autowrap_modules)
        self.param_shapes_constant = param_shapes_constant
        self.submodule_paths = None
        self.root = None
        self.graph = None
        self._parameter_proxy_cache = {}
        self._tensor_constant_count = 0
        self._params_as_constants = False
        self._buffer_list = None

    # ---------------------------------------------------------------- hooks to override
    def is_leaf_module(self, m, module_qualified_name):
        """Whether ``m`` is recorded as one ``call_module`` (default: modules of ``ember.nn``,
        except ``Sequential``) instead of being traced through.

        >>> ember.fx.Tracer().is_leaf_module(ember.nn.ReLU(), "act")
        True
        """
        from ..nn import Sequential
        mod = type(m).__module__ or ""
        return ((mod.startswith("ember.nn") or mod.startswith("ember.ao.nn"))
                and not isinstance(m, Sequential))

    def path_of_module(self, mod):
        """The qualified name of submodule ``mod`` within the root (``"layer1.0.conv1"``).

        >>> net = ember.nn.Sequential(ember.nn.ReLU()); t = ember.fx.Tracer(); t.root = net
        >>> t.path_of_module(net[0])
        '0'
        """
        if self.submodule_paths is None:
            self.submodule_paths = {}
            for name, m in self.root.named_modules(remove_duplicate=False):
                self.submodule_paths.setdefault(id(m), name)
        path = self.submodule_paths.get(id(mod))
        if path is None:
            raise NameError("module is not installed as a submodule")
        return path

    def call_module(self, m, forward, args, kwargs):
        """Record ``m(*args, **kwargs)`` as a ``call_module`` if it is a leaf, else trace ``forward``."""
        module_qualified_name = self.path_of_module(m)
        if not self.is_leaf_module(m, module_qualified_name):
            fn = getattr(type(m).forward, "__globals__", None)
            if fn is not None:
                self._patcher.patch_globals(fn, self._autowrap_ids, ())
            self._patcher.patch_instance(m)
            return forward(*args, **kwargs)
        return self.create_proxy("call_module", module_qualified_name, args, kwargs)

    def getattr(self, attr, attr_val, parameter_proxy_cache):
        """What ``module.attr`` gives while tracing: a ``get_attr`` Proxy for a Parameter (and for a
        buffer when ``proxy_buffer_attributes`` is set), else the value."""
        if not _is_param(attr_val):
            if self.proxy_buffer_attributes and _is_tensor(attr_val):
                if self._buffer_list is None:
                    self._buffer_list = list(self.root.named_buffers(remove_duplicate=False))
                for n, b in self._buffer_list:
                    if attr_val is b:
                        if n not in parameter_proxy_cache:
                            parameter_proxy_cache[n] = self.create_proxy("get_attr", n, (), {})
                        return parameter_proxy_cache[n]
            return attr_val
        for n, p in self._named_params():
            if attr_val is p:
                if n not in parameter_proxy_cache:
                    parameter_proxy_cache[n] = self.create_proxy("get_attr", n, (), {})
                return parameter_proxy_cache[n]
        return attr_val

    def _named_params(self):
        if self._param_list is None:
            self._param_list = list(self.root.named_parameters(remove_duplicate=False))
        return self._param_list

    def create_arg(self, a):
        """Turn a value into what a node may hold: Proxies become their nodes, Parameters and buffers
        of the root ``get_attr`` nodes, other Tensors constants stored on the root."""
        from .._tensor import Tensor
        if isinstance(a, Proxy):
            return a.node
        if isinstance(a, Node):
            return a
        t = type(a)
        if t is tuple:
            return tuple(self.create_arg(e) for e in a)
        if isinstance(a, tuple) and hasattr(a, "_fields"):
            return t(*(self.create_arg(e) for e in a))
        if t is list:
            return [self.create_arg(e) for e in a]
        if t is dict:
            return {k: self.create_arg(v) for k, v in a.items()}
        if t is slice:
            return slice(self.create_arg(a.start), self.create_arg(a.stop), self.create_arg(a.step))
        if isinstance(a, Tensor):
            if _is_param(a):
                for n, p in self._named_params():
                    if a is p:
                        return self.create_node("get_attr", n, (), {})
                if not self._params_as_constants:
                    raise NameError("parameter is not a member of this module")
            for n, b in self.root.named_buffers(remove_duplicate=False):
                if a is b:
                    return self.create_node("get_attr", n, (), {})
            name = self._tensor_constants.get(id(a))
            if name is None:
                while True:
                    name = f"_tensor_constant{self._tensor_constant_count}"
                    self._tensor_constant_count += 1
                    if not hasattr(self.root, name):
                        break
                setattr(self.root, name, a)
                self._tensor_constants[id(a)] = name
                self._keep.append(a)
            return self.create_node("get_attr", name, (), {})
        from ..nn.modules.module import Module
        if isinstance(a, Module):
            raise NotImplementedError(f"argument of type: {type(a)}")
        return a

    def create_node(self, kind, target, args, kwargs, name=None, type_expr=None):
        """Insert a node in ``self.graph`` (override to annotate every node)."""
        return self.graph.create_node(kind, target, args, kwargs, name, type_expr)

    def proxy(self, node):
        """Wrap ``node`` in a Proxy of this tracer."""
        return Proxy(node, self)

    def create_proxy(self, kind, target, args, kwargs, name=None, type_expr=None, proxy_factory_fn=None):
        """Record one operation and return the Proxy of its result."""
        args_ = self.create_arg(args)
        kwargs_ = self.create_arg(kwargs)
        node = self.create_node(kind, target, args_, kwargs_, name, type_expr)
        return self.proxy(node) if proxy_factory_fn is None else proxy_factory_fn(node)

    def to_bool(self, obj):
        """Called for ``bool(proxy)``: symbolic values cannot steer control flow."""
        raise TraceError("symbolically traced variables cannot be used as inputs to control flow")

    def iter(self, obj):
        """Called for ``iter(proxy)``: a Proxy has no length to iterate over."""
        raise TraceError("Proxy object cannot be iterated. This can be attempted when the Proxy is used in "
                         "a loop or as a *args or **kwargs function argument. See the torch.fx docs on "
                         "pytorch.org for a more detailed explanation of what types of control flow can be "
                         "traced, and check out the Proxy docstring for help troubleshooting Proxy iteration "
                         "errors")

    def keys(self, obj):
        """Called for ``**proxy``: records ``proxy.keys()``."""
        return Attribute(obj, "keys")()

    # ---------------------------------------------------------------- driving a trace
    def create_args_for_root(self, root_fn, is_module, concrete_args=None):
        """Placeholders for the parameters of ``root_fn`` (``concrete_args`` fixes some of them)."""
        sig = inspect.signature(root_fn)
        params = list(sig.parameters.values())
        if is_module:
            params = params[1:]
        concrete_args = dict(concrete_args or {})
        args, kwargs = [], {}
        for p in params:
            ann = None if p.annotation is inspect.Parameter.empty else p.annotation
            if isinstance(ann, str):
                ann = None  # a string annotation (from __future__ import annotations) is left out
            if p.kind is p.VAR_POSITIONAL:
                self.create_proxy("placeholder", "*" + p.name, (), {})
                continue
            if p.kind is p.VAR_KEYWORD:
                self.create_proxy("placeholder", "**" + p.name, (), {})
                continue
            if p.name in concrete_args and concrete_args[p.name] is not PH:
                val = concrete_args[p.name]
                self.create_proxy("placeholder", p.name, (val,), {}, type_expr=ann)
            else:
                default = () if p.default is inspect.Parameter.empty else (p.default,)
                val = self._make_input(p.name, default, concrete_args, ann)
            if p.kind is p.KEYWORD_ONLY:
                kwargs[p.name] = val
            else:
                args.append(val)
        return args, kwargs

    def _make_input(self, name, default, concrete_args, type_expr=None):
        return self.create_proxy("placeholder", name, default, {}, type_expr=type_expr)

    def _module_call_hook(self, mod, orig_call, args, kwargs):
        return self.call_module(mod, lambda *a, **k: orig_call(mod, *a, **k), args, kwargs)

    def _begin(self, root):
        from ..nn.modules.module import Module
        if isinstance(root, Module):
            self.root = root
            fn = type(root).forward
            is_module = True
        else:
            self.root = Module()
            fn = root
            is_module = False
        self.graph = Graph(tracer_cls=type(self))
        self.submodule_paths = None
        self._param_list = None
        self._buffer_list = None
        self._parameter_proxy_cache = {}
        self._tensor_constants = {}
        self._keep = []
        _register_side_effects()
        return fn, is_module

    def trace(self, root, concrete_args=None):
        """Trace ``root`` (a Module or a function) and return the ``Graph``.

        >>> g = ember.fx.Tracer().trace(ember.nn.Sequential(ember.nn.ReLU()))
        >>> [n.target for n in g.nodes]
        ['input', '0', 'output']
        """
        fn, is_module = self._begin(root)
        with Patched() as patcher, tracing_with(self):
            self._patcher = patcher
            patcher.patch_globals(getattr(fn, "__globals__", {}), self._autowrap_ids, ())
            if is_module:
                patcher.patch_instance(root)
            for m in self._autowrap_search:
                patcher.patch_globals(vars(m), self._autowrap_ids, ())
            for g, name in (_wrapped_names if self._honor_fx_wrap else ()):
                patcher.patch_globals(g, None, (name,))
            args, kwargs = self.create_args_for_root(fn, is_module, concrete_args)
            call_args = ([root] if is_module else []) + args
            try:
                result = fn(*call_args, **kwargs)
            except (TypeError, RuntimeError, ValueError, AttributeError) as e:
                _explain_proxy_error(e)
                raise
            self._last_output = result
            ret = inspect.signature(fn).return_annotation
            ret = None if ret is inspect.Signature.empty or isinstance(ret, str) else ret
            self.create_node("output", "output", (self.create_arg(result),), {}, type_expr=ret)
        self._patcher = None
        return self.graph


from .proxy import Attribute  # noqa: E402


class GraphAppendingTracer(Tracer):
    """A tracer that appends to an existing graph (used for Proxies built outside a trace).

    >>> g = ember.fx.Graph(); x = ember.fx.Proxy(g.placeholder("x"))   # uses a GraphAppendingTracer
    >>> (x + 1).node.name, type(x.tracer).__name__
    ('add', 'GraphAppendingTracer')
    """

    def __init__(self, graph):
        super().__init__()
        self.graph = graph
        from ..nn.modules.module import Module
        self.root = graph.owning_module if graph.owning_module is not None else Module()
        self._param_list = None
        self._tensor_constants = {}
        self._keep = []


def wrap(fn_or_name):
    """Record calls of a module-level function as one ``call_function`` node instead of tracing
    into it; call it at module scope (``ember.fx.wrap("len")`` or as a decorator).

    >>> def clamp01(x):
    ...     return x.clamp(0, 1)
    >>> clamp01 = ember.fx.wrap(clamp01)
    >>> gm = ember.fx.symbolic_trace(lambda x: clamp01(x) * 2)
    >>> [n.name for n in gm.graph.nodes]
    ['x', 'clamp01', 'mul', 'output']
    """
    if callable(fn_or_name):
        name = fn_or_name.__name__
    elif isinstance(fn_or_name, str):
        name = fn_or_name
    else:
        raise AssertionError("wrap must be called with the name of a function or a function object")
    g = sys._getframe(1).f_globals
    if callable(fn_or_name):
        from .patching import make_function_wrapper
        w = make_function_wrapper(fn_or_name)
        return w
    _wrapped_names.append((g, name))
    return fn_or_name


def symbolic_trace(root, concrete_args=None):
    """Trace ``root`` (Module or function) into a ``GraphModule`` (``torch.fx.symbolic_trace``).

    >>> gm = ember.fx.symbolic_trace(lambda x, y: x @ y + 1)
    >>> print(gm.code.strip())
    def forward(self, x, y):
        matmul = x @ y;  x = y = None
        add = matmul + 1;  matmul = None
        return add
    """
    from .graph_module import GraphModule
    tracer = Tracer()
    graph = tracer.trace(root, concrete_args)
    from ..nn.modules.module import Module
    name = type(root).__name__ if isinstance(root, Module) else getattr(root, "__name__", "GraphModule")
    if name == "<lambda>":
        name = "GraphModule"
    return GraphModule(tracer.root, graph, name)


def _explain_proxy_error(e):
    """Re-raise an error an unpatched ember function hit on a Proxy as a TraceError naming it."""
    if isinstance(e, TraceError) or "Proxy" not in str(e):
        return
    tb, culprit = e.__traceback__, None
    while tb is not None:
        mod = tb.tb_frame.f_globals.get("__name__", "")
        if mod.startswith("ember.") and not mod.startswith("ember.fx"):
            code = tb.tb_frame.f_code
            culprit = f"{mod}.{getattr(code, 'co_qualname', code.co_name)}"
            break
        tb = tb.tb_next
    if culprit is None:
        return
    raise TraceError(f"{culprit} received an fx Proxy (a traced value) and is not recorded by ember.fx "
                     f"({type(e).__name__}: {e}). Call it through a public ember function (ember.*, "
                     "ember.nn.functional.*, ember.linalg.*, ...), or register it with ember.fx.wrap so it "
                     "is recorded as one call") from e
