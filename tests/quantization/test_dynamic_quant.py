"""Dynamic quantization against torch 2.13 on x86 (fbgemm): Linear bit-exact over 1000
random cases, RNNs within 1e-3 max / 1e-5 mean, quantize_dynamic's qconfig_spec rules,
reprs, state_dict keys and packed weights. Per-channel weights and the threaded row-block
path: tests/quantization/test_dynamic_per_channel.py."""
import copy
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


def _copy_linear(tl, el):
    el.weight.data = ember.tensor(tl.weight.detach().numpy().copy())
    if tl.bias is not None:
        el.bias.data = ember.tensor(tl.bias.detach().numpy().copy())


def test_linear_bit_exact_1000_cases():
    rs = np.random.RandomState(0)
    mismatched = 0
    for case in range(1000):
        m, k, n = int(rs.randint(1, 17)), int(rs.randint(1, 130)), int(rs.randint(1, 33))
        bias = bool(rs.rand() < 0.8)
        tl = torch.nn.Linear(k, n, bias=bias)
        with torch.no_grad():
            tl.weight.mul_(float(rs.choice([0.01, 1.0, 30.0])))
        el = ember.nn.Linear(k, n, bias=bias)
        _copy_linear(tl, el)
        scale = float(rs.choice([1e-4, 0.1, 1.0, 50.0]))
        shift = float(rs.choice([0.0, 0.0, 1.0, -3.0]))
        x = (rs.randn(m, k) * scale + shift).astype(np.float32)
        if case % 50 == 0:
            x[:] = shift  # constant inputs: the degenerate-range qparams
        tq = _tq(torch.nn.Sequential(tl))[0]
        eq = ember.ao.quantization.quantize_dynamic(ember.nn.Sequential(el))[0]
        yt = tq(torch.from_numpy(x)).numpy()
        ye = eq(ember.tensor(x)).numpy()
        mismatched += not np.array_equal(yt.view(np.int32), ye.view(np.int32))
    assert mismatched == 0


def test_linear_3d_input_weight_bias_and_large_k():
    rs = np.random.RandomState(1)
    tl = torch.nn.Linear(3000, 7)   # K large enough for the float64 fallback
    el = ember.nn.Linear(3000, 7)
    _copy_linear(tl, el)
    tq, eq = _tq(torch.nn.Sequential(tl))[0], ember.quantization.quantize_dynamic(
        ember.nn.Sequential(el))[0]
    x = (rs.randn(2, 3, 3000) * 10).astype(np.float32)
    np.testing.assert_array_equal(tq(torch.from_numpy(x)).numpy(), eq(ember.tensor(x)).numpy())
    tw, ew = tq.weight(), eq.weight()
    np.testing.assert_array_equal(tw.int_repr().numpy(), ew.int_repr().numpy())
    assert tw.q_scale() == ew.q_scale() and tw.q_zero_point() == ew.q_zero_point()
    np.testing.assert_array_equal(tq.bias().detach().numpy(), eq.bias().numpy())
    assert repr(tq) == repr(eq) and repr(tw) == repr(ew)


def test_float16_linear():
    rs = np.random.RandomState(2)
    tl, el = torch.nn.Linear(20, 5), ember.nn.Linear(20, 5)
    _copy_linear(tl, el)
    tq = _tq(torch.nn.Sequential(tl), dtype=torch.float16)[0]
    eq = ember.ao.quantization.quantize_dynamic(ember.nn.Sequential(el), dtype=ember.float16)[0]
    assert repr(tq) == repr(eq)
    np.testing.assert_array_equal(tq.weight().detach().numpy(), eq.weight().numpy())
    x = rs.randn(4, 20).astype(np.float32)
    np.testing.assert_allclose(tq(torch.from_numpy(x)).detach().numpy(), eq(ember.tensor(x)).numpy(),
                               rtol=1e-5, atol=1e-6)


def _nets(lib):
    nn = lib.nn
    return nn.Sequential(nn.Linear(4, 4), nn.ReLU(), nn.Sequential(nn.Linear(4, 3)),
                         nn.LSTM(3, 2), nn.GRUCell(3, 2))


@pytest.mark.parametrize("spec", [
    None, {0: 1, 1: 1, 2: 1}, "types", {"0"}, {"2"}, {"2.0"}, "dict_name", "dict_type"])
def test_qconfig_spec_as_torch(spec):
    def make(lib):
        if spec == "types":
            return {lib.nn.Linear}
        if spec == "dict_name":
            return {"2": lib.ao.quantization.float16_dynamic_qconfig}
        if spec == "dict_type":
            return {lib.nn.LSTM: lib.ao.quantization.default_dynamic_qconfig}
        return copy.copy(spec)
    tn, en = _nets(torch), _nets(ember)
    tq = _tq(tn, make(torch))
    eq = ember.ao.quantization.quantize_dynamic(en, make(ember))
    assert repr(tq) == repr(eq)
    assert tq.training == eq.training is False
    assert not any(hasattr(m, "qconfig") for m in eq.modules())
    assert type(en[0]) is ember.nn.Linear   # not inplace: the original is untouched


