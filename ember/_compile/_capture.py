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
from .._tensor import Tensor
from ..nn.parameter import Parameter

__all__ = ["capture"]


def _tracer_cls():
    """ember.fx's ConcreteTracer, also recording buffer reads as ``get_attr`` nodes (as torch.fx does
    with ``proxy_buffer_attributes``), so that in-place buffer updates such as BatchNorm's
    ``num_batches_tracked.add_(1)`` are in the graph (workaround until ember.fx does it)."""
    from ..fx._concrete import ConcreteTracer
    if _TRACER:
        return _TRACER[0]

    class BufferTracer(ConcreteTracer):
        def getattr(self, attr, attr_val, parameter_proxy_cache):
            if isinstance(attr_val, Tensor) and not isinstance(attr_val, Parameter):
                if self._buffer_list is None:
                    self._buffer_list = list(self.root.named_buffers(remove_duplicate=False))
                for n, b in self._buffer_list:
                    if b is attr_val:
                        if n not in parameter_proxy_cache:
                            parameter_proxy_cache[n] = self.create_proxy("get_attr", n, (), {})
                        return parameter_proxy_cache[n]
            return super().getattr(attr, attr_val, parameter_proxy_cache)
    BufferTracer._buffer_list = None
    _TRACER.append(BufferTracer)
    return BufferTracer


_TRACER = []


def _trace(fn, args, kwargs, leaf_modules, warn):
    """``ember.fx._concrete.trace`` with :func:`_tracer_cls`."""
    from ..fx._concrete import TraceInfo, _value
    from ..fx.graph_module import GraphModule
    from ..nn import Module
    tracer = _tracer_cls()(leaf_modules, True, (), warn)
    tracer._example_args, tracer._example_kwargs = tuple(args), dict(kwargs or {})
    graph = tracer.trace(fn)
    out = _value(tracer._last_output)
    graph.eliminate_dead_code()
    name = type(fn).__name__ if isinstance(fn, Module) else getattr(fn, "__name__", "GraphModule")
    gm = GraphModule(tracer.root, graph, "GraphModule" if not name.isidentifier() else name)
    gm.meta["concrete_trace"] = TraceInfo(tracer.decisions, tracer.leaf_fallbacks, out)
    return gm


def capture(fn, args, kwargs, leaf_modules=(), warn=False):
    """Run and trace ``fn(*args, **kwargs)``; see the module docstring."""
    gm = _trace(fn, args, kwargs, leaf_modules, warn)
    info = gm.meta["concrete_trace"]
    breaks = [f"{d.kind}() of a tensor value at {d.where}" for d in info.data_dependent]
    names = tuple(n.target for n in gm.graph.nodes if n.op == "placeholder")
    return info.example_output, gm, breaks, names
