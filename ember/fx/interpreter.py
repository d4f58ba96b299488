"""``Interpreter`` (run a GraphModule node by node) and ``Transformer`` (rebuild one), as torch.fx has them.

Override the per-kind methods (``call_function``, ``call_module``, ...) or ``run_node`` to
observe or change what each node does.

>>> class Doubler(ember.fx.Interpreter):
...     def call_function(self, target, args, kwargs):
...         return target(*args, **kwargs) * 2
>>> gm = ember.fx.symbolic_trace(lambda x: x + 1)
>>> Doubler(gm).run(ember.tensor([1.0]))
tensor([4.])
"""
from .graph import Graph
from .graph_module import GraphModule
from .node import map_aggregate, map_arg
from .patching import Patched
from .proxy import Proxy
from .tracer import Tracer

__all__ = ["Interpreter", "Transformer"]


class Interpreter:
    """Execute ``module``'s graph (or ``graph``) one node at a time.

    >>> gm = ember.fx.symbolic_trace(lambda x: x.relu())
    >>> ember.fx.Interpreter(gm).run(ember.tensor([-1.0, 2.0]))
    tensor([0., 2.])
    """

    def __init__(self, module, garbage_collect_values=True, graph=None):
        self.module = module
        self.submodules = dict(module.named_modules())
        self.graph = graph if graph is not None else module.graph
        self.env = {}
        self.name = "Interpreter"
        self.garbage_collect_values = garbage_collect_values
        self.extra_traceback = True
        if garbage_collect_values:
            self.user_to_last_uses = {}
            seen = set()
            for node in reversed(list(self.graph.nodes)):
                for n in node.all_input_nodes:
                    if n not in seen:
                        seen.add(n)
                        self.user_to_last_uses.setdefault(node, []).append(n)

    def run(self, *args, initial_env=None, enable_io_processing=True):
        """Run the graph on ``args`` and return what its output node returns.

        >>> gm = ember.fx.symbolic_trace(lambda x, y: x * y)
        >>> ember.fx.Interpreter(gm).run(ember.tensor(2.0), ember.tensor(3.0))
        tensor(6.)
        """
        self.env = initial_env if initial_env is not None else {}
        self.args_iter = iter(args)
        for node in self.graph.nodes:
            if node in self.env:
                continue
            try:
                self.env[node] = self.run_node(node)
            except Exception as e:
                if self.extra_traceback and e.args and isinstance(e.args[0], str) \
                        and "While executing" not in e.args[0]:
                    e.args = (f"{e.args[0]}\n\nWhile executing {node.format_node()}",) + e.args[1:]
                raise
            if self.garbage_collect_values:
                for to_delete in self.user_to_last_uses.get(node, []):
                    self.env.pop(to_delete, None)
            if node.op == "output":
                return self.env[node]
        return None

    def boxed_run(self, args_list):
        """Like :meth:`run` with the inputs in a list that is cleared first (frees them early).

        >>> gm = ember.fx.symbolic_trace(lambda x: -x); ember.fx.Interpreter(gm).boxed_run([ember.ones(1)])
        tensor([-1.])
        """
        args = list(args_list)
        args_list.clear()
        return self.run(*args)

    def run_node(self, n):
        """Run one node: fetch its arguments from ``env`` and call the method named by ``n.op``."""
        args, kwargs = self.fetch_args_kwargs_from_env(n)
        return getattr(self, n.op)(n.target, args, kwargs)

    # ---------------------------------------------------------------- per-kind behaviour
    def placeholder(self, target, args, kwargs):
        """The next input (a ``*args`` placeholder takes all that are left; a default applies when none)."""
        if target.startswith("**"):
            return {}
        if target.startswith("*"):
            return list(self.args_iter)
        try:
            return next(self.args_iter)
        except StopIteration:
            if args:
                return args[0]
            raise RuntimeError(f"Expected positional argument for parameter {target}, but one was not passed in!")

    def get_attr(self, target, args, kwargs):
        """The attribute ``target`` of the module."""
        return self.fetch_attr(target)

    def call_function(self, target, args, kwargs):
        """Call ``target(*args, **kwargs)``."""
        return target(*args, **kwargs)

    def call_method(self, target, args, kwargs):
        """Call method ``target`` of ``args[0]``."""
        self_obj, *args_tail = args
        return getattr(self_obj, target)(*args_tail, **kwargs)

    def call_module(self, target, args, kwargs):
        """Call submodule ``target``."""
        return self.fetch_attr(target)(*args, **kwargs)

    def output(self, target, args, kwargs):
        """The graph's result."""
        return args[0]

    # ---------------------------------------------------------------- helpers
    def fetch_attr(self, target):
        """Resolve a dotted attribute path on the module.

        >>> gm = ember.fx.symbolic_trace(ember.nn.Sequential(ember.nn.Linear(2, 2)))
        >>> tuple(ember.fx.Interpreter(gm).fetch_attr("0.weight").shape)
        (2, 2)
        """
        obj = self.module
        for i, atom in enumerate(target.split(".")):
            if not hasattr(obj, atom):
                raise RuntimeError(f"Node referenced nonexistent target {'.'.join(target.split('.')[:i + 1])}")
            obj = getattr(obj, atom)
        return obj

    def fetch_args_kwargs_from_env(self, n):
        """``n.args``/``n.kwargs`` with every node replaced by its value in ``env``."""
        return self.map_nodes_to_values(n.args, n), self.map_nodes_to_values(n.kwargs, n)

    def map_nodes_to_values(self, args, n):
        """``args`` with nodes replaced by their values (an error names a value that is missing)."""
        def load(a):
            if a not in self.env:
                raise RuntimeError(f"Node {n} referenced nonexistent value {a}! Run Graph.lint() to diagnose "
                                   "such issues")
            return self.env[a]
        return map_arg(args, load)


