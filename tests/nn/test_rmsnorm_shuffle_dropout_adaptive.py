"""RMSNorm, Softmax2d, ChannelShuffle, FeatureAlphaDropout, gumbel_softmax,
AdaptiveLogSoftmaxWithLoss, the in-place F.*_ activations and F's dispatch helpers
against PyTorch: forward, gradients, state_dict keys, errors."""
import types
import warnings

import numpy as np
import pytest

import ember
import ember.nn.functional as F

torch = pytest.importorskip("torch")
TF = torch.nn.functional


def _pair(a):
    return ember.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)


def _cmp(fe, ft, arrays, tol=1e-5):
    E = [ember.tensor(a, requires_grad=True) for a in arrays]
    T = [torch.tensor(a, requires_grad=True) for a in arrays]
    ye, yt = fe(*E), ft(*T)
    assert tuple(ye.shape) == tuple(yt.shape) and str(ye.dtype) == str(yt.dtype)
    np.testing.assert_allclose(ye.detach().numpy(), yt.detach().numpy(), rtol=tol, atol=tol)
    g = np.random.default_rng(3).standard_normal(tuple(yt.shape)).astype(arrays[0].dtype)
    ye.backward(ember.tensor(g))
    yt.backward(torch.tensor(g))
    for e, t in zip(E, T):
        np.testing.assert_allclose(e.grad.numpy(), t.grad.numpy(), rtol=tol, atol=tol)


rng = np.random.default_rng(0)


@pytest.mark.parametrize("shape,ns,eps,dtype", [((2, 3, 4), (4,), None, np.float32),
                                                ((2, 3, 4), (3, 4), 1e-3, np.float32),
                                                ((5, 6), [6], None, np.float64), ((4,), (4,), 0.5, np.float32)])
def test_rms_norm(shape, ns, eps, dtype):
    x = rng.standard_normal(shape).astype(dtype)
    nsh = (ns,) if isinstance(ns, int) else tuple(ns)
    w = rng.standard_normal(nsh).astype(dtype)
    _cmp(lambda a, b: F.rms_norm(a, ns, b, eps), lambda a, b: TF.rms_norm(a, ns, b, eps), [x, w])
    _cmp(lambda a: F.rms_norm(a, ns, eps=eps), lambda a: TF.rms_norm(a, ns, eps=eps), [x])
    # eps=None is the dtype's epsilon: visible on a zero input's gradient scale
    z = np.zeros(shape, dtype)
    _cmp(lambda a: F.rms_norm(a, ns), lambda a: TF.rms_norm(a, ns), [z + 1e-4])


def test_rms_norm_module_and_errors():
    for args in [(6,), ([2, 3], 1e-5, False)]:
        tm, em = torch.nn.RMSNorm(*args), ember.nn.RMSNorm(*args)
        assert repr(em) == repr(tm) and list(em.state_dict()) == list(tm.state_dict())
    tm, em = torch.nn.RMSNorm([3, 4]), ember.nn.RMSNorm([3, 4])
    with torch.no_grad():
        tm.weight.uniform_()
    em.load_state_dict({k: ember.tensor(v.numpy()) for k, v in tm.state_dict().items()})
    x = rng.standard_normal((2, 3, 4)).astype(np.float32)
    _cmp(em, tm, [x])
    assert em.weight.grad is not None
    with pytest.raises(RuntimeError):
        TF.rms_norm(torch.ones(2, 4, 3), (4,))
    with pytest.raises(RuntimeError):
        F.rms_norm(ember.ones(2, 4, 3), (4,))
    with pytest.raises(RuntimeError):
        F.rms_norm(ember.ones(3), (2, 3))
    with pytest.raises(TypeError):
        TF.rms_norm(torch.ones(2, 4), 4)
    with pytest.raises(TypeError):
        F.rms_norm(ember.ones(2, 4), 4)


def test_softmax2d():
    for shape in [(2, 3, 4, 5), (3, 4, 5)]:
        x = rng.standard_normal(shape).astype(np.float32)
        _cmp(ember.nn.Softmax2d(), torch.nn.Softmax2d(), [x])
    assert repr(ember.nn.Softmax2d()) == repr(torch.nn.Softmax2d())
    with pytest.raises(ValueError):
        ember.nn.Softmax2d()(ember.ones(2, 2))


