"""CTC loss against PyTorch: per-sample losses and gradients for padded and concatenated
targets, repeated labels, infeasible alignments (zero_infinity), every reduction, another blank,
unbatched input, float64; and the error types of bad arguments."""
import numpy as np
import pytest

import ember
import ember.nn.functional as F

torch = pytest.importorskip("torch")
TF = torch.nn.functional


def _case(seed, T=8, N=4, C=5, S=4, blank=0, dtype=np.float32):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((T, N, C))
    x = (x - np.log(np.exp(x).sum(2, keepdims=True))).astype(dtype)
    labels = [c for c in range(C) if c != blank]
    tg = rng.choice(labels, (N, S))
    tg[0, 1] = tg[0, 0]                                  # a repeat needs a blank between
    il = rng.integers(S, T + 1, N)
    il[-1] = T
    tl = rng.integers(0, S + 1, N)
    tl[0] = S
    return rng, x, tg, il, tl


def _run(x, tg, il, tl, rng, concat=False, as_tuple=False, **kw):
    xe, xt = ember.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    if concat:
        flat = np.concatenate([tg[n, :tl[n]] for n in range(len(tl))]).astype(np.int64)
        te, tt = ember.tensor(flat), torch.tensor(flat)
    else:
        te, tt = ember.tensor(tg), torch.tensor(tg)
    if as_tuple:
        ile, ilt, tle, tlt = tuple(il.tolist()), tuple(il.tolist()), tuple(tl.tolist()), tuple(tl.tolist())
    else:
        ile, ilt, tle, tlt = ember.tensor(il), torch.tensor(il), ember.tensor(tl), torch.tensor(tl)
    ye = F.ctc_loss(xe, te, ile, tle, **kw)
    yt = TF.ctc_loss(xt, tt, ilt, tlt, **kw)
    assert str(ye.dtype) == str(yt.dtype) and tuple(ye.shape) == tuple(yt.shape)
    tol = 1e-4 if x.dtype == np.float32 else 1e-9
    np.testing.assert_allclose(ye.detach().numpy(), yt.detach().numpy(), rtol=tol, atol=tol)
    w = rng.standard_normal(tuple(yt.shape)).astype(x.dtype)
    (ye * ember.tensor(w)).sum().backward()
    (yt * torch.tensor(w)).sum().backward()
    np.testing.assert_allclose(xe.grad.numpy(), xt.grad.numpy(), rtol=tol, atol=tol)
    return ye


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
@pytest.mark.parametrize("concat,as_tuple", [(False, False), (True, True)])
def test_ctc_matches_pytorch(seed, reduction, concat, as_tuple):
    rng, x, tg, il, tl = _case(seed)
    _run(x, tg, il, tl, rng, concat, as_tuple, reduction=reduction)


def test_ctc_padding_values_are_unread():
    rng, x, tg, il, tl = _case(11)
    tg[np.arange(tg.shape[1])[None, :] >= tl[:, None]] = -100        # pads outside the label range
    _run(x, tg, il, tl, rng, reduction="sum")


@pytest.mark.parametrize("zero_infinity", [False, True])
def test_ctc_infeasible(zero_infinity):
    rng, x, tg, il, tl = _case(7)
    il[1], tl[1] = 2, 4                                  # 4 labels cannot fit in 2 steps
    il[2], tl[2] = 0, 0                                  # empty input, empty target: loss 0
    y = _run(x, tg, il, tl, rng, reduction="none", zero_infinity=zero_infinity)
    assert np.isinf(y.detach().numpy()[1]) != zero_infinity
    _run(x, tg, il, tl, rng, reduction="mean", zero_infinity=True)


def test_ctc_blank_dtype_unbatched_module():
    rng, x, tg, il, tl = _case(3, blank=4, dtype=np.float64)
    _run(x, tg, il, tl, rng, blank=4, reduction="sum")
    rng, x, tg, il, tl = _case(5)
    xe, xt = ember.tensor(x[:, 0], requires_grad=True), torch.tensor(x[:, 0], requires_grad=True)
    t = tg[0, :tl[0]]
    for red in ("none", "mean"):
        ye = F.ctc_loss(xe, ember.tensor(t), ember.tensor(il[0]), ember.tensor(tl[0]), reduction=red)
        yt = TF.ctc_loss(xt, torch.tensor(t), torch.tensor(il[0]), torch.tensor(tl[0]), reduction=red)
        assert tuple(ye.shape) == tuple(yt.shape)
        np.testing.assert_allclose(ye.detach().numpy(), yt.detach().numpy(), rtol=1e-5)
    ye.backward()
    yt.backward()
    np.testing.assert_allclose(xe.grad.numpy(), xt.grad.numpy(), rtol=1e-4, atol=1e-6)
    me, mt = ember.nn.CTCLoss(blank=0, zero_infinity=True), torch.nn.CTCLoss(blank=0, zero_infinity=True)
    assert repr(me) == repr(mt)
    np.testing.assert_allclose(me(ember.tensor(x), ember.tensor(tg), ember.tensor(il), ember.tensor(tl)).numpy(),
                               mt(torch.tensor(x), torch.tensor(tg), torch.tensor(il), torch.tensor(tl)).numpy(),
                               rtol=1e-5)


def test_ctc_errors():
    rng, x, tg, il, tl = _case(0, T=6, N=2, S=3)
    tl[:] = [3, 2]
    xe, xt = ember.tensor(x), torch.tensor(x)

    cases = [
        dict(il=[7, 5]), dict(tl=[4, 2]), dict(tl=[3, 2, 1]), dict(il=[6, 5, 4]), dict(tl=[-1, 2]),
        dict(tg=[1, 2, 2, 3]), dict(blank=5), dict(blank=-1), dict(reduction="foo"), dict(il_float=True),
        dict(x3=True),
    ]
    for c in cases:
        out = []
        for mod, Fm, X in ((torch, TF, xt), (ember, F, xe)):
            tgt = mod.tensor(c.get("tg", tg))
            ilv = mod.tensor(c.get("il", il.tolist()), dtype=mod.float32 if c.get("il_float") else mod.int64)
            tlv = mod.tensor(c.get("tl", tl.tolist()))
            if c.get("x3"):
                X = X.unsqueeze(0)
            try:
                Fm.ctc_loss(X, tgt, ilv, tlv, blank=c.get("blank", 0), reduction=c.get("reduction", "mean"))
                out.append(None)
            except Exception as e:  # noqa: BLE001 - the types are compared below
                out.append(type(e))
        assert out[0] is not None and out[0] is out[1], (c, out)
    with pytest.raises(TypeError):
        F.ctc_loss(xe[:, 0], ember.tensor([1, 2]), 6, 2)
