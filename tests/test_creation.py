"""Creation functions against PyTorch: values, dtypes, shapes (compared via repr, which is
itself PyTorch-exact), memory sharing, and errors (same exception type; messages too where
ember reproduces them)."""
import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")

_SAME = [
    # tensor(): dtype inference, nesting, 0-d, empties, dtype=, numpy inputs
    "T.tensor([1, 2.5])", "T.tensor([True, 1])", "T.tensor([[1, 2], [3.0, 4]])", "T.tensor([1, 2j])",
    "T.tensor(3)", "T.tensor(3.5)", "T.tensor(True)", "T.tensor([])", "T.tensor([[]])", "T.tensor([[], []])",
    "T.tensor([[[]]])", "T.tensor([], dtype=T.int32)", "T.tensor((1, 2))", "T.tensor([[1, 2], (3, 4)])",
    "T.tensor(range(3))", "T.tensor([1.5, 2], dtype=T.int32)", "T.tensor([1.5, -2.5], dtype=T.int64)",
    "T.tensor([-1], dtype=T.uint8)", "T.tensor([-255], dtype=T.uint8)", "T.tensor([2**63 - 1])",
    "T.tensor([1e300], dtype=T.float32)", "T.tensor([2**64], dtype=T.float32)", "T.tensor([2**70], dtype=T.float64)",
    "T.tensor([T.tensor(1.), T.tensor(2.)])", "T.tensor([T.tensor(1), 2.5])", "T.tensor([T.tensor([1.])])",
    "T.tensor(np.array([1, 2], dtype=np.int32))", "T.tensor(np.float64(2.5))", "T.tensor(np.int32(3))",
    "T.tensor([np.float32(1.5)])", "T.tensor(np.array(2.0))", "T.tensor(np.bool_(True))",
    "T.tensor([np.int64(1), 2.5])", "T.tensor([np.array([1, 2]), np.array([3, 4])])",
    "T.tensor(np.ones(3)[::2])", "T.tensor(np.array([1.5], dtype=np.float16))",
    "T.tensor([1, 2], dtype=T.bfloat16)", "T.tensor([1.5], dtype=T.float16)", "T.tensor([[1, 2]], dtype=T.bool)",
    "T.tensor([0.5, 0], dtype=T.bool)", "T.tensor([[True, False]], dtype=T.float64)",
    "T.tensor([1, 2], dtype=T.complex64)", "T.tensor([1., 2.], requires_grad=True)",
    "T.tensor([[1., 2.]], dtype=T.float64, requires_grad=True)",
    # nested dtype inference: promotion over tensors, NumPy scalars/arrays and Python numbers
    "T.tensor([T.tensor(1., dtype=T.float64)])", "T.tensor([T.tensor(1, dtype=T.int32), 2])",
    "T.tensor([np.array([1.5], dtype=np.float64)])", "T.tensor([[np.float64(1)]])",
    "T.tensor([T.tensor(True), 1])", "T.tensor([T.tensor(1.5, dtype=T.float16), 2])",
    "T.tensor([np.int32(1), np.uint8(2)])", "T.tensor([np.int8(1), np.uint8(2)])",
    "T.tensor([T.tensor(1, dtype=T.uint8), True])", "T.tensor([1, 2j, np.float64(1)])",
    "T.tensor([np.float16(1), 1j])",
    # zeros / ones / empty / full
    "T.zeros(2, 3)", "T.zeros((2, 3))", "T.zeros([2, 3])", "T.zeros(size=(2,))", "T.zeros(())", "T.zeros([])",
    "T.zeros(0)", "T.ones(2, dtype=T.int32)", "T.ones(2, dtype=T.bool)", "T.ones(size=[1, 2], dtype=T.uint8)",
    "T.empty(2, 3).shape", "T.empty(0, 4).shape", "T.zeros(2, requires_grad=True)",
    "T.zeros(2, 3, dtype=T.complex64)", "T.ones(2, 2, dtype=T.bfloat16)", "T.zeros(T.Size([2, 1]))",
    "T.full((2,), 7)", "T.full((2,), 7.)", "T.full((2,), True)", "T.full((2,), 1+2j)",
    "T.full((2,), 7, dtype=T.float64)", "T.full((2, 2), 1.5)", "T.full([], 3)", "T.full((2,), np.float64(2.5))",
    "T.full((2,), np.int32(2))", "T.full((2,), T.tensor(2.5))", "T.full((2,), 2.5, dtype=T.int64)",
    "T.full((2,), float('inf'))", "T.full((1,), -1, dtype=T.uint8)", "T.full((1,), 5, dtype=T.bool)",
    "T.full((2,), -3, dtype=T.uint8)", "T.full((2,), 1.5, requires_grad=True)",
    # *_like
    "T.zeros_like(T.ones(2, 3, dtype=T.int32))", "T.ones_like(T.ones(2), dtype=T.float64)",
    "T.full_like(T.ones(2, dtype=T.int64), 2.7)", "T.full_like(T.ones(2), 3)", "T.empty_like(T.ones(2, 3)).shape",
    "T.zeros_like(T.ones(2), requires_grad=True)", "T.full_like(T.ones(2, dtype=T.bool), 5)",
    "T.full_like(T.ones(2), 1, dtype=T.int32)", "T.ones_like(T.ones(2, 3).t())",
    # arange
    "T.arange(5)", "T.arange(1, 4)", "T.arange(0, 1, 0.1)", "T.arange(1, 2.5, 0.5)", "T.arange(5.)",
    "T.arange(0, 10, 3)", "T.arange(10, 0, -3)", "T.arange(5, dtype=T.float64)", "T.arange(0.5, 3, dtype=T.int64)",
    "T.arange(0, 1, 0.3, dtype=T.int32)", "T.arange(-1.5, 1.5)", "T.arange(T.tensor(3))", "T.arange(T.tensor(3.))",
    "T.arange(0, 5, T.tensor(2))", "T.arange(1, 1)", "T.arange(0, 0.3, 0.1)", "T.arange(1, 1.3, 0.1)",
    "T.arange(0, 1e-7, 1e-8)", "T.arange(2, 3, 0.1, dtype=T.float32)", "T.arange(0, 5, 1.5, dtype=T.int64)",
    "T.arange(0.5, 5.5, 1.5, dtype=T.int64)", "T.arange(-2.5, 3, 1.2, dtype=T.int64)", "T.arange(0, 5, 2.9, dtype=T.int64)",
    "T.arange(10, 0, -2.5, dtype=T.int32)", "T.arange(0, 1, 1/3)", "T.arange(1, 2, 0.1, dtype=T.float64)",
    "T.arange(0, 10**10, 10**9)", "T.arange(-3, 3, dtype=T.float16)", "T.arange(10, dtype=T.uint8)",
    "T.arange(np.int64(3))", "T.arange(True)", "T.arange(3., requires_grad=True)",
    "T.arange(0, 10, 2.5, dtype=T.float16)", "T.arange(-5, 5, 0.7)",
    # linspace / logspace / eye / scalar_tensor
    "T.linspace(0, 1, 5)", "T.linspace(0, 1, 1)", "T.linspace(0, 1, 0)", "T.linspace(0, 10, 5, dtype=T.int64)",
    "T.linspace(-1, 1, 4, dtype=T.float64)", "T.linspace(0, 1, 7)", "T.linspace(T.tensor(0.), T.tensor(2.), 3)",
    "T.linspace(0, 3, 4, dtype=T.int32)", "T.linspace(1, 0, 6)", "T.linspace(0, 1, 3, requires_grad=True)",
    "T.linspace(0, 5, 4, dtype=T.uint8)", "T.linspace(0.5, 10.5, 11, dtype=T.int64)", "T.linspace(1j, 2, 3)",
    "T.logspace(0, 2, 3)", "T.logspace(0, 3, 4, base=2)", "T.logspace(0, 2, 3, dtype=T.int64)",
    "T.logspace(-2, 2, 5, dtype=T.float64)", "T.logspace(0, 1, 0)", "T.logspace(0, 1, 1)", "T.logspace(0, 40, 3)",
    "T.eye(3)", "T.eye(2, 3)", "T.eye(3, 2, dtype=T.int64)", "T.eye(0)", "T.eye(2, dtype=T.bool)",
    "T.eye(2, requires_grad=True)", "T.scalar_tensor(3)", "T.scalar_tensor(3.5, dtype=T.float64)",
    "T.scalar_tensor(True)", "T.scalar_tensor(1, dtype=T.int64)", "T.scalar_tensor(2, requires_grad=True)",
    # as_tensor / asarray / from_numpy / empty_strided
    "T.as_tensor([1, 2])", "T.as_tensor([1., 2.], dtype=T.float64)", "T.as_tensor(np.ones(2), dtype=T.float32)",
    "T.as_tensor(3.5)", "T.asarray([1, 2])", "T.asarray(np.ones(2))", "T.asarray([1.5], dtype=T.float64)",
    "T.asarray(3)", "T.empty_strided((2, 3), (1, 2)).shape", "T.from_numpy(np.array(3.5))",
    "T.from_numpy(np.ones((2, 3))[:, ::2])", "T.from_numpy(np.arange(4, dtype=np.int16))",
]

