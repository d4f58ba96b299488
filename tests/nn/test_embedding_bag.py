"""EmbeddingBag / F.embedding_bag against PyTorch: every mode with offsets, include_last_offset,
2-D input, per_sample_weights, padding_idx, empty bags and max_norm; forward and the gradients
of the weight and the per-sample weights; error types; the module's repr and from_pretrained."""
import numpy as np
import pytest

import ember
import ember.nn.functional as F

torch = pytest.importorskip("torch")
TF = torch.nn.functional


def _run(rng, inp, offsets, mode, psw=False, tol=1e-5, **kw):
    w = rng.standard_normal((7, 3)).astype(np.float32)
    we, wt = ember.tensor(w, requires_grad=True), torch.tensor(w, requires_grad=True)
    ps = rng.random(np.shape(inp)).astype(np.float32) if psw else None
    pe = None if ps is None else ember.tensor(ps, requires_grad=True)
    pt = None if ps is None else torch.tensor(ps, requires_grad=True)
    oe = None if offsets is None else ember.tensor(offsets)
    ot = None if offsets is None else torch.tensor(offsets)
    ye = F.embedding_bag(ember.tensor(inp), we, oe, mode=mode, per_sample_weights=pe, **kw)
    yt = TF.embedding_bag(torch.tensor(inp), wt, ot, mode=mode, per_sample_weights=pt, **kw)
    np.testing.assert_allclose(ye.detach().numpy(), yt.detach().numpy(), rtol=tol, atol=tol)
    g = rng.standard_normal(tuple(yt.shape)).astype(np.float32)
    (ye * ember.tensor(g)).sum().backward()
    (yt * torch.tensor(g)).sum().backward()
    np.testing.assert_allclose(we.grad.numpy(), wt.grad.numpy(), rtol=tol, atol=tol)
    if ps is not None:
        np.testing.assert_allclose(pe.grad.numpy(), pt.grad.numpy(), rtol=tol, atol=tol)


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("mode", ["sum", "mean", "max"])
@pytest.mark.parametrize("last,pad", [(False, None), (True, None), (False, 2), (True, -1)])
def test_embedding_bag_offsets(seed, mode, last, pad):
    rng = np.random.default_rng(seed)
    inp = rng.integers(0, 7, 12)
    inp[:3] = 2                                          # a bag made of padding only when pad == 2
    offsets = np.array([0, 3, 3, 8, 12 if last else 10])  # an empty bag
    _run(rng, inp, offsets, mode, include_last_offset=last, padding_idx=pad)
    if mode == "sum":
        _run(rng, inp, offsets, mode, psw=True, include_last_offset=last, padding_idx=pad)


@pytest.mark.parametrize("mode", ["sum", "mean", "max"])
def test_embedding_bag_2d_and_options(mode):
    rng = np.random.default_rng(1)
    inp = rng.integers(0, 7, (4, 5))
    _run(rng, inp, None, mode)
    _run(rng, inp, None, mode, padding_idx=3)
    _run(rng, inp.astype(np.int32), None, mode)
    # (scale_grad_by_freq is not compared: PyTorch 2.13's CPU kernel pairs indices with the
    # counts of other indices; ember divides each row's gradient by its own count, as documented)
    if mode == "sum":
        _run(rng, inp, None, mode, psw=True)
    w = rng.standard_normal((7, 3)).astype(np.float32) * 3
    we, wt = ember.tensor(w), torch.tensor(w)
    ye = F.embedding_bag(ember.tensor(inp), we, mode=mode, max_norm=1.0)
    yt = TF.embedding_bag(torch.tensor(inp), wt, mode=mode, max_norm=1.0)
    np.testing.assert_allclose(ye.numpy(), yt.numpy(), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(we.numpy(), wt.numpy(), rtol=1e-5, atol=1e-6)


def test_embedding_bag_module():
    rng = np.random.default_rng(2)
    w = rng.standard_normal((6, 4)).astype(np.float32)
    for kw in (dict(), dict(mode="sum", padding_idx=0, max_norm=1.0, include_last_offset=True),
               dict(mode="max", norm_type=3.0, scale_grad_by_freq=False)):
        me = ember.nn.EmbeddingBag.from_pretrained(ember.tensor(w), freeze=False, **kw)
        mt = torch.nn.EmbeddingBag.from_pretrained(torch.tensor(w), freeze=False, **kw)
        assert repr(me) == repr(mt)
        assert me.weight.requires_grad and list(me.state_dict()) == list(mt.state_dict())
        inp, off = np.array([1, 0, 3, 5, 2]), np.array([0, 2, 5])
        if not kw.get("include_last_offset"):
            off = off[:2]
        np.testing.assert_allclose(me(ember.tensor(inp), ember.tensor(off)).detach().numpy(),
                                   mt(torch.tensor(inp), torch.tensor(off)).detach().numpy(), rtol=1e-5, atol=1e-6)
    assert not ember.nn.EmbeddingBag.from_pretrained(ember.tensor(w)).weight.requires_grad
    m = ember.nn.EmbeddingBag(5, 3, padding_idx=1)
    assert m.weight.shape == (5, 3) and m.weight[1].abs().sum().item() == 0
    assert repr(m) == repr(torch.nn.EmbeddingBag(5, 3, padding_idx=1))
    for bad in (dict(padding_idx=5), dict(_weight=ember.ones(4, 3))):
        badt = {k: (torch.ones(4, 3) if k == "_weight" else v) for k, v in bad.items()}
        with pytest.raises(AssertionError):
            torch.nn.EmbeddingBag(5, 3, **badt)
        with pytest.raises(AssertionError):
            ember.nn.EmbeddingBag(5, 3, **bad)


def test_embedding_bag_errors():
    w, wt = ember.randn(6, 3), torch.randn(6, 3)
    i = [1, 2, 4, 5, 4, 3, 2, 0]
    o = [0, 2, 2, 5]
    cases = [
        dict(off=None), dict(inp=np.array(i).reshape(2, 4), off=o), dict(inp=np.array(i).reshape(2, 2, 2), off=None),
        dict(off=np.array(o).reshape(2, 2)), dict(mode="foo"), dict(psw=8, mode="mean"), dict(psw=7, mode="sum"),
        dict(off=[1, 2]), dict(off=[0, 9]), dict(inp=[1, 7], off=[0]), dict(inp=[1, -1], off=[0]),
        dict(inp=np.array(i, dtype=np.float32)), dict(off=np.array(o, dtype=np.float32)),
        dict(padding_idx=7), dict(mode="max", scale_grad_by_freq=True),
    ]
    for c in cases:
        c = dict(c)
        inp = np.asarray(c.pop("inp", i))
        off = c.pop("off", o)
        n = c.pop("psw", None)
        types = []
        for mod, Fm, W in ((torch, TF, wt), (ember, F, w)):
            kw = dict(c, per_sample_weights=None if n is None else mod.ones(n))
            try:
                Fm.embedding_bag(mod.tensor(inp), W, None if off is None else mod.tensor(np.asarray(off)), **kw)
                types.append(None)
            except Exception as e:  # noqa: BLE001 - the types are compared below
                types.append(type(e))
        assert types[0] is not None and types[0] is types[1], (c, types)
