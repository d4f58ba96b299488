"""Quantization-aware training against torch 2.13: fuse_modules_qat, prepare_qat (module
names, reprs, state_dict keys), a few SGD steps with the fake-quantized model (losses,
parameters, observers and batch-norm statistics within float tolerance of torch's; a
value that lands within float rounding of a quantization boundary can round the other way,
so the comparison runs a few steps only), freezing batch norm and observers, and convert
(bit for bit with torch's converted state_dict loaded)."""
import io
import re
import warnings

import numpy as np
import pytest

import ember
from tests.quantization._models import twin_cnn, FUSE, inputs

torch = pytest.importorskip("torch")
warnings.filterwarnings("ignore")


def _prepare(L, model, backend, version):
    model.train()
    model.qconfig = L.ao.quantization.get_default_qat_qconfig(backend, version)
    fused = L.ao.quantization.fuse_modules_qat(model, FUSE)
    return fused, L.ao.quantization.prepare_qat(fused)


def _train(L, model, steps, freeze_at):
    opt = L.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    rs = np.random.RandomState(5)
    losses = []
    for step in range(steps):
        if step == freeze_at:
            model.apply(L.ao.quantization.disable_observer)
            model.apply(L.ao.nn.intrinsic.qat.freeze_bn_stats)
        out = model(L.tensor(inputs(40 + step, 8)))
        loss = L.nn.functional.cross_entropy(out, L.tensor(rs.randint(0, 5, 8)))
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return losses


@pytest.mark.parametrize("backend,version", [("x86", 1), ("qnnpack", 1), ("x86", 0)])
def test_qat_flow_matches_torch(backend, version):
    tm, em = twin_cnn(torch, ember)
    ft, pt = _prepare(torch, tm, backend, version)
    fe, pe = _prepare(ember, em, backend, version)
    assert repr(ft) == repr(fe)
    assert repr(pt) == repr(pe)
    assert list(pt.state_dict()) == list(pe.state_dict())
    lt = _train(torch, pt, 4, freeze_at=3)
    le = _train(ember, pe, 4, freeze_at=3)
    np.testing.assert_allclose(le, lt, rtol=2e-6)
    st, se = pt.state_dict(), pe.state_dict()
    for k in st:
        assert str(st[k].dtype) == str(se[k].dtype), k
        np.testing.assert_allclose(se[k].numpy(), st[k].numpy(), rtol=1e-5, atol=1e-6, err_msg=k)
    assert pe.conv1.freeze_bn and not pe.conv1.bn.training and pe.training
    pt.eval()
    pe.eval()
    x = inputs(99, 8)
    np.testing.assert_allclose(pe(ember.tensor(x)).detach().numpy(),
                               pt(torch.tensor(x)).detach().numpy(), rtol=1e-4, atol=1e-4)
    ct, ce = torch.ao.quantization.convert(pt), ember.ao.quantization.convert(pe)
    assert [type(m).__name__ for m in ct.modules()] == [type(m).__name__ for m in ce.modules()]
    assert list(ct.state_dict()) == list(ce.state_dict())
    yt, ye = ct(torch.tensor(x)).numpy(), ce(ember.tensor(x)).numpy()
    np.testing.assert_allclose(ye, yt, atol=ct.fc2.scale * 1.01)
    buf = io.BytesIO()
    torch.save(ct.state_dict(), buf)
    buf.seek(0)
    ce.load_state_dict(ember.load(buf))
    assert repr(ct) == repr(ce)
    np.testing.assert_array_equal(ct(torch.tensor(x)).numpy(), ce(ember.tensor(x)).numpy())


