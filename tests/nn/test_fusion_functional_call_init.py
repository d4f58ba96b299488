"""nn.utils fusion, functional_call (nn.utils.stateless and ember.func), skip_init, the
memory-format no-ops and the deprecated nn.init aliases, against PyTorch."""
import warnings

import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")


def _e(t):
    return ember.tensor(t.detach().numpy())


def _load(em, tm):
    em.load_state_dict({k: _e(v) for k, v in tm.state_dict().items()})


def _randomize_bn(tbn):
    with torch.no_grad():
        tbn.running_mean.uniform_(-1, 1)
        tbn.running_var.uniform_(0.5, 2)
        if tbn.weight is not None:
            tbn.weight.uniform_(0.5, 2)
            tbn.bias.uniform_(-1, 1)


@pytest.mark.parametrize("conv,bn,shape,transpose", [
    (lambda nn: nn.Conv2d(3, 4, 3), lambda nn: nn.BatchNorm2d(4), (2, 3, 6, 6), False),
    (lambda nn: nn.Conv1d(3, 4, 3, bias=False), lambda nn: nn.BatchNorm1d(4, affine=False), (2, 3, 6), False),
    (lambda nn: nn.ConvTranspose2d(3, 4, 3), lambda nn: nn.BatchNorm2d(4), (2, 3, 5, 5), True),
])
def test_fuse_conv_bn_eval(conv, bn, shape, transpose):
    tc, tb = conv(torch.nn).eval(), bn(torch.nn).eval()
    _randomize_bn(tb)
    ec, eb = conv(ember.nn).eval(), bn(ember.nn).eval()
    _load(ec, tc), _load(eb, tb)
    tf = torch.nn.utils.fuse_conv_bn_eval(tc, tb, transpose=transpose)
    ef = ember.nn.utils.fuse_conv_bn_eval(ec, eb, transpose=transpose)
    assert type(ef) is type(ec) and ef is not ec and repr(ef) == repr(tf)
    assert list(ef.state_dict()) == list(tf.state_dict())
    for k, v in tf.state_dict().items():
        np.testing.assert_allclose(ef.state_dict()[k].numpy(), v.numpy(), rtol=1e-5, atol=1e-6)
    x = ember.randn(*shape)
    np.testing.assert_allclose(ef(x).detach().numpy(), eb(ec(x)).detach().numpy(), rtol=1e-4, atol=1e-5)
    assert [(type(p), p.requires_grad) for p in ef.parameters()] == \
        [(ember.nn.Parameter, p.requires_grad) for p in tf.parameters()]
    with pytest.raises(AssertionError):
        ember.nn.utils.fuse_conv_bn_eval(ec.train(), eb)


@pytest.mark.parametrize("bias,nf", [(True, 4), (False, 4), (True, 1)])
def test_fuse_linear_bn_eval(bias, nf):
    tl, tb = torch.nn.Linear(3, 4, bias=bias).eval(), torch.nn.BatchNorm1d(nf).eval()
    _randomize_bn(tb)
    el, eb = ember.nn.Linear(3, 4, bias=bias).eval(), ember.nn.BatchNorm1d(nf).eval()
    _load(el, tl), _load(eb, tb)
    tf, ef = torch.nn.utils.fuse_linear_bn_eval(tl, tb), ember.nn.utils.fuse_linear_bn_eval(el, eb)
    assert list(ef.state_dict()) == list(tf.state_dict())
    for k, v in tf.state_dict().items():
        np.testing.assert_allclose(ef.state_dict()[k].numpy(), v.numpy(), rtol=1e-5, atol=1e-6)
    with pytest.raises(AssertionError):
        ember.nn.utils.fuse_linear_bn_eval(ember.nn.Linear(3, 5).eval(), ember.nn.BatchNorm1d(4).eval())


def test_fuse_weights_direct():
    rng = np.random.default_rng(0)
    w, b = rng.standard_normal((4, 2, 3)).astype(np.float32), rng.standard_normal(4).astype(np.float32)
    rm, rv = rng.standard_normal(4).astype(np.float32), rng.uniform(0.5, 2, 4).astype(np.float32)
    g, beta = rng.standard_normal(4).astype(np.float32), rng.standard_normal(4).astype(np.float32)
    for tr in (False, True):
        wt = w.transpose(1, 0, 2).copy() if tr else w  # out channels on dim 1 when transposed
        T = torch.nn.utils.fuse_conv_bn_weights(*map(torch.tensor, (wt, b, rm, rv)), 1e-3,
                                                *map(torch.tensor, (g, beta)), transpose=tr)
        E = ember.nn.utils.fuse_conv_bn_weights(*map(ember.tensor, (wt, b, rm, rv)), 1e-3,
                                                *map(ember.tensor, (g, beta)), transpose=tr)
        for e, t in zip(E, T):
            assert type(e) is ember.nn.Parameter and e.requires_grad == t.requires_grad
            np.testing.assert_allclose(e.detach().numpy(), t.detach().numpy(), rtol=1e-5, atol=1e-6)
    T = torch.nn.utils.fuse_linear_bn_weights(*map(torch.tensor, (w[:, :, 0], b, rm, rv)), 1e-3,
                                              *map(torch.tensor, (g, beta)))
    E = ember.nn.utils.fuse_linear_bn_weights(*map(ember.tensor, (w[:, :, 0], b, rm, rv)), 1e-3,
                                              *map(ember.tensor, (g, beta)))
    for e, t in zip(E, T):
        np.testing.assert_allclose(e.detach().numpy(), t.detach().numpy(), rtol=1e-5, atol=1e-6)