_ERRORS = [
    "T.tensor([[1, 2], [3]])", "T.tensor([[1, 2], [3, 4, 5]])", "T.tensor([[[1], [2]], [[1], [2, 3]]])",
    "T.tensor([[1], [2, 3]], dtype=T.float32)", "T.tensor([1, [2]], dtype=T.float32)", "T.tensor([1, [2]])",
    "T.tensor([[1], 2])", "T.tensor([[1], 2], dtype=T.float32)", "T.tensor(None)", "T.tensor([None])",
    "T.tensor([object()])", "T.tensor({1: 2})", "T.tensor('a')", "T.tensor([1, 'a'])",
    "T.tensor([300], dtype=T.uint8)", "T.tensor([-256], dtype=T.uint8)", "T.tensor([2**40], dtype=T.int32)",
    "T.tensor([-129], dtype=T.int8)", "T.tensor(2**63)", "T.tensor([2**64])",
    "T.tensor(float('nan'), dtype=T.int64)", "T.tensor([float('inf')], dtype=T.int32)",
    "T.tensor([T.tensor([1., 2.])])", "T.tensor([T.tensor([1, 2])])", "T.tensor([1, 2], requires_grad=True)",
    "T.zeros(-1)", "T.zeros(2, -3)", "T.ones(-1)", "T.empty(-2)", "T.ones(2.5)", "T.zeros(2.5)", "T.zeros(True)",
    "T.ones(2, dtype=T.int64, requires_grad=True)", "T.full((-1,), 2)", "T.full(3, 1.)", "T.full((2,), 'a')",
    "T.full((1,), 300, dtype=T.uint8)", "T.full((1,), 2**40, dtype=T.int32)", "T.full((1,), 1e40, dtype=T.float32)",
    "T.full((1,), 300, dtype=T.int8)", "T.full((1,), 2**63)", "T.full_like(T.ones(2, dtype=T.uint8), 300)",
    "T.arange(0, -1, 0.25)", "T.arange(0, 1, -0.1)", "T.arange(0, 1, 0)", "T.arange(float('inf'))",
    "T.arange(0, float('nan'))", "T.arange(0, 3, 0.5, dtype=T.int64)", "T.arange(3, requires_grad=True)",
    "T.linspace(0, 1, -1)", "T.logspace(0, 1, -2)", "T.eye(-1)", "T.eye(2, -1)", "T.eye(2.5)",
    "T.from_numpy([1])", "T.from_numpy(np.array([1, 2], dtype='>i4'))", "T.tensor(np.array(['a']))",
    "T.tensor([1+2j], dtype=T.float32)",
]
# errors whose type matches but whose message ember words differently
_MESSAGE_DIFFERS = {"T.tensor(np.array(['a']))", "T.tensor([1+2j], dtype=T.float32)"}


