"""Short paths for small tensors give the general paths' results: addmm's bias broadcast
(and PyTorch's error when it cannot), tanh-GELU outside autograd (the composite's bits),
arange of Python ints (PyTorch's values, dtype and errors)."""
import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")


@pytest.mark.parametrize("bias", [(192,), (1, 192), (3, 1), (3, 192), (1,), (5,), (2, 3, 192)])
def test_addmm_bias_shapes(bias):
    def run(T):
        try:
            return T.addmm(T.ones(*bias), T.ones(3, 4), T.full((4, 192), 0.5), beta=0.5, alpha=2).tolist()
        except RuntimeError as e:
            return ("RuntimeError", str(e))
    assert run(ember) == run(torch)


def test_addmm_bias_gradient_sums_the_broadcast():
    b = ember.tensor([1.0, 2.0], requires_grad=True)
    x = ember.ones(3, 4, requires_grad=True)
    ember.addmm(b, x, ember.ones(4, 2), beta=0.5).sum().backward()
    assert b.grad.tolist() == [1.5, 1.5] and x.grad.shape == (3, 4)


@pytest.mark.parametrize("shape", [(), (7,), (2, 3, 64)])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_gelu_tanh_without_autograd_matches_the_composite(shape, dtype):
    x = (np.random.default_rng(0).standard_normal(shape) * 4).astype(dtype)
    with ember.no_grad():
        fast = ember.nn.functional.gelu(ember.tensor(x), approximate="tanh")
    slow = ember.nn.functional.gelu(ember.tensor(x, requires_grad=True), approximate="tanh")
    assert fast.shape == slow.shape and fast.dtype == slow.dtype and not fast.requires_grad
    np.testing.assert_array_equal(fast.numpy(), slow.detach().numpy())
    ref = torch.nn.functional.gelu(torch.tensor(x), approximate="tanh").numpy()
    np.testing.assert_allclose(fast.numpy(), ref, rtol=2e-6 if dtype == "float32" else 1e-12, atol=1e-6)


@pytest.mark.parametrize("args", [(5,), (0,), (-3,), (2, 7), (7, 2), (3, 3), (True,), (2 ** 40, 2 ** 40 + 3)])
def test_arange_of_ints(args):
    def run(T):
        try:
            r = T.arange(*args)
            return r.tolist(), str(r.dtype)
        except RuntimeError as e:
            return "RuntimeError"
    assert run(ember) == run(torch)
    with ember.device("meta"):
        assert ember.arange(4).device.type == "meta"
    assert ember.arange(3, requires_grad=False).dtype == ember.int64


@pytest.mark.parametrize("shape", [(8, 64), (-1, 64), (4, 128), (3, 100), (-1, -1), (8, -2), (-1, -2), (0, 64)])
def test_view_sizes_and_errors_match_torch(shape):
    def run(T):
        x = T.zeros(1, 8, 64)
        try:
            return tuple(x.view(*shape).shape), tuple(x.reshape(*shape).shape)
        except RuntimeError as e:
            return str(e)
    assert run(ember) == run(torch)


_ARITH_DTYPES = ["float32", "float64", "float16", "bfloat16", "int64", "int32", "uint8", "bool", "complex64"]


@pytest.mark.parametrize("dtype", _ARITH_DTYPES)
@pytest.mark.parametrize("shape", [(), (1,), (3, 4)])
def test_add_sub_mul_of_two_plain_tensors_match_torch(dtype, shape):
    """``+``, ``-`` and ``*`` of two small tensors of one dtype and shape take a short path: torch's
    values, dtype and errors (bool subtraction), and the result is a new plain tensor."""
    rng = np.random.default_rng(0)
    a = rng.integers(0, 5, shape) if dtype not in ("float32", "float64", "complex64") else rng.standard_normal(shape)
    b = rng.integers(1, 5, shape) if dtype not in ("float32", "float64", "complex64") else rng.standard_normal(shape)
    for op in ("add", "sub", "mul"):
        res = []
        for T in (ember, torch):
            x, y = T.tensor(a).to(getattr(T, dtype)), T.tensor(b).to(getattr(T, dtype))
            try:
                r = getattr(T, op)(x, y)
            except RuntimeError as e:
                res.append(("RuntimeError", str(e)))
                continue
            assert r.shape == x.shape and not r.requires_grad and r.grad_fn is None
            res.append((str(r.dtype).replace("torch.", ""), r.to(T.float64).tolist() if dtype != "complex64" else r.tolist()))
        assert res[0] == res[1], op


