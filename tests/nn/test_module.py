"""nn.Module, Parameter and containers, checked against PyTorch's behaviour."""
from collections import OrderedDict

import numpy as np
import pytest

import ember
import ember.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.scale = nn.Parameter(ember.ones(1))
        self.body = nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 2))
        self.head = nn.Linear(2, 1, bias=False)
        self.register_buffer("steps", ember.zeros(1))
        self.register_buffer("cache", ember.zeros(2), persistent=False)

    def forward(self, x):
        return self.head(self.body(x)) * self.scale


def test_registration_order_and_state_dict_keys():
    net = Net()
    assert [n for n, _ in net.named_parameters()] == [
        "scale", "body.0.weight", "body.0.bias", "body.2.weight", "body.2.bias", "head.weight"]
    assert list(net.state_dict()) == [
        "scale", "steps", "body.0.weight", "body.0.bias", "body.2.weight", "body.2.bias", "head.weight"]
    assert [n for n, _ in net.named_buffers()] == ["steps", "cache"]
    assert [n for n, _ in net.named_modules()] == ["", "body", "body.0", "body.1", "body.2", "head"]
    assert [n for n, _ in net.named_children()] == ["body", "head"]
    assert net.get_submodule("body.2") is net.body[2]
    assert net.get_parameter("body.0.bias") is net.body[0].bias


def test_state_dict_detached_and_keep_vars():
    net = Net()
    sd = net.state_dict()
    assert not sd["scale"].requires_grad
    assert sd["scale"].numpy() is not None
    sd["scale"][0] = 5.0  # shares memory with the parameter, as in PyTorch
    assert net.scale.item() == 5.0
    assert net.state_dict(keep_vars=True)["scale"] is net.scale


def test_shared_parameters_listed_once():
    lin = nn.Linear(2, 2)
    seq = nn.Sequential(lin, lin)
    assert len(list(seq.parameters())) == 2
    assert len(list(seq.named_parameters(remove_duplicate=False))) == 4
    assert list(seq.state_dict()) == ["0.weight", "0.bias", "1.weight", "1.bias"]


def test_load_state_dict_round_trip_and_errors():
    a, b = Net(), Net()
    res = b.load_state_dict(a.state_dict())
    assert res.missing_keys == [] and res.unexpected_keys == []
    for (ka, va), (kb, vb) in zip(a.state_dict().items(), b.state_dict().items()):
        assert ka == kb and np.array_equal(va.numpy(), vb.numpy())
    sd = a.state_dict()
    del sd["head.weight"]
    sd["extra"] = ember.zeros(1)
    with pytest.raises(RuntimeError) as e:
        b.load_state_dict(sd)
    msg = str(e.value)
    assert msg.startswith("Error(s) in loading state_dict for Net:\n\t")
    assert 'Missing key(s) in state_dict: "head.weight". ' in msg
    assert 'Unexpected key(s) in state_dict: "extra". ' in msg
    res = b.load_state_dict(sd, strict=False)
    assert res.missing_keys == ["head.weight"] and res.unexpected_keys == ["extra"]
    sd = a.state_dict()
    sd["head.weight"] = ember.zeros(3, 3)
    with pytest.raises(RuntimeError, match=r"size mismatch for head.weight: copying a param with shape "
                                           r"torch.Size\(\[3, 3\]\) from checkpoint, the shape in current "
                                           r"model is torch.Size\(\[1, 2\]\)."):
        b.load_state_dict(sd)


def test_assignment_rules():
    m = nn.Module()
    with pytest.raises(TypeError):
        m.register_parameter("w", ember.zeros(1))
    m.w = nn.Parameter(ember.zeros(1))
    with pytest.raises(TypeError):
        m.w = ember.zeros(1)
    m.w = None
    assert list(m.named_parameters()) == []
    with pytest.raises(KeyError):
        m.register_buffer("a.b", ember.zeros(1))
    with pytest.raises(AttributeError, match="'Module' object has no attribute 'nope'"):
        m.nope
    m.sub = nn.Linear(1, 1)
    del m.sub
    assert list(m.children()) == []


