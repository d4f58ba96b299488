"""Per-channel dynamic quantization (``per_channel_dynamic_qconfig``) and large batches
through the dynamic Linear kernel, bit-exact against torch 2.13 on x86 (fbgemm): outputs
compared as int32 bit patterns, weights by int_repr/scales/zero points/axis."""
import io
import warnings

import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")
warnings.filterwarnings("ignore")
pytestmark = pytest.mark.skipif(torch.backends.quantized.engine not in ("x86", "fbgemm"),
                                reason="bit-exactness is against the x86/fbgemm engine")


def _tq(model, *args, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return torch.ao.quantization.quantize_dynamic(model, *args, **kw)


def _pair(k, n, bias=True, wscale=1.0, rows=None):
    tl = torch.nn.Linear(k, n, bias=bias)
    with torch.no_grad():
        tl.weight.mul_(wscale)
        if rows is not None:   # rows of very different magnitude: per-channel scales differ
            tl.weight.mul_(torch.from_numpy(rows)[:, None])
    el = ember.nn.Linear(k, n, bias=bias)
    el.weight.data = ember.tensor(tl.weight.detach().numpy().copy())
    if bias:
        el.bias.data = ember.tensor(tl.bias.detach().numpy().copy())
    return tl, el


def _per_channel(lib, mod):
    qc = lib.ao.quantization.per_channel_dynamic_qconfig
    return lib.ao.quantization.quantize_dynamic(
        lib.nn.Sequential(mod), {lib.nn.Linear: qc}) if lib is ember else \
        _tq(lib.nn.Sequential(mod), {lib.nn.Linear: qc})


def _same_bits(a, b):
    return np.array_equal(np.ascontiguousarray(a).view(np.int32), np.ascontiguousarray(b).view(np.int32))


def _same_weight(tw, ew):
    assert ew.qscheme() is ember.per_channel_affine and tw.qscheme() is torch.per_channel_affine
    np.testing.assert_array_equal(tw.int_repr().numpy(), ew.int_repr().numpy())
    np.testing.assert_array_equal(tw.q_per_channel_scales().numpy(), ew.q_per_channel_scales().numpy())
    assert ew.q_per_channel_scales().dtype == ember.float64
    np.testing.assert_array_equal(tw.q_per_channel_zero_points().numpy(),
                                  ew.q_per_channel_zero_points().numpy())
    assert tw.q_per_channel_axis() == ew.q_per_channel_axis() == 0


def test_per_channel_linear_bit_exact_300_cases():
    rs = np.random.RandomState(10)
    bad = 0
    for case in range(300):
        m, k, n = int(rs.randint(1, 17)), int(rs.randint(1, 100)), int(rs.randint(1, 25))
        rows = np.exp(rs.uniform(-4, 3, n)).astype(np.float32)
        if case % 7 == 0:
            rows[0] = 0.0          # an all-zero row: its scale is eps
        tl, el = _pair(k, n, bias=bool(rs.rand() < 0.8), rows=rows)
        tq, eq = _per_channel(torch, tl)[0], _per_channel(ember, el)[0]
        if case < 20:
            assert repr(tq) == repr(eq)
            _same_weight(tq.weight(), eq.weight())
        x = (rs.randn(m, k) * rs.choice([1e-3, 1.0, 20.0]) + rs.choice([0.0, 2.0, -1.0]))
        x = x.astype(np.float32)
        bad += not _same_bits(tq(torch.from_numpy(x)).numpy(), eq(ember.tensor(x)).numpy())
    assert bad == 0


def test_per_channel_large_k_3d_input_and_relu_input():
    rs = np.random.RandomState(11)
    tl, el = _pair(2500, 9, rows=np.exp(rs.uniform(-2, 2, 9)).astype(np.float32))
    tq, eq = _per_channel(torch, tl)[0], _per_channel(ember, el)[0]
    for x in [(rs.randn(2, 3, 2500) * 5).astype(np.float32),
              np.maximum(rs.randn(4, 2500), 0).astype(np.float32)]:   # zero point 0
        assert _same_bits(tq(torch.from_numpy(x)).numpy(), eq(ember.tensor(x)).numpy())


@pytest.mark.parametrize("per_channel", [False, True])
def test_large_batches_bit_exact(per_channel):
    """Larger batches, two threads set (the BLAS splits the product), extremes mid-batch."""
    rs = np.random.RandomState(12)
    old = ember.get_num_threads()
    ember.set_num_threads(2)
    try:
        for m, k, n in [(300, 200, 17), (64, 512, 40), (129, 300, 7)]:
            tl, el = _pair(k, n)
            if per_channel:
                tq, eq = _per_channel(torch, tl)[0], _per_channel(ember, el)[0]
            else:
                tq, eq = _tq(torch.nn.Sequential(tl))[0], \
                    ember.ao.quantization.quantize_dynamic(ember.nn.Sequential(el))[0]
            for x in [(rs.randn(m, k) * 3 + 1).astype(np.float32),
                      np.maximum(rs.randn(m, k), 0).astype(np.float32)]:
                x[m // 2, 0] = 40.0   # the extreme sits in the second block
                assert _same_bits(tq(torch.from_numpy(x)).numpy(), eq(ember.tensor(x)).numpy())
    finally:
        ember.set_num_threads(old)


def test_per_channel_state_dict_both_ways():
    rs = np.random.RandomState(13)
    tl, el = _pair(6, 5, rows=np.array([1, 10, 0.1, 3, 0.5], np.float32))
    tq, eq = _per_channel(torch, tl), _per_channel(ember, ember.nn.Linear(6, 5))
    x = rs.randn(4, 6).astype(np.float32)
    buf = io.BytesIO(); torch.save(tq.state_dict(), buf); buf.seek(0)
    eq.load_state_dict(ember.load(buf))              # torch -> ember (weights_only)
    _same_weight(tq[0].weight(), eq[0].weight())
    assert _same_bits(tq(torch.from_numpy(x)).numpy(), eq(ember.tensor(x)).numpy())
    tq2 = _per_channel(torch, torch.nn.Linear(6, 5))
    buf = io.BytesIO(); ember.save(eq.state_dict(), buf); buf.seek(0)
    tq2.load_state_dict(torch.load(buf))             # ember -> torch (weights_only)
    _same_weight(tq2[0].weight(), eq[0].weight())
    assert _same_bits(tq2(torch.from_numpy(x)).numpy(), eq(ember.tensor(x)).numpy())


@pytest.mark.parametrize("kind", ["LSTM", "GRU", "LSTMCell", "GRUCell", "RNNCell"])
def test_per_channel_rnns_match_torch(kind):
    rs = np.random.RandomState(14)
    tm = getattr(torch.nn, kind)(5, 6)
    em = getattr(ember.nn, kind)(5, 6)
    em.load_state_dict({k: ember.tensor(v.detach().numpy()) for k, v in tm.state_dict().items()})
    spec = lambda lib: {getattr(lib.nn, kind): lib.ao.quantization.per_channel_dynamic_qconfig}  # noqa: E731
    tq = _tq(torch.nn.Sequential(tm), spec(torch))[0]
    eq = ember.ao.quantization.quantize_dynamic(ember.nn.Sequential(em), spec(ember))[0]
    assert repr(tq) == repr(eq)
    for name, tw in tq.get_weight().items():
        _same_weight(tw, eq.get_weight()[name])
    x = rs.randn(7, 3, 5).astype(np.float32) if "Cell" not in kind else rs.randn(3, 5).astype(np.float32)
    to, eo = tq(torch.from_numpy(x)), eq(ember.tensor(x))
    flat = lambda o: [t for t in (o if isinstance(o, tuple) else (o,))  # noqa: E731
                      for t in (t if isinstance(t, tuple) else (t,))]
    for a, b in zip(flat(to), flat(eo)):
        d = np.abs(a.detach().numpy() - b.numpy())
        assert d.max() < 1e-3 and d.mean() < 1e-5


def test_unbuilt_weight_schemes_raise_not_implemented():
    q = ember.ao.quantization
    affine = q.QConfig(activation=q.default_dynamic_quant_observer,
                       weight=q.MinMaxObserver.with_args(dtype=ember.qint8,
                                                         qscheme=ember.per_tensor_affine))
    with pytest.raises(NotImplementedError, match="per_tensor_affine"):
        q.quantize_dynamic(ember.nn.Sequential(ember.nn.Linear(3, 3)), {ember.nn.Linear: affine})


@pytest.mark.parametrize("scheme,dtype,axis", [
    ("per_channel_symmetric", "qint8", 0), ("per_channel_affine", "quint8", 0),
    ("per_channel_symmetric", "quint8", 1), ("per_channel_affine_float_qparams", "quint8", 0),
    ("per_channel_affine", "qint8", 1)])
def test_per_channel_observer_matches_torch(scheme, dtype, axis):
    rs = np.random.RandomState(15)
    obs = {}
    for lib in (torch, ember):
        o = lib.ao.quantization.PerChannelMinMaxObserver(
            ch_axis=axis, dtype=getattr(lib, dtype), qscheme=getattr(lib, scheme))
        obs[lib] = o
    for _ in range(2):   # running min/max over two batches
        x = (rs.randn(5, 7) * rs.uniform(0.1, 3, (5, 1)) + 0.3).astype(np.float32)
        obs[torch](torch.from_numpy(x)); obs[ember](ember.tensor(x))
    (ts, tz), (es, ez) = obs[torch].calculate_qparams(), obs[ember].calculate_qparams()
    assert str(ts.dtype) == str(es.dtype) and str(tz.dtype) == str(ez.dtype)
    np.testing.assert_array_equal(ts.numpy(), es.numpy())
    np.testing.assert_array_equal(tz.numpy(), ez.numpy())
