"""ember.jit.trace / freeze / optimize_for_inference against torch.jit on twin models."""
import warnings

import numpy as np
import pytest

import ember
import ember.jit

torch = pytest.importorskip("torch")


def _net(lib):
    nn = lib.nn
    return nn.Sequential(nn.Conv2d(2, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(), nn.AvgPool2d(2),
                         nn.Flatten(), nn.Linear(4 * 3 * 3, 5), nn.Tanh())


def _twins():
    t = _net(torch)
    with torch.no_grad():
        t[1].running_mean.uniform_(-0.5, 0.5)
        t[1].running_var.uniform_(0.5, 2.0)
        t[1].weight.uniform_(0.5, 1.5)
        t[1].bias.uniform_(-0.5, 0.5)
    e = _net(ember)
    e.load_state_dict({k: ember.tensor(v.numpy()) for k, v in t.state_dict().items()})
    return t.eval(), e.eval()


def test_traced_module_matches_torch_trace_and_shares_parameters():
    t, e = _twins()
    x = np.random.RandomState(1).randn(3, 2, 6, 6).astype(np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tt = torch.jit.trace(t, torch.tensor(x))
    et = ember.jit.trace(e, ember.tensor(x))
    assert isinstance(et, ember.jit.TopLevelTracedModule) and isinstance(et, ember.jit.ScriptModule)
    assert list(et.state_dict()) == list(tt.state_dict())
    assert et[0].weight is e[0].weight if hasattr(et, "__getitem__") else et._modules["0"].weight is e[0].weight
    y = np.random.RandomState(2).randn(5, 2, 6, 6).astype(np.float32)   # another batch size
    np.testing.assert_allclose(et(ember.tensor(y)).detach().numpy(), tt(torch.tensor(y)).detach().numpy(),
                               rtol=1e-5, atol=1e-5)
    assert np.array_equal(et(ember.tensor(y)).detach().numpy(), e(ember.tensor(y)).detach().numpy())
    assert "conv2d" in et.code and "batch_norm" in et.code and len(list(et.graph.nodes)) > 5
    # gradients flow through the replay as through eager
    xe = ember.tensor(y, requires_grad=True)
    et(xe).sum().backward()
    g1 = xe.grad.numpy().copy()
    xe.grad = None
    e(xe).sum().backward()
    assert np.array_equal(g1, xe.grad.numpy())


def test_trace_errors_and_warnings_like_torch():
    for lib in (ember, torch):
        with pytest.raises(RuntimeError, match="dict at the output"):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                lib.jit.trace(lambda x: {"a": x * 2}, lib.ones(2))
        with pytest.warns(lib.jit.TracerWarning, match="list at the output"):
            lib.jit.trace(lambda x: [x * 2], lib.ones(2))
    assert issubclass(ember.jit.TracerWarning, Warning)
    inside = []
    ember.jit.trace(lambda x: inside.append(ember.jit.is_tracing()) or x + 1, ember.ones(1), check_trace=False)
    assert inside == [True] and ember.jit.is_tracing() is False


def test_freeze_and_optimize_for_inference_fold_batchnorm():
    t, e = _twins()
    x = np.random.RandomState(3).randn(2, 2, 6, 6).astype(np.float32)
    with pytest.raises(RuntimeError, match="eval mode"):
        ember.jit.freeze(ember.jit.trace(_net(ember).train(), ember.tensor(x), check_trace=False))
    et = ember.jit.trace(e, ember.tensor(x))
    frozen = ember.jit.freeze(et, optimize_numerics=False)
    assert list(frozen.parameters()) == [] and np.array_equal(frozen(ember.tensor(x)).numpy(),
                                                              e(ember.tensor(x)).detach().numpy())
    opt = ember.jit.optimize_for_inference(et)
    assert "batch_norm" not in opt.code and "conv2d" in opt.code
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        topt = torch.jit.optimize_for_inference(torch.jit.freeze(torch.jit.script(t)))
    np.testing.assert_allclose(opt(ember.tensor(x)).numpy(), topt(torch.tensor(x)).numpy(), rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(opt(ember.tensor(x)).numpy(), e(ember.tensor(x)).detach().numpy(),
                               rtol=1e-5, atol=1e-5)