@pytest.mark.parametrize("shape,g", [((2, 6, 3, 3), 3), ((1, 4, 5), 2), ((2, 6, 1, 2, 2), 2), ((2, 4, 3), 1)])
def test_channel_shuffle(shape, g):
    x = rng.standard_normal(shape).astype(np.float32)
    _cmp(lambda a: F.channel_shuffle(a, g), lambda a: TF.channel_shuffle(a, g), [x])
    # PyTorch's native kernel has no derivative: forward only
    np.testing.assert_array_equal(F.native_channel_shuffle(ember.tensor(x), g).numpy(),
                                  TF.native_channel_shuffle(torch.tensor(x), g).numpy())
    _cmp(ember.nn.ChannelShuffle(g), torch.nn.ChannelShuffle(g), [x])
    assert repr(ember.nn.ChannelShuffle(g)) == repr(torch.nn.ChannelShuffle(g))


@pytest.mark.parametrize("x,g", [(np.ones((2, 4, 3)), 3), (np.ones((2, 4, 3)), 0), (np.ones((2, 4, 3)), -1),
                                 (np.ones(4), 2)])
def test_channel_shuffle_errors(x, g):
    with pytest.raises(RuntimeError):
        TF.channel_shuffle(torch.tensor(x), g)
    with pytest.raises(RuntimeError):
        F.channel_shuffle(ember.tensor(x), g)


def test_feature_alpha_dropout():
    x = rng.standard_normal((64, 16, 5, 5)).astype(np.float32)
    ember.manual_seed(0)
    xe = ember.tensor(x, requires_grad=True)
    y = F.feature_alpha_dropout(xe, 0.3, training=True)
    alpha, p = 1.7580993408473766, 0.3
    a = 1.0 / np.sqrt((alpha * alpha * p + 1) * (1 - p))
    yn = y.detach().numpy()
    kept = np.isclose(yn, x * a + alpha * a * p, atol=1e-5).all(axis=(2, 3))
    dropped = np.isclose(yn, -alpha * a * (1 - p), atol=1e-5).all(axis=(2, 3))
    assert (kept ^ dropped).all()  # each whole channel is kept or dropped
    assert 0.2 < dropped.mean() < 0.4
    y.sum().backward()
    np.testing.assert_allclose(xe.grad.numpy(), np.broadcast_to((kept * a)[:, :, None, None], x.shape), atol=1e-6)
    # identity when not training / p == 0; zeros at p == 1, as PyTorch
    for args in [(0.5, False), (0.0, True)]:
        np.testing.assert_array_equal(F.feature_alpha_dropout(ember.tensor(x), *args).numpy(), x)
    np.testing.assert_array_equal(F.feature_alpha_dropout(ember.tensor(x), 1.0, True).numpy(),
                                  TF.feature_alpha_dropout(torch.tensor(x), 1.0, True).numpy())
    with pytest.raises(ValueError):
        F.feature_alpha_dropout(ember.tensor(x), 1.5, True)
    m = ember.nn.FeatureAlphaDropout(0.2)
    assert repr(m) == repr(torch.nn.FeatureAlphaDropout(0.2))
    np.testing.assert_array_equal(m.eval()(ember.tensor(x)).numpy(), x)
    z = ember.tensor(x)
    assert F.feature_alpha_dropout(z, 0.5, True, inplace=True) is z


@pytest.mark.parametrize("hard", [False, True])
@pytest.mark.parametrize("tau,dim", [(1.0, -1), (0.5, 0)])
def test_gumbel_softmax_same_noise(monkeypatch, hard, tau, dim):
    logits = rng.standard_normal((4, 6)).astype(np.float32)
    expo = rng.exponential(size=(4, 6)).astype(np.float32)
    monkeypatch.setattr(torch, "empty_like",
                        lambda t, **k: types.SimpleNamespace(exponential_=lambda: torch.tensor(expo)))
    import ember.nn.functional_stochastic as S
    monkeypatch.setattr(S, "_empty_like", lambda t, **k: types.SimpleNamespace(exponential_=lambda: ember.tensor(expo)))
    _cmp(lambda a: F.gumbel_softmax(a, tau, hard, dim=dim), lambda a: TF.gumbel_softmax(a, tau, hard, dim=dim),
         [logits])


