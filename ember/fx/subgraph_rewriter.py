"""``replace_pattern``: find every occurrence of a pattern in a GraphModule's graph and replace it
(``torch.fx.subgraph_rewriter``).

>>> def pattern(x):
...     return ember.relu(x).neg()
>>> def replacement(x):
...     return ember.nn.functional.gelu(x)
>>> gm = ember.fx.symbolic_trace(lambda a: ember.relu(a).neg() + 1)
>>> matches = ember.fx.replace_pattern(gm, pattern, replacement)
>>> len(matches), [n.name for n in gm.graph.nodes]
(1, ['a', 'gelu', 'add', 'output'])
"""
from typing import Dict, NamedTuple

from .graph_module import GraphModule, _copy_attr
from .node import Node, map_arg

__all__ = ["Match", "replace_pattern"]


class Match(NamedTuple):
    """One occurrence: the graph node matching the pattern's output (``anchor``) and the map from
    pattern nodes to graph nodes (``nodes_map``)."""

    anchor: Node
    nodes_map: Dict[Node, Node]


def _as_graph_module(obj):
    if isinstance(obj, GraphModule):
        return obj
    from .tracer import symbolic_trace
    return symbolic_trace(obj)


def _same_target(pn, gn):
    if pn.op != gn.op:
        return False
    if pn.op in ("call_function",):
        return getattr(pn.target, "__fx_orig__", pn.target) is getattr(gn.target, "__fx_orig__", gn.target)
    return pn.target == gn.target


def _match(pn, gn, nodes_map):
    """Whether graph node ``gn`` matches pattern node ``pn`` (extending ``nodes_map``)."""
    if pn in nodes_map:
        return nodes_map[pn] is gn
    if pn.op == "placeholder":
        nodes_map[pn] = gn
        return True
    if not _same_target(pn, gn) or len(pn.args) != len(gn.args) or set(pn.kwargs) != set(gn.kwargs):
        return False
    nodes_map[pn] = gn
    pairs = list(zip(pn.args, gn.args)) + [(pn.kwargs[k], gn.kwargs[k]) for k in pn.kwargs]
    return all(_match_arg(a, b, nodes_map) for a, b in pairs)


def _match_arg(a, b, nodes_map):
    if isinstance(a, Node):
        return isinstance(b, Node) and _match(a, b, nodes_map)
    if isinstance(a, (list, tuple)):
        return isinstance(b, (list, tuple)) and len(a) == len(b) and \
            all(_match_arg(x, y, nodes_map) for x, y in zip(a, b))
    if isinstance(b, Node):
        return False
    try:
        return bool(a == b) and type(a) is type(b)
    except Exception:
        return False


def replace_pattern(gm, pattern, replacement):
    """Replace each non-overlapping match of ``pattern`` in ``gm`` by ``replacement`` (both functions
    or GraphModules with the same inputs); returns the list of :class:`Match` es.

    >>> gm = ember.fx.symbolic_trace(lambda x: x * 2 + x * 2)
    >>> len(ember.fx.replace_pattern(gm, lambda v: v * 2, lambda v: v + v))
    2
    """
    pattern_gm, repl_gm = _as_graph_module(pattern), _as_graph_module(replacement)
    p_graph, r_graph = pattern_gm.graph, repl_gm.graph
    p_out = [n for n in p_graph.nodes if n.op == "output"][0]
    if not isinstance(p_out.args[0], Node):
        raise NotImplementedError("replace_pattern with a pattern that returns several values (or a constant) "
                                  "is not built in ember.fx; return a single value")
    anchor_p = p_out.args[0]
    p_inputs = [n for n in p_graph.nodes if n.op == "placeholder"]
    r_inputs = [n for n in r_graph.nodes if n.op == "placeholder"]
    if len(p_inputs) != len(r_inputs):
        raise ValueError(f"pattern takes {len(p_inputs)} inputs but replacement takes {len(r_inputs)}")
    graph = gm.graph
    matches, used = [], set()
    for gn in reversed(list(graph.nodes)):
        if gn in used:
            continue
        nodes_map = {}
        if not _match(anchor_p, gn, nodes_map):
            continue
        internal = [g for p, g in nodes_map.items() if p.op != "placeholder"]
        if any(g in used for g in internal):
            continue
        inner = set(internal)
        # nodes inside the match (other than the anchor) must not be read from outside it
        if any(u not in inner for g in internal if g is not gn for u in g.users):
            continue
        used |= inner
        matches.append(Match(gn, nodes_map))
    matches.reverse()
    replaced = {}   # anchors of earlier matches -> what replaced them (a later match may read one)
    for m in matches:
        val_map = {r: replaced.get(m.nodes_map[p], m.nodes_map[p]) for p, r in zip(p_inputs, r_inputs)}
        with graph.inserting_before(m.anchor):
            for rn in r_graph.nodes:
                if rn.op == "placeholder":
                    continue
                if rn.op == "output":
                    new_out = map_arg(rn.args[0], lambda n: val_map[n])
                    break
                if rn.op in ("get_attr", "call_module"):
                    _copy_attr(repl_gm, gm, rn.target)
                val_map[rn] = graph.node_copy(rn, lambda n: val_map[n])
        m.anchor.replace_all_uses_with(new_out)
        replaced[m.anchor] = new_out
        for p in reversed(list(p_graph.nodes)):
            g = m.nodes_map.get(p)
            if g is not None and p.op != "placeholder" and not g.users:
                graph.erase_node(g)
    gm.recompile()
    return matches
