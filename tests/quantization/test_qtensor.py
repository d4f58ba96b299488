"""Quantized tensors against torch 2.13: values, rounding, dequantization, printing,
accessors, views and errors."""
import warnings

import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")
warnings.filterwarnings("ignore")


def test_quantize_per_tensor_matches_torch():
    rs = np.random.RandomState(0)
    for _ in range(200):
        x = (rs.randn(int(rs.randint(1, 100))) * rs.choice([0.01, 1, 100])).astype(np.float32)
        scale = float(rs.choice([0.1, 0.0037, 1 / 3, rs.rand() * 0.1 + 1e-4]))
        name = rs.choice(["quint8", "qint8", "qint32"])
        zp = int(rs.randint(0, 256)) - (128 if name == "qint8" else 0)
        tq = torch.quantize_per_tensor(torch.from_numpy(x), scale, zp, getattr(torch, name))
        eq = ember.quantize_per_tensor(ember.tensor(x), scale, zp, getattr(ember, name))
        np.testing.assert_array_equal(tq.int_repr().numpy(), eq.int_repr().numpy())
        np.testing.assert_array_equal(tq.dequantize().numpy(), eq.dequantize().numpy())
        assert repr(tq) == repr(eq)
        assert (tq.q_scale(), tq.q_zero_point()) == (eq.q_scale(), eq.q_zero_point())


def test_quantize_per_tensor_dynamic_matches_torch():
    rs = np.random.RandomState(1)
    for i in range(200):
        x = (rs.randn(int(rs.randint(1, 100))) * rs.choice([1e-6, 0.01, 1, 100]) +
             rs.choice([0, 5])).astype(np.float32)
        dt = ("quint8", "qint8")[i % 2]
        tq = torch.quantize_per_tensor_dynamic(torch.from_numpy(x), getattr(torch, dt), bool(i % 3))
        eq = ember.quantize_per_tensor_dynamic(ember.tensor(x), getattr(ember, dt), bool(i % 3))
        assert (tq.q_scale(), tq.q_zero_point()) == (eq.q_scale(), eq.q_zero_point())
        np.testing.assert_array_equal(tq.int_repr().numpy(), eq.int_repr().numpy())


def test_quantize_per_channel_matches_torch():
    rs = np.random.RandomState(2)
    for _ in range(100):
        x = rs.randn(3, 4, 5).astype(np.float32)
        axis = int(rs.randint(3))
        n = x.shape[axis]
        s, z = rs.rand(n) * 0.1 + 0.001, rs.randint(-20, 20, n)
        tq = torch.quantize_per_channel(torch.from_numpy(x), torch.from_numpy(s), torch.from_numpy(z),
                                        axis, torch.qint8)
        eq = ember.quantize_per_channel(ember.tensor(x), ember.tensor(s), ember.tensor(z), axis,
                                        ember.qint8)
        np.testing.assert_array_equal(tq.int_repr().numpy(), eq.int_repr().numpy())
        np.testing.assert_array_equal(tq.dequantize().numpy(), eq.dequantize().numpy())
        assert repr(tq) == repr(eq)
        np.testing.assert_array_equal(tq.q_per_channel_scales().numpy(),
                                      eq.q_per_channel_scales().numpy())
        assert eq.q_per_channel_scales().dtype == ember.float64
        assert eq.q_per_channel_zero_points().dtype == ember.int64
        assert tq.q_per_channel_axis() == eq.q_per_channel_axis()


def test_properties_views_and_lists():
    x = np.arange(24, dtype=np.float32).reshape(2, 3, 4) / 10
    tq = torch.quantize_per_tensor(torch.from_numpy(x), 0.1, 3, torch.quint8)
    eq = ember.quantize_per_tensor(ember.tensor(x), 0.1, 3, ember.quint8)
    for f in (lambda q: q[1], lambda q: q[:, 1:], lambda q: q.view(6, 4), lambda q: q.reshape(-1),
              lambda q: q.transpose(0, 2), lambda q: q.permute(2, 0, 1), lambda q: q.clone(),
              lambda q: q.flatten()):
        a, b = f(tq), f(eq)
        assert repr(a) == repr(b)
        np.testing.assert_array_equal(a.int_repr().numpy(), b.int_repr().numpy())
    assert eq.is_quantized and not ember.ones(1).is_quantized
    assert eq.qscheme() is ember.per_tensor_affine and eq.dtype is ember.quint8
    assert eq.element_size() == 1 and eq.shape == (2, 3, 4)
    assert str(ember.qint8) == str(torch.qint8) and not ember.qint8.is_floating_point
    assert ember.qint8 != ember.int8
    f = ember.ones(2)
    assert f.dequantize() is f and ember.dequantize(f) is f
    lt = torch.quantize_per_tensor([torch.ones(2), torch.zeros(2)], torch.tensor([0.1, 0.2]),
                                   torch.tensor([1, 2]), torch.quint8)
    le = ember.quantize_per_tensor([ember.ones(2), ember.zeros(2)], ember.tensor([0.1, 0.2]),
                                   ember.tensor([1, 2]), ember.quint8)
    assert [repr(a) for a in lt] == [repr(b) for b in le]
    assert [repr(a) for a in torch.dequantize(list(lt))] == [repr(b) for b in ember.dequantize(list(le))]


@pytest.mark.parametrize("call", [
    lambda L, x: L.quantize_per_tensor(x.double(), 0.1, 0, L.quint8),
    lambda L, x: L.quantize_per_tensor(x.long(), 0.1, 0, L.quint8),
    lambda L, x: L.quantize_per_tensor(x, 0.1, 300, L.quint8),
    lambda L, x: L.quantize_per_tensor(x, 0.1, -200, L.qint8),
    lambda L, x: L.quantize_per_tensor(x, 0.1, 0, L.float32),
    lambda L, x: L.quantize_per_channel(x.reshape(2, 3), L.tensor([0.1, 0.2]), L.tensor([0, 1]), 1,
                                        L.qint8),
    lambda L, x: x.q_scale(),
    lambda L, x: x.int_repr(),
    lambda L, x: L.quantize_per_tensor(x, 0.1, 0, L.qint8).q_per_channel_scales(),
    lambda L, x: L.quantize_per_tensor(x, 0.1, 0, L.qint8).numpy(),
    lambda L, x: L.quantize_per_tensor(x, 0.1, 0, L.qint8) + 1,
    lambda L, x: 2 * L.quantize_per_tensor(x, 0.1, 0, L.qint8),
    lambda L, x: -L.quantize_per_tensor(x, 0.1, 0, L.qint8),
    lambda L, x: L.quantize_per_tensor(x, 0.1, 0, L.qint8) + L.quantize_per_tensor(x, 0.1, 0, L.qint8),
])
def test_errors_as_torch(call):
    x = np.linspace(-1, 1, 6).astype(np.float32)
    with pytest.raises(Exception) as et:
        call(torch, torch.from_numpy(x))
    with pytest.raises(Exception) as ee:
        call(ember, ember.tensor(x))
    assert type(ee.value) is type(et.value), (et.value, ee.value)


def test_backends_quantized_engine():
    assert ember.backends.quantized.engine == torch.backends.quantized.engine == "x86"
    ember.backends.quantized.engine = "fbgemm"
    assert ember.backends.quantized.engine == "fbgemm"
    ember.backends.quantized.engine = "x86"
    with pytest.raises(RuntimeError):
        ember.backends.quantized.engine = "nonsense"
