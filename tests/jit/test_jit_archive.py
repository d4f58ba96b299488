"""ember.jit.save/load (graph as data + weights) and reading PyTorch TorchScript archives safely."""
import io
import json
import zipfile

import numpy as np
import pytest

import ember
import ember.jit
from ember.serialization import LoadError

torch = pytest.importorskip("torch")


def _net(lib):
    nn = lib.nn
    return nn.Sequential(nn.Conv2d(1, 3, 3), nn.BatchNorm2d(3), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                         nn.Linear(12, 5))


def _twins():
    t = _net(torch)
    with torch.no_grad():  # non-trivial running stats
        t[1].running_mean.uniform_(-0.5, 0.5)
        t[1].running_var.uniform_(0.5, 2.0)
    t.eval()
    e = _net(ember)
    e.load_state_dict({k: ember.tensor(v.numpy()) for k, v in t.state_dict().items()})
    return t, e.eval()


def test_torchscript_archive_reads_state_dict_without_running_code(tmp_path):
    t, e = _twins()
    x = np.random.RandomState(0).randn(2, 1, 6, 6).astype(np.float32)
    for kind, ts in (("trace", torch.jit.trace(t, torch.tensor(x))), ("script", torch.jit.script(t))):
        p = tmp_path / f"{kind}.pt"
        torch.jit.save(ts, str(p))
        got = ember.jit.load(str(p))
        want = torch.jit.load(str(p)).state_dict()
        sd = got.state_dict()
        assert list(sd) == list(want), kind
        for k in sd:
            np.testing.assert_array_equal(sd[k].numpy(), want[k].numpy())
        assert [n for n, _ in got.named_parameters()] == [n for n, _ in torch.jit.load(str(p)).named_parameters()]
        assert got[1].original_name == "BatchNorm2d" if hasattr(got, "__getitem__") else True
        with pytest.raises(NotImplementedError, match="load_state_dict"):
            got(ember.tensor(x))
        # the documented way: weights into the eager twin, which matches torch
        fresh = _net(ember).eval()
        fresh.load_state_dict(sd)
        np.testing.assert_allclose(fresh(ember.tensor(x)).detach().numpy(), t(torch.tensor(x)).detach().numpy(),
                                   rtol=1e-5, atol=1e-5)


def test_torchscript_archive_with_hostile_pickle_is_refused(tmp_path):
    p = tmp_path / "ts.pt"
    torch.jit.save(torch.jit.trace(torch.nn.Linear(2, 2), torch.ones(1, 2)), str(p))
    bad = tmp_path / "bad.pt"
    with zipfile.ZipFile(p) as zin, zipfile.ZipFile(bad, "w") as zout:
        for n in zin.namelist():
            data = zin.read(n)
            if n.endswith("/data.pkl"):
                data = b"\x80\x02cos\nsystem\nX\x04\x00\x00\x00echo\x85R."
            zout.writestr(n, data)
    with pytest.raises(LoadError, match="os.system"):
        ember.jit.load(str(bad))


def test_ember_archive_round_trip_is_bit_identical_and_weights_load_in_torch(tmp_path):
    net = ember.nn.Sequential(ember.nn.Linear(4, 8), ember.nn.ReLU(), ember.nn.Linear(8, 2)).eval()
    x = ember.randn(3, 4)
    traced = ember.jit.trace(net, x)
    p = tmp_path / "m.pt"
    ember.jit.save(traced, str(p), _extra_files={"meta.txt": "hello"})
    extra = {"meta.txt": ""}
    loaded = ember.jit.load(str(p), _extra_files=extra)
    assert extra["meta.txt"] == b"hello"
    y = ember.randn(5, 4)
    np.testing.assert_array_equal(loaded(y).detach().numpy(), net(y).detach().numpy())
    assert list(loaded.state_dict()) == list(net.state_dict())
    assert all(p.requires_grad for p in loaded.parameters()) and not loaded.training
    w = torch.load(str(p), weights_only=True)  # the weights are an ordinary checkpoint
    assert sorted(w) == sorted(net.state_dict())
    np.testing.assert_array_equal(w["0.weight"].numpy(), net[0].weight.detach().numpy())
    traced.save(str(tmp_path / "m2.pt"))
    assert "linear" in ember.jit.load(str(tmp_path / "m2.pt")).code


def _rewrite_graph(src, dst, edit):
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for n in zin.namelist():
            data = zin.read(n)
            if n.endswith("ember_graph.json"):
                d = json.loads(data)
                edit(d)
                data = json.dumps(d).encode()
            zout.writestr(n, data)


@pytest.mark.parametrize("edit, match", [
    (lambda d: d["nodes"][1].__setitem__("target", "os.system"), "not an allowed ember function"),
    (lambda d: d["nodes"][1].__setitem__("target", "ember.save"), "not an allowed ember function"),
    (lambda d: d["nodes"][1].__setitem__("target", "builtins.eval"), "not an allowed ember function"),
    (lambda d: d["nodes"][1].update(op="call_method", target="register_hook"), "not an allowed Tensor method"),
    (lambda d: d["nodes"][1].update(op="call_module", target="x"), "unsupported node kind"),
    (lambda d: d["nodes"][1].update(args=[{"$node": 7}]), "before it exists"),
    (lambda d: d["nodes"][0].update(target="x; import os"), "bad input name"),
    (lambda d: d["nodes"][1].update(args=[{"$pickle": "x"}]), "malformed"),
])
def test_crafted_graph_is_refused(tmp_path, edit, match):
    f = ember.jit.trace(lambda a: ember.relu(a) * 2, ember.ones(2))
    p, bad = tmp_path / "f.pt", tmp_path / "bad.pt"
    ember.jit.save(f, str(p))
    _rewrite_graph(p, bad, edit)
    with pytest.raises(RuntimeError, match=match):
        ember.jit.load(str(bad))


def test_saving_untraced_or_module_calls_is_refused():
    with pytest.raises(NotImplementedError, match="trace it first"):
        ember.jit.save(ember.nn.Linear(1, 1), io.BytesIO())
