"""Post-training static quantization against torch 2.13, PyTorch's eager tutorial flow:
QuantStub/DeQuantStub, fuse_modules, qconfig, prepare, calibrate, convert.

What is checked and how close ember gets:
- the quantized kernels (Linear, Conv1d/2d, fused ReLU variants, per-tensor and per-channel
  weights, groups, strides, padding, dilation; QFunctional add/add_relu/mul/cat; ReLU,
  ReLU6, MaxPool2d on quantized tensors): given the same quantized inputs, weights and
  qparams, outputs equal torch's bit for bit;
- the whole flow on a small CNN: module structure, observers' state_dicts and converted
  reprs as torch's; observed ranges within float rounding of torch's (the float convolutions
  differ in the last bits), so the converted outputs agree within one output quantization
  step; with torch's converted state_dict loaded, ember's converted model gives torch's
  outputs bit for bit, and torch loads ember's converted state_dict the same way.
"""
import io
import warnings

import numpy as np
import pytest

import ember
from tests.quantization._models import twin_cnn, FUSE, inputs

torch = pytest.importorskip("torch")
warnings.filterwarnings("ignore")


def _q(L, x, scale, zp, dtype="quint8"):
    return L.quantize_per_tensor(L.tensor(x), scale, zp, getattr(L, dtype))


def _qweight(L, w, scales, per_channel):
    if per_channel:
        return L.quantize_per_channel(L.tensor(w), L.tensor(scales, dtype=L.float64),
                                      L.zeros(len(scales), dtype=L.int64), 0, L.qint8)
    return L.quantize_per_tensor(L.tensor(w), float(scales[0]), 0, L.qint8)


def _same_q(t, e):
    assert str(t.dtype) == str(e.dtype)
    assert (t.q_scale(), t.q_zero_point()) == (e.q_scale(), e.q_zero_point())
    np.testing.assert_array_equal(t.int_repr().numpy(), e.int_repr().numpy())


@pytest.mark.parametrize("relu", [False, True])
def test_quantized_linear_bit_exact(relu):
    rs = np.random.RandomState(relu)
    for it in range(40):
        m, k, n = rs.randint(1, 9), rs.randint(1, 50), rs.randint(1, 20)
        x = (rs.randn(m, k) * 2).astype(np.float32)
        w = rs.randn(n, k).astype(np.float32)
        per_channel = bool(it % 2)
        scales = rs.rand(n if per_channel else 1) * 0.02 + 0.002
        bias = rs.randn(n).astype(np.float32) if it % 3 else None
        xs, xz = float(rs.rand() * 0.05 + 0.005), int(rs.randint(0, 256))
        os_, oz = float(rs.rand() * 0.1 + 0.01), int(rs.randint(0, 256))
        outs = []
        for L in (torch, ember):
            cls = L.ao.nn.intrinsic.quantized.LinearReLU if relu else L.ao.nn.quantized.Linear
            lin = cls(k, n)
            lin.set_weight_bias(_qweight(L, w, scales, per_channel),
                                None if bias is None else L.tensor(bias))
            lin.scale, lin.zero_point = os_, oz
            outs.append(lin(_q(L, x, xs, xz)))
        _same_q(*outs)


