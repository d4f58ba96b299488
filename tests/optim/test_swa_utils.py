"""``ember.optim.swa_utils`` against ``torch.optim.swa_utils``: AveragedModel (SWA and EMA, with
and without buffers), update_bn and SWALR, on the same weights and inputs."""
import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")


def _r(shape, seed):
    return np.random.default_rng(seed).uniform(-1, 1, shape).astype(np.float32)


def _net(lib):
    net = lib.nn.Sequential(lib.nn.Linear(3, 2), lib.nn.BatchNorm1d(2))
    net.load_state_dict({k: lib.tensor(_r(tuple(v.shape), i)) if v.is_floating_point() else v
                         for i, (k, v) in enumerate(net.state_dict().items())})
    return net


def _average(lib, kind, use_buffers):
    SU = lib.optim.swa_utils
    kw = {"ema": {"multi_avg_fn": SU.get_ema_multi_avg_fn(0.7)}, "ema1": {"avg_fn": SU.get_ema_avg_fn(0.7)},
          "swa1": {"avg_fn": SU.get_swa_avg_fn()}, "swa": {}}[kind]
    net = _net(lib)
    avg = SU.AveragedModel(net, use_buffers=use_buffers, **kw)
    states = []
    for k in range(4):
        with lib.no_grad():
            for i, p in enumerate(net.parameters()):
                p.add_(lib.tensor(_r(tuple(p.shape), 100 + 10 * k + i)))
        net(lib.tensor(_r((5, 3), k)))
        avg.update_parameters(net)
        states.append({n: v.numpy().copy() for n, v in avg.state_dict().items()})
    return states, avg(lib.tensor(_r((4, 3), 50))).detach().numpy()


@pytest.mark.parametrize("kind", ["swa", "ema", "ema1", "swa1"])
@pytest.mark.parametrize("use_buffers", [False, True])
def test_averaged_model(kind, use_buffers):
    (ts, ty), (es, ey) = _average(torch, kind, use_buffers), _average(ember, kind, use_buffers)
    for t, e in zip(ts, es):
        assert list(e) == list(t)
        for k in t:
            np.testing.assert_allclose(e[k], t[k], rtol=1e-5, atol=1e-6, err_msg=k)
    np.testing.assert_allclose(ey, ty, rtol=1e-5, atol=1e-6)


def test_averaged_model_repr_and_names():
    t = torch.optim.swa_utils.AveragedModel(torch.nn.Linear(2, 2))
    e = ember.optim.swa_utils.AveragedModel(ember.nn.Linear(2, 2))
    assert repr(e) == repr(t)
    assert [n for n, _ in e.named_buffers()] == [n for n, _ in t.named_buffers()]


def test_update_bn():
    out = []
    w = _r((2, 2), 7), _r((2,), 8)
    for lib in (torch, ember):
        net = lib.nn.Sequential(_net(lib), lib.nn.ReLU(), lib.nn.Linear(2, 2), lib.nn.BatchNorm1d(2, momentum=0.3))
        with lib.no_grad():
            net[2].weight.copy_(lib.tensor(w[0])), net[2].bias.copy_(lib.tensor(w[1]))
        net.eval()
        lib.optim.swa_utils.update_bn([(lib.tensor(_r((6, 3), k)), k) for k in range(4)], net)
        out.append(({k: v.numpy() for k, v in net.state_dict().items()}, net.training, net[3].momentum))
    (t, ttrain, tmom), (e, etrain, emom) = out
    assert (etrain, emom) == (ttrain, tmom)
    for k in t:
        np.testing.assert_allclose(e[k], t[k], rtol=1e-5, atol=1e-6, err_msg=k)


@pytest.mark.parametrize("kw", [{"swa_lr": 0.05}, {"swa_lr": 0.05, "anneal_epochs": 3, "anneal_strategy": "linear"},
                                {"swa_lr": 0.05, "anneal_epochs": 0}, {"swa_lr": [0.01, 0.2], "anneal_epochs": 4}])
def test_swalr(kw):
    out = []
    for lib in (torch, ember):
        opt = lib.optim.SGD([{"params": [lib.nn.Parameter(lib.ones(1))]} for _ in range(2)], lr=0.1)
        s = lib.optim.swa_utils.SWALR(opt, **kw)
        lrs = [s.get_last_lr()]
        for _ in range(14):
            opt.step()
            s.step()
            lrs.append(s.get_last_lr())
        out.append((lrs, list(s.state_dict())))
    np.testing.assert_allclose(np.array(out[1][0]), np.array(out[0][0]), rtol=1e-12)
    assert out[1][1] == out[0][1]


@pytest.mark.parametrize("call", [
    lambda lib, o: lib.optim.swa_utils.SWALR(o, 0.05, anneal_strategy="foo"),
    lambda lib, o: lib.optim.swa_utils.SWALR(o, 0.05, anneal_epochs=-1),
    lambda lib, o: lib.optim.swa_utils.SWALR(o, [0.05, 0.1]),
    lambda lib, o: lib.optim.swa_utils.get_ema_avg_fn(1.5),
])
def test_errors(call):
    msgs = []
    for lib in (torch, ember):
        with pytest.raises(ValueError) as e:
            call(lib, lib.optim.SGD([lib.nn.Parameter(lib.ones(1))], lr=0.1))
        msgs.append(str(e.value))
    assert msgs[0] == msgs[1]