def test_train_eval_zero_grad_requires_grad():
    net = Net()
    net.eval()
    assert not any(m.training for m in net.modules())
    net.train()
    assert all(m.training for m in net.modules())
    for p in net.parameters():
        p.grad = ember.ones_like(p)
    net.zero_grad()
    assert all(p.grad is None for p in net.parameters())
    net.requires_grad_(False)
    assert not any(p.requires_grad for p in net.parameters())


def test_to_double_casts_params_in_place():
    net = Net()
    w = net.head.weight
    net.double()
    assert net.head.weight is w and w.dtype == ember.float64
    assert net.steps.dtype == ember.float64
    with pytest.raises(RuntimeError):
        net.cuda()


def test_sequential_container_behaviour():
    s = nn.Sequential(OrderedDict([("a", nn.ReLU()), ("b", nn.Identity())]))
    assert list(s.state_dict()) == []
    assert isinstance(s[0], nn.ReLU) and isinstance(s[-1], nn.Identity)
    assert isinstance(s[0:1], nn.Sequential) and len(s[0:1]) == 1
    s.append(nn.ReLU())
    assert len(s) == 3
    with pytest.raises(IndexError):
        s[5]
    ml = nn.ModuleList([nn.Linear(2, 2) for _ in range(3)])
    assert len(ml) == 3 and len(list(ml.parameters())) == 6
    md = nn.ModuleDict({"x": nn.ReLU()})
    assert "x" in md and list(md.keys()) == ["x"]
    pl = nn.ParameterList([ember.ones(1), ember.zeros(2)])
    assert [tuple(p.shape) for p in pl.parameters()] == [(1,), (2,)]
    pd = nn.ParameterDict({"a": ember.ones(1)})
    assert isinstance(pd["a"], nn.Parameter)


def test_forward_hooks_and_pre_hooks():
    lin = nn.Linear(2, 2)
    calls = []
    h1 = lin.register_forward_pre_hook(lambda m, args: calls.append("pre"))
    h2 = lin.register_forward_hook(lambda m, args, out: out * 0)
    out = lin(ember.ones(1, 2))
    assert calls == ["pre"] and float(out.abs().sum()) == 0.0
    h1.remove(), h2.remove()
    assert float(lin(ember.ones(1, 2)).abs().sum()) != 0.0


def test_parameter_repr_and_flags():
    p = nn.Parameter(ember.tensor([1.0, 2.0]))
    assert repr(p) == "Parameter containing:\ntensor([1., 2.], requires_grad=True)"
    assert p.requires_grad and p.is_leaf
    q = nn.Parameter(ember.ones(1), requires_grad=False)
    assert not q.requires_grad


def test_repr_matches_pytorch():
    torch = pytest.importorskip("torch")
    ours = nn.Sequential(nn.Linear(4, 3), nn.ReLU(inplace=True),
                         nn.ModuleList([nn.Linear(3, 3), nn.Linear(3, 3), nn.Identity()]))
    theirs = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.ReLU(inplace=True),
                                 torch.nn.ModuleList([torch.nn.Linear(3, 3), torch.nn.Linear(3, 3),
                                                      torch.nn.Identity()]))
    assert repr(ours) == repr(theirs)


