"""Quantized RNN checkpoints between torch 2.13 and ember: torch writes its packed weights
as TorchScript objects (``torch.ScriptObject`` + state); ember reads them without running
code and writes the same layout, which torch loads (weights_only=False) into working
modules. Checked by comparing weights exactly and outputs of the loaded models."""
import io
import warnings

import numpy as np
import pytest

import ember
from ember.serialization import UnsupportedCheckpointError

torch = pytest.importorskip("torch")
warnings.filterwarnings("ignore")


def _tq(model, spec=None, dtype=None):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        kw = {} if dtype is None else {"dtype": dtype}
        return torch.ao.quantization.quantize_dynamic(model, spec, **kw)


def _nets(lib):
    nn = lib.nn
    return nn.Sequential(nn.LSTM(5, 4, num_layers=2, bidirectional=True), nn.GRU(8, 3),
                         nn.LSTMCell(3, 4), nn.GRUCell(4, 3), nn.RNNCell(3, 2))


def _quantize(lib, net, mode):
    if mode == "per_channel":
        qc = lib.ao.quantization.per_channel_dynamic_qconfig
        spec = {t: qc for t in (lib.nn.LSTM, lib.nn.GRU, lib.nn.LSTMCell, lib.nn.GRUCell,
                                lib.nn.RNNCell)}
        return _tq(net, spec) if lib is torch else lib.ao.quantization.quantize_dynamic(net, spec)
    dtype = getattr(lib, mode)
    return _tq(net, dtype=dtype) if lib is torch else \
        lib.ao.quantization.quantize_dynamic(net, dtype=dtype)


def _run(lib, q, x):
    out, _ = q[0](x)
    out, h = q[1](out)
    hc = q[2](h[0])
    h2 = q[3](hc[0])
    return [out, h, hc[0], hc[1], h2, q[4](h2)]


def _weights(q, lib):
    res = []
    for m in list(q)[:2]:
        for k, w in sorted(m.get_weight().items()):
            res.append(w)
    for m in list(q)[2:]:
        res += [m.get_weight()["weight_ih"], m.get_weight()["weight_hh"]]
    return [(w.int_repr() if w.is_quantized else w).detach().numpy() for w in res]


def _outputs_close(tq, eq, x):
    to = _run(torch, tq, torch.from_numpy(x))
    eo = _run(ember, eq, ember.tensor(x))
    for a, b in zip(to, eo):
        d = np.abs(a.detach().numpy() - b.numpy())
        assert d.max() < 1e-3 and d.mean() < 1e-5


@pytest.mark.parametrize("mode", ["qint8", "float16", "per_channel"])
def test_torch_checkpoint_loads_in_ember_and_back(mode):
    x = np.random.RandomState(20).randn(6, 2, 5).astype(np.float32)
    torch.manual_seed(0)
    tq = _quantize(torch, _nets(torch), mode)
    buf = io.BytesIO(); torch.save(tq.state_dict(), buf); buf.seek(0)
    with pytest.raises(Exception):
        torch.load(io.BytesIO(buf.getvalue()))      # torch's own safe loader refuses its file
    sd = ember.load(buf)                             # ember reads it, running no code
    assert repr(sd["0._all_weight_values.0.param"]) == \
        "ScriptObject <__torch__.torch.classes.rnn.CellParamsBase>"
    eq = _quantize(ember, _nets(ember), mode)
    eq.load_state_dict(sd)
    for a, b in zip(_weights(tq, torch), _weights(eq, ember)):
        np.testing.assert_array_equal(a, b)
    _outputs_close(tq, eq, x)
    # ember writes torch's layout: torch (weights_only=False) loads it into working modules
    buf = io.BytesIO(); ember.save(eq.state_dict(), buf); buf.seek(0)
    back = torch.load(buf, weights_only=False)
    assert list(back) == list(tq.state_dict())
    assert type(back["0._all_weight_values.0.param"]) is torch.ScriptObject
    tq2 = _quantize(torch, _nets(torch), mode)
    tq2.load_state_dict(back)
    for a, b in zip(_weights(tq, torch), _weights(tq2, torch)):
        np.testing.assert_array_equal(a, b)
    for a, b in zip(_run(torch, tq, torch.from_numpy(x)), _run(torch, tq2, torch.from_numpy(x))):
        np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy())


def test_ember_roundtrip_and_old_tuple_state_dicts():
    x = ember.randn(4, 1, 5)
    eq = _quantize(ember, _nets(ember), "qint8")
    buf = io.BytesIO(); ember.save(eq.state_dict(), buf); buf.seek(0)
    other = _quantize(ember, _nets(ember), "qint8")
    other.load_state_dict(ember.load(buf))
    for a, b in zip(_run(ember, eq, x), _run(ember, other, x)):
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    # the tuple layout earlier ember versions wrote
    old = dict(eq.state_dict())
    old["0._all_weight_values.1.param"] = eq[0]._all_weight_values[1].param
    third = _quantize(ember, _nets(ember), "qint8")
    third.load_state_dict(old)
    np.testing.assert_array_equal(third[0](x)[0].numpy(), eq[0](x)[0].numpy())


def test_other_torchscript_objects_are_refused_by_name():
    w = torch.quantize_per_tensor(torch.randn(2, 1, 3, 3), 0.1, 0, torch.qint8)
    packed = torch.ops.quantized.conv2d_prepack(w, None, [1, 1], [0, 0], [1, 1], 1)
    buf = io.BytesIO(); torch.save({"p": packed}, buf); buf.seek(0)
    with pytest.raises(UnsupportedCheckpointError, match="Conv2dPackedParamsBase") as e:
        ember.load(buf)
    assert isinstance(e.value, NotImplementedError)


def test_bad_packed_state_is_an_error_not_a_silent_load():
    eq = _quantize(ember, _nets(ember), "qint8")
    sd = dict(eq.state_dict())
    sd["2._packed_weight_ih"] = ember.zeros(3)
    with pytest.raises(RuntimeError, match="_packed_weight_ih"):
        eq.load_state_dict(sd)


@pytest.mark.parametrize("kind", ["LSTM", "GRU", "LSTMCell", "GRUCell", "RNNCell"])
def test_bias_free_rnns_are_refused_as_in_torch(kind):
    for lib in (torch, ember):
        net = lib.nn.Sequential(getattr(lib.nn, kind)(3, 2, bias=False))
        with pytest.raises(AssertionError, match="mod.bias must be True"):
            _tq(net) if lib is torch else ember.ao.quantization.quantize_dynamic(net)
