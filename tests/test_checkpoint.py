"""torch.utils.checkpoint parity: recomputation, gradients, RNG replay, errors and warnings."""
import gc
import warnings
import weakref

import numpy as np
import pytest

import ember
from ember.utils import checkpoint as EC

torch = pytest.importorskip("torch")
from torch.utils import checkpoint as TC  # noqa: E402

rng = np.random.default_rng(0)
X = rng.standard_normal((3, 4)).astype(np.float32)
W = rng.standard_normal((4, 4)).astype(np.float32)


def _region(L, calls, keep=None):
    def f(a, w):
        calls.append(1)
        h = (a @ w).tanh()
        if keep is not None:
            keep.append(weakref.ref(h._data))
        return (h * w.sum(0)).sin()
    return f


@pytest.mark.parametrize("reentrant", [True, False])
def test_recomputes_and_matches_plain_gradients(reentrant):
    grads = {}
    for L, C in ((ember, EC), (torch, TC)):
        x = L.tensor(X, requires_grad=True)
        w = L.tensor(W, requires_grad=True)
        calls = []
        y = C.checkpoint(_region(L, calls), x, w, use_reentrant=reentrant)
        assert len(calls) == 1
        (y * y).sum().backward()
        assert len(calls) == 2
        grads[L.__name__] = (y.detach().numpy(), x.grad.numpy(), w.grad.numpy())
        x.grad = w.grad = None
        plain = _region(L, [])(x, w)
        (plain * plain).sum().backward()
        np.testing.assert_allclose(x.grad.numpy(), grads[L.__name__][1], rtol=1e-6)
    for e, t in zip(grads["ember"], grads["torch"]):
        np.testing.assert_allclose(e, t, rtol=1e-5, atol=1e-6)


def test_activations_are_freed():
    x = ember.tensor(X, requires_grad=True)
    w = ember.tensor(W, requires_grad=True)
    for reentrant in (True, False):
        keep = []
        y = EC.checkpoint(_region(ember, [], keep), x, w, use_reentrant=reentrant)
        gc.collect()
        assert keep[0]() is None  # the tanh output is not held by the graph
        y.sum().backward()
    keep = []
    y = _region(ember, [], keep)(x, w)
    gc.collect()
    assert keep[0]() is not None  # without checkpoint it is


@pytest.mark.parametrize("reentrant", [True, False])
def test_dropout_rng_is_replayed(reentrant):
    lin = ember.nn.Linear(4, 4)
    drop = ember.nn.Dropout(0.5)

    def f(a):
        return drop(lin(a)).relu()
    x = ember.tensor(X, requires_grad=True)
    ember.manual_seed(3)
    y = EC.checkpoint(f, x, use_reentrant=reentrant)
    y.sum().backward()
    g_ck, gw_ck = x.grad.clone(), lin.weight.grad.clone()
    x.grad = None
    lin.weight.grad = None
    ember.manual_seed(3)
    f(x).sum().backward()
    np.testing.assert_array_equal(g_ck.numpy(), x.grad.numpy())
    np.testing.assert_array_equal(gw_ck.numpy(), lin.weight.grad.numpy())
    # the caller's RNG stream is untouched by the recomputation
    ember.manual_seed(3)
    EC.checkpoint(f, x, use_reentrant=reentrant).sum().backward()
    a = ember.rand(3)
    ember.manual_seed(3)
    f(x)
    np.testing.assert_array_equal(a.numpy(), ember.rand(3).numpy())


def test_non_reentrant_features():
    lin = ember.nn.Linear(4, 2)
    tl = torch.nn.Linear(4, 2)
    with torch.no_grad():
        tl.weight.copy_(torch.tensor(lin.weight.detach().numpy()))
        tl.bias.copy_(torch.tensor(lin.bias.detach().numpy()))
    # parameters get gradients even when no input requires grad; autograd.grad works; kwargs pass through
    ey = EC.checkpoint(lambda a, scale=1.0: lin(a) * scale, ember.tensor(X), scale=3.0, use_reentrant=False)
    ty = TC.checkpoint(lambda a, scale=1.0: tl(a) * scale, torch.tensor(X), scale=3.0, use_reentrant=False)
    assert ey.requires_grad and ty.requires_grad
    (eg,) = ember.autograd.grad(ey.pow(2).sum(), lin.weight)
    (tg,) = torch.autograd.grad(ty.pow(2).sum(), tl.weight)
    np.testing.assert_allclose(eg.numpy(), tg.numpy(), rtol=1e-5)
    # second derivatives through the recomputation
    for L, C in ((ember, EC), (torch, TC)):
        x = L.tensor(X, requires_grad=True)
        y = C.checkpoint(lambda a: (a ** 3).sum(), x, use_reentrant=False)
        (g,) = L.autograd.grad(y, x, create_graph=True)
        (gg,) = L.autograd.grad(g.sum(), x)
        np.testing.assert_allclose(gg.numpy(), 6 * X, rtol=1e-5)
    # nested outputs, non-tensor outputs and outputs that do not require grad
    x = ember.tensor(X, requires_grad=True)
    out = EC.checkpoint(lambda a: {"y": a * 2, "n": 3, "d": a.detach()}, x, use_reentrant=False)
    assert out["n"] == 3 and not out["d"].requires_grad and out["y"].requires_grad
    out["y"].sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), np.full_like(X, 2))