class _TransformerTracer(Tracer):
    def __init__(self, graph):
        super().__init__()
        self.graph = graph
        self._param_list = None
        self._tensor_constants = {}
        self._keep = []

    def is_leaf_module(self, m, qualname):
        return True


class Transformer(Interpreter):
    """An Interpreter that builds a new graph: each node is re-recorded (through Proxies), so
    overriding a per-kind method rewrites the program; :meth:`transform` returns a new GraphModule.

    >>> class ReluToSigmoid(ember.fx.Transformer):
    ...     def call_method(self, target, args, kwargs):
    ...         return super().call_method("sigmoid" if target == "relu" else target, args, kwargs)
    >>> gm = ReluToSigmoid(ember.fx.symbolic_trace(lambda x: x.relu())).transform()
    >>> [n.target for n in gm.graph.nodes]
    ['x', 'sigmoid', 'output']
    """

    def __init__(self, module):
        super().__init__(module)
        self.new_graph = Graph()
        self.tracer = _TransformerTracer(self.new_graph)
        self.tracer.root = module

    def placeholder(self, target, args, kwargs):
        """A placeholder of the new graph (with the same default)."""
        default = next(iter(args)) if args else None
        kw = {} if not args else {"default_value": default}
        return Proxy(self.new_graph.placeholder(target, **kw), self.tracer)

    def get_attr(self, target, args, kwargs):
        """A ``get_attr`` of the new graph."""
        return self.tracer.create_proxy("get_attr", target, args, kwargs)

    def call_module(self, target, args, kwargs):
        """A ``call_module`` of the new graph."""
        submod = self.fetch_attr(target)
        return self.tracer.call_module(submod, submod.forward, args, kwargs)

    def call_function(self, target, args, kwargs):
        """A ``call_function`` of the new graph."""
        return self.tracer.create_proxy("call_function", target, args, kwargs)

    def transform(self):
        """Run the transformation and return the new ``GraphModule``."""
        self.tracer._patcher = None
        with Patched():
            result = super().run(enable_io_processing=False)
        if result is not None:
            def strip(a):
                return a.node if isinstance(a, Proxy) else a
            self.new_graph.output(map_aggregate(result, strip))
        return GraphModule(self.module, self.new_graph)
