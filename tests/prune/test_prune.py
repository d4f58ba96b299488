"""ember.nn.utils.prune against torch.nn.utils.prune: same weights give the same masks
(ties included), the same parameters/buffers/state_dict keys, the same errors, and
pruned checkpoints move between the two."""
import io

import numpy as np
import pytest

import ember
import ember.nn.utils.prune as eprune

torch = pytest.importorskip("torch")
import torch.nn.utils.prune as tprune  # noqa: E402


def _pair(kind, seed=0, values=None):
    rs = np.random.RandomState(seed)
    if kind == "linear":
        e, t = ember.nn.Linear(6, 5), torch.nn.Linear(6, 5)
    else:
        e, t = ember.nn.Conv2d(3, 4, 3), torch.nn.Conv2d(3, 4, 3)
    w = rs.randn(*e.weight.shape).astype(np.float32) if values is None else \
        rs.choice(values, size=e.weight.shape).astype(np.float32)
    b = rs.randn(*e.bias.shape).astype(np.float32)
    e.weight.data = ember.tensor(w); e.bias.data = ember.tensor(b)
    with torch.no_grad():
        t.weight.copy_(torch.from_numpy(w)); t.bias.copy_(torch.from_numpy(b))
    return e, t


def _same_state(e, t):
    es, ts = e.state_dict(), t.state_dict()
    assert list(es) == list(ts)
    for k in es:
        np.testing.assert_array_equal(es[k].numpy(), ts[k].detach().numpy(), err_msg=k)
    assert [n for n, _ in e.named_parameters()] == [n for n, _ in t.named_parameters()]
    assert [n for n, _ in e.named_buffers()] == [n for n, _ in t.named_buffers()]


VALUES = [None, [0.0, 1.0, -1.0], [0.5, -0.5, 2.0, 3.0], [1.0]]


@pytest.mark.parametrize("kind", ["linear", "conv"])
@pytest.mark.parametrize("values", VALUES)
@pytest.mark.parametrize("amounts", [[0.3], [3, 0.5], [0.0, 1, 0.25, 0.9]])
def test_l1_unstructured_repeated(kind, values, amounts):
    for seed in range(3):
        e, t = _pair(kind, seed, values)
        for a in amounts:
            eprune.l1_unstructured(e, "weight", amount=a)
            tprune.l1_unstructured(t, "weight", amount=a)
            _same_state(e, t)
        x = np.random.RandomState(seed).randn(2, *((6,) if kind == "linear" else (3, 5, 5)))
        x = x.astype(np.float32)
        ye, yt = e(ember.tensor(x)), t(torch.from_numpy(x))
        np.testing.assert_allclose(ye.detach().numpy(), yt.detach().numpy(), rtol=1e-5, atol=1e-6)
        ye.sum().backward(); yt.sum().backward()
        np.testing.assert_allclose(e.weight_orig.grad.numpy(), t.weight_orig.grad.numpy(),
                                   rtol=1e-5, atol=1e-5)
        assert type(e._forward_pre_hooks[next(iter(e._forward_pre_hooks))]).__name__ == \
            type(t._forward_pre_hooks[next(iter(t._forward_pre_hooks))]).__name__


@pytest.mark.parametrize("values", VALUES)
@pytest.mark.parametrize("n,dim", [(1, 0), (2, 1), (float("inf"), -1), (2, 0), (-1, 0)])
def test_ln_structured_and_mixed(values, n, dim):
    for seed in range(3):
        e, t = _pair("conv", seed, values)
        eprune.ln_structured(e, "weight", amount=0.34, n=n, dim=dim)
        tprune.ln_structured(t, "weight", amount=0.34, n=n, dim=dim)
        _same_state(e, t)
        eprune.l1_unstructured(e, "weight", amount=7)
        tprune.l1_unstructured(t, "weight", amount=7)
        eprune.ln_structured(e, "weight", amount=1, n=n, dim=dim)
        tprune.ln_structured(t, "weight", amount=1, n=n, dim=dim)
        _same_state(e, t)


