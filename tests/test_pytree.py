"""``torch.utils._pytree`` on ember vs PyTorch's: same leaves, structures, paths and rebuilds."""
import collections

import pytest

from ember.utils import _pytree as ep

P = collections.namedtuple("P", "x y")
TREES = [
    1, None, [1, 2], (1, [2, (3, None)]), {"b": 1, "a": [2, 3]}, collections.OrderedDict(a=1, b=(2,)),
    P(1, [2]), collections.deque([1, 2]), collections.defaultdict(list, {"k": [5, 6]}), [],
]


@pytest.mark.parametrize("tree", TREES, ids=range(len(TREES)))
def test_flatten_unflatten_match_torch(torch_ref, tree):
    tp = pytest.importorskip("torch.utils._pytree")
    leaves, spec = ep.tree_flatten(tree)
    tleaves, tspec = tp.tree_flatten(tree)
    assert leaves == tleaves
    assert spec.num_leaves == tspec.num_leaves and spec.num_nodes == tspec.num_nodes
    rebuilt = ep.tree_unflatten([("x", v) for v in leaves], spec)
    assert rebuilt == tp.tree_unflatten([("x", v) for v in tleaves], tspec)
    assert type(rebuilt) is (tuple if spec.is_leaf() else type(tree))
    assert [ep.keystr(p) for p, _ in ep.tree_flatten_with_path(tree)[0]] == \
        [tp.keystr(p) for p, _ in tp.tree_flatten_with_path(tree)[0]]


def test_map_register_and_errors(torch_ref):
    tp = pytest.importorskip("torch.utils._pytree")
    tree = {"a": [1, 2.5, "s"], "b": (3,)}
    assert ep.tree_map_only(int, lambda v: v * 10, tree) == tp.tree_map_only(int, lambda v: v * 10, tree)
    assert ep.tree_map(lambda a, b: a + b, [1, (2,)], [10, (20,)]) == [11, (22,)]

    class Box:
        def __init__(self, v):
            self.v = v
    ep.register_pytree_node(Box, lambda b: ([b.v], None), lambda c, _: Box(c[0]),
                            flatten_with_keys_fn=lambda b: ([(ep.GetAttrKey("v"), b.v)], None))
    assert ep.tree_leaves([Box(4), Box([5])]) == [4, 5]
    assert ep.keystr(ep.tree_flatten_with_path(Box(1))[0][0][0]) == ".v"
    with pytest.raises(ValueError):
        ep.register_pytree_node(Box, lambda b: ([], None), lambda c, _: Box(0))
    with pytest.raises(ValueError):
        ep.tree_unflatten([1], ep.tree_structure([0, 0]))
    with pytest.raises(ValueError):
        tp.tree_unflatten([1], tp.tree_structure([0, 0]))


def test_treespec_dumps_round_trip():
    spec = ep.tree_structure({"x": [0, (0, None)], "y": collections.OrderedDict(z=0)})
    assert ep.treespec_loads(ep.treespec_dumps(spec)) == spec
