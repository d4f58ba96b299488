"""Tensor.expand: results, and exception type AND message, vs torch 2.13."""
import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")

CASES = [((3,), (-1, 3)), ((3,), (4,)), ((3,), (-2, 3)), ((3,), (2, -2)), ((1,), (-2,)), ((3,), (3, 3)),
         ((3,), (2,)), ((2, 3), (3,)), ((2, 1), (2, -1)), ((2, 1), (-1, 4)), ((2, 1), (-1, -1)), ((), (-1,)),
         ((), (2, 3)), ((1,), (0,)), ((3,), (0, 3)), ((2, 3), (1, 2, -1)), ((1,), ()), ((3,), (3.0,)),
         ((3,), ("a",)), ((1, 3), (2, 3, 3)), ((2, 1), (2, 1, 1)), ((3,), ((2, 3),)), ((3,), ([2, 3],)),
         ((1,), (-3,)), ((2, 3), (-1, 2, -1)), ((3,), (-5, 3)), ((1, 1), (-2, -2)), ((1,), (3, 2.0)),
         ((1,), ((3, 2.0),)), ((1,), ([2.5],)), ((1,), (None,)), ((1,), (np.int64(3),)), ((1,), ((2,), 3)),
         ((2, 3), (2, 2, 3, -1)), ((1,), ("t3",)), ((1,), ("t3", 2)), ((2, 3), (1, 1, 2, 3)), ((1, 3), (1, 5, 1, 3)),
         ((), (1,)), ((), (1, 1)), ((3, 1), (1, 3, 1)), ((1,), ((2.5,),)), ((4, 1), (1, 4, 3))]


def _expand(m, shape, args):
    args = tuple(m.tensor(3) if isinstance(a, str) and a == "t3" else a for a in args)
    return m.ones(shape).expand(*args)


@pytest.mark.parametrize("shape,args", CASES, ids=[f"{s}-{a}" for s, a in CASES])
def test_expand_matches_torch(shape, args):
    out = []
    for m in (torch, ember):
        try:
            r = _expand(m, shape, args)
            out.append(("ok", tuple(r.shape), r.stride()))
        except Exception as e:  # noqa: BLE001 - the type is what is compared
            out.append((type(e).__name__, str(e)))
    assert out[1] == out[0]


def test_expand_size_keyword_and_grad():
    x = ember.tensor([[1.0], [2.0]], requires_grad=True)
    y = x.expand(size=(2, 3))
    assert tuple(y.shape) == (2, 3)
    y.sum().backward()
    assert x.grad.tolist() == [[3.0], [3.0]]
    with pytest.raises(TypeError):
        x.expand(2, size=(2, 3))
