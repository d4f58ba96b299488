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
import inspect

from .._tensor import Tensor

__all__ = ["capture"]


def _names(fn, args, kwargs):
    try:
        sig = inspect.signature(fn.forward if hasattr(fn, "forward") and not inspect.isfunction(fn) else fn)
        params = [p.name for p in sig.parameters.values()
                  if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)]
    except (TypeError, ValueError):
        params = []
    return tuple(params[:len(args)]) + tuple(kwargs)


def capture(fn, args, kwargs, leaf_modules=True):
    """Run and trace ``fn(*args, **kwargs)``; see the module docstring."""
    names = _names(fn, args, kwargs)
    try:
        from ..fx import _concrete
    except ImportError:  # TEMPORARY until ember.fx's concrete tracer lands
        from ..fx import Tracer, GraphModule
        from ..nn import Module

        class _T(Tracer):
            def is_leaf_module(self, m, q):
                return leaf_modules and super().is_leaf_module(m, q)
        g = _T().trace(fn)
        gm = GraphModule(fn if isinstance(fn, Module) else Module(), g)
        return fn(*args, **kwargs), gm, [], names
    res = _concrete.trace(fn, tuple(args), kwargs, leaf_modules=leaf_modules)
    return res.output, res.graph_module, list(res.graph_breaks), names


def is_tensor(v):
    return isinstance(v, Tensor)
