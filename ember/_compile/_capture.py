"""Capturing a call as an ``ember.fx`` graph for ``ember.compile`` and ``ember.jit.trace``.

``capture(fn, args, kwargs)`` runs ``fn`` once under ``ember.fx``'s tracer and returns
``(result, graph_module, graph_breaks, placeholder_names)``: the call's real result, the
graph, a list of the places where Python control flow depended on a tensor's value (empty
when the graph is complete) and the names the graph's inputs bind to.

>>> from ember._compile._capture import capture
>>> out, gm, breaks, names = capture(lambda x: x * 2 + 1, (ember.ones(2),), {})
>>> out, breaks
(tensor([3., 3.]), [])
"""
__all__ = ["capture"]


def capture(fn, args, kwargs, leaf_modules=(), warn=False):
    """Run and trace ``fn(*args, **kwargs)``; see the module docstring."""
    from ..fx import _concrete
    gm = _concrete.trace(fn, tuple(args), kwargs, leaf_modules=leaf_modules, warn=warn)
    info = gm.meta["concrete_trace"]
    breaks = [f"{d.kind}() of a tensor value at {d.where}" for d in info.data_dependent]
    names = tuple(n.target for n in gm.graph.nodes if n.op == "placeholder")
    return info.example_output, gm, breaks, names
