"""Observers and fake quantize modules against torch 2.13: running ranges, qparams, state_dict
keys and values, reprs, outputs and gradients over several batches, enable/disable switches."""
import warnings

import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")
warnings.filterwarnings("ignore")


def _both(make):
    return make(torch), make(ember)


def _same_state(t, e):
    ts, es = t.state_dict(), e.state_dict()
    assert list(ts) == list(es)
    for k in ts:
        assert str(ts[k].dtype) == str(es[k].dtype), k
        np.testing.assert_array_equal(ts[k].numpy(), es[k].numpy(), err_msg=k)


def _batches(rs, n, shape):
    for i in range(n):
        yield (rs.randn(*shape) * rs.choice([0.01, 1, 5]) + rs.choice([0, 2, -3])).astype(np.float32)


OBSERVERS = [
    lambda L: L.ao.quantization.MinMaxObserver(),
    lambda L: L.ao.quantization.MinMaxObserver(reduce_range=True),
    lambda L: L.ao.quantization.MinMaxObserver(quant_min=0, quant_max=255, reduce_range=True),
    lambda L: L.ao.quantization.MinMaxObserver(dtype=L.qint8, qscheme=L.per_tensor_symmetric),
    lambda L: L.ao.quantization.MinMaxObserver(dtype=L.quint8, qscheme=L.per_tensor_symmetric,
                                               quant_min=0, quant_max=127),
    lambda L: L.ao.quantization.MinMaxObserver(dtype=L.qint8, quant_min=-8, quant_max=7),
    lambda L: L.ao.quantization.MovingAverageMinMaxObserver(),
    lambda L: L.ao.quantization.MovingAverageMinMaxObserver(averaging_constant=0.3,
                                                            dtype=L.qint8,
                                                            qscheme=L.per_tensor_symmetric),
    lambda L: L.ao.quantization.PerChannelMinMaxObserver(ch_axis=1),
    lambda L: L.ao.quantization.PerChannelMinMaxObserver(dtype=L.qint8,
                                                         qscheme=L.per_channel_symmetric),
    lambda L: L.ao.quantization.MovingAveragePerChannelMinMaxObserver(),
    lambda L: L.ao.quantization.MovingAveragePerChannelMinMaxObserver(
        averaging_constant=0.2, ch_axis=1, dtype=L.qint8, qscheme=L.per_channel_symmetric),
    lambda L: L.ao.quantization.default_observer(),
    lambda L: L.ao.quantization.default_per_channel_weight_observer(),
]


@pytest.mark.parametrize("i", range(len(OBSERVERS)))
def test_observer_matches_torch(i):
    t, e = _both(OBSERVERS[i])
    assert (t.quant_min, t.quant_max) == (e.quant_min, e.quant_max)
    assert repr(t) == repr(e)
    rs = np.random.RandomState(i)
    for x in _batches(rs, 4, (5, 6)):
        t(torch.from_numpy(x))
        e(ember.tensor(x))
        _same_state(t, e)
        for a, b in zip(t.calculate_qparams(), e.calculate_qparams()):
            assert str(a.dtype) == str(b.dtype)
            np.testing.assert_array_equal(a.numpy(), b.numpy())
    assert repr(t) == repr(e)
    fresh = OBSERVERS[i](ember)
    fresh.load_state_dict(e.state_dict())
    _same_state(t, fresh)


def test_observer_misc():
    for L in (torch, ember):
        assert L.ao.quantization.NoopObserver()(L.ones(2)).shape == (2,)
        f = L.ao.quantization.FixedQParamsObserver(0.1, 3)
        assert list(f.state_dict()) == ["scale", "zero_point"]
        assert str(f.calculate_qparams()[1].dtype) == "torch.int32"
        with pytest.raises(Exception, match="should not be called"):
            L.ao.quantization.NoopObserver().calculate_qparams()
        with pytest.raises(NotImplementedError):
            L.ao.quantization.MinMaxObserver(qscheme=L.per_tensor_symmetric, reduce_range=True)
        with pytest.raises(AssertionError):
            L.ao.quantization.MinMaxObserver(quant_min=3, quant_max=100)
    assert repr(torch.ao.quantization.PlaceholderObserver()) == \
        repr(ember.ao.quantization.PlaceholderObserver())
    assert repr(ember.ao.quantization.get_default_qconfig("x86").activation()) == \
        repr(torch.ao.quantization.get_default_qconfig("x86").activation())


FAKE_QUANTS = [
    lambda L: L.ao.quantization.default_fake_quant(),
    lambda L: L.ao.quantization.default_weight_fake_quant(),
    lambda L: L.ao.quantization.default_per_channel_weight_fake_quant(),
    lambda L: L.ao.quantization.get_default_qat_qconfig("x86").activation(),
    lambda L: L.ao.quantization.get_default_qat_qconfig("x86").weight(),
    lambda L: L.ao.quantization.get_default_qat_qconfig("qnnpack").activation(),
    lambda L: L.ao.quantization.get_default_qat_qconfig("qnnpack").weight(),
    lambda L: L.ao.quantization.get_default_qat_qconfig("x86", 0).weight(),
    lambda L: L.ao.quantization.default_fixed_qparams_range_0to1_fake_quant(),
    lambda L: L.ao.quantization.default_qat_qconfig.activation(),
]


