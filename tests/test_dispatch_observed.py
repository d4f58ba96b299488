"""The one dispatch entry sees every op: comparisons, logical and bitwise ops (declared from
tables, no gradient) and the reduce/shape/index/conversion ops, with grad off (``no_grad``, or no
input requiring grad) as well as on, reach ``apply_op`` and so the per-thread op observer; their
results are still PyTorch's."""
import numpy as np
import pytest

import ember
from ember.autograd.function import _set_op_observer

torch = pytest.importorskip("torch")


def _observed(fn):
    seen = []
    prev = _set_op_observer(lambda op, ins, outs: seen.append((op.__name__, ins, outs)))
    try:
        out = fn()
    finally:
        _set_op_observer(prev)
    return out, seen


F = np.array([[1.5, -2.0, 3.0], [0.0, 2.0, -1.0]], np.float32)
I = np.array([[12, 10, -3], [7, 0, 255]], np.int64)

NOGRAD_OPS = {  # name: (function of the library and a float and an int tensor, op class expected)
    "lt": (lambda L, x, i: x < 1, "Lt"),
    "le_tensor": (lambda L, x, i: x <= x.flip(0), "Le"),
    "gt_fn": (lambda L, x, i: L.gt(x, 0.5), "Gt"),
    "ge_reflected": (lambda L, x, i: 1 >= x, "Le"),  # Python asks x.__le__
    "eq": (lambda L, x, i: x == x[0], "Eq"),
    "ne_method": (lambda L, x, i: i.ne(7), "Ne"),
    "greater_alias": (lambda L, x, i: L.greater(i, 5), "Gt"),
    "and": (lambda L, x, i: i & 6, "BitwiseAnd"),
    "or_tensors": (lambda L, x, i: i | i.flip(1), "BitwiseOr"),
    "xor_bool": (lambda L, x, i: (x > 0) ^ (x < 2), "BitwiseXor"),
    "rand": (lambda L, x, i: 6 & i, "BitwiseAnd"),
    "invert": (lambda L, x, i: ~i, "BitwiseNot"),
    "lshift": (lambda L, x, i: i << 2, "BitwiseLeftShift"),
    "rshift_fn": (lambda L, x, i: L.bitwise_right_shift(i, 1), "BitwiseRightShift"),
    "logical_and": (lambda L, x, i: L.logical_and(x, i), "LogicalAnd"),
    "logical_not": (lambda L, x, i: x.logical_not(), "LogicalNot"),
    "sum": (lambda L, x, i: x.sum(), "SumAll"),
    "sum_dim": (lambda L, x, i: i.sum(1), "Sum"),
    "mean": (lambda L, x, i: x.mean(0), "Mean"),
    "amax": (lambda L, x, i: x.amax(1), "_Amax"),
    "max_dim": (lambda L, x, i: x.max(1)[0], "_MaxDim"),
    "maximum": (lambda L, x, i: L.maximum(x, x.flip(1)), "Maximum"),
    "var": (lambda L, x, i: x.var(1), None),
    "prod": (lambda L, x, i: x.prod(0), "_Prod"),
    "logsumexp": (lambda L, x, i: x.logsumexp(1), "_Logsumexp"),
    "cumsum": (lambda L, x, i: x.cumsum(1), None),
    "cummax": (lambda L, x, i: x.cummax(1)[0], "_Cummax"),
    "sort": (lambda L, x, i: x.sort(1)[0], "Sort"),
    "view": (lambda L, x, i: x.view(3, 2), "View"),
    "reshape_copy": (lambda L, x, i: x.t().reshape(6), "Reshape"),
    "t": (lambda L, x, i: x.t(), "T"),
    "permute": (lambda L, x, i: x.permute(1, 0), None),
    "getitem_int": (lambda L, x, i: x[0], "Select"),
    "getitem_slice": (lambda L, x, i: x[:, 1:], None),
    "getitem_advanced": (lambda L, x, i: x[L.tensor([1, 0, 1])], "Index"),
    "gather": (lambda L, x, i: x.gather(1, L.tensor([[2, 0], [1, 1]])), "Gather"),
    "scatter_add": (lambda L, x, i: x.scatter_add(1, L.tensor([[0, 0, 1]] * 2), x), "ScatterAdd"),
    "clone": (lambda L, x, i: x.clone(), "Clone"),
    "contiguous": (lambda L, x, i: x.t().contiguous(), "Clone"),
    "to_int": (lambda L, x, i: x.to(L.int32), "ToCopy"),
    "matmul": (lambda L, x, i: x @ x.t(), "Mm"),
    "bmm": (lambda L, x, i: L.bmm(x[None], x.t()[None]), "Bmm"),
}


@pytest.mark.parametrize("mode", ["no_grad", "plain", "grad"])
@pytest.mark.parametrize("name", sorted(NOGRAD_OPS))
def test_observer_sees_the_op_and_result_matches_torch(name, mode):
    fn, cls = NOGRAD_OPS[name]
    x = ember.tensor(F, requires_grad=(mode == "grad"))
    i = ember.tensor(I)
    if mode == "no_grad":
        with ember.no_grad():
            out, seen = _observed(lambda: fn(ember, x, i))
    else:
        out, seen = _observed(lambda: fn(ember, x, i))
    assert seen, f"{name}: no op reached apply_op"
    names = [n for n, _, _ in seen]
    if cls is not None:
        assert cls in names, names
    assert any(out is o for _, _, outs in seen for o in outs), f"{name}: result not among the observed outputs"
    want = fn(torch, torch.tensor(F, requires_grad=(mode == "grad")), torch.tensor(I))
    assert str(out.dtype) == str(want.dtype) and tuple(out.shape) == tuple(want.shape)
    np.testing.assert_allclose(out.detach().numpy(), want.detach().numpy(), rtol=1e-6)
    assert out.requires_grad == want.requires_grad


def test_comparison_inputs_and_promotion_seen_as_torch_computes():
    x = ember.tensor([1, 2, 300], dtype=ember.int16)
    out, seen = _observed(lambda: x < 2.5)
    (name, ins, outs), = seen
    assert name == "Lt" and ins[0] is x and ins[1] == 2.5 and outs == (out,)
    assert out.tolist() == (torch.tensor([1, 2, 300], dtype=torch.int16) < 2.5).tolist()
    u = ember.tensor([1, 2], dtype=ember.uint8)
    assert (u < -1).tolist() == (torch.tensor([1, 2], dtype=torch.uint8) < -1).tolist()


def test_bitwise_errors_match_torch():
    for mod in (ember, torch):
        with pytest.raises(RuntimeError):
            mod.tensor([1.5]) & mod.tensor([1.0])
        with pytest.raises(RuntimeError):
            mod.tensor([1, 2]) | mod.tensor([1, 2, 3])
        with pytest.raises(TypeError):
            ~mod.tensor([1.5])
        with pytest.raises(RuntimeError):
            mod.tensor([1.5]) << 1


def test_in_place_comparison_still_writes_in_the_tensors_dtype():
    x = ember.tensor([1., 2., 3.])
    _, seen = _observed(lambda: x.lt_(2.5))
    assert "Lt" in [n for n, _, _ in seen]
    assert x.tolist() == [1., 1., 0.]