def test_gumbel_softmax_sampling():
    ember.manual_seed(0)
    y = F.gumbel_softmax(ember.zeros(2000, 3), hard=True)
    counts = y.sum(0).numpy()
    assert set(np.unique(y.numpy())) <= {0.0, 1.0} and (abs(counts / 2000 - 1 / 3) < 0.05).all()
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        F.gumbel_softmax(ember.zeros(2, 3), eps=1e-5)
    assert any("deprecated" in str(x.message) for x in w)


@pytest.mark.parametrize("name,args", [("relu_", ()), ("elu_", (0.7,)), ("celu_", (1.3,)), ("selu_", ()),
                                       ("leaky_relu_", (0.2,)), ("hardtanh_", (-0.5, 0.8)),
                                       ("rrelu_", (0.1, 0.3)), ("threshold_", (0.1, -2.0))])
def test_inplace_functional(name, args):
    x = rng.standard_normal((3, 4)).astype(np.float32)
    xe, xt = ember.tensor(x), torch.tensor(x)
    re, rt = getattr(F, name)(xe, *args), getattr(TF, name)(xt, *args)
    assert re is xe
    np.testing.assert_allclose(xe.numpy(), xt.numpy(), rtol=1e-6, atol=1e-6)
    # autograd through the in-place op on a non-leaf, against PyTorch's out-of-place twin
    le, lt = _pair(x)
    ye = getattr(F, name)(le * 1.0, *args)
    kw = {"training": False} if name == "rrelu_" else {}
    yt = getattr(TF, name[:-1])(lt * 1.0, *args, **kw)
    ye.sum().backward(), yt.sum().backward()
    np.testing.assert_allclose(le.grad.numpy(), lt.grad.numpy(), rtol=1e-6, atol=1e-6)


def test_dispatch_helpers():
    x = ember.ones(2)
    assert F.has_torch_function((x,)) is False and F.has_torch_function_unary(x) is False
    assert F.has_torch_function_variadic(x, x) is False
    assert F.handle_torch_function(F.relu, (x,), ember.tensor([-1.0, 2.0])).tolist() == [0.0, 2.0]
    for mod in (F, TF):
        f = mod.boolean_dispatch("return_indices", 1, False, lambda a, return_indices=False: ("t", a),
                                 lambda a, return_indices=False: ("f", a), "m", "fn")
        assert f(1) == ("f", 1) and f(1, True) == ("t", 1) and f(1, return_indices=True) == ("t", 1)
        assert f.__name__ == "fn"
        mod.assert_int_or_pair(3, "k", "{} bad")
        with pytest.raises(AssertionError, match="k bad"):
            mod.assert_int_or_pair((1, 2, 3), "k", "{} bad")
    assert F.GRID_SAMPLE_INTERPOLATION_MODES == TF.GRID_SAMPLE_INTERPOLATION_MODES
    assert F.GRID_SAMPLE_PADDING_MODES == TF.GRID_SAMPLE_PADDING_MODES
    assert F.Tensor is ember.Tensor and F.BroadcastingList2[int] is not None


def _asm_pair(**kw):
    torch.manual_seed(0)
    tm = torch.nn.AdaptiveLogSoftmaxWithLoss(**kw)
    em = ember.nn.AdaptiveLogSoftmaxWithLoss(**kw)
    assert list(em.state_dict()) == list(tm.state_dict())
    assert repr(em) == repr(tm)
    em.load_state_dict({k: ember.tensor(v.numpy()) for k, v in tm.state_dict().items()})
    return em, tm


@pytest.mark.parametrize("kw", [dict(in_features=8, n_classes=20, cutoffs=[5, 10], div_value=2.0, head_bias=True),
                                dict(in_features=16, n_classes=12, cutoffs=[3]),
                                dict(in_features=6, n_classes=30, cutoffs=[2, 9, 20], div_value=1.5)])
