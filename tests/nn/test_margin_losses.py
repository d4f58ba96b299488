"""Multi-margin, multi-label margin and triplet-with-distance losses, and NLLLoss2d, against
PyTorch: forward and gradients over reductions, options and seeds; error types."""
import warnings

import numpy as np
import pytest

import ember
import ember.nn.functional as F

torch = pytest.importorskip("torch")
TF = torch.nn.functional


def _both(x):
    return ember.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)


def _compare(ye, yt, pairs, rng, tol=1e-5):
    np.testing.assert_allclose(ye.detach().numpy(), yt.detach().numpy(), rtol=tol, atol=tol)
    w = rng.standard_normal(tuple(yt.shape)).astype(np.float32)
    (ye * ember.tensor(w)).sum().backward()
    (yt * torch.tensor(w)).sum().backward()
    for xe, xt in pairs:
        np.testing.assert_allclose(xe.grad.numpy(), xt.grad.numpy(), rtol=tol, atol=tol)


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("p,margin,weighted", [(1, 1.0, False), (2, 0.7, False), (1, 2.0, True), (2, 1.0, True)])
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_multi_margin_loss(seed, p, margin, weighted, reduction):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((5, 4)).astype(np.float32)
    t = rng.integers(0, 4, 5)
    w = rng.random(4).astype(np.float32) if weighted else None
    xe, xt = _both(x)
    ye = F.multi_margin_loss(xe, ember.tensor(t), p, margin, None if w is None else ember.tensor(w),
                             reduction=reduction)
    yt = TF.multi_margin_loss(xt, torch.tensor(t), p, margin, None if w is None else torch.tensor(w),
                              reduction=reduction)
    _compare(ye, yt, [(xe, xt)], rng)
    me = ember.nn.MultiMarginLoss(p, margin, None if w is None else ember.tensor(w), reduction=reduction)
    mt = torch.nn.MultiMarginLoss(p, margin, None if w is None else torch.tensor(w), reduction=reduction)
    np.testing.assert_allclose(me(ember.tensor(x), ember.tensor(t)).numpy(),
                               mt(torch.tensor(x), torch.tensor(t)).numpy(), rtol=1e-5, atol=1e-6)
    xe, xt = _both(x[0])                                        # unbatched
    _compare(F.multi_margin_loss(xe, ember.tensor(t[0]), p, margin, reduction=reduction),
             TF.multi_margin_loss(xt, torch.tensor(t[0]), p, margin, reduction=reduction), [(xe, xt)], rng)


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_multilabel_margin_loss(seed, reduction):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((4, 5)).astype(np.float32)
    t = np.full((4, 5), -1)
    for r in range(4):
        k = int(rng.integers(0, 6))
        t[r, :k] = rng.permutation(5)[:k]
    t[0, 4] = 2                                                 # labels after the first -1 are ignored
    t[1, :3] = [1, 1, -1]                                       # a repeated label counts twice
    xe, xt = _both(x)
    _compare(F.multilabel_margin_loss(xe, ember.tensor(t), reduction=reduction),
             TF.multilabel_margin_loss(xt, torch.tensor(t), reduction=reduction), [(xe, xt)], rng)
    xe, xt = _both(x[2])
    _compare(ember.nn.MultiLabelMarginLoss(reduction=reduction)(xe, ember.tensor(t[2])),
             torch.nn.MultiLabelMarginLoss(reduction=reduction)(xt, torch.tensor(t[2])), [(xe, xt)], rng)


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("dist", [None, "l1", "cos"])
@pytest.mark.parametrize("swap", [False, True])
@pytest.mark.parametrize("reduction", ["mean", "none"])
def test_triplet_margin_with_distance_loss(seed, dist, swap, reduction):
    rng = np.random.default_rng(seed)
    a, p, n = (rng.standard_normal((6, 3)).astype(np.float32) for _ in range(3))
    fns = {None: (None, None),
           "l1": (lambda u, v: (u - v).abs().sum(-1), lambda u, v: (u - v).abs().sum(-1)),
           "cos": (lambda u, v: 1 - F.cosine_similarity(u, v), lambda u, v: 1 - TF.cosine_similarity(u, v))}
    fe, ft = fns[dist]
    ae, at = _both(a)
    pe, pt = _both(p)
    ne, nt = _both(n)
    ye = F.triplet_margin_with_distance_loss(ae, pe, ne, distance_function=fe, margin=1.5, swap=swap,
                                             reduction=reduction)
    yt = TF.triplet_margin_with_distance_loss(at, pt, nt, distance_function=ft, margin=1.5, swap=swap,
                                              reduction=reduction)
    _compare(ye, yt, [(ae, at), (pe, pt), (ne, nt)], rng, 1e-4)
    me = ember.nn.TripletMarginWithDistanceLoss(distance_function=fe, margin=1.5, swap=swap, reduction=reduction)
    mt = torch.nn.TripletMarginWithDistanceLoss(distance_function=ft, margin=1.5, swap=swap, reduction=reduction)
    np.testing.assert_allclose(me(*map(ember.tensor, (a, p, n))).numpy(), mt(*map(torch.tensor, (a, p, n))).numpy(),
                               rtol=1e-4, atol=1e-5)
    if dist is None:
        assert repr(me) == repr(mt)