@pytest.mark.parametrize("i", range(len(FAKE_QUANTS)))
def test_fake_quantize_module_matches_torch(i):
    t, e = _both(FAKE_QUANTS[i])
    assert repr(t) == repr(e)
    rs = np.random.RandomState(100 + i)
    for step, x in enumerate(_batches(rs, 6, (4, 7))):
        if step == 1:   # some channels all of one sign
            x[0] = np.abs(x[0]) + 0.1
            x[1] = -np.abs(x[1]) - 0.1
        if step == 3:
            t.apply(torch.ao.quantization.disable_observer)
            e.apply(ember.ao.quantization.disable_observer)
        if step == 4:
            t.disable_fake_quant()
            e.disable_fake_quant()
        if step == 5:
            t.apply(torch.ao.quantization.enable_fake_quant)
            e.apply(ember.ao.quantization.enable_fake_quant)
            t.enable_observer()
            e.enable_observer()
        xt = torch.from_numpy(x).requires_grad_()
        xe = ember.tensor(x, requires_grad=True)
        yt, ye = t(xt), e(xe)
        np.testing.assert_array_equal(yt.detach().numpy(), ye.detach().numpy())
        if yt.grad_fn is not None:
            assert type(yt.grad_fn).__name__ == ye.grad_fn.name()
            g = rs.randn(*x.shape).astype(np.float32)
            yt.backward(torch.from_numpy(g))
            ye.backward(ember.tensor(g))
            np.testing.assert_array_equal(xt.grad.numpy(), xe.grad.numpy())
        _same_state(t, e)
    assert repr(t) == repr(e)
    fresh = FAKE_QUANTS[i](ember)
    fresh.load_state_dict(e.state_dict())
    _same_state(t, fresh)


def test_qconfigs_name_torchs_observers():
    for name in ("default_qconfig", "default_qat_qconfig", "default_per_channel_qconfig",
                 "default_dynamic_qconfig"):
        qt, qe = getattr(torch.ao.quantization, name), getattr(ember.ao.quantization, name)
        for a, b in zip(qt, qe):
            a = getattr(a, "p", a)
            assert a.func.__name__ == b.func.__name__ and a.keywords.keys() == b.keywords.keys()
    for backend in ("x86", "fbgemm", "qnnpack", "onednn"):
        for version in (0, 1):
            qt = torch.ao.quantization.get_default_qat_qconfig(backend, version)
            qe = ember.ao.quantization.get_default_qat_qconfig(backend, version)
            assert repr(qt.activation()) == repr(qe.activation())
            assert repr(qt.weight()) == repr(qe.weight())
        qt = torch.ao.quantization.get_default_qconfig(backend)
        qe = ember.ao.quantization.get_default_qconfig(backend)
        assert repr(qt.weight()) == repr(qe.weight())
        assert qt.activation.p.keywords == qe.activation.keywords


def test_observer_state_dict_helpers_and_extras():
    keys = {}
    for L in (torch, ember):
        Q = L.ao.quantization
        m = L.nn.Sequential(L.nn.Conv2d(1, 2, 1), L.nn.ReLU()).train()
        m.qconfig = Q.get_default_qat_qconfig()
        p = Q.prepare_qat(Q.fuse_modules_qat(m, ["0", "1"]))
        p(L.tensor(np.linspace(-1, 1, 18, dtype=np.float32).reshape(2, 1, 3, 3)))
        sd = Q.get_observer_state_dict(p)
        keys[L] = list(sd)
        fresh = Q.prepare_qat(Q.fuse_modules_qat(m, ["0", "1"]))
        Q.load_observer_state_dict(fresh, sd)
        np.testing.assert_array_equal(fresh[0].activation_post_process.scale.numpy(),
                                      p[0].activation_post_process.scale.numpy())
        assert Q.qconfig_equals(Q.default_qconfig, Q.default_qconfig)
        assert not Q.qconfig_equals(Q.default_qconfig, Q.default_qat_qconfig)
        r = Q.default_debug_observer()
        r(L.ones(2))
        assert len(r.get_tensor_value()) == 1
        for name in ("weight_observer_range_neg_127_to_127",
                     "per_channel_weight_observer_range_neg_127_to_127"):
            o = getattr(Q, name)()
            o(L.tensor(np.float32([[-1.0, 0.3], [0.2, 0.5]])))
            keys[(L, name)] = [a.numpy().tolist() for a in o.calculate_qparams()]
        fq = Q.fused_per_channel_wt_fake_quant_range_neg_127_to_127()
        keys[(L, "fq")] = repr(fq)
    assert keys[torch] == keys[ember]
    for k in ("weight_observer_range_neg_127_to_127",
              "per_channel_weight_observer_range_neg_127_to_127", "fq"):
        assert keys[(torch, k)] == keys[(ember, k)], k
