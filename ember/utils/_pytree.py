"""``torch.utils._pytree``: flatten nested containers to leaves and rebuild them.

Lists, tuples, named tuples, dicts (in insertion order), ``OrderedDict``, ``defaultdict``
and ``deque`` are nodes; anything else is a leaf (``None`` too). Other container types
join with :func:`register_pytree_node`.

>>> from ember.utils._pytree import *
>>> leaves, spec = tree_flatten({"a": [1, 2], "b": (3, None)})
>>> leaves
[1, 2, 3, None]
>>> tree_unflatten([x * 10 for x in leaves[:3]] + [None], spec)
{'a': [10, 20], 'b': (30, None)}
"""
import collections
import dataclasses
import json
from typing import Any, NamedTuple

__all__ = ["Context", "KeyEntry", "TreeSpec", "LeafSpec", "SUPPORTED_NODES", "register_pytree_node",
           "tree_flatten", "tree_unflatten", "tree_leaves", "tree_structure", "tree_map", "tree_map_only",
           "tree_flatten_with_path", "tree_map_with_path", "tree_any", "tree_all", "tree_iter", "keystr",
           "SequenceKey", "MappingKey", "GetAttrKey", "treespec_dumps", "treespec_loads", "is_namedtuple"]

Context = Any
KeyEntry = Any


class NodeDef(NamedTuple):
    """How one container type flattens and rebuilds."""
    type: type
    flatten_fn: Any
    unflatten_fn: Any
    flatten_with_keys_fn: Any


SUPPORTED_NODES = {}
_SERIALIZED = {}      # type -> (serialized name, to_dumpable_context, from_dumpable_context)
_BY_NAME = {}         # serialized name -> type


@dataclasses.dataclass(frozen=True)
class SequenceKey:
    """Path entry for a position in a sequence.

    >>> from ember.utils._pytree import *
    >>> str(SequenceKey(1))
    '[1]'
    """
    idx: int

    def __str__(self):
        return f"[{self.idx!r}]"

    def get(self, sequence):
        return sequence[self.idx]


@dataclasses.dataclass(frozen=True)
class MappingKey:
    """Path entry for a key of a mapping.

    >>> from ember.utils._pytree import *
    >>> str(MappingKey("a"))
    "['a']"
    """
    key: Any

    def __str__(self):
        return f"[{self.key!r}]"

    def get(self, mapping):
        return mapping[self.key]


@dataclasses.dataclass(frozen=True)
class GetAttrKey:
    """Path entry for an attribute.

    >>> from ember.utils._pytree import *
    >>> str(GetAttrKey("weight"))
    '.weight'
    """
    name: str

    def __str__(self):
        return f".{self.name}"

    def get(self, obj):
        return getattr(obj, self.name)


def keystr(kp):
    """A key path as the Python accessor string.

    >>> from ember.utils._pytree import *
    >>> keystr((MappingKey("x"), SequenceKey(0)))
    "['x'][0]"
    """
    return "".join(str(k) for k in kp)


class TreeSpec:
    """The structure of a flattened tree: node type, its context and the children's specs.

    >>> from ember.utils._pytree import *
    >>> tree_structure([1, (2, 3)]).num_leaves
    3
    """

    __slots__ = ("type", "context", "children_specs", "num_leaves", "num_nodes")

    def __init__(self, type, context, children_specs):
        self.type = type
        self.context = context
        self.children_specs = list(children_specs)
        self.num_leaves = 1 if type is None else sum(c.num_leaves for c in self.children_specs)
        self.num_nodes = 1 + sum(c.num_nodes for c in self.children_specs)

    @property
    def num_children(self):
        return len(self.children_specs)

    def is_leaf(self):
        """True for the spec of a single leaf.

        >>> from ember.utils._pytree import *
        >>> tree_structure(1).is_leaf(), tree_structure([1]).is_leaf()
        (True, False)
        """
        return self.type is None

    def children(self):
        return list(self.children_specs)

    def child(self, index):
        return self.children_specs[index]

    def unflatten(self, leaves):
        return tree_unflatten(leaves, self)

    def __eq__(self, other):
        return (isinstance(other, TreeSpec) and self.type is other.type and self.context == other.context
                and self.children_specs == other.children_specs)

    def __hash__(self):
        return hash((self.type, self.num_leaves, self.num_nodes))

    def __repr__(self):
        if self.type is None:
            return "*"
        kids = ", ".join(repr(c) for c in self.children_specs)
        return f"TreeSpec({self.type.__name__}, {self.context!r}, [{kids}])"


