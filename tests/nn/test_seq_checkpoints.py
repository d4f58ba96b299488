"""Sequence models' checkpoints move between ember and PyTorch through files, both ways."""
import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")
pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")


def _models(lib):
    nn = lib.nn
    return {
        "lstm": lambda: nn.LSTM(6, 5, num_layers=2, bidirectional=True, proj_size=3),
        "gru": lambda: nn.GRU(6, 5, batch_first=True),
        "transformer": lambda: nn.Transformer(d_model=8, nhead=2, num_encoder_layers=1,
                                              num_decoder_layers=1, dim_feedforward=16, dropout=0.0),
        "mha": lambda: nn.MultiheadAttention(8, 2, kdim=5, vdim=3, add_bias_kv=True),
    }


def _inputs(name, lib):
    rng = np.random.default_rng(0)
    t = lambda *s: lib.tensor(rng.standard_normal(s).astype(np.float32))
    if name == "lstm":
        return (t(4, 2, 6),)
    if name == "gru":
        return (t(2, 4, 6),)
    if name == "transformer":
        return t(5, 2, 8), t(3, 2, 8)
    return t(3, 2, 8), t(4, 2, 5), t(4, 2, 3)


def _first(out):
    return out[0] if isinstance(out, tuple) else out


@pytest.mark.parametrize("name", ["lstm", "gru", "transformer", "mha"])
def test_ember_checkpoint_loads_in_torch(name, tmp_path):
    ember.manual_seed(0)
    e = _models(ember)[name]()
    path = tmp_path / "m.pt"
    ember.save(e.state_dict(), path)
    t = _models(torch)[name]()
    t.load_state_dict(torch.load(path, weights_only=True))
    e.eval(), t.eval()
    with torch.no_grad(), ember.no_grad():
        ye, yt = _first(e(*_inputs(name, ember))), _first(t(*_inputs(name, torch)))
    np.testing.assert_allclose(ye.numpy(), yt.numpy(), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name", ["lstm", "gru", "transformer", "mha"])
def test_torch_checkpoint_loads_in_ember(name, tmp_path):
    torch.manual_seed(0)
    t = _models(torch)[name]()
    path = tmp_path / "m.pt"
    torch.save(t.state_dict(), path)
    e = _models(ember)[name]()
    e.load_state_dict(ember.load(path))
    assert list(e.state_dict()) == list(t.state_dict())
    e.eval(), t.eval()
    with torch.no_grad(), ember.no_grad():
        ye, yt = _first(e(*_inputs(name, ember))), _first(t(*_inputs(name, torch)))
    np.testing.assert_allclose(ye.numpy(), yt.numpy(), rtol=1e-5, atol=1e-6)