@pytest.mark.parametrize("values", VALUES)
def test_global_unstructured_importance_scores(values):
    e1, t1 = _pair("conv", 1, values)
    e2, t2 = _pair("linear", 2, values)
    eprune.l1_unstructured(e1, "weight", 0.2)
    tprune.l1_unstructured(t1, "weight", 0.2)
    sc = np.abs(np.random.RandomState(3).randn(5)).astype(np.float32).round(1)
    eprune.global_unstructured([(e1, "weight"), (e2, "weight"), (e2, "bias")],
                               eprune.L1Unstructured, amount=0.4,
                               importance_scores={(e2, "bias"): ember.tensor(sc)})
    tprune.global_unstructured([(t1, "weight"), (t2, "weight"), (t2, "bias")],
                               tprune.L1Unstructured, amount=0.4,
                               importance_scores={(t2, "bias"): torch.from_numpy(sc)})
    _same_state(e1, t1); _same_state(e2, t2)
    assert eprune.is_pruned(e1) and tprune.is_pruned(t1)


def test_custom_identity_remove_and_checkpoints():
    e, t = _pair("linear", 5)
    m = (np.arange(30).reshape(5, 6) % 3 != 0).astype(np.float32)
    eprune.custom_from_mask(e, "weight", ember.tensor(m))
    tprune.custom_from_mask(t, "weight", torch.from_numpy(m))
    eprune.identity(e, "bias"); tprune.identity(t, "bias")
    _same_state(e, t)
    # ember -> torch
    buf = io.BytesIO(); ember.save(e.state_dict(), buf); buf.seek(0)
    t2 = torch.nn.Linear(6, 5); tprune.identity(t2, "weight"); tprune.identity(t2, "bias")
    t2.load_state_dict(torch.load(buf))
    _same_state(e, t2)
    # torch -> ember
    buf = io.BytesIO(); torch.save(t.state_dict(), buf); buf.seek(0)
    e2 = ember.nn.Linear(6, 5); eprune.identity(e2, "weight"); eprune.identity(e2, "bias")
    e2.load_state_dict(ember.load(buf))
    e2(ember.zeros(1, 6))  # the hook recomputes weight from the loaded mask
    np.testing.assert_array_equal(e2.weight.detach().numpy(), t.weight.detach().numpy())
    for mod, P in ((e, eprune), (t, tprune)):
        P.remove(mod, "weight"); P.remove(mod, "bias")
    _same_state(e, t)
    assert not eprune.is_pruned(e)
    assert isinstance(e.weight, ember.nn.Parameter)


def _err(fn_e, fn_t):
    with pytest.raises(Exception) as ee:
        fn_e()
    with pytest.raises(Exception) as et:
        fn_t()
    assert type(ee.value) is type(et.value)
    assert str(ee.value).replace("ember", "torch").split(" of module")[0] == \
        str(et.value).split(" of module")[0]


@pytest.mark.parametrize("call", [
    lambda P, m: P.l1_unstructured(m, "weight", amount=-1),
    lambda P, m: P.l1_unstructured(m, "weight", amount=1.5),
    lambda P, m: P.l1_unstructured(m, "weight", amount="a"),
    lambda P, m: P.l1_unstructured(m, "weight", amount=100),
    lambda P, m: P.ln_structured(m, "bias", amount=1, n=2, dim=0),
    lambda P, m: P.ln_structured(m, "weight", amount=1, n=2, dim=2),
    lambda P, m: P.random_structured(m, "weight", amount=9, dim=0),
    lambda P, m: P.remove(m, "weight"),
    lambda P, m: P.global_unstructured(m, prune_ratio=0.5),
    lambda P, m: P.global_unstructured(m, P.L1Unstructured, amount=0.5),
    lambda P, m: P.global_unstructured([(m, "weight")], P.LnStructured, amount=1, n=1, dim=0),
    lambda P, m: P.global_unstructured([(m, "weight")], P.L1Unstructured, importance_scores=1,
                                       amount=1),
])
def test_errors_as_torch(call):
    e, t = _pair("linear")
    _err(lambda: call(eprune, e), lambda: call(tprune, t))
    assert [n for n, _ in e.named_parameters()] == [n for n, _ in t.named_parameters()]


def test_random_methods_counts():
    e, _ = _pair("conv")
    eprune.random_unstructured(e, "weight", amount=0.5)
    eprune.random_structured(e, "weight", amount=2, dim=0)
    mask = e.weight_mask.numpy()
    assert (mask.reshape(4, -1).sum(1) == 0).sum() >= 2
    assert (mask == 0).sum() >= 54
    assert type(e._forward_pre_hooks[next(iter(e._forward_pre_hooks))]) is eprune.PruningContainer
