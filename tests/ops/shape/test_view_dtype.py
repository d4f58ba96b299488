"""``Tensor.view(dtype)`` reinterprets the bytes (as PyTorch), and ``view``/``reshape`` sizes
must be ints."""
import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")

CASES = {
    "f32->i32": lambda L: L.tensor([1.0, 2.0, -0.5]).view(L.int32),
    "f32->f16": lambda L: L.tensor([[1.0, 2.0], [3.0, 4.0]]).view(L.float16),
    "f32->bf16": lambda L: L.tensor([1.0, -2.0]).view(L.bfloat16),
    "f32->f64": lambda L: L.arange(8.).reshape(2, 4).view(L.float64),
    "f64->f32": lambda L: L.tensor([1.0, 2.0], dtype=L.float64).view(L.float32),
    "f32->u8": lambda L: L.tensor([1.0, 2.0]).view(L.uint8),
    "bool->u8": lambda L: L.tensor([True, False]).view(L.uint8),
    "i64->f64": lambda L: L.tensor([1, 2]).view(L.float64),
    "i16->i64 strided rows": lambda L: L.arange(24, dtype=L.int16).reshape(6, 4)[::2].view(L.int64),
    "f32 odd last dim": lambda L: L.ones(2, 3).view(L.float64),
    "f32 strided last dim": lambda L: L.ones(4, 4)[:, ::2].view(L.float64),
    "f32 transposed": lambda L: L.ones(4, 4).t().view(L.float64),
    "f32 0-d": lambda L: L.tensor(1.0).view(L.float64),
    "f32 0-d same size": lambda L: L.tensor(1.0).view(L.int32),
    "offset": lambda L: L.ones(6)[1:5].view(L.float64),
}


@pytest.mark.parametrize("name", list(CASES))
def test_view_dtype_matches_torch(name):
    f = CASES[name]
    try:
        want = f(torch)
    except RuntimeError as e:
        with pytest.raises(RuntimeError) as got:
            f(ember)
        assert str(got.value) == str(e)
        return
    got = f(ember)
    assert str(got.dtype) == str(want.dtype) and tuple(got.shape) == tuple(want.shape)
    w = want.float() if want.dtype == torch.bfloat16 else want
    g = got.float() if got.dtype == ember.bfloat16 else got
    np.testing.assert_array_equal(g.numpy(), w.numpy())


def test_view_dtype_shares_memory_and_is_not_differentiable():
    x = ember.zeros(2, requires_grad=True)
    v = x.view(ember.int32)
    assert not v.requires_grad and v.grad_fn is None
    y = ember.zeros(2)
    y.view(ember.int32).add_(1)
    assert y.tolist() == torch.zeros(2).view(torch.int32).add_(1).view(torch.float32).tolist()


@pytest.mark.parametrize("args", [(2.0, 3), (2, 3.0), ((2.0, 3),), ("2", 3)])
def test_view_and_reshape_sizes_must_be_ints(args):
    for lib in (torch, ember):
        with pytest.raises(TypeError):
            lib.ones(6).view(*args)
        with pytest.raises(TypeError):
            lib.ones(6).reshape(*args)


def test_expand_with_fewer_sizes_raises_runtime_error():
    with pytest.raises(RuntimeError, match=r"expand\(torch.FloatTensor\{\[2, 3\]\}, size=\[3\]\): the number of sizes provided \(1\)"):
        ember.ones(2, 3).expand(3)
    with pytest.raises(RuntimeError, match=r"torch.LongTensor"):
        ember.ones(2, 3, dtype=ember.long).expand(3)


def test_sizes_accept_numpy_ints_and_0d_integer_tensors():
    import numpy as np
    assert ember.ones(6).view(np.int64(2), 3).shape == (2, 3)
    assert ember.ones(6).reshape(ember.tensor(2), 3).shape == (2, 3)
    assert ember.ones(2).expand(np.int32(3), 2).shape == (3, 2)
