"""Conv2dNormActivation's eval inference path (the batch norm folded into the convolution, a
ReLU/Hardswish run inside it) against torch's Conv2d -> BatchNorm2d -> activation: float32 and
float64, folded into the weights (large outputs) and applied in place (small outputs), plain,
strided, depthwise and 1x1 convolutions, with and without a conv bias; and the cases where the
layers must run one by one (training mode, hooks, autograd recording)."""
import importlib

import numpy as np
import pytest

import ember
from ember.vision.models._blocks import Conv2dNormActivation

torch = pytest.importorskip("torch")

CNE = importlib.import_module("ember.vision.models._conv_norm_eval")

ACTS = {"relu": (ember.nn.ReLU, torch.nn.ReLU), "hardswish": (ember.nn.Hardswish, torch.nn.Hardswish),
        "relu6": (ember.nn.ReLU6, torch.nn.ReLU6), None: (None, None)}


def _pair(cin, cout, k, stride, groups, act, bias, dtype, seed=0):
    ea, ta = ACTS[act]
    em = Conv2dNormActivation(cin, cout, k, stride, groups=groups, activation_layer=ea, bias=bias)
    layers = [torch.nn.Conv2d(cin, cout, k, stride, (k - 1) // 2, groups=groups, bias=bias),
              torch.nn.BatchNorm2d(cout)]
    if ta is not None:
        layers.append(ta(inplace=True))
    tm = torch.nn.Sequential(*layers)
    rng = np.random.default_rng(seed)
    sd = {}
    for key, v in em.state_dict().items():
        if key.endswith("running_var"):
            sd[key] = rng.uniform(0.5, 2.0, tuple(v.shape))
        elif key.endswith("num_batches_tracked"):
            sd[key] = np.array(0)
        else:
            sd[key] = rng.standard_normal(tuple(v.shape)) * 0.5
    em.load_state_dict({k: ember.from_numpy(v.astype(dtype) if v.dtype.kind == "f" else v) for k, v in sd.items()})
    tm.load_state_dict({k: torch.from_numpy(v.astype(dtype) if v.dtype.kind == "f" else v) for k, v in sd.items()})
    if dtype == np.float64:
        em.double()
        tm.double()
    return em.eval(), tm.eval()


CASES = [  # cin, cout, k, stride, groups, act, bias, (N, H, W)
    (3, 16, 3, 2, 1, "hardswish", False, (2, 17, 16)),      # stem: folded (output larger than weight)
    (16, 16, 3, 1, 16, "relu", False, (2, 12, 12)),         # depthwise, folded
    (24, 24, 5, 2, 24, "hardswish", True, (1, 11, 12)),     # depthwise with a conv bias
    (136, 136, 3, 1, 136, "relu", False, (2, 7, 7)),        # depthwise, the einsum kernel
    (160, 96, 1, 1, 1, "hardswish", False, (1, 3, 3)),      # 1x1, BN applied in place (small output)
    (16, 32, 1, 1, 1, None, True, (2, 9, 9)),               # 1x1, no activation, conv bias
    (8, 12, 3, 1, 1, "relu6", False, (1, 6, 5)),            # an activation run after the fused conv
]


@pytest.mark.parametrize("dtype,tol", [(np.float32, 2e-5), (np.float64, 1e-12)])
@pytest.mark.parametrize("cin,cout,k,stride,groups,act,bias,size", CASES)
def test_fused_eval_matches_torch(cin, cout, k, stride, groups, act, bias, size, dtype, tol, monkeypatch):
    em, tm = _pair(cin, cout, k, stride, groups, act, bias, dtype)
    calls = []
    real = CNE.conv_bn_eval
    monkeypatch.setattr(CNE, "conv_bn_eval", lambda *a: calls.append(a[12]) or real(*a))
    x = np.random.default_rng(1).standard_normal((size[0], cin) + size[1:]).astype(dtype)
    with ember.no_grad():
        ye = em(ember.from_numpy(x))
    with torch.no_grad():
        yt = tm(torch.from_numpy(x))
    assert len(calls) == 1 and (calls[0] is None) == (act not in ("relu", "hardswish"))
    assert ye.dtype == (ember.float32 if dtype == np.float32 else ember.float64)
    assert tuple(ye.shape) == tuple(yt.shape)
    np.testing.assert_allclose(ye.numpy(), yt.numpy(), rtol=tol, atol=tol)


def test_training_mode_hooks_and_autograd_run_the_layers():
    em, tm = _pair(4, 6, 3, 1, 1, "relu", False, np.float32)
    x = np.random.default_rng(2).standard_normal((2, 4, 5, 5)).astype(np.float32)
    seen = []
    h = em[0].register_forward_hook(lambda m, i, o: seen.append(tuple(o.shape)))
    with ember.no_grad():
        ye = em(ember.from_numpy(x))
    h.remove()
    assert seen == [(2, 6, 5, 5)]
    with torch.no_grad():
        yt = tm(torch.from_numpy(x))
    np.testing.assert_allclose(ye.numpy(), yt.numpy(), rtol=2e-5, atol=2e-5)
    # autograd recording through the parameters: the separate layers, gradients as torch's
    xe, xt = ember.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    ye, yt = em(xe), tm(xt)
    assert ye.grad_fn is not None
    ye.sum().backward()
    yt.sum().backward()
    np.testing.assert_allclose(xe.grad.numpy(), xt.grad.numpy(), rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(em[0].weight.grad.numpy(), tm[0].weight.grad.numpy(), rtol=1e-4, atol=1e-4)
    # training mode: batch statistics, running statistics updated
    em.train()
    tm.train()
    with ember.no_grad():
        ye = em(ember.from_numpy(x))
    with torch.no_grad():
        yt = tm(torch.from_numpy(x))
    np.testing.assert_allclose(ye.numpy(), yt.numpy(), rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(em[1].running_mean.numpy(), tm[1].running_mean.numpy(), rtol=1e-5, atol=1e-6)


def test_changed_weights_are_seen():
    """Nothing is cached: an in-place change of the conv weight or the statistics shows at once."""
    em, tm = _pair(4, 6, 3, 1, 1, "hardswish", False, np.float32)
    x = np.random.default_rng(3).standard_normal((1, 4, 6, 6)).astype(np.float32)
    for step in range(2):
        with ember.no_grad():
            ye = em(ember.from_numpy(x))
            em[0].weight.data.mul_(1.5)
            em[1].running_var.mul_(2.0)
        with torch.no_grad():
            yt = tm(torch.from_numpy(x))
            tm[0].weight.mul_(1.5)
            tm[1].running_var.mul_(2.0)
        np.testing.assert_allclose(ye.numpy(), yt.numpy(), rtol=2e-5, atol=2e-5)


@pytest.mark.parametrize("layout", ["first", "last", "gemv", "einsum"])
@pytest.mark.parametrize("act,stride", [("relu", 1), ("hardswish", 2), (None, 1)])
def test_depthwise_epilogue_in_every_layout(layout, act, stride, monkeypatch):
    """The bias and activation written out by each depthwise block layout."""
    monkeypatch.setattr(importlib.import_module("ember.ops.nn.conv_depthwise"), "_LAYOUT", layout)
    em, tm = _pair(12, 12, 3, stride, 12, act, act is None, np.float32, seed=4)
    x = np.random.default_rng(5).standard_normal((2, 12, 9, 8)).astype(np.float32)
    with ember.no_grad():
        ye = em(ember.from_numpy(x))
    with torch.no_grad():
        yt = tm(torch.from_numpy(x))
    np.testing.assert_allclose(ye.numpy(), yt.numpy(), rtol=2e-5, atol=2e-5)


@pytest.mark.parametrize("arch", ["resnet18", "resnet50"])
def test_resnet_blocks_fuse_in_eval_and_match_the_unfused_layers(arch, monkeypatch):
    """ResNet's blocks (and stem) run conv -> bn (-> relu) fused in eval mode, with the
    layers' own bits; a hook on a batch norm turns its pair off."""
    from ember.vision import models
    ember.manual_seed(0)
    net = getattr(models, arch)().eval()
    for m in net.modules():          # non-trivial running statistics
        if isinstance(m, ember.nn.BatchNorm2d):
            with ember.no_grad():
                m.running_mean.normal_(0, 0.1)
                m.running_var.uniform_(0.5, 2.0)
    x = ember.randn(1, 3, 64, 64)
    calls = []
    orig = CNE.conv_bn_act
    monkeypatch.setattr(CNE, "conv_bn_act", lambda *a, **k: calls.append(1) or orig(*a, **k))
    resnet = importlib.import_module("ember.vision.models.resnet")
    monkeypatch.setattr(resnet, "conv_bn_act", CNE.conv_bn_act)
    with ember.no_grad():
        fused = net(x)
        n_bn = sum(isinstance(m, ember.nn.BatchNorm2d) for m in net.modules())
        n_down = sum(1 for m in net.modules() if getattr(m, "downsample", None) is not None)
        assert len(calls) == n_bn - n_down     # every pair outside the downsample Sequentials
        monkeypatch.setattr(CNE, "conv_bn_act", lambda *a, **k: None)
        monkeypatch.setattr(resnet, "conv_bn_act", CNE.conv_bn_act)
        plain = net(x)
    np.testing.assert_array_equal(fused.numpy(), plain.numpy())
    monkeypatch.setattr(resnet, "conv_bn_act", orig)
    h = net.bn1.register_forward_hook(lambda m, i, o: calls.append("hook"))
    calls.clear()
    with ember.no_grad():
        hooked = net(x)
    h.remove()
    assert "hook" in calls
    np.testing.assert_array_equal(hooked.numpy(), plain.numpy())