def test_adaptive_log_softmax(kw):
    em, tm = _asm_pair(**kw)
    n = kw["n_classes"]
    x = rng.standard_normal((12, kw["in_features"])).astype(np.float32)
    y = np.r_[np.arange(0, n, max(1, n // 10)), [n - 1]][:12]
    x = x[:len(y)]
    xe, xt = _pair(x)
    oe, ot = em(xe, ember.tensor(y)), tm(xt, torch.tensor(y))
    assert type(oe).__name__ == "_ASMoutput" and oe._fields == ("output", "loss")
    np.testing.assert_allclose(oe.output.detach().numpy(), ot.output.detach().numpy(), rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(oe.loss.item(), ot.loss.item(), rtol=1e-5)
    oe.loss.backward(), ot.loss.backward()
    np.testing.assert_allclose(xe.grad.numpy(), xt.grad.numpy(), rtol=1e-4, atol=1e-6)
    ep = dict(em.named_parameters())
    for name, p in tm.named_parameters():
        np.testing.assert_allclose(ep[name].grad.numpy(), p.grad.numpy(), rtol=1e-4, atol=1e-6, err_msg=name)
    np.testing.assert_allclose(em.log_prob(xe).detach().numpy(), tm.log_prob(xt).detach().numpy(), atol=1e-5)
    np.testing.assert_array_equal(em.predict(xe).numpy(), tm.predict(xt).numpy())
    # unbatched forward; log_prob takes batches only (IndexError on 1-D input, as PyTorch)
    oe1, ot1 = em(xe[0], ember.tensor(y[0])), tm(xt[0], torch.tensor(y[0]))
    assert oe1.output.shape == () and abs(oe1.output.item() - ot1.output.item()) < 1e-5
    with pytest.raises(IndexError):
        tm.log_prob(xt[0])
    with pytest.raises(IndexError):
        em.log_prob(xe[0])


def test_adaptive_log_softmax_predict_mixed_rows():
    em, tm = _asm_pair(in_features=4, n_classes=4, cutoffs=[2], head_bias=True)
    x = rng.standard_normal((40, 4)).astype(np.float32)
    for bias in (0.0, 0.3, 5.0):  # the head picks the cluster for none, some, all rows
        with torch.no_grad():
            tm.head.bias.copy_(torch.tensor([0.0, 0.0, bias]))
            tm.tail[0][1].weight.mul_(5)
        em.load_state_dict({k: ember.tensor(v.numpy()) for k, v in tm.state_dict().items()})
        pe, pt = em.predict(ember.tensor(x)).numpy(), tm.predict(torch.tensor(x)).numpy()
        np.testing.assert_array_equal(pe, pt)
        np.testing.assert_array_equal(pe, em.log_prob(ember.tensor(x)).argmax(1).numpy())
    head = tm.head(torch.tensor(x)).argmax(1).numpy()
    assert (head == 2).all() and (pt >= 2).all()


@pytest.mark.parametrize("cutoffs", [[], [5, 5], [0, 10], [5, 25], [10, 5], [19, 20]])
def test_adaptive_log_softmax_bad_cutoffs(cutoffs):
    with pytest.raises(ValueError):
        torch.nn.AdaptiveLogSoftmaxWithLoss(8, 20, cutoffs)
    with pytest.raises(ValueError):
        ember.nn.AdaptiveLogSoftmaxWithLoss(8, 20, cutoffs)


@pytest.mark.parametrize("x,y", [((3, 8), [1, 2, 30]), ((3, 8), [1, 2]), ((2, 3, 8), [1, 2]),
                                 ((3, 8), [[1], [2], [3]]), ((3, 8), 1)])
def test_adaptive_log_softmax_bad_input(x, y):
    em, tm = _asm_pair(in_features=8, n_classes=20, cutoffs=[5, 10])
    xx = np.zeros(x, np.float32)
    with pytest.raises(RuntimeError):
        tm(torch.tensor(xx), torch.tensor(y))
    with pytest.raises(RuntimeError):
        em(ember.tensor(xx), ember.tensor(y))
