"""torch.fake_quantize_per_tensor_affine / fake_quantize_per_channel_affine against torch 2.13:
forward bit for bit (every input dtype, Python-number and tensor qparams, int and float zero
points), the straight-through gradient, grad_fn names and the error types and messages."""
import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")

DTYPES = ["float32", "float64", "float16", "bfloat16"]


def _pair(x, dtype, requires_grad=False):
    # (through float32 first: torch rounds float64 -> half in two steps, ember in one)
    x = x if dtype == "float64" else x.astype(np.float32)
    t = torch.from_numpy(x).to(getattr(torch, dtype)).requires_grad_(requires_grad)
    e = ember.tensor(x).to(getattr(ember, dtype)).requires_grad_(requires_grad)
    return t, e


def _same(t, e):
    assert str(t.dtype) == str(e.dtype)
    np.testing.assert_array_equal(t.detach().float().numpy(), e.detach().float().numpy())


def _draw(rs):
    shape = tuple(int(n) for n in rs.randint(1, 6, size=rs.randint(1, 4)))
    x = (rs.randn(*shape) * rs.choice([0.01, 1, 30])).astype(np.float64)
    qmin, qmax = [(0, 255), (-128, 127), (0, 15), (-8, 7), (0, 127)][rs.randint(5)]
    return x, qmin, qmax


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("tensor_qparams", [False, True])
def test_per_tensor_forward_and_grad(dtype, tensor_qparams):
    rs = np.random.RandomState(DTYPES.index(dtype) + 10 * tensor_qparams)
    for _ in range(60):
        x, qmin, qmax = _draw(rs)
        scale = float(rs.choice([0.1, 1 / 3, 0.0037, rs.rand() * 0.2 + 1e-4]))
        zp = int(rs.randint(qmin, qmax + 1))
        t, e = _pair(x, dtype, requires_grad=True)
        if tensor_qparams:
            args_t = torch.tensor([scale]), torch.tensor([zp], dtype=torch.int32)
            args_e = ember.tensor([scale]), ember.tensor([zp], dtype=ember.int32)
        else:
            args_t = args_e = scale, zp
        yt = torch.fake_quantize_per_tensor_affine(t, *args_t, qmin, qmax)
        ye = ember.fake_quantize_per_tensor_affine(e, *args_e, qmin, qmax)
        _same(yt, ye)
        assert type(yt.grad_fn).__name__ == ye.grad_fn.name()
        gt, ge = _pair(rs.randn(*x.shape), dtype)
        yt.backward(gt)
        ye.backward(ge)
        _same(t.grad, e.grad)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("zp_dtype", ["int32", "float32", "float16"])
def test_per_channel_forward_and_grad(dtype, zp_dtype):
    if zp_dtype != "int32" and dtype in ("float64", "float16", "bfloat16"):
        pytest.skip("torch's float-zero-point kernel takes float32 input only")
    rs = np.random.RandomState(DTYPES.index(dtype) + 7)
    for _ in range(60):
        x, qmin, qmax = _draw(rs)
        axis = int(rs.randint(x.ndim))
        n = x.shape[axis]
        scale = (rs.rand(n) * 0.2 + 1e-3).astype(np.float32)
        zp = rs.randint(qmin, qmax + 1, size=n).astype(zp_dtype)
        if zp_dtype != "int32":
            zp = zp + rs.rand(n).astype(zp_dtype)
            zp = np.clip(zp, qmin, qmax).astype(zp_dtype)
        t, e = _pair(x, dtype, requires_grad=True)
        yt = torch.fake_quantize_per_channel_affine(t, torch.from_numpy(scale), torch.from_numpy(zp),
                                                    axis, qmin, qmax)
        ye = ember.fake_quantize_per_channel_affine(e, ember.tensor(scale), ember.tensor(zp),
                                                    axis, qmin, qmax)
        _same(yt, ye)
        assert type(yt.grad_fn).__name__ == ye.grad_fn.name()
        gt, ge = _pair(rs.randn(*x.shape), dtype)
        yt.backward(gt)
        ye.backward(ge)
        _same(t.grad, e.grad)


def test_far_out_of_range_values():
    # (no infinities: torch's kernels cast them to int64, which C++ leaves undefined)
    x = np.array([[0.26, -7.0, 1e6], [-1e6, 3e4, 0.5]], dtype=np.float32)
    yt = torch.fake_quantize_per_channel_affine(torch.from_numpy(x), torch.tensor([0.1, 0.3]),
                                                torch.tensor([1, 2], dtype=torch.int32), 0, 0, 255)
    ye = ember.fake_quantize_per_channel_affine(ember.tensor(x), ember.tensor([0.1, 0.3]),
                                                ember.tensor([1, 2], dtype=ember.int32), 0, 0, 255)
    _same(yt, ye)
    yt = torch.fake_quantize_per_tensor_affine(torch.from_numpy(x), 0.1, 3, 0, 255)
    ye = ember.fake_quantize_per_tensor_affine(ember.tensor(x), 0.1, 3, 0, 255)
    _same(yt, ye)


