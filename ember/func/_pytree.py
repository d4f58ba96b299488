"""Nested containers of tensors (tuples, lists, dicts) as flat lists and back: the structure
``torch.func`` transforms map over.

>>> from ember.func._pytree import flatten, unflatten
>>> leaves, spec = flatten({"a": 1, "b": (2, 3)})
>>> leaves, unflatten([4, 5, 6], spec)
([1, 2, 3], {'a': 4, 'b': (5, 6)})
"""


def flatten(tree):
    """``(leaves, spec)``: the leaves in order and what :func:`unflatten` needs to rebuild."""
    if isinstance(tree, (tuple, list)) and not hasattr(tree, "_fields"):
        leaves, specs = [], []
        for item in tree:
            lv, sp = flatten(item)
            leaves += lv
            specs.append((len(lv), sp))
        return leaves, (type(tree), specs)
    if isinstance(tree, dict):
        leaves, specs = [], []
        for k, item in tree.items():
            lv, sp = flatten(item)
            leaves += lv
            specs.append((k, len(lv), sp))
        return leaves, (dict, specs)
    return [tree], None


def unflatten(leaves, spec):
    """Rebuild the structure described by ``spec`` from ``leaves``."""
    if spec is None:
        return leaves[0]
    kind, specs = spec
    if kind is dict:
        out, i = {}, 0
        for k, n, sp in specs:
            out[k] = unflatten(leaves[i:i + n], sp)
            i += n
        return out
    items, i = [], 0
    for n, sp in specs:
        items.append(unflatten(leaves[i:i + n], sp))
        i += n
    return kind(items)


def same_structure(spec_a, spec_b):
    """True when two specs describe the same nesting (keys and lengths)."""
    if spec_a is None or spec_b is None:
        return spec_a is None and spec_b is None
    (ka, sa), (kb, sb) = spec_a, spec_b
    if (ka is dict) != (kb is dict) or len(sa) != len(sb):
        return False
    if ka is dict:
        return all(x[0] == y[0] and same_structure(x[2], y[2]) for x, y in zip(sa, sb))
    return all(same_structure(x[1], y[1]) for x, y in zip(sa, sb))


def broadcast_prefix(prefix, tree):
    """Expand ``prefix`` (a leaf, or a container matching the top of ``tree``) to one value per
    leaf of ``tree``; None when the structures disagree."""
    if isinstance(prefix, (tuple, list)) and not hasattr(prefix, "_fields"):
        if not isinstance(tree, (tuple, list)) or len(prefix) != len(tree):
            return None
        out = []
        for p, t in zip(prefix, tree):
            r = broadcast_prefix(p, t)
            if r is None:
                return None
            out += r
        return out
    if isinstance(prefix, dict):
        if not isinstance(tree, dict) or set(prefix) != set(tree):
            return None
        out = []
        for k in tree:
            r = broadcast_prefix(prefix[k], tree[k])
            if r is None:
                return None
            out += r
        return out
    return [prefix] * len(flatten(tree)[0])
