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

__all__ = ["Match", "ReplacedPatterns", "replace_pattern", "replace_pattern_with_filters"]


class Match(NamedTuple):
    """One occurrence: the graph node matching the pattern's output (``anchor``) and the map from
    pattern nodes to graph nodes (``nodes_map``).

    >>> gm = ember.fx.symbolic_trace(lambda x: x.neg())
    >>> ember.fx.replace_pattern(gm, lambda v: v.neg(), lambda v: v.abs())[0].anchor.op
    'call_method'
    """

    anchor: Node
    nodes_map: Dict[Node, Node]


class ReplacedPatterns(NamedTuple):
    """A match and the nodes that replaced it (``replace_pattern_with_filters``).

    >>> gm = ember.fx.symbolic_trace(lambda x: x.neg())
    >>> r = ember.fx.subgraph_rewriter.replace_pattern_with_filters(gm, lambda v: v.neg(), lambda v: v.abs())
    >>> [n.target for n in r[0].replacements]
    ['abs']
    """

    anchor: Node
    nodes_map: Dict[Node, Node]
    replacements: list


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


def _match(pn, gn, nodes_map, loose=False):
    """Whether graph node ``gn`` matches pattern node ``pn`` (extending ``nodes_map``); ``loose``
    lets pattern constants match anything."""
    if pn in nodes_map:
        return nodes_map[pn] is gn
    if pn.op == "placeholder":
        nodes_map[pn] = gn
        return True
    if not _same_target(pn, gn) or len(pn.args) != len(gn.args) or set(pn.kwargs) != set(gn.kwargs):
        return False
    nodes_map[pn] = gn
    pairs = list(zip(pn.args, gn.args)) + [(pn.kwargs[k], gn.kwargs[k]) for k in pn.kwargs]
    return all(_match_arg(a, b, nodes_map, loose) for a, b in pairs)


def _match_arg(a, b, nodes_map, loose=False):
    if isinstance(a, Node):
        return isinstance(b, Node) and _match(a, b, nodes_map, loose)
    if isinstance(a, (list, tuple)):
        return isinstance(b, (list, tuple)) and len(a) == len(b) and \
            all(_match_arg(x, y, nodes_map, loose) for x, y in zip(a, b))
    if loose:
        return True
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
    return [Match(r.anchor, r.nodes_map) for r in _rewrite(gm, pattern, replacement, None, False)]


def replace_pattern_with_filters(gm, pattern, replacement=None, match_filters=None, ignore_literals=False,
                                 replacement_callback=None, node_name_match=""):
    """Like :func:`replace_pattern`, keeping only the matches every ``match_filters`` function
    accepts (called as ``f(match, original_graph, pattern_graph)``); with ``ignore_literals``,
    constants in the pattern match any value. Returns :class:`ReplacedPatterns`.

    >>> gm = ember.fx.symbolic_trace(lambda x: x * 2 + x * 3)
    >>> rs = ember.fx.subgraph_rewriter.replace_pattern_with_filters(
    ...     gm, lambda v: v * 2, lambda v: v + v, ignore_literals=True)
    >>> len(rs), [n.op for n in rs[0].replacements]
    (2, ['call_function'])
    """
    if replacement is None or replacement_callback is not None or node_name_match:
        raise NotImplementedError("replace_pattern_with_filters: replacement_callback and node_name_match are "
                                  "not built in ember.fx; pass a replacement")
    return _rewrite(gm, pattern, replacement, match_filters, ignore_literals)


def _rewrite(gm, pattern, replacement, match_filters, ignore_literals):
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
        if not _match(anchor_p, gn, nodes_map, ignore_literals):
            continue
        internal = [g for p, g in nodes_map.items() if p.op != "placeholder"]
        if any(g in used for g in internal):
            continue
        inner = set(internal)
        # nodes inside the match (other than the anchor) must not be read from outside it
        if any(u not in inner for g in internal if g is not gn for u in g.users):
            continue
        if match_filters and not all(f(Match(gn, nodes_map), graph, p_graph) for f in match_filters):
            continue
        used |= inner
        matches.append(Match(gn, nodes_map))
    matches.reverse()
    replaced = {}   # anchors of earlier matches -> what replaced them (a later match may read one)
    results = []
    for m in matches:
        created = []
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
                created.append(val_map[rn])
        m.anchor.replace_all_uses_with(new_out)
        replaced[m.anchor] = new_out
        results.append(ReplacedPatterns(m.anchor, m.nodes_map, created))
        for p in reversed(list(p_graph.nodes)):
            g = m.nodes_map.get(p)
            if g is not None and p.op != "placeholder" and not g.users:
                graph.erase_node(g)
    gm.recompile()
    return results