def LeafSpec():
    """The spec of a single leaf.

    >>> from ember.utils._pytree import *
    >>> LeafSpec() == tree_structure(0)
    True
    """
    return TreeSpec(None, None, [])


def register_pytree_node(cls, flatten_fn, unflatten_fn, *, serialized_type_name=None,
                         to_dumpable_context=None, from_dumpable_context=None, flatten_with_keys_fn=None):
    """Make ``cls`` a container node: ``flatten_fn(x) -> (children, context)``,
    ``unflatten_fn(children, context) -> x``.

    >>> from ember.utils._pytree import *
    >>> class Pair:
    ...     def __init__(self, a, b): self.a, self.b = a, b
    >>> register_pytree_node(Pair, lambda p: ([p.a, p.b], None), lambda c, _: Pair(*c))
    >>> tree_leaves(Pair(1, [2, 3]))
    [1, 2, 3]
    """
    if cls in SUPPORTED_NODES:
        raise ValueError(f"{cls} is already registered as pytree node.")
    SUPPORTED_NODES[cls] = NodeDef(cls, flatten_fn, unflatten_fn, flatten_with_keys_fn)
    name = serialized_type_name or f"{cls.__module__}.{cls.__qualname__}"
    _SERIALIZED[cls] = (name, to_dumpable_context, from_dumpable_context)
    _BY_NAME[name] = cls


def is_namedtuple(obj):
    """True for a named tuple instance or class.

    >>> from ember.utils._pytree import *
    >>> import collections
    >>> is_namedtuple(collections.namedtuple("P", "x")(1)), is_namedtuple((1,))
    (True, False)
    """
    cls = obj if isinstance(obj, type) else type(obj)
    return issubclass(cls, tuple) and hasattr(cls, "_fields")


def _node_type(obj):
    cls = type(obj)
    if cls in SUPPORTED_NODES:
        return cls
    if is_namedtuple(cls):
        return collections.namedtuple
    return None


def tree_flatten(tree, is_leaf=None):
    """The leaves of ``tree`` (depth first, left to right) and its spec.

    >>> from ember.utils._pytree import *
    >>> tree_flatten((1, [2]))[0]
    [1, 2]
    """
    leaves = []
    spec = _flatten(tree, is_leaf, leaves)
    return leaves, spec


def _flatten(tree, is_leaf, leaves):
    kind = None if (is_leaf is not None and is_leaf(tree)) else _node_type(tree)
    if kind is None:
        leaves.append(tree)
        return TreeSpec(None, None, [])
    children, context = SUPPORTED_NODES[kind].flatten_fn(tree)
    return TreeSpec(kind, context, [_flatten(c, is_leaf, leaves) for c in children])


def tree_unflatten(leaves, treespec):
    """Rebuild a tree of ``treespec``'s structure from ``leaves``.

    >>> from ember.utils._pytree import *
    >>> tree_unflatten([5, 6], tree_structure({"k": (0, 0)}))
    {'k': (5, 6)}
    """
    leaves = list(leaves)
    if len(leaves) != treespec.num_leaves:
        raise ValueError(f"treespec.unflatten(leaves): `leaves` has length {len(leaves)} but the spec "
                         f"refers to a pytree that holds {treespec.num_leaves} items ({treespec}).")
    it = iter(leaves)
    return _build(treespec, it)


def _build(spec, it):
    if spec.type is None:
        return next(it)
    children = [_build(c, it) for c in spec.children_specs]
    return SUPPORTED_NODES[spec.type].unflatten_fn(children, spec.context)


def tree_leaves(tree, is_leaf=None):
    """The leaves of ``tree``.

    >>> from ember.utils._pytree import *
    >>> tree_leaves({"a": 1, "b": [2, 3]})
    [1, 2, 3]
    """
    return tree_flatten(tree, is_leaf)[0]


def tree_iter(tree, is_leaf=None):
    """Iterate over the leaves of ``tree``.

    >>> from ember.utils._pytree import *
    >>> list(tree_iter([1, (2,)]))
    [1, 2]
    """
    return iter(tree_leaves(tree, is_leaf))


