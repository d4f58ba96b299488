"""torch.utils._pytree's key-path, in-place map, *_only and namedtuple/structseq helpers."""
import collections
import os
import time

import pytest

import ember  # noqa: F401
import ember.utils._pytree as ep

torch = pytest.importorskip("torch")
import torch.utils._pytree as tp  # noqa: E402

NT = collections.namedtuple("NT", "a b")
TREES = [{"a": [1, (2, 3)], "b": None}, (1, [2.5, {"x": "s"}]), NT(1, [2, 3]), [], 7,
         collections.OrderedDict(z=[1], y=2)]


def test_public_names_cover_torch():
    missing = [n for n in tp.__all__ if not hasattr(ep, n)]
    assert not missing


@pytest.mark.parametrize("i", range(len(TREES)))
def test_paths_leaves_pprint(i):
    tree = TREES[i]
    e, t = ep.tree_leaves_with_path(tree), tp.tree_leaves_with_path(tree)
    assert [(ep.keystr(p), x) for p, x in e] == [(tp.keystr(p), x) for p, x in t]
    assert [ep.key_get(tree, p) for p, _ in e] == [x for _, x in t]
    assert ep.treespec_pprint(ep.tree_structure(tree)) == tp.treespec_pprint(tp.tree_structure(tree))
    assert ep.tree_is_leaf(tree) == tp.tree_is_leaf(tree)
    for only in (int, (int, float), str):
        pred = (lambda x: x > 1) if only is not str else (lambda x: x == "s")
        assert ep.tree_all_only(only, pred, tree) == tp.tree_all_only(only, pred, tree)
        assert ep.tree_any_only(only, pred, tree) == tp.tree_any_only(only, pred, tree)


def test_inplace_maps():
    for lib in (ep, tp):
        seen = []
        tree = [1, (2, {"k": 3})]
        assert lib.tree_map_(lambda x, y: seen.append(x + y), tree, [10, (20, {"k": 30})]) is tree
        assert lib.tree_map_only_(int, lambda x: seen.append(-x), [1, "a", 2.0]) == [1, "a", 2.0]
        assert seen == [11, 22, 33, -1]


@pytest.mark.parametrize("obj", [NT, NT(1, 2), (1, 2), tuple, os.stat_result, time.gmtime(0),
                                 time.struct_time, os.stat("."), [1], None])
def test_namedtuple_structseq_predicates(obj):
    for name in ("is_structseq", "is_structseq_instance", "is_namedtuple_instance", "is_namedtuple"):
        assert getattr(ep, name)(obj) == getattr(tp, name)(obj), name
    if isinstance(obj, type):
        for name in ("is_structseq_class", "is_namedtuple_class"):
            assert getattr(ep, name)(obj) == getattr(tp, name)(obj), name