def _eval(src, T):
    with np.errstate(all="ignore"):
        return eval(src, {"T": T, "np": np})


@pytest.mark.parametrize("src", _SAME)
def test_same_as_torch(src):
    want, got = _eval(src, torch), _eval(src, ember)
    assert repr(got) == repr(want)
    if isinstance(want, torch.Tensor):
        assert str(got.dtype) == str(want.dtype) and tuple(got.shape) == tuple(want.shape)
        assert got.requires_grad == want.requires_grad and got.is_leaf


@pytest.mark.parametrize("src", _ERRORS)
def test_errors_like_torch(src):
    with pytest.raises(Exception) as et:
        _eval(src, torch)
    with pytest.raises(Exception) as ee:
        _eval(src, ember)
    assert type(ee.value) is type(et.value), (ee.value, et.value)
    if src not in _MESSAGE_DIFFERS:
        assert str(ee.value).split("\n")[0] == str(et.value).split("\n")[0]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("args", [(0, 1, 0.1), (-3.5, 7.25, 0.3), (1, 0, -0.07), (0, 100, 7), (2, 3, 1e-3)])
def test_arange_values_and_length(args, dtype):
    want = torch.arange(*args, dtype=getattr(torch, dtype))
    got = ember.arange(*args, dtype=getattr(ember, dtype))
    assert got.shape == tuple(want.shape)
    np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-6 if dtype == "float32" else 1e-12)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_linspace_logspace_values(dtype):
    for a, b, n in [(0, 1, 11), (-5, 5, 8), (3, -2, 13), (1e-3, 1e3, 5)]:
        w = torch.linspace(a, b, n, dtype=getattr(torch, dtype))
        g = ember.linspace(a, b, n, dtype=getattr(ember, dtype))
        np.testing.assert_allclose(g.numpy(), w.numpy(), rtol=1e-6, atol=1e-6)
        w = torch.logspace(-1, 1, n, base=3.0, dtype=getattr(torch, dtype))
        g = ember.logspace(-1, 1, n, base=3.0, dtype=getattr(ember, dtype))
        np.testing.assert_allclose(g.numpy(), w.numpy(), rtol=1e-6)