def test_short_arithmetic_path_keeps_observers_inference_and_grad():
    from ember.autograd.function import _set_op_observer
    seen = []
    prev = _set_op_observer(lambda op, ins, outs: seen.append(op.__name__))
    try:
        x, y = ember.ones(2), ember.ones(2)
        x + y, x - y, x * y
    finally:
        _set_op_observer(prev)
    assert seen == ["Add", "Sub", "Mul"]
    with ember.inference_mode():
        assert (ember.ones(2) + ember.ones(2)).is_inference()
    w = ember.ones(2, requires_grad=True)
    assert (w + ember.ones(2)).grad_fn.name() == "AddBackward0"
    assert (ember.ones(2) * w).grad_fn.name() == "MulBackward0"


@pytest.mark.parametrize("dt", ["float32", "float64", "float16", "bfloat16"])
@pytest.mark.parametrize("n", [0, 1, 7, 20, 3000, 300000])
def test_relu_of_small_and_large_arrays_keeps_torch_signed_zeros_and_nan(n, dt):
    x = np.resize(np.array([-0.0, 0.0, -1.5, 2.0, np.nan], np.float32), n)
    got = ember.relu(ember.tensor(x).to(getattr(ember, dt))).float().numpy()
    want = torch.relu(torch.tensor(x).to(getattr(torch, dt))).float().numpy()
    np.testing.assert_array_equal(got, want)
    num = ~np.isnan(want)     # (NaN's sign bit after a cast to bfloat16 differs between the libraries)
    np.testing.assert_array_equal(np.signbit(got[num]), np.signbit(want[num]))
    assert np.signbit(ember.relu(ember.tensor(-0.0)).numpy()) == np.signbit(torch.relu(torch.tensor(-0.0)).numpy())


_ALPHA = {
    "float alpha, int tensors": lambda L: L.add(L.tensor([1]), L.tensor([1]), alpha=1.0),
    "float alpha, int sub": lambda L: L.sub(L.tensor([1]), L.tensor([1]), alpha=2.0),
    "float alpha, int scalar": lambda L: L.add(L.tensor([1]), 3, alpha=2.0),
    "bool alpha, float tensors": lambda L: L.add(L.tensor([1.]), L.tensor([1.]), alpha=True),
    "complex alpha, float tensors": lambda L: L.add(L.tensor([1.]), L.tensor([1.]), alpha=1j),
    "in place": lambda L: L.tensor([1]).add_(L.tensor([1]), alpha=0.5),
    "float alpha, int + float": lambda L: L.add(L.tensor([1]), L.tensor([1.]), alpha=2.5),
    "bool alpha, bools": lambda L: L.add(L.tensor([True]), L.tensor([False]), alpha=True),
    "complex alpha, complex": lambda L: L.add(L.tensor([1j]), L.tensor([1j]), alpha=1j),
}


@pytest.mark.parametrize("case", sorted(_ALPHA))
def test_alpha_of_a_kind_the_result_cannot_take_raises_as_torch(case):
    def run(L):
        try:
            r = _ALPHA[case](L)
            return str(r.dtype).replace("torch.", ""), r.tolist()
        except RuntimeError as e:
            return "RuntimeError", str(e)
    assert run(ember) == run(torch)


@pytest.mark.parametrize("idx", [[[3]], [-1], [10], [[0, 9], [2, -3]], list(range(20)) + [-1], list(range(25))])
def test_embedding_refuses_out_of_range_and_negative_indices_as_torch(idx):
    """Small index arrays are checked in Python, large ones by reductions: both as torch."""
    w = np.arange(60.0, dtype=np.float32).reshape(20, 3)
    outs = []
    for L in (torch, ember):
        try:
            outs.append(L.nn.functional.embedding(L.tensor(idx), L.tensor(w)).numpy())
        except IndexError as e:
            outs.append(str(e))
    if isinstance(outs[0], str):
        assert outs[1] == outs[0] == "index out of range in self"
    else:
        np.testing.assert_array_equal(outs[1], outs[0])