def test_quantize_dynamic_errors_and_inplace():
    for lib in (torch, ember):
        with pytest.raises(ValueError, match="Don't know how to quantize"):
            lib.ao.quantization.quantize_dynamic(_nets(lib), dtype=lib.int8)
        with pytest.raises(RuntimeError):
            lib.ao.quantization.quantize_dynamic(_nets(lib), {lib.nn.Linear}, dtype=lib.int8)
    en = _nets(ember)
    out = ember.ao.quantization.quantize_dynamic(en, inplace=True)
    assert out is en and type(en[0]).__name__ == "Linear" and en[0]._get_name() == \
        "DynamicQuantizedLinear"
    lin = ember.nn.Linear(2, 2)
    assert type(ember.quantization.quantize_dynamic(lin)) is ember.nn.Linear  # root not swapped


def test_state_dict_keys_and_layout():
    tn, en = _nets(torch), _nets(ember)
    tq, eq = _tq(tn), ember.ao.quantization.quantize_dynamic(en)
    assert list(tq.state_dict()) == list(eq.state_dict())
    es, ts = eq.state_dict(), tq.state_dict()
    assert es["0.scale"].dtype == ember.float32 and es["0.zero_point"].dtype == ember.int64
    assert es["0._packed_params.dtype"] is ember.qint8
    assert isinstance(es["0._packed_params._packed_params"], tuple)
    assert es["0._packed_params._packed_params"][0].shape == ts["0._packed_params._packed_params"][0].shape


def _rnn_pair(kind, bidirectional=False, layers=1, batch_first=False):
    targs = dict(num_layers=layers, bidirectional=bidirectional, batch_first=batch_first)
    tm = getattr(torch.nn, kind)(5, 6, **targs)
    em = getattr(ember.nn, kind)(5, 6, **targs)
    em.load_state_dict({k: ember.tensor(v.detach().numpy()) for k, v in tm.state_dict().items()})
    return tm, em


@pytest.mark.parametrize("kind", ["LSTM", "GRU"])
@pytest.mark.parametrize("bidirectional,layers,batch_first", [(False, 1, False), (True, 2, True)])
@pytest.mark.parametrize("dtype", ["qint8", "float16"])
def test_rnn_close_to_torch(kind, bidirectional, layers, batch_first, dtype):
    rs = np.random.RandomState(3)
    tm, em = _rnn_pair(kind, bidirectional, layers, batch_first)
    tq = _tq(torch.nn.Sequential(tm), dtype=getattr(torch, dtype))[0]
    eq = ember.ao.quantization.quantize_dynamic(ember.nn.Sequential(em),
                                                dtype=getattr(ember, dtype))[0]
    assert repr(tq) == repr(eq)
    x = rs.randn(7, 3, 5).astype(np.float32)
    to, th = tq(torch.from_numpy(x))
    eo, eh = eq(ember.tensor(x))
    th = th if isinstance(th, tuple) else (th,)
    eh = eh if isinstance(eh, tuple) else (eh,)
    for a, b in [(to, eo)] + list(zip(th, eh)):
        d = np.abs(a.detach().numpy() - b.numpy())
        assert d.max() < 1e-3 and d.mean() < 1e-5, (d.max(), d.mean())
    for k, w in tq.get_weight().items():
        if dtype == "qint8":
            np.testing.assert_array_equal(w.int_repr().numpy(), eq.get_weight()[k].int_repr().numpy())
            assert w.q_scale() == eq.get_weight()[k].q_scale()


@pytest.mark.parametrize("kind", ["LSTMCell", "GRUCell", "RNNCell"])
def test_cells_close_to_torch(kind):
    rs = np.random.RandomState(4)
    kw = {"nonlinearity": "relu"} if kind == "RNNCell" else {}
    tm = getattr(torch.nn, kind)(5, 6, **kw)
    em = getattr(ember.nn, kind)(5, 6, **kw)
    em.load_state_dict({k: ember.tensor(v.detach().numpy()) for k, v in tm.state_dict().items()})
    tq = _tq(torch.nn.Sequential(tm))[0]
    eq = ember.ao.quantization.quantize_dynamic(ember.nn.Sequential(em))[0]
    assert repr(tq) == repr(eq)
    x = rs.randn(3, 5).astype(np.float32)
    h = rs.randn(3, 6).astype(np.float32)
    hx_t = (torch.from_numpy(h), torch.from_numpy(h)) if kind == "LSTMCell" else torch.from_numpy(h)
    hx_e = (ember.tensor(h), ember.tensor(h)) if kind == "LSTMCell" else ember.tensor(h)
    to, eo = tq(torch.from_numpy(x), hx_t), eq(ember.tensor(x), hx_e)
    to = to if isinstance(to, tuple) else (to,)
    eo = eo if isinstance(eo, tuple) else (eo,)
    for a, b in zip(to, eo):
        d = np.abs(a.detach().numpy() - b.numpy())
        assert d.max() < 1e-3 and d.mean() < 1e-5