def test_prepared_qat_state_dict_loads_both_ways():
    tm, em = twin_cnn(torch, ember)
    _, pt = _prepare(torch, tm, "x86", 1)
    _, pe = _prepare(ember, em, "x86", 1)
    _train(torch, pt, 2, freeze_at=None)
    buf = io.BytesIO()
    torch.save(pt.state_dict(), buf)
    buf.seek(0)
    pe.load_state_dict(ember.load(buf))
    for k, v in pt.state_dict().items():
        np.testing.assert_array_equal(v.numpy(), pe.state_dict()[k].numpy(), err_msg=k)
    pt.eval()
    pe.eval()
    x = inputs(7, 8)
    np.testing.assert_allclose(pe(ember.tensor(x)).detach().numpy(),
                               pt(torch.tensor(x)).detach().numpy(), rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("relu", [False, True])
def test_qat_conv_bn_forward_and_gradients(relu):
    rs = np.random.RandomState(relu)
    x = rs.randn(4, 2, 5, 5).astype(np.float32)
    g = rs.randn(4, 3, 3, 3).astype(np.float32)
    res = {}
    for L in (torch, ember):
        conv, bn = L.nn.Conv2d(2, 3, 3), L.nn.BatchNorm2d(3)
        conv.load_state_dict({"weight": L.tensor(np.linspace(-1, 1, 54, dtype=np.float32)
                                                 .reshape(3, 2, 3, 3)),
                              "bias": L.tensor(np.float32([0.1, -0.2, 0.3]))})
        fused = (L.ao.nn.intrinsic.ConvBnReLU2d if relu else L.ao.nn.intrinsic.ConvBn2d)(
            conv, bn, *([L.nn.ReLU()] if relu else []))
        fused.qconfig = L.ao.quantization.default_qat_qconfig
        cls = L.ao.nn.intrinsic.qat.ConvBnReLU2d if relu else L.ao.nn.intrinsic.qat.ConvBn2d
        m = cls.from_float(fused)
        xt = L.tensor(x, requires_grad=True)
        y = m(xt)
        y.backward(L.tensor(g))
        res[L] = (y.detach().numpy(), xt.grad.numpy(), m.weight.grad.numpy(),
                  m.bias.grad.numpy(), m.bn.weight.grad.numpy(), m.bn.running_var.numpy())
    for a, b in zip(res[torch], res[ember]):
        np.testing.assert_allclose(b, a, rtol=1e-5, atol=1e-6)


def test_qat_linear_relu_and_conv_from_float():
    rs = np.random.RandomState(2)
    x = rs.randn(5, 4).astype(np.float32)
    w, b = rs.randn(3, 4).astype(np.float32), rs.randn(3).astype(np.float32)
    res = {}
    for L in (torch, ember):
        lin = L.nn.Linear(4, 3)
        lin.load_state_dict({"weight": L.tensor(w), "bias": L.tensor(b)})
        fused = L.ao.nn.intrinsic.LinearReLU(lin, L.nn.ReLU())
        fused.qconfig = lin.qconfig = L.ao.quantization.default_qat_qconfig
        m = L.ao.nn.intrinsic.qat.LinearReLU.from_float(fused)
        assert m.weight is lin.weight
        xt = L.tensor(x, requires_grad=True)
        y = m(xt)
        y.sum().backward()
        res[L] = (y.detach().numpy(), xt.grad.numpy(), m.weight.grad.numpy(), repr(m))
    for a, b in zip(res[torch], res[ember]):
        if isinstance(a, str):
            assert a == b
        else:
            np.testing.assert_allclose(b, a, rtol=1e-6, atol=1e-7)


def test_qat_linear_bn_flow():
    rs = np.random.RandomState(6)
    w, b = rs.randn(4, 6).astype(np.float32), rs.randn(4).astype(np.float32)
    out = {}
    for L in (torch, ember):
        Q = L.ao.quantization
        m = L.nn.Sequential(Q.QuantStub(), L.nn.Linear(6, 4), L.nn.BatchNorm1d(4), Q.DeQuantStub())
        m[1].load_state_dict({"weight": L.tensor(w), "bias": L.tensor(b)})
        m.train().qconfig = Q.get_default_qat_qconfig("x86")
        p = Q.prepare_qat(Q.fuse_modules_qat(m, ["1", "2"]))
        opt = L.optim.SGD(p.parameters(), lr=0.1)
        data = np.random.RandomState(7)
        losses = []
        for _ in range(3):
            loss = p(L.tensor(data.randn(8, 6).astype(np.float32))).pow(2).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
            losses.append(loss.item())
        p.eval()
        c = Q.convert(p)
        x = L.tensor(data.randn(5, 6).astype(np.float32))
        out[L] = (repr(p), losses, c, c(x).numpy(), type(c[1]).__name__)
    def shape(r):   # the reprs up to float rounding of the observed values
        return re.sub(r"-?\d+\.\d+(e-?\d+)?", "#", r)
    assert shape(out[torch][0]) == shape(out[ember][0])
    np.testing.assert_allclose(out[ember][1], out[torch][1], rtol=1e-5)
    assert out[torch][4] == out[ember][4] == "Linear"
    np.testing.assert_allclose(out[ember][3], out[torch][3], atol=out[torch][2][1].scale * 1.01)
