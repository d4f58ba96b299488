"""More of ``torch.utils._pytree``: key paths (:func:`key_get`, :func:`tree_leaves_with_path`),
in-place maps (:func:`tree_map_`, :func:`tree_map_only_`), type-filtered predicates
(:func:`tree_all_only`, :func:`tree_any_only`), :func:`tree_is_leaf`, :func:`treespec_pprint`
and the named-tuple / struct-sequence tests.

>>> from ember.utils._pytree import tree_leaves_with_path, key_get
>>> tree = {"a": [1, (2, 3)]}
>>> path, leaf = tree_leaves_with_path(tree)[1]
>>> leaf, key_get(tree, path)
(2, 2)
"""
from typing import Any, Callable


# ember.utils._pytree imports this module at its end; the functions here reach back into it
# at call time (no module-level cycle)


def _pt():
    from . import _pytree
    return _pytree

__all__ = ["PyTree", "FlattenFn", "UnflattenFn", "DumpableContext", "ToDumpableContextFn",
           "FromDumpableContextFn", "key_get", "tree_is_leaf",
           "tree_leaves_with_path", "tree_map_", "tree_map_only_", "tree_all_only",
           "tree_any_only", "treespec_pprint", "is_namedtuple_class", "is_namedtuple_instance",
           "is_structseq", "is_structseq_class", "is_structseq_instance"]

PyTree = Any
FlattenFn = Callable[[PyTree], Any]
UnflattenFn = Callable[[Any, Any], PyTree]
DumpableContext = Any
ToDumpableContextFn = Callable[[Any], DumpableContext]
FromDumpableContextFn = Callable[[DumpableContext], Any]


def key_get(obj, kp):
    """Follow the key path ``kp`` (as :func:`tree_leaves_with_path` gives) into ``obj``.

    >>> from ember.utils._pytree import key_get, MappingKey, SequenceKey
    >>> key_get({"x": [5, 6]}, (MappingKey("x"), SequenceKey(1)))
    6
    """
    for k in kp:
        obj = k.get(obj)
    return obj


def tree_is_leaf(tree, is_leaf=None):
    """True when ``tree`` is a leaf (not a registered container, or ``is_leaf`` says so).

    >>> from ember.utils._pytree import tree_is_leaf
    >>> tree_is_leaf(1), tree_is_leaf([1]), tree_is_leaf([1], is_leaf=lambda x: True)
    (True, False, True)
    """
    if is_leaf is not None and is_leaf(tree):
        return True
    return _pt()._node_type(tree) is None


def tree_leaves_with_path(tree, is_leaf=None):
    """``[(key path, leaf), ...]`` in leaf order.

    >>> from ember.utils._pytree import tree_leaves_with_path
    >>> tree_leaves_with_path([7, {"k": 8}])
    [((SequenceKey(idx=0),), 7), ((SequenceKey(idx=1), MappingKey(key='k')), 8)]
    """
    return _pt().tree_flatten_with_path(tree, is_leaf)[0]


def tree_map_(func, tree, *rests, is_leaf=None):
    """Call ``func`` on every leaf (with the matching leaves of ``rests``) for its side
    effects; return ``tree`` itself.

    >>> from ember.utils._pytree import tree_map_
    >>> seen = []; t = [1, (2,)]
    >>> tree_map_(seen.append, t) is t, seen
    (True, [1, 2])
    """
    leaves = _pt().tree_leaves(tree, is_leaf)
    others = [_pt().tree_leaves(r, is_leaf) for r in rests]
    for xs in zip(leaves, *others):
        func(*xs)
    return tree


def tree_map_only_(type_or_types_or_pred, /, func, tree, is_leaf=None):
    """:func:`tree_map_` on the leaves of the given type(s) (or passing a predicate).

    >>> from ember.utils._pytree import tree_map_only_
    >>> seen = []; _ = tree_map_only_(int, seen.append, [1, "a", 2.0, 3]); seen
    [1, 3]
    """
    keep = _pt()._type_filter(type_or_types_or_pred)
    tree_map_(lambda x: func(x) if keep(x) else None, tree, is_leaf=is_leaf)
    return tree


def tree_all_only(type_or_types, /, pred, tree, is_leaf=None):
    """True when ``pred`` holds for every leaf of the given type(s).

    >>> from ember.utils._pytree import tree_all_only
    >>> tree_all_only(int, lambda x: x > 0, [1, "a", -2.0])
    True
    """
    return all(pred(x) for x in _pt().tree_leaves(tree, is_leaf) if isinstance(x, type_or_types))


def tree_any_only(type_or_types, /, pred, tree, is_leaf=None):
    """True when ``pred`` holds for some leaf of the given type(s).

    >>> from ember.utils._pytree import tree_any_only
    >>> tree_any_only(float, lambda x: x < 0, [1, "a", -2.0])
    True
    """
    return any(pred(x) for x in _pt().tree_leaves(tree, is_leaf) if isinstance(x, type_or_types))


class _Star:
    def __repr__(self):
        return "*"


def treespec_pprint(treespec):
    """The structure of ``treespec`` written as its containers with ``*`` for leaves.

    >>> from ember.utils._pytree import treespec_pprint, tree_structure
    >>> treespec_pprint(tree_structure((1, [2, {"x": 3}])))
    "(*, [*, {'x': *}])"
    """
    return repr(_pt().tree_unflatten([_Star()] * treespec.num_leaves, treespec))


def is_namedtuple_class(cls):
    """True for a class made by ``collections.namedtuple`` / ``typing.NamedTuple``.

    >>> import collections
    >>> from ember.utils._pytree import is_namedtuple_class
    >>> is_namedtuple_class(collections.namedtuple("P", "x")), is_namedtuple_class(tuple)
    (True, False)
    """
    return (isinstance(cls, type) and issubclass(cls, tuple)
            and isinstance(getattr(cls, "_fields", None), tuple)
            and all(type(f) is str for f in cls._fields)
            and callable(getattr(cls, "_make", None)) and callable(getattr(cls, "_asdict", None)))


def is_namedtuple_instance(obj):
    """True for an instance of a named tuple class.

    >>> import collections
    >>> from ember.utils._pytree import is_namedtuple_instance
    >>> is_namedtuple_instance(collections.namedtuple("P", "x")(1))
    True
    """
    return is_namedtuple_class(type(obj))


def is_structseq_class(cls):
    """True for a C struct-sequence class (``os.stat_result``, ``time.struct_time`` ...).

    >>> import os
    >>> from ember.utils._pytree import is_structseq_class
    >>> is_structseq_class(os.stat_result), is_structseq_class(tuple)
    (True, False)
    """
    return (isinstance(cls, type) and issubclass(cls, tuple) and cls.__bases__ == (tuple,)
            and all(isinstance(getattr(cls, a, None), int)
                    for a in ("n_fields", "n_sequence_fields", "n_unnamed_fields")))


def is_structseq_instance(obj):
    """True for an instance of a struct-sequence class.

    >>> import time
    >>> from ember.utils._pytree import is_structseq_instance
    >>> is_structseq_instance(time.gmtime(0))
    True
    """
    return is_structseq_class(type(obj))


def is_structseq(obj):
    """True for a struct-sequence class or instance.

    >>> import time
    >>> from ember.utils._pytree import is_structseq
    >>> is_structseq(time.struct_time), is_structseq(time.gmtime(0))
    (True, True)
    """
    return is_structseq_class(obj) or is_structseq_instance(obj)