@pytest.mark.parametrize("relu", [False, True])
def test_quantized_conv_bit_exact(relu):
    rs = np.random.RandomState(10 + relu)
    for it in range(24):
        groups = [1, 2, 4][it % 3]
        cin, cout = groups * rs.randint(1, 4), groups * rs.randint(1, 4)
        nd = 1 if it % 4 == 3 else 2
        k = int(rs.randint(1, 4))
        stride, padding, dilation = int(rs.randint(1, 3)), int(rs.randint(0, 2)), int(rs.randint(1, 3))
        size = (int(rs.randint(k * dilation, 9)),) * nd
        x = (rs.randn(2, cin, *size) * 2).astype(np.float32)
        w = rs.randn(cout, cin // groups, *(k,) * nd).astype(np.float32)
        per_channel = bool(it % 2)
        scales = rs.rand(cout if per_channel else 1) * 0.02 + 0.002
        bias = rs.randn(cout).astype(np.float32) if it % 5 else None
        xs, xz = float(rs.rand() * 0.05 + 0.005), int(rs.randint(0, 256))
        os_, oz = float(rs.rand() * 0.1 + 0.01), int(rs.randint(0, 256))
        outs = []
        for L in (torch, ember):
            if relu:
                cls = getattr(L.ao.nn.intrinsic.quantized, f"ConvReLU{nd}d")
            else:
                cls = getattr(L.ao.nn.quantized, f"Conv{nd}d")
            conv = cls(cin, cout, k, stride=stride, padding=padding, dilation=dilation,
                       groups=groups, bias=bias is not None)
            conv.set_weight_bias(_qweight(L, w, scales, per_channel),
                                 None if bias is None else L.tensor(bias))
            conv.scale, conv.zero_point = os_, oz
            outs.append(conv(_q(L, x, xs, xz)))
        _same_q(*outs)
    assert repr(outs[0]) == repr(outs[1])


def test_qfunctional_and_ops_on_quantized_bit_exact():
    rs = np.random.RandomState(3)
    for it in range(30):
        shape = (2, 3, 4)
        a, b = (rs.randn(*shape) * 3).astype(np.float32), (rs.randn(*shape) * 2).astype(np.float32)
        qa = [float(rs.rand() * 0.05 + 0.01), int(rs.randint(0, 256))]
        qb = [float(rs.rand() * 0.05 + 0.01), int(rs.randint(0, 256))]
        s, z = float(rs.rand() * 0.1 + 0.02), int(rs.randint(0, 256))
        res = {}
        for L in (torch, ember):
            f = L.ao.nn.quantized.QFunctional()
            f.scale, f.zero_point = s, z
            xa, xb = _q(L, a, *qa), _q(L, b, *qb)
            relu = L.nn.ReLU() if L is torch else ember.ao.nn.quantized.float_on_quantized.ReLU()
            pool = L.nn.MaxPool2d(2, 1) if L is torch else \
                ember.ao.nn.quantized.float_on_quantized.MaxPool2d(2, 1)
            res[L] = [f.add(xa, xb), f.add_relu(xa, xb), f.mul(xa, xb), f.cat([xa, xb], 1),
                      relu(xa), L.ao.nn.quantized.ReLU6()(xa), pool(xa), xa.flatten(1)]
        for t, e in zip(res[torch], res[ember]):
            _same_q(t, e)


def _flow(L, model, qconfig_name="default_qconfig"):
    Q = L.ao.quantization
    model.eval()
    model.qconfig = getattr(Q, qconfig_name)
    fused = Q.fuse_modules(model, FUSE)
    prepared = Q.prepare(fused)
    for s in range(3):
        prepared(L.tensor(inputs(s)))
    return fused, prepared, Q.convert(prepared)


@pytest.mark.parametrize("qconfig", ["default_qconfig", "default_per_channel_qconfig"])
def test_tutorial_flow_matches_torch(qconfig):
    tm, em = twin_cnn(torch, ember)
    (ft, pt, ct), (fe, pe, ce) = _flow(torch, tm, qconfig), _flow(ember, em, qconfig)
    assert repr(ft) == repr(fe)
    # fused eval weights: the batch norm folded into conv1 as torch does
    for k, v in ft.state_dict().items():
        np.testing.assert_allclose(v.numpy(), fe.state_dict()[k].numpy(), rtol=1e-6, atol=1e-7)
    assert list(pt.state_dict()) == list(pe.state_dict())
    for k, v in pt.state_dict().items():
        np.testing.assert_allclose(v.numpy(), pe.state_dict()[k].numpy(), rtol=1e-5, err_msg=k)
    st, se = ct.state_dict(), ce.state_dict()
    assert list(st) == list(se)
    for name in ("conv1", "conv2", "fc1", "fc2", "skip"):
        ts, es = getattr(ct, name).scale, getattr(ce, name).scale
        assert es == pytest.approx(ts, rel=1e-5) and \
            getattr(ct, name).zero_point == getattr(ce, name).zero_point
    x = inputs(9, 8)
    yt, ye = ct(torch.tensor(x)).numpy(), ce(ember.tensor(x)).numpy()
    np.testing.assert_allclose(ye, yt, atol=ct.fc2.scale * 1.01)
    # with torch's converted weights and qparams, the outputs are torch's bit for bit
    buf = io.BytesIO()
    torch.save(st, buf)
    buf.seek(0)
    ce.load_state_dict(ember.load(buf))
    assert repr(ct) == repr(ce)
    for s in range(3):
        x = inputs(20 + s, 8)
        np.testing.assert_array_equal(ct(torch.tensor(x)).numpy(), ce(ember.tensor(x)).numpy())
    # and torch loads ember's converted state_dict
    tm2, em2 = twin_cnn(torch, ember, seed=1)
    ct2 = _flow(torch, tm2, qconfig)[2]
    buf = io.BytesIO()
    ember.save(ce.state_dict(), buf)
    buf.seek(0)
    ct2.load_state_dict(torch.load(buf, weights_only=False))
    x = inputs(30, 8)
    np.testing.assert_array_equal(ct2(torch.tensor(x)).numpy(), ce(ember.tensor(x)).numpy())


def test_prepare_structure_and_errors():
    for L in (torch, ember):
        m = L.nn.Sequential(L.ao.quantization.QuantStub(), L.nn.Conv2d(1, 2, 1), L.nn.ReLU(),
                            L.nn.Dropout(), L.ao.quantization.DeQuantStub())
        m.eval().qconfig = L.ao.quantization.default_qconfig
        p = L.ao.quantization.prepare(m)
        assert [n for n, _ in p.named_modules()] == \
            ["", "0", "0.activation_post_process", "1", "1.activation_post_process", "2", "3", "4"]
        with pytest.raises(AssertionError):
            L.ao.quantization.prepare_qat(m.eval())
        with pytest.raises(AssertionError, match="did not find fuser method"):
            L.ao.quantization.fuse_modules(L.nn.Sequential(L.nn.ReLU(), L.nn.Linear(1, 1)),
                                           ["0", "1"])
        with pytest.raises(AssertionError):
            L.ao.quantization.fuse_modules(
                L.nn.Sequential(L.nn.Conv2d(1, 1, 1).train(), L.nn.BatchNorm2d(1).eval()),
                ["0", "1"])
        with pytest.raises(AssertionError):
            L.ao.nn.intrinsic.ConvReLU2d(L.nn.Linear(1, 1), L.nn.ReLU())
    m = ember.nn.Sequential(ember.ao.quantization.QuantStub(), ember.nn.LayerNorm(2)).eval()
    m.qconfig = ember.ao.quantization.default_qconfig
    p = ember.ao.quantization.prepare(m)
    p(ember.randn(3, 2))
    with pytest.raises(NotImplementedError, match="LayerNorm"):
        ember.ao.quantization.convert(p)


def test_quantize_one_call_and_quant_wrapper():
    rs = np.random.RandomState(4)
    x = rs.randn(6, 4).astype(np.float32)
    w, b = rs.randn(3, 4).astype(np.float32), rs.randn(3).astype(np.float32)
    outs = []
    for L in (torch, ember):
        lin = L.nn.Linear(4, 3)
        lin.load_state_dict({"weight": L.tensor(w), "bias": L.tensor(b)})
        m = L.ao.quantization.QuantWrapper(lin)
        m.qconfig = L.ao.quantization.default_qconfig
        q = L.ao.quantization.quantize(m, lambda mod, data: mod(data), [L.tensor(x)])
        outs.append((q, q(L.tensor(x)).numpy()))
    (qt, yt), (qe, ye) = outs
    assert [type(m).__name__ for m in qt.modules()] == [type(m).__name__ for m in qe.modules()]
    assert qe.module.scale == pytest.approx(qt.module.scale, rel=1e-5)
    np.testing.assert_allclose(ye, yt, atol=qt.module.scale * 1.01)


def test_mean_and_adaptive_avg_pool_on_quantized_bit_exact():
    rs = np.random.RandomState(8)
    for it in range(20):
        # (outputs no larger than the input: torch misplaces channels when a 1x1 input is
        # pooled up to 2x2)
        x = (rs.randn(2, 3, int(rs.randint(3, 9)), int(rs.randint(3, 9))) * 3).astype(np.float32)
        s, z = float(rs.rand() * 0.1 + 0.01), int(rs.randint(0, 256))
        size = [1, 2, 3, (2, 1)][it % 4]
        res = {}
        for L in (torch, ember):
            q = _q(L, x, s, z)
            pool = L.nn.AdaptiveAvgPool2d(size) if L is torch else \
                ember.ao.nn.quantized.float_on_quantized.AdaptiveAvgPool2d(size)
            res[L] = [q.mean([2, 3]), q.mean(1, keepdim=True), q.mean(), pool(q)]
        for t, e in zip(res[torch], res[ember]):
            _same_q(t, e)
