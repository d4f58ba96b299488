"""``torch._dynamo``: the names scripts call around ``torch.compile``.

ember's compiler (:mod:`ember._compile`) captures graphs with ``ember.fx``'s concrete tracer
instead of rewriting bytecode, so there is no frame evaluation to hook; these functions act on
its caches and switches.

>>> import ember._dynamo
>>> ember._dynamo.is_compiling(), ember._dynamo.config.cache_size_limit
(False, 8)
"""
from .._compile import OptimizedModule, compile as _compile, _ALL  # noqa: F401
from .._compile._state import compiling as _compiling, config  # noqa: F401

__all__ = ["reset", "disable", "is_compiling", "config", "explain", "optimize", "OptimizedModule", "mark_dynamic",
           "mark_static", "maybe_mark_dynamic", "allow_in_graph", "disallow_in_graph", "graph_break",
           "assume_constant_result", "list_backends", "is_dynamo_supported", "run", "ExplainOutput"]


def reset():
    """Forget every captured graph of every compiled function (they capture again on next call).

    >>> ember._dynamo.reset()
    """
    for c in _ALL:
        c.reset()


def is_compiling():
    """True while ``ember.compile`` captures a graph (the traced code runs with it True).

    >>> ember._dynamo.is_compiling()
    False
    """
    return _compiling()


def disable(fn=None, recursive=True, *, reason=None, wrapping=True):
    """Keep ``fn`` out of compilation. ember's capture records ember calls, not Python frames,
    so the function is returned as is (usable with or without arguments).

    >>> ember._dynamo.disable(abs)(-2)
    2
    """
    if fn is None:
        return lambda f: f
    return fn


def optimize(backend="inductor", *, nopython=False, guard_export_fn=None, guard_fail_fn=None, disable=False,
             dynamic=None, **kwargs):
    """The older spelling of :func:`ember.compile`: a decorator compiling with ``backend``.

    >>> f = ember._dynamo.optimize("eager")(lambda x: x + 1)
    >>> f(ember.ones(1))
    tensor([2.])
    """
    if disable:
        return lambda f: f
    b = backend if isinstance(backend, str) else "inductor"
    return lambda f: _compile(f, backend=b, fullgraph=nopython, dynamic=dynamic)


def run(fn=None):
    """Run ``fn`` without capturing new graphs: here, ``fn`` itself."""
    return fn if fn is not None else (lambda f: f)


def mark_dynamic(t, index, *, min=None, max=None, **kwargs):
    """Mark dimension(s) of ``t`` dynamic. ember specializes on every shape (a new size captures
    again), so this only records the request on the tensor."""
    t.__dict__.setdefault("_dynamo_dynamic_indices", set()).update([index] if isinstance(index, int) else index)


maybe_mark_dynamic = mark_dynamic


def mark_static(t, index=None):
    """Mark ``t`` (or one of its dimensions) static: every shape is static in ember already."""


def allow_in_graph(fn):
    """Keep ``fn`` as one node in captured graphs; returned unchanged."""
    return fn


def disallow_in_graph(fn):
    """Never put ``fn`` in a graph; returned unchanged."""
    return fn


def assume_constant_result(fn):
    """Treat ``fn``'s result as a constant while capturing; returned unchanged."""
    return fn


def graph_break():
    """Force a graph break here; ember's capture records only ember calls, so nothing to do."""


def list_backends(exclude_tags=("debug", "experimental")):
    """The backend names ``ember.compile`` accepts.

    >>> "inductor" in ember._dynamo.list_backends()
    True
    """
    from ..compiler import list_backends as lb
    return lb(exclude_tags)


def is_dynamo_supported():
    """True: ``ember.compile`` works on every platform NumPy does."""
    return True


class ExplainOutput:
    """What :func:`explain` reports: graphs captured, graph breaks and their reasons."""

    def __init__(self, graphs, break_reasons, op_count):
        self.graphs = graphs
        self.graph_count = len(graphs)
        self.graph_break_count = len(break_reasons)
        self.break_reasons = break_reasons
        self.op_count = op_count
        self.ops_per_graph = [[n.target for n in g.graph.nodes if n.op.startswith("call")] for g in graphs]
        self.out_guards = []
        self.compile_times = ""

    def __str__(self):
        s = f"Graph Count: {self.graph_count}\nGraph Break Count: {self.graph_break_count}\nOp Count: {self.op_count}\n"
        if self.break_reasons:
            s += "Break Reasons:\n" + "".join(f"  Break Reason {i + 1}:\n    Reason: {r}\n"
                                              for i, r in enumerate(self.break_reasons))
        return s


def explain(f, *extra_args, **extra_kwargs):
    """``explain(f)(*args)``: capture ``f`` on ``args`` and report graphs and graph breaks.

    >>> r = ember._dynamo.explain(lambda x: x.relu() + 1)(ember.randn(3))
    >>> r.graph_count, r.graph_break_count
    (1, 0)
    """
    def inner(*args, **kwargs):
        from .._compile._capture import capture
        from .._compile._state import capturing
        with capturing():
            _, gm, breaks, _ = capture(f, args, kwargs)
        ops = sum(1 for n in gm.graph.nodes if n.op.startswith("call")) if gm is not None else 0
        return ExplainOutput([gm] if gm is not None and not breaks else [], list(breaks), ops)
    if extra_args or extra_kwargs:
        return inner(*extra_args, **extra_kwargs)
    return inner