def test_reentrant_rules_match_torch():
    for L, C in ((ember, EC), (torch, TC)):
        x = L.tensor(X, requires_grad=True)
        y = C.checkpoint(lambda a: a.sin(), x, use_reentrant=True)
        with pytest.raises(RuntimeError, match="use_reentrant=True"):
            L.autograd.grad(y.sum(), x)
        with pytest.warns(UserWarning, match="None of the inputs have requires_grad=True"):
            y = C.checkpoint(lambda a: a.sin(), L.tensor(X), use_reentrant=True)
        assert not y.requires_grad
        with pytest.raises(ValueError, match="Unexpected keyword arguments: foo"):
            C.checkpoint(lambda a: a, x, use_reentrant=True, foo=1)
        with pytest.raises(ValueError, match="context_fn"):
            C.checkpoint(lambda a: a, x, use_reentrant=True, context_fn=lambda: (None, None))
        with pytest.raises(ValueError, match="determinism_check"):
            C.checkpoint(lambda a: a, x, use_reentrant=False, determinism_check="x")
        with pytest.warns(UserWarning, match="use_reentrant parameter should be passed explicitly"):
            C.checkpoint(lambda a: a * 2, x)


def test_determinism_check_raises_checkpoint_error():
    state = {"n": 3}

    def f(a):
        state["n"] += 1
        return a[: state["n"] % 2 + 1].sin()
    x = ember.tensor(X, requires_grad=True)
    y = EC.checkpoint(f, x, use_reentrant=False)
    with pytest.raises(EC.CheckpointError):
        y.sum().backward()


@pytest.mark.parametrize("reentrant", [True, False])
def test_checkpoint_sequential_matches_torch(reentrant):
    en = ember.nn.Sequential(ember.nn.Linear(4, 5), ember.nn.Tanh(), ember.nn.Linear(5, 3), ember.nn.ReLU(),
                             ember.nn.Linear(3, 2))
    tn = torch.nn.Sequential(torch.nn.Linear(4, 5), torch.nn.Tanh(), torch.nn.Linear(5, 3), torch.nn.ReLU(),
                             torch.nn.Linear(3, 2))
    tn.load_state_dict({k: torch.tensor(v.detach().numpy()) for k, v in en.state_dict().items()})
    ex = ember.tensor(X, requires_grad=True)
    tx = torch.tensor(X, requires_grad=True)
    ey = EC.checkpoint_sequential(en, 2, ex, use_reentrant=reentrant)
    ty = TC.checkpoint_sequential(tn, 2, tx, use_reentrant=reentrant)
    np.testing.assert_allclose(ey.detach().numpy(), ty.detach().numpy(), rtol=1e-5, atol=1e-6)
    ey.sum().backward()
    ty.sum().backward()
    np.testing.assert_allclose(ex.grad.numpy(), tx.grad.numpy(), rtol=1e-5, atol=1e-6)
    for (n, p), q in zip(en.named_parameters(), tn.parameters()):
        np.testing.assert_allclose(p.grad.numpy(), q.grad.numpy(), rtol=1e-5, atol=1e-6, err_msg=n)
    with pytest.raises(ValueError):
        EC.checkpoint_sequential(en, 2, ex, use_reentrant=reentrant, foo=1)


def test_autocast_state_is_replayed():
    w = ember.tensor(W, requires_grad=True)
    dts = []

    def f(a):
        y = a @ w
        dts.append(y.dtype)
        return y.float()
    with ember.autocast("cpu"):
        y = EC.checkpoint(f, ember.tensor(X), use_reentrant=False)
    y.sum().backward()
    assert dts == [ember.bfloat16, ember.bfloat16] and w.grad.dtype == ember.float32


def test_helpers():
    x = ember.ones(2, requires_grad=True) * 2
    d = EC.detach_variable((x, None))
    assert d[0].is_leaf and d[0].requires_grad and d[1] is None
    with pytest.raises(RuntimeError):
        EC.detach_variable([x])
    assert EC.get_device_states(x) == TC.get_device_states(torch.ones(1)) == ([], [])
    assert [m.name for m in EC.CheckpointPolicy] == [m.name for m in TC.CheckpointPolicy]
    assert [m.value for m in EC.CheckpointPolicy] == [m.value for m in TC.CheckpointPolicy]
    with pytest.raises(NotImplementedError):
        EC.create_selective_checkpoint_contexts(lambda ctx, op, *a, **k: EC.CheckpointPolicy.MUST_SAVE)
    assert issubclass(EC.CheckpointError, RuntimeError) and issubclass(TC.CheckpointError, RuntimeError)
    assert set(EC.__all__) <= set(TC.__all__)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with EC.set_checkpoint_debug_enabled(True), EC.set_checkpoint_early_stop(False):
            EC.checkpoint(lambda a: a * 2, ember.ones(1, requires_grad=True), use_reentrant=False).sum().backward()
    h = ember.ones(1, requires_grad=True).register_hook(lambda g: g)
    assert isinstance(h, ember.utils.hooks.RemovableHandle)


def test_graph_exec_group_recomputes_once():
    for L, C in ((ember, EC), (torch, TC)):
        calls = []

        def f(a, w):
            calls.append(1)
            return a.sin() * 2, (w * 3).cos()
        x = L.tensor(X, requires_grad=True)
        w = L.tensor(W, requires_grad=True)
        y1, y2 = C.checkpoint(f, x, w, use_reentrant=False)
        with C.GraphExecGroup():
            y1.sum().backward()
            y2.sum().backward()  # a second backward over other activations: no second recomputation
            with pytest.raises(RuntimeError, match="cannot be nested"):
                with C.GraphExecGroup():
                    pass
        assert len(calls) == 2, L.__name__
        np.testing.assert_allclose(x.grad.numpy(), 2 * np.cos(X), rtol=1e-5)
        np.testing.assert_allclose(w.grad.numpy(), -3 * np.sin(3 * W), rtol=1e-5)