def test_tensor_qparams_long_double_and_float_zero_point():
    x = np.random.RandomState(3).randn(20).astype(np.float32) * 3
    for s, z in [([0.1], [3]), ([0.1], [3.7]), ([0.1], [300])]:
        for sd, zd in [("float32", "int32"), ("float64", "int64"), ("float32", "float32")]:
            st, zt = torch.tensor(s, dtype=getattr(torch, sd)), torch.tensor(z).to(getattr(torch, zd))
            se, ze = ember.tensor(s, dtype=getattr(ember, sd)), ember.tensor(z).to(getattr(ember, zd))
            _same(torch.fake_quantize_per_tensor_affine(torch.from_numpy(x), st, zt, 0, 255),
                  ember.fake_quantize_per_tensor_affine(ember.tensor(x), se, ze, 0, 255))


def _errors(fn_t, fn_e):
    with pytest.raises(Exception) as et:
        fn_t()
    with pytest.raises(type(et.value)) as ee:
        fn_e()
    assert str(et.value) == str(ee.value)


def test_errors_match_torch():
    xt, xe = torch.randn(2, 3, 4), ember.randn(2, 3, 4)
    s, z = np.array([0.1, 0.2, 0.3], np.float32), np.array([1, 2, 3], np.int32)

    def pc(lib, x, scale=s, zp=z, axis=1, qmin=0, qmax=255):
        scale = scale if isinstance(scale, (torch.Tensor, ember.Tensor)) else lib.tensor(scale)
        return lambda: lib.fake_quantize_per_channel_affine(x, scale, lib.tensor(zp), axis, qmin, qmax)
    for lib_args in [dict(qmin=10, qmax=5), dict(zp=z.astype(np.int64)), dict(scale=s.astype(np.float64)),
                     dict(zp=z[:2]), dict(scale=s[:2], zp=z[:2]), dict(axis=3), dict(axis=-5),
                     dict(axis=-2), dict(axis=-1), dict(axis=0), dict(zp=z + 300),
                     dict(scale=s.reshape(3, 1), zp=z.reshape(3, 1)), dict(zp=z.reshape(3, 1))]:
        _errors(pc(torch, xt, **lib_args), pc(ember, xe, **lib_args))
    _errors(pc(torch, torch.tensor(1.), axis=0), pc(ember, ember.tensor(1.), axis=0))
    _errors(pc(torch, torch.ones(3, dtype=torch.long), axis=0),
            pc(ember, ember.ones(3, dtype=ember.long), axis=0))
    for args in [(0.1, 300, 0, 255), (0.1, 3, 10, 5), (0.1, -1, 0, 255)]:
        _errors(lambda: torch.fake_quantize_per_tensor_affine(xt, *args),
                lambda: ember.fake_quantize_per_tensor_affine(xe, *args))
    _errors(lambda: torch.fake_quantize_per_tensor_affine(torch.arange(3), 0.1, 0, 0, 255),
            lambda: ember.fake_quantize_per_tensor_affine(ember.arange(3), 0.1, 0, 0, 255))
    for lib, x in ((torch, xt), (ember, xe)):
        with pytest.raises(TypeError):
            lib.fake_quantize_per_tensor_affine(x, 0.1, 3.5, 0, 255)
    _errors(lambda: torch.fake_quantize_per_tensor_affine(
                xt, torch.tensor([0.1, 0.2]), torch.tensor([3, 3], dtype=torch.int32), 0, 255),
            lambda: ember.fake_quantize_per_tensor_affine(
                xe, ember.tensor([0.1, 0.2]), ember.tensor([3, 3], dtype=ember.int32), 0, 255))
    _errors(lambda: torch.fake_quantize_per_tensor_affine(
                xt, torch.tensor([0.1], requires_grad=True), torch.tensor([3], dtype=torch.int32), 0, 255),
            lambda: ember.fake_quantize_per_tensor_affine(
                xe, ember.tensor([0.1], requires_grad=True), ember.tensor([3], dtype=ember.int32), 0, 255))
    _errors(pc(torch, xt, scale=torch.tensor(s, requires_grad=True)),
            pc(ember, xe, scale=ember.tensor(s, requires_grad=True)))


def test_double_backward_passes_the_mask():
    x = ember.tensor([0.04, 0.5, 30.0], requires_grad=True)
    y = ember.fake_quantize_per_tensor_affine(x, 0.1, 0, 0, 255)
    (g,) = ember.autograd.grad(y.sum(), x, create_graph=True)
    assert g.tolist() == [1.0, 1.0, 0.0]