def tree_structure(tree, is_leaf=None):
    """The spec of ``tree``.

    >>> from ember.utils._pytree import *
    >>> tree_structure([0, 0])
    TreeSpec(list, None, [*, *])
    """
    return tree_flatten(tree, is_leaf)[1]


def tree_map(func, tree, *rests, is_leaf=None):
    """Apply ``func`` to every leaf (zipping leaves of ``rests`` of the same structure).

    >>> from ember.utils._pytree import *
    >>> tree_map(lambda x: x + 1, {"a": [1, 2]})
    {'a': [2, 3]}
    """
    leaves, spec = tree_flatten(tree, is_leaf)
    others = [tree_flatten(r, is_leaf)[0] for r in rests]
    return tree_unflatten([func(*xs) for xs in zip(leaves, *others)], spec)


def _type_filter(type_or_types_or_pred):
    if isinstance(type_or_types_or_pred, (type, tuple)) or hasattr(type_or_types_or_pred, "__args__"):
        return lambda x: isinstance(x, type_or_types_or_pred)
    return type_or_types_or_pred


def tree_map_only(type_or_types_or_pred, /, func, tree, is_leaf=None):
    """Apply ``func`` to the leaves of the given type(s) (or passing a predicate); keep the rest.

    >>> from ember.utils._pytree import *
    >>> tree_map_only(int, lambda x: -x, [1, "a", 2.5])
    [-1, 'a', 2.5]
    """
    keep = _type_filter(type_or_types_or_pred)
    return tree_map(lambda x: func(x) if keep(x) else x, tree, is_leaf=is_leaf)


def tree_any(pred, tree, is_leaf=None):
    """True when ``pred`` holds for some leaf.

    >>> from ember.utils._pytree import *
    >>> tree_any(lambda x: x > 2, [1, (3,)])
    True
    """
    return any(pred(x) for x in tree_leaves(tree, is_leaf))


def tree_all(pred, tree, is_leaf=None):
    """True when ``pred`` holds for every leaf.

    >>> from ember.utils._pytree import *
    >>> tree_all(lambda x: x > 0, [1, (3,)])
    True
    """
    return all(pred(x) for x in tree_leaves(tree, is_leaf))


def tree_flatten_with_path(tree, is_leaf=None):
    """Leaves paired with their key paths, and the spec.

    >>> from ember.utils._pytree import *
    >>> tree_flatten_with_path({"x": [7]})[0]
    [((MappingKey(key='x'), SequenceKey(idx=0)), 7)]
    """
    out = []
    _with_path(tree, (), is_leaf, out)
    return out, tree_structure(tree, is_leaf)


def _with_path(tree, path, is_leaf, out):
    kind = None if (is_leaf is not None and is_leaf(tree)) else _node_type(tree)
    if kind is None:
        out.append((path, tree))
        return
    node = SUPPORTED_NODES[kind]
    if node.flatten_with_keys_fn is not None:
        keyed, _ = node.flatten_with_keys_fn(tree)
    else:
        children, _ = node.flatten_fn(tree)
        keyed = [(SequenceKey(i), c) for i, c in enumerate(children)]
    for k, child in keyed:
        _with_path(child, path + (k,), is_leaf, out)


def tree_map_with_path(func, tree, *rests, is_leaf=None):
    """Apply ``func(path, leaf, *others)`` to every leaf.

    >>> from ember.utils._pytree import *
    >>> tree_map_with_path(lambda p, x: keystr(p), {"a": 1})
    {'a': "['a']"}
    """
    pairs, spec = tree_flatten_with_path(tree, is_leaf)
    others = [tree_flatten(r, is_leaf)[0] for r in rests]
    return tree_unflatten([func(p, x, *xs) for (p, x), *xs in zip(pairs, *others)], spec)


# -- the built-in nodes ----------------------------------------------------------------------

def _seq_keys(children):
    return [(SequenceKey(i), c) for i, c in enumerate(children)]


def _dict_flatten(d):
    return list(d.values()), list(d.keys())


def _dict_unflatten(values, context):
    return dict(zip(context, values))


def _dict_flatten_with_keys(d):
    values, context = _dict_flatten(d)
    return [(MappingKey(k), v) for k, v in zip(context, values)], context


