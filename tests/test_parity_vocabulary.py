"""One home for PyTorch's vocabulary: dtype names (ember/_dtype_names.py) and the broadcast
error (ember/_errors.py). The messages match real PyTorch's, and no other module keeps a copy."""
import ast
import pathlib

import pytest

import ember

torch = pytest.importorskip("torch")

CASES = {
    "broadcast_tensors": lambda L: L.broadcast_tensors(L.ones(2, 3), L.ones(4, 5)),
    "broadcast three shapes": lambda L: L.where(L.ones(2, 1) > 0, L.ones(5, 3), L.ones(1, 4)),
    "matmul batch": lambda L: L.matmul(L.ones(2, 3, 1, 1), L.ones(4, 5, 1, 1)),
    "sdpa batch": lambda L: L.nn.functional.scaled_dot_product_attention(
        L.ones(2, 3, 4, 8), L.ones(5, 6, 4, 8), L.ones(5, 6, 4, 8)),
    "mse_loss": lambda L: L.nn.functional.mse_loss(L.ones(2, 3), L.ones(4, 5)),
    "add": lambda L: L.ones(2, 3) + L.ones(4, 5),
    "normal": lambda L: L.normal(L.ones(2, 3), L.ones(4, 5)),
    "masked_fill half mask": lambda L: L.zeros(2).masked_fill_(L.zeros(2, dtype=L.float16), 1.0),
    "masked_fill bfloat16 mask": lambda L: L.zeros(2).masked_fill_(L.zeros(2, dtype=L.bfloat16), 1.0),
    "masked_fill int64 mask": lambda L: L.zeros(2).masked_fill_(L.zeros(2, dtype=L.int64), 1.0),
    "index_add half": lambda L: L.zeros(2, dtype=L.float16).index_add_(0, L.tensor([0]), L.ones(1)),
    "index_add long": lambda L: L.zeros(2, dtype=L.int64).index_add_(0, L.tensor([0]), L.ones(1)),
    "setitem complex into int": lambda L: L.zeros(2, dtype=L.int64).__setitem__(0, 1 + 2j),
    "quantize bool": lambda L: L.quantize_per_tensor(L.ones(2), 0.1, 0, L.bool),
    "complex of longs": lambda L: L.complex(L.ones(2, dtype=L.int64), L.ones(2, dtype=L.int64)),
    "clamp_ int with float": lambda L: L.zeros(2, dtype=L.int8).clamp_(0.5),
    "matmul dtypes": lambda L: L.ones(2, 2).matmul(L.ones(2, 2, dtype=L.float64)),
    "full overflow": lambda L: L.full((2,), 300, dtype=L.int8),
}


def _error(lib, f):
    with pytest.raises(Exception) as e:
        f(lib)
    return type(e.value), str(e.value).splitlines()[0]


@pytest.mark.parametrize("name", sorted(CASES))
def test_message_matches_torch(name):
    assert _error(ember, CASES[name]) == _error(torch, CASES[name])


ROOT = pathlib.Path(ember.__file__).parent


def _modules():
    for path in sorted(ROOT.rglob("*.py")):
        yield path.relative_to(ROOT).as_posix(), ast.parse(path.read_text())


def test_dtype_name_tables_live_in_one_module():
    """A dict literal mapping dtype names to PyTorch's names is defined only in _dtype_names.py."""
    from ember._dtype_names import SCALAR_NAMES, C10_NAMES, TYPEID_NAMES
    tables = (SCALAR_NAMES, C10_NAMES, TYPEID_NAMES)
    copies = []
    for rel, tree in _modules():
        if rel == "_dtype_names.py":
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Dict) and len(node.keys) >= 3 and all(
                    isinstance(k, ast.Constant) and isinstance(v, ast.Constant) for k, v in zip(node.keys, node.values)):
                d = {k.value: v.value for k, v in zip(node.keys, node.values)}
                if any(all(t.get(k) == v for k, v in d.items()) for t in tables):
                    copies.append(f"{rel}:{node.lineno}")
    assert not copies, f"copies of a dtype-name table (import it from ember._dtype_names): {copies}"


def test_broadcast_message_is_built_in_one_place():
    hits = [rel for rel, tree in _modules() if rel != "_errors.py"
            for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str)
            and "must match the size of tensor b" in node.value]
    assert not hits, f"build the broadcast error with ember._errors.broadcast_error: {hits}"


@pytest.mark.parametrize("shapes", [((2, 3), (4, 5)), ((1, 3), (4, 1)), ((3,), (2, 3)), ((2, 3, 4), (5, 4))])
def test_copy_shape_errors_match_torch(shapes):
    dst, src = shapes
    assert _error(ember, lambda L: L.zeros(*dst).copy_(L.ones(*src))) == \
        _error(torch, lambda L: L.zeros(*dst).copy_(L.ones(*src)))


def test_output_shape_message_is_built_in_one_place():
    hits = [rel for rel, tree in _modules() if rel != "_errors.py"
            for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str)
            and "doesn't match the broadcast shape" in node.value]
    assert not hits, f"build it with ember._errors.output_shape_error: {hits}"