def test_linear_parity_forward_backward():
    torch = pytest.importorskip("torch")
    ours, theirs = nn.Linear(5, 3), torch.nn.Linear(5, 3)
    ours.load_state_dict({k: ember.tensor(v.detach().numpy()) for k, v in theirs.state_dict().items()})
    x = np.random.default_rng(0).standard_normal((4, 2, 5)).astype(np.float32)
    xe = ember.tensor(x, requires_grad=True)
    xt = torch.tensor(x, requires_grad=True)
    ye, yt = ours(xe), theirs(xt)
    np.testing.assert_allclose(ye.detach().numpy(), yt.detach().numpy(), rtol=1e-5, atol=1e-6)
    g = np.random.default_rng(1).standard_normal(ye.shape).astype(np.float32)
    ye.backward(ember.tensor(g))
    yt.backward(torch.tensor(g))
    np.testing.assert_allclose(xe.grad.numpy(), xt.grad.numpy(), rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(ours.weight.grad.numpy(), theirs.weight.grad.numpy(), rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(ours.bias.grad.numpy(), theirs.bias.grad.numpy(), rtol=1e-5, atol=1e-5)


def test_linear_init_bounds_and_shape_error():
    lin = nn.Linear(100, 10)
    assert float(lin.weight.abs().max()) <= 0.1 + 1e-7
    assert float(lin.bias.abs().max()) <= 0.1 + 1e-7
    with pytest.raises(RuntimeError, match=r"mat1 and mat2 shapes cannot be multiplied \(2x3 and 100x10\)"):
        lin(ember.ones(2, 3))


def test_full_backward_hook():
    lin = nn.Linear(3, 2)
    seen = {}

    def hook(m, gin, gout):
        seen["gin"] = gin
        seen["gout"] = gout

    lin.register_full_backward_hook(hook)
    x = ember.ones(4, 3, requires_grad=True)
    lin(x).sum().backward()
    assert seen["gout"][0].shape == (4, 2)
    assert seen["gin"][0].shape == (4, 3)
    np.testing.assert_allclose(seen["gin"][0].numpy(), x.grad.numpy())


def test_load_state_dict_assign_matches_pytorch():
    """assign=True takes the checkpoint's tensors (no copy, dtype kept), keeps requires_grad."""
    torch = pytest.importorskip("torch")
    for lib in (torch, ember):
        m = lib.nn.Sequential(lib.nn.Linear(3, 2), lib.nn.BatchNorm1d(2))
        m[0].bias.requires_grad_(False)
        sd = {k: v.double() for k, v in m.state_dict().items()}
        sd["0.weight"] = lib.nn.Parameter(sd["0.weight"], requires_grad=False)
        w, b, rm = sd["0.weight"], sd["0.bias"], sd["1.running_mean"]
        assert str(m.load_state_dict(sd, assign=True)) == "<All keys matched successfully>"
        assert m[0].weight is w and m[0].weight.requires_grad      # the Parameter itself
        assert isinstance(m[0].bias, lib.nn.Parameter) and not m[0].bias.requires_grad
        assert m[0].bias.data_ptr() == b.data_ptr() and m[0].bias.dtype == lib.float64
        assert m[1].running_mean is rm and "running_mean" in dict(m[1].named_buffers())
        assert [k for k, _ in m.named_parameters()] == ["0.weight", "0.bias", "1.weight", "1.bias"]
        with pytest.raises(RuntimeError, match="size mismatch for 0.weight"):
            m.load_state_dict({**sd, "0.weight": lib.zeros(5, 5)}, assign=True)


def test_full_backward_hook_slots_match_pytorch():
    """One grad_output slot per output element (None for unused or non-tensor ones), one
    grad_input slot per positional argument."""
    torch = pytest.importorskip("torch")

    def shapes(gs):
        return [None if g is None else tuple(g.shape) for g in gs]

    for lib in (torch, ember):
        class M(lib.nn.Module):
            def forward(self, x, k, y):
                return x * k, "tag", y.sum() * 0 + x.sum(), x.detach()

        seen = []
        for m, args in ((lib.nn.LSTM(3, 4), (lib.randn(5, 2, 3, requires_grad=True),)),
                        (lib.nn.MultiheadAttention(4, 2), None),
                        (M(), (lib.randn(3, requires_grad=True), 2.0, lib.randn(3)))):
            m.register_full_backward_hook(lambda mod, gi, go: seen.append((shapes(gi), shapes(go))))
            if args is None:
                q = lib.randn(3, 2, 4, requires_grad=True)
                args = (q, q, q)
            out = m(*args)
            out[0].sum().backward()
        if lib is torch:
            expected = seen
        else:
            assert seen == expected