def _namedtuple_flatten(t):
    return list(t), type(t)


def _namedtuple_flatten_with_keys(t):
    return [(GetAttrKey(f), v) for f, v in zip(t._fields, t)], type(t)


def _register_builtins():
    def node(cls, flat, unflat, keyed):
        SUPPORTED_NODES[cls] = NodeDef(cls, flat, unflat, keyed)
        name = "collections.namedtuple" if cls is collections.namedtuple else f"{cls.__module__}.{cls.__qualname__}"
        _SERIALIZED[cls] = (name, None, None)
        _BY_NAME[name] = cls

    node(tuple, lambda t: (list(t), None), lambda v, c: tuple(v), lambda t: (_seq_keys(t), None))
    node(list, lambda t: (list(t), None), lambda v, c: list(v), lambda t: (_seq_keys(t), None))
    node(dict, _dict_flatten, _dict_unflatten, _dict_flatten_with_keys)
    node(collections.OrderedDict, _dict_flatten, lambda v, c: collections.OrderedDict(zip(c, v)),
         _dict_flatten_with_keys)
    node(collections.defaultdict, lambda d: (list(d.values()), [d.default_factory, list(d.keys())]),
         lambda v, c: collections.defaultdict(c[0], zip(c[1], v)),
         lambda d: ([(MappingKey(k), v) for k, v in d.items()], [d.default_factory, list(d.keys())]))
    node(collections.deque, lambda d: (list(d), d.maxlen), lambda v, c: collections.deque(v, maxlen=c),
         lambda d: (_seq_keys(d), d.maxlen))
    node(collections.namedtuple, _namedtuple_flatten, lambda v, c: c(*v), _namedtuple_flatten_with_keys)


_register_builtins()


# -- serialization of specs -----------------------------------------------------------------

_PROTOCOL = 1


def _spec_to_json(spec):
    if spec.type is None:
        return {"type": None, "context": None, "children_spec": []}
    if spec.type not in _SERIALIZED:
        raise NotImplementedError(f"Serializing {spec.type} in pytree is not registered.")
    name, to_ctx, _ = _SERIALIZED[spec.type]
    if spec.type is collections.namedtuple:
        ctx = json.dumps(f"{spec.context.__module__}.{spec.context.__qualname__}")
    else:
        ctx = json.dumps(to_ctx(spec.context) if to_ctx is not None else spec.context)
    return {"type": name, "context": ctx, "children_spec": [_spec_to_json(c) for c in spec.children_specs]}


def _spec_from_json(obj):
    if obj["type"] is None:
        return TreeSpec(None, None, [])
    cls = _BY_NAME.get(obj["type"])
    if cls is None:
        raise NotImplementedError(f"Deserializing {obj['type']} in pytree is not registered.")
    ctx = json.loads(obj["context"])
    if cls is collections.namedtuple:
        raise NotImplementedError("ember's treespec_loads cannot rebuild named tuple types by name")
    from_ctx = _SERIALIZED[cls][2]
    if from_ctx is not None:
        ctx = from_ctx(ctx)
    return TreeSpec(cls, ctx, [_spec_from_json(c) for c in obj["children_spec"]])


def treespec_dumps(treespec, protocol=None):
    """A JSON string describing ``treespec``.

    >>> from ember.utils._pytree import *
    >>> treespec_loads(treespec_dumps(tree_structure({"x": [0, 0]}))) == tree_structure({"x": [0, 0]})
    True
    """
    return json.dumps([_PROTOCOL if protocol is None else protocol, _spec_to_json(treespec)])


def treespec_loads(serialized):
    """The spec that :func:`treespec_dumps` wrote.

    >>> from ember.utils._pytree import *
    >>> treespec_loads(treespec_dumps(LeafSpec())).is_leaf()
    True
    """
    protocol, obj = json.loads(serialized)
    if protocol != _PROTOCOL:
        raise ValueError(f"Unknown protocol {protocol}. Available protocols: [{_PROTOCOL}]")
    return _spec_from_json(obj)


from ._pytree_queries import *  # noqa: E402,F401,F403
from ._pytree_queries import __all__ as _queries_all  # noqa: E402
__all__ += _queries_all
PyTreeSpec = TreeSpec
__all__ += ["PyTreeSpec"]
