"""F.linear_cross_entropy, nn.LinearCrossEntropyLoss and LinearCrossEntropyOptions against
PyTorch 2.13: values, gradients, state_dict keys, repr, argument errors."""
import numpy as np
import pytest

import ember
import ember.nn.functional as F

torch = pytest.importorskip("torch")
TF = torch.nn.functional
rng = np.random.default_rng(0)


def _run(lib, arrays, target, kw):
    ts = [lib.tensor(a, requires_grad=True) if a is not None else None for a in arrays]
    x, w, b, cw = ts
    tgt = lib.tensor(target)
    f = (F if lib is ember else TF).linear_cross_entropy
    loss = f(x, w, tgt, linear_bias=b, weight=cw.detach() if cw is not None else None, **kw)
    g = np.ones(tuple(loss.shape), np.float32)
    loss.backward(lib.tensor(g))
    return loss, [t.grad for t in ts[:3] if t is not None]


CASES = [
    ((5, 4), (7, 4), True, False, "idx", {}),
    ((5, 4), (7, 4), False, True, "idx", {"reduction": "sum", "label_smoothing": 0.1}),
    ((5, 4), (7, 4), True, False, "idx_ignore", {"ignore_index": 2, "reduction": "none"}),
    ((5, 4), (7, 3, 4), True, False, "idx_kdim", {}),
    ((5, 4), (7, 4), False, False, "prob", {"label_smoothing": 0.2}),
    ((4,), (7, 4), True, False, "idx0", {}),
    ((5, 4), (7, 4), False, False, "idx", {"options": "opt"}),
]


@pytest.mark.parametrize("xs,ws,bias,cw,tkind,kw", CASES)
def test_linear_cross_entropy_parity(xs, ws, bias, cw, tkind, kw):
    x = rng.standard_normal(xs).astype(np.float32)
    w = rng.standard_normal(ws).astype(np.float32)
    b = rng.standard_normal(ws[:-1]).astype(np.float32) if bias else None
    c = rng.uniform(0.5, 2, ws[0]).astype(np.float32) if cw else None
    n = xs[0]
    if tkind == "prob":
        t = rng.dirichlet(np.ones(ws[0]), n).astype(np.float32)
    elif tkind == "idx_kdim":
        t = rng.integers(0, ws[0], (n, ws[1]))
    elif tkind == "idx0":
        t = np.array(3)
    else:
        t = rng.integers(0, ws[0], n)
        if tkind == "idx_ignore":
            t[1] = 2
    kt, ke = dict(kw), dict(kw)
    if kw.get("options"):
        kt["options"], ke["options"] = torch.nn.LinearCrossEntropyOptions(), ember.nn.LinearCrossEntropyOptions()
    le, ge = _run(ember, [x, w, b, c], t, ke)
    lt, gt = _run(torch, [x, w, b, c], t, kt)
    np.testing.assert_allclose(le.detach().numpy(), lt.detach().numpy(), rtol=1e-5, atol=1e-5)
    for e, tt in zip(ge, gt):
        np.testing.assert_allclose(e.numpy(), tt.numpy(), rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("xs,ws,bs,ts,kw", [((5, 4, 2), (7, 4), None, (5,), {}), ((5, 4), (7,), None, (5,), {}),
                                            ((5, 4), (7, 3), None, (5,), {}), ((5, 4), (7, 4), (6,), (5,), {}),
                                            ((4,), (7, 3, 4), None, (3,), {}),
                                            ((5, 4), (7, 4), None, (5, 7), {"ignore_index": 1})])
def test_linear_cross_entropy_errors(xs, ws, bs, ts, kw):
    for lib, f in ((torch, TF.linear_cross_entropy), (ember, F.linear_cross_entropy)):
        with pytest.raises(RuntimeError):
            f(lib.ones(xs), lib.ones(ws), lib.zeros(ts) if len(ts) > 1 else lib.zeros(ts, dtype=lib.long),
              linear_bias=None if bs is None else lib.ones(bs), **kw)


@pytest.mark.parametrize("kw", [{}, {"out_features": (3,), "bias": True}, {"reduction": "none", "ignore_index": 0},
                                {"label_smoothing": 0.1, "weight": "w"}])
def test_linear_cross_entropy_loss_module(kw):
    kt, ke = dict(kw), dict(kw)
    if kw.get("weight"):
        wv = rng.uniform(0.5, 2, 10).astype(np.float32)
        kt["weight"], ke["weight"] = torch.tensor(wv), ember.tensor(wv)
    tm, em = torch.nn.LinearCrossEntropyLoss(4, 10, **kt), ember.nn.LinearCrossEntropyLoss(4, 10, **ke)
    assert repr(em) == repr(tm)
    assert list(em.state_dict()) == list(tm.state_dict())
    em.load_state_dict({k: ember.tensor(v.numpy()) for k, v in tm.state_dict().items()})
    x = rng.standard_normal((6, 4)).astype(np.float32)
    t = rng.integers(0, 10, (6, 3) if kw.get("out_features") else 6)
    ye, yt = em(ember.tensor(x), ember.tensor(t)), tm(torch.tensor(x), torch.tensor(t))
    np.testing.assert_allclose(ye.detach().numpy(), yt.detach().numpy(), rtol=1e-5, atol=1e-5)
    ye.sum().backward(), yt.sum().backward()
    np.testing.assert_allclose(em.linear.weight.grad.numpy(), tm.linear.weight.grad.numpy(), rtol=1e-4, atol=1e-5)


def test_module_and_options_errors():
    for lib in (torch, ember):
        with pytest.raises(RuntimeError):
            lib.nn.LinearCrossEntropyLoss(4, 10, weight=lib.ones(3))
        with pytest.raises(RuntimeError):
            lib.nn.LinearCrossEntropyLoss(4, 10, label_smoothing=1.5)
        with pytest.raises(ValueError):
            lib.nn.LinearCrossEntropyOptions(acc_policy="bad")
    assert repr(ember.nn.LinearCrossEntropyOptions(batch_chunk_size=8)) == \
        repr(torch.nn.LinearCrossEntropyOptions(batch_chunk_size=8))