def test_nll_loss2d_deprecated_alias():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 3, 4, 4)).astype(np.float32)
    t = rng.integers(0, 3, (2, 4, 4))
    with pytest.warns(FutureWarning):
        me = ember.nn.NLLLoss2d()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mt = torch.nn.NLLLoss2d()
    assert isinstance(me, ember.nn.NLLLoss)
    xe, xt = _both(x)
    _compare(me(xe, ember.tensor(t)), mt(xt, torch.tensor(t)), [(xe, xt)], rng)


def _same_error(fe, ft):
    with pytest.raises(Exception) as et:
        ft()
    with pytest.raises(et.type):
        fe()


def test_margin_errors():
    x, xt = ember.randn(3, 4), torch.randn(3, 4)
    cases = [
        (lambda m, X: m.multi_margin_loss(X, m_tensor(m, [0, 1, 4]))),
        (lambda m, X: m.multi_margin_loss(X, m_tensor(m, [0, 1]))),
        (lambda m, X: m.multi_margin_loss(X, m_tensor(m, [0, 1, 2]), p=3)),
        (lambda m, X: m.multi_margin_loss(X, m_tensor(m, [0, 1, 2]), weight=X)),
        (lambda m, X: m.multi_margin_loss(X, m_tensor(m, [0., 1., 2.]))),
        (lambda m, X: m.multi_margin_loss(X, m_tensor(m, [0, 1, 2]), reduction="foo")),
        (lambda m, X: m.multilabel_margin_loss(X, m_tensor(m, [[0, 5, -1, 1]] * 3))),
        (lambda m, X: m.multilabel_margin_loss(X, m_tensor(m, [[0, 1, -1]] * 3))),
        (lambda m, X: m.triplet_margin_with_distance_loss(X, X[0], X)),
        (lambda m, X: m.triplet_margin_with_distance_loss(X, X, X, margin=0)),
        (lambda m, X: m.triplet_margin_with_distance_loss(X, X, X, reduction="foo")),
    ]

    def m_tensor(m, v):
        return ember.tensor(v) if m is F else torch.tensor(v)

    for c in cases:
        _same_error(lambda: c(F, x), lambda: c(TF, xt))
    for mod in ("MultiMarginLoss", "TripletMarginWithDistanceLoss"):
        kw = dict(p=3) if mod == "MultiMarginLoss" else dict(margin=-1.0)
        _same_error(lambda: getattr(ember.nn, mod)(**kw), lambda: getattr(torch.nn, mod)(**kw))