class _Tied:
    @staticmethod
    def make(nn):
        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.a = nn.Linear(3, 3)
                self.b = nn.Linear(3, 3)
                self.b.weight = self.a.weight
                self.register_buffer("scale", torch_or_ember(nn).ones(3))

            def forward(self, x):
                return self.b(self.a(x)) * self.scale
        return Net()


def torch_or_ember(nn):
    return torch if nn is torch.nn else ember


@pytest.mark.parametrize("tie", [True, False])
def test_functional_call_matches_torch(tie):
    tm, em = _Tied.make(torch.nn), _Tied.make(ember.nn)
    _load(em, tm)
    rng = np.random.default_rng(1)
    w = rng.standard_normal((3, 3)).astype(np.float32)
    s = rng.standard_normal(3).astype(np.float32)
    x = rng.standard_normal((2, 3)).astype(np.float32)
    wt, we = torch.tensor(w, requires_grad=True), ember.tensor(w, requires_grad=True)
    yt = torch.func.functional_call(tm, ({"a.weight": wt}, {"scale": torch.tensor(s)}), (torch.tensor(x),),
                                    tie_weights=tie)
    ye = ember.func.functional_call(em, ({"a.weight": we}, {"scale": ember.tensor(s)}), (ember.tensor(x),),
                                    tie_weights=tie)
    np.testing.assert_allclose(ye.detach().numpy(), yt.detach().numpy(), rtol=1e-5, atol=1e-5)
    ye.sum().backward(), yt.sum().backward()
    np.testing.assert_allclose(we.grad.numpy(), wt.grad.numpy(), rtol=1e-5, atol=1e-5)
    # the module's own tensors are back afterwards
    assert em.a.weight is em.b.weight and isinstance(em.a.weight, ember.nn.Parameter)
    np.testing.assert_allclose(em(ember.tensor(x)).detach().numpy(), tm(torch.tensor(x)).detach().numpy(),
                               rtol=1e-5, atol=1e-5)
    assert (em.a.weight.grad is None) == (tm.a.weight.grad is None)  # untied: b's own weight got a gradient
    if tm.a.weight.grad is not None:
        np.testing.assert_allclose(em.a.weight.grad.numpy(), tm.a.weight.grad.numpy(), rtol=1e-5, atol=1e-5)


def test_functional_call_kwargs_strict_and_errors():
    em, tm = ember.nn.Linear(2, 1), torch.nn.Linear(2, 1)
    for mod, lib in ((tm, torch), (em, ember)):
        call = lib.func.functional_call
        with pytest.raises(RuntimeError):
            call(mod, {"weight": lib.ones(1, 2)}, (lib.ones(1, 2),), strict=True)
        with pytest.raises(RuntimeError):
            call(mod, {"weight": lib.ones(1, 2), "bias": lib.ones(1), "x": lib.ones(1)}, (lib.ones(1, 2),),
                 strict=True)
        with pytest.raises(ValueError):
            call(mod, ({"weight": lib.ones(1, 2)}, {"weight": lib.ones(1, 2)}), (lib.ones(1, 2),))
        out = call(mod, {"weight": lib.ones(1, 2), "bias": lib.zeros(1)}, (), {"input": lib.ones(1, 2)})
        assert out.item() == 2.0
    with pytest.warns(FutureWarning):
        y = ember.nn.utils.stateless.functional_call(em, {"weight": ember.ones(1, 2), "bias": ember.zeros(1)},
                                                     ember.ones(1, 2))
    assert y.item() == 2.0


def test_skip_init_and_memory_format():
    m = ember.nn.utils.skip_init(ember.nn.Linear, 4, 3, bias=False)
    assert type(m) is ember.nn.Linear and m.weight.shape == (3, 4) and m.bias is None

    class NoDevice(ember.nn.Module):
        def __init__(self, n):
            super().__init__()
    with pytest.raises(RuntimeError):
        ember.nn.utils.skip_init(NoDevice, 3)
    s = ember.nn.Sequential(ember.nn.Conv2d(1, 2, 3), ember.nn.Conv3d(2, 2, 1))
    before = [p.detach().clone() for p in s.parameters()]
    assert ember.nn.utils.convert_conv2d_weight_memory_format(s, None) is s
    assert ember.nn.utils.convert_conv3d_weight_memory_format(s, None) is s
    for b, p in zip(before, s.parameters()):
        np.testing.assert_array_equal(b.numpy(), p.detach().numpy())


@pytest.mark.parametrize("name,args", [("uniform", (0, 1)), ("normal", (0, 1)), ("constant", (0.5,)),
                                       ("xavier_uniform", ()), ("xavier_normal", ()), ("kaiming_uniform", ()),
                                       ("kaiming_normal", ()), ("orthogonal", ()), ("sparse", (0.5,)),
                                       ("dirac", ()), ("eye", ())])
def test_init_deprecated_aliases_warn_like_torch(name, args):
    shape = (3, 3, 3) if name == "dirac" else (4, 4)
    with warnings.catch_warnings(record=True) as tw:
        warnings.simplefilter("always")
        getattr(torch.nn.init, name)(torch.empty(shape), *args)
    with warnings.catch_warnings(record=True) as ew:
        warnings.simplefilter("always")
        t = ember.empty(shape)
        r = getattr(ember.nn.init, name)(t, *args)
    assert r is t
    assert [(w.category, str(w.message)) for w in ew] == [(w.category, str(w.message)) for w in tw]
    if name in ("constant", "eye"):
        expect = getattr(torch.nn.init, name + "_")(torch.empty(shape), *args)
        np.testing.assert_array_equal(t.numpy(), expect.numpy())
