"""``torch.fx``: capture a program as a graph, edit it, and run it as Python again.

One IR serves every capture in ember: ``symbolic_trace`` (Proxies, as torch.fx), the concrete
tracer in ``ember.fx._concrete`` (real values; under ``jit.trace``, ``compile``, ``onnx.export``)
and ``ember.export``. ember's functions have no ``__torch_function__`` dispatch, so while a trace
runs the public callables of ``ember``, ``ember.nn.functional``, ``ember.linalg``,
``ember.special``, ``ember.fft``, ember's Tensor methods and the ember functions bound in the
traced code's globals, class attributes and module instances are patched to record calls that
receive a Proxy (``ember.fx.patching``); they are restored when the trace ends.

Differences from torch.fx: a call is recorded with the arguments it was given (torch fills in
the defaults of ``torch.nn.functional`` calls, e.g. ``inplace = False``); an ember function
bound before the trace where the patching cannot see it (a local variable, a container) fails
with a TraceError naming it (``ember.fx.wrap`` it); pickling a GraphModule and custom
``CodeGen`` s are not built (NotImplementedError / absent); node args are plain tuples and lists.

>>> import ember.nn as nn
>>> net = nn.Sequential(nn.Linear(4, 4), nn.ReLU())
>>> gm = ember.fx.symbolic_trace(net)
>>> for n in gm.graph.nodes:
...     if n.op == "call_module" and isinstance(gm.get_submodule(n.target), nn.ReLU):
...         with gm.graph.inserting_after(n):
...             g = gm.graph.call_function(ember.nn.functional.gelu, (n.args[0],))
...         _ = n.replace_all_uses_with(g); gm.graph.erase_node(n)
>>> _ = gm.recompile(); x = ember.randn(2, 4)
>>> ember.equal(gm(x), ember.nn.functional.gelu(net[0](x)))
True
"""
from .node import Node, map_arg, map_aggregate, has_side_effect
from .graph import Graph
from .graph_module import GraphModule
from .proxy import Proxy, Attribute, TraceError, ProxyableClassMeta
from .tracer import Tracer, symbolic_trace, wrap, PH
from .codegen import PythonCode
from .interpreter import Interpreter, Transformer
from .subgraph_rewriter import replace_pattern
from . import passes, subgraph_rewriter, _symbolic_trace, _concrete  # noqa: F401

__all__ = ["symbolic_trace", "Tracer", "Graph", "GraphModule", "Node", "Proxy", "wrap", "PH",
           "map_arg", "map_aggregate", "ProxyableClassMeta", "PythonCode", "Interpreter", "Transformer",
           "replace_pattern", "has_side_effect"]