def test_quantized_rnn_state_dict_roundtrip_in_ember():
    import io
    eq = ember.ao.quantization.quantize_dynamic(ember.nn.Sequential(ember.nn.LSTM(3, 4)))
    buf = io.BytesIO()
    ember.save(eq.state_dict(), buf)
    buf.seek(0)
    other = ember.ao.quantization.quantize_dynamic(ember.nn.Sequential(ember.nn.LSTM(3, 4)))
    other.load_state_dict(ember.load(buf, weights_only=False))
    x = ember.randn(2, 1, 3)
    np.testing.assert_array_equal(eq(x)[0].numpy(), other(x)[0].numpy())


def test_quantized_linear_state_dict_between_ember_and_torch():
    import io
    rs = np.random.RandomState(5)
    tn = torch.nn.Sequential(torch.nn.Linear(6, 5), torch.nn.ReLU(), torch.nn.Linear(5, 3))
    en = ember.nn.Sequential(ember.nn.Linear(6, 5), ember.nn.ReLU(), ember.nn.Linear(5, 3))
    tq = _tq(tn)
    eq = ember.ao.quantization.quantize_dynamic(en)   # different weights: loading replaces them
    x = rs.randn(4, 6).astype(np.float32)
    # torch -> ember
    buf = io.BytesIO(); torch.save(tq.state_dict(), buf); buf.seek(0)
    eq.load_state_dict(ember.load(buf))
    np.testing.assert_array_equal(tq(torch.from_numpy(x)).numpy(), eq(ember.tensor(x)).numpy())
    # ember -> torch (into a fresh torch model)
    tq2 = _tq(torch.nn.Sequential(torch.nn.Linear(6, 5), torch.nn.ReLU(), torch.nn.Linear(5, 3)))
    buf = io.BytesIO(); ember.save(eq.state_dict(), buf); buf.seek(0)
    tq2.load_state_dict(torch.load(buf))
    np.testing.assert_array_equal(tq2(torch.from_numpy(x)).numpy(), eq(ember.tensor(x)).numpy())


@pytest.mark.parametrize("dtype", ["qint8", "quint8", "qint32"])
def test_quantized_tensors_saved_both_ways(dtype):
    import io
    x = np.random.RandomState(6).randn(3, 4).astype(np.float32)
    tq = torch.quantize_per_tensor(torch.from_numpy(x), 0.05, 2, getattr(torch, dtype))
    tc = torch.quantize_per_channel(torch.from_numpy(x), torch.tensor([0.1, 0.2, 0.3], dtype=torch.float64),
                                    torch.tensor([0, 1, 2]), 0, getattr(torch, dtype))
    buf = io.BytesIO(); torch.save({"a": tq, "b": tc[1:], "d": getattr(torch, dtype)}, buf); buf.seek(0)
    got = ember.load(buf)
    assert repr(got["a"]) == repr(tq) and got["d"] is getattr(ember, dtype)
    np.testing.assert_array_equal(got["b"].int_repr().numpy(), tc[1:].int_repr().numpy())
    buf = io.BytesIO(); ember.save(got, buf); buf.seek(0)
    back = torch.load(buf)
    assert repr(back["a"]) == repr(tq) and back["d"] is getattr(torch, dtype)


def test_activation_rounding_is_one_fused_multiply_add():
    """Inputs built to land within an ulp of a rounding boundary: torch's x86 kernel rounds
    x * (1/scale) + zero_point once (FMA); ember must agree where a two-step float32
    computation would not. The identity weight makes the quantized input visible."""
    from ember._quantized import choose_qparams
    rs = np.random.RandomState(7)
    k = 37
    tl, el = torch.nn.Linear(k, k, bias=False), ember.nn.Linear(k, k, bias=False)
    with torch.no_grad():
        tl.weight.copy_(torch.eye(k))
    _copy_linear(tl, el)
    tq = _tq(torch.nn.Sequential(tl))[0]
    eq = ember.ao.quantization.quantize_dynamic(ember.nn.Sequential(el))[0]
    discriminating = 0
    for trial in range(300):
        lo, hi = -rs.rand() * 3, rs.rand() * 5
        sc, zp = choose_qparams(lo, hi, 0, 255, True)
        inv = np.float32(1) / np.float32(sc)
        x = ((rs.randint(0, 127, k - 2) + 0.5 - zp) / np.float64(inv)).astype(np.float32)
        if trial % 2:
            x = np.nextafter(x, rs.choice([-np.inf, np.inf], k - 2).astype(np.float32))
        x = np.concatenate([[lo, hi], x]).astype(np.float32)[None]
        two_step = np.rint(np.float32(zp) + x * inv)
        fused = np.rint((x.astype(np.float64) * float(inv) + zp).astype(np.float32))
        discriminating += not np.array_equal(np.clip(two_step, 0, 127), np.clip(fused, 0, 127))
        np.testing.assert_array_equal(tq(torch.from_numpy(x)).numpy(), eq(ember.tensor(x)).numpy())
    assert discriminating > 100