@pytest.mark.parametrize("e,t", [
    (np.arange(12).reshape(3, 4) % 5, np.array([4, 1, 7])),          # small: one broadcast comparison
    (np.array([1.0, np.nan, 2.0, -0.0]), np.array([np.nan, 2.0, 0.0])),
    (np.array([1, 2, 3]), np.array([2.5, 3.0])),
    (np.array([[1]]), np.array([], dtype=np.int64)),
    (np.arange(3000) % 97, np.arange(0, 200, 3)),                        # large: np.isin
])
@pytest.mark.parametrize("invert", [False, True])
def test_isin_matches_torch_small_and_large(e, t, invert):
    got = ember.isin(ember.tensor(e), ember.tensor(t), invert=invert).numpy()
    want = torch.isin(torch.tensor(e), torch.tensor(t), invert=invert).numpy()
    assert got.shape == want.shape and got.dtype == want.dtype
    np.testing.assert_array_equal(got, want)


def test_isin_refuses_bool_as_torch():
    for L in (torch, ember):
        with pytest.raises(RuntimeError, match="Unsupported input type encountered for isin\\(\\): Bool"):
            L.isin(L.tensor([True, False]), L.tensor([True]))
        with pytest.raises(RuntimeError, match="Bool"):
            L.isin(L.tensor([1, 2]), True)


@pytest.mark.parametrize("q_len,mask", [(1, None), (1, "bool"), (5, "causal"), (3, "inf")])
def test_small_attention_matches_torch(q_len, mask):
    """Decoding-sized attention: the short checks and the softmax without an errstate."""
    rng = np.random.default_rng(3)
    q = rng.standard_normal((1, 4, q_len, 16)).astype(np.float32)
    k = rng.standard_normal((1, 4, 9, 16)).astype(np.float32)
    m = None
    if mask == "bool":
        m = rng.random((1, 1, q_len, 9)) > 0.3
        m[..., 0] = True
    elif mask == "inf":                     # a score of +inf: softmax gives NaN in torch too
        m = np.zeros((1, 1, q_len, 9), np.float32)
        m[0, 0, 1, 2] = np.inf
    outs = []
    for L in (torch, ember):
        kw = {"is_causal": True} if mask == "causal" else {"attn_mask": None if m is None else L.tensor(m)}
        outs.append(L.nn.functional.scaled_dot_product_attention(L.tensor(q), L.tensor(k), L.tensor(k), **kw).numpy())
    np.testing.assert_array_equal(np.isnan(outs[1]), np.isnan(outs[0]))
    np.testing.assert_allclose(np.nan_to_num(outs[1]), np.nan_to_num(outs[0]), rtol=1e-5, atol=1e-6)


def test_numpy_array_operands_act_as_tensors_of_their_dtype():
    """tensor (op) ndarray: PyTorch hands the array to NumPy and wraps the result; ember treats
    the array as a tensor of its dtype (gradients flow to the tensor). Same values and dtypes
    where the two agree (float arrays, matmul)."""
    x = np.array([1.0, 2.0, 3.0])
    for op in (lambda L: L.ones(3) + x, lambda L: L.ones(3) - x, lambda L: L.ones(3) ** x,
               lambda L: L.ones(3) * x.astype(np.float32), lambda L: L.ones(2, 3) @ np.ones((3, 2)),
               lambda L: L.ones(2, 3) @ np.ones((3, 2), np.float32)):
        e, t = op(ember), op(torch)
        assert str(e.dtype) == str(t.dtype) and isinstance(e, ember.Tensor)
        np.testing.assert_array_equal(e.numpy(), t.numpy())
    w = ember.ones(3, requires_grad=True)
    (w * x).sum().backward()
    np.testing.assert_array_equal(w.grad.numpy(), x.astype(np.float32))