def test_memory_sharing():
    a = np.zeros(3, dtype=np.float32)
    t = ember.from_numpy(a)
    t[1] = 5.0
    assert a[1] == 5.0
    a[0] = -1.0
    assert t[0].item() == -1.0
    t.add_(1)
    assert a.tolist() == [0.0, 6.0, 1.0]
    assert np.shares_memory(ember.as_tensor(a)._data, a)
    assert not np.shares_memory(ember.as_tensor(a, dtype=ember.float64)._data, a)
    assert not np.shares_memory(ember.tensor(a)._data, a)
    x = ember.ones(2)
    assert ember.as_tensor(x) is x and ember.asarray(x) is x
    assert ember.asarray(a, copy=True)._data is not a
    with pytest.raises(ValueError):
        ember.asarray(a, dtype=ember.float64, copy=False)
    view = np.arange(6.0).reshape(2, 3)[:, 1]
    tv = ember.from_numpy(view)
    tv[0] = 100.0
    assert view[0] == 100.0
    b = ember.tensor(x)  # a copy, detached
    b.add_(1)
    assert x.tolist() == [1.0, 1.0]


def test_tensor_copies_and_detaches():
    x = ember.ones(2, requires_grad=True)
    y = ember.tensor(x * 2)
    assert not y.requires_grad and y.grad_fn is None and y.tolist() == [2.0, 2.0]
    assert ember.tensor(x, dtype=ember.float64).dtype == ember.float64


def test_bfloat16():
    t = ember.tensor([1.5, 2.0], dtype=ember.bfloat16)
    assert t.dtype == ember.bfloat16 and repr(t) == repr(torch.tensor([1.5, 2.0], dtype=torch.bfloat16))
    assert ember.zeros(2, dtype=ember.bfloat16).dtype == ember.bfloat16
    assert ember.full((2,), 3.0, dtype=ember.bfloat16).tolist() == [3.0, 3.0]
    assert ember.arange(3, dtype=ember.bfloat16).tolist() == [0.0, 1.0, 2.0]
    import ml_dtypes
    f = ember.from_numpy(np.ones(2, dtype=ml_dtypes.bfloat16))
    assert f.dtype == ember.bfloat16
    assert ember.ones(2, dtype=ember.bfloat16, requires_grad=True).requires_grad


def test_default_dtype_followed():
    try:
        ember.set_default_dtype(ember.float64)
        torch.set_default_dtype(torch.float64)
        for src in ("T.tensor([1.5])", "T.zeros(2)", "T.full((1,), 2.)", "T.arange(0, 1, 0.5)",
                    "T.linspace(0, 1, 3)", "T.eye(1)", "T.tensor([1j])", "T.scalar_tensor(1)"):
            assert repr(_eval(src, ember)) == repr(_eval(src, torch)), src
    finally:
        ember.set_default_dtype(ember.float32)
        torch.set_default_dtype(torch.float32)


def test_out_argument():
    o = ember.empty(0)
    r = ember.arange(4, out=o, dtype=ember.float32)
    assert r is o and o.tolist() == [0.0, 1.0, 2.0, 3.0]
    o = ember.empty(2, 2)
    assert ember.zeros(2, 2, out=o) is o and o.sum().item() == 0.0
    o = ember.empty(3)
    assert ember.linspace(0, 1, 3, out=o) is o and o.tolist() == [0.0, 0.5, 1.0]
