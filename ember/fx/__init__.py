"""``torch.fx``: capture a program as a graph, edit it, and run it as Python again.

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
from .node import Node, map_arg, map_aggregate
from .graph import Graph
from .graph_module import GraphModule
from .proxy import Proxy, Attribute, TraceError, ProxyableClassMeta
from .tracer import Tracer, symbolic_trace, wrap, PH
from .codegen import PythonCode

__all__ = ["symbolic_trace", "Tracer", "Graph", "GraphModule", "Node", "Proxy", "wrap", "PH",
           "map_arg", "map_aggregate", "ProxyableClassMeta", "PythonCode"]
