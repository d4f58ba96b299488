"""Dropout, Embedding, distances, pixel shuffle, interpolate, unfold/fold, padding: vs PyTorch."""
import numpy as np
import pytest

import ember
import ember.nn.functional as F

torch = pytest.importorskip("torch")
TF = torch.nn.functional


def _cmp(fe, ft, arrays, tol=1e-10):
    rng = np.random.default_rng(3)
    E = [ember.tensor(a, requires_grad=True) for a in arrays]
    T = [torch.tensor(a, requires_grad=True) for a in arrays]
    ye, yt = fe(*E), ft(*T)
    assert tuple(ye.shape) == tuple(yt.shape)
    np.testing.assert_allclose(ye.detach().numpy(), yt.detach().numpy(), rtol=tol, atol=tol)
    g = rng.standard_normal(tuple(yt.shape))
    ye.backward(ember.tensor(g))
    yt.backward(torch.tensor(g))
    for e, t in zip(E, T):
        np.testing.assert_allclose(e.grad.numpy(), t.grad.numpy(), rtol=tol, atol=tol)


rng = np.random.default_rng(0)
X4 = rng.standard_normal((2, 3, 5, 7))


@pytest.mark.parametrize("kw", [dict(padding_idx=2), dict(scale_grad_by_freq=True), {}])
def test_embedding(kw):
    w = rng.standard_normal((10, 3))
    idx = rng.integers(0, 10, (4, 5))
    _cmp(lambda w: F.embedding(ember.tensor(idx), w, **kw), lambda w: TF.embedding(torch.tensor(idx), w, **kw), [w])
    with pytest.raises(IndexError):
        F.embedding(ember.tensor([10]), ember.tensor(w))


def test_embedding_module_and_max_norm():
    e = ember.nn.Embedding(10, 3, padding_idx=0)
    assert float(e.weight[0].abs().sum()) == 0.0
    e2 = ember.nn.Embedding(5, 4, max_norm=1.0)
    out = e2(ember.tensor([1, 2, 1]))
    assert float(out.norm(dim=1).max()) <= 1.0 + 1e-5
    pre = ember.nn.Embedding.from_pretrained(ember.eye(3), freeze=False)
    assert pre.weight.requires_grad and pre(ember.tensor([2])).tolist() == [[0.0, 0.0, 1.0]]


def test_distances_and_shuffle():
    a, b = rng.standard_normal((4, 5)), rng.standard_normal((4, 5))
    _cmp(F.cosine_similarity, TF.cosine_similarity, [a, b])
    _cmp(F.pairwise_distance, TF.pairwise_distance, [a, b])
    _cmp(F.pdist, TF.pdist, [a])
    x = rng.standard_normal((2, 8, 3, 3))
    _cmp(lambda x: F.pixel_shuffle(x, 2), lambda x: TF.pixel_shuffle(x, 2), [x])
    _cmp(lambda x: F.pixel_unshuffle(x, 3), lambda x: TF.pixel_unshuffle(x, 3), [x])
    _cmp(F.bilinear, TF.bilinear, [rng.standard_normal((4, 2)), rng.standard_normal((4, 3)),
                                   rng.standard_normal((5, 2, 3)), rng.standard_normal(5)])


@pytest.mark.parametrize("kw", [dict(scale_factor=2), dict(size=(8, 3)), dict(scale_factor=1.7, mode="bilinear"),
                                dict(size=(9, 4), mode="bilinear", align_corners=True),
                                dict(scale_factor=(2, 3), mode="nearest-exact"), dict(size=(3, 3), mode="area")])
def test_interpolate(kw):
    _cmp(lambda x: F.interpolate(x, **kw), lambda x: TF.interpolate(x, **kw), [X4])


def test_unfold_fold_one_hot_dropout():
    _cmp(lambda x: F.unfold(x, (2, 3), 1, 1, 2), lambda x: TF.unfold(x, (2, 3), 1, 1, 2), [X4])
    u = rng.standard_normal((2, 18, 12))
    _cmp(lambda u: F.fold(u, (5, 7), (2, 3), 1, 1, 2), lambda u: TF.fold(u, (5, 7), (2, 3), 1, 1, 2), [u])
    assert F.one_hot(ember.tensor([0, 2, 1])).tolist() == TF.one_hot(torch.tensor([0, 2, 1])).tolist()
    y = F.dropout(ember.ones(10000), 0.3)
    kept = (y != 0).float().mean().item()
    assert 0.65 < kept < 0.75 and abs(y.max().item() - 1 / 0.7) < 1e-5
    assert F.dropout(ember.ones(3), 0.9, training=False).tolist() == [1.0, 1.0, 1.0]
    d2 = F.dropout2d(ember.ones(4, 50, 3, 3), 0.5)
    per_channel = d2.sum((2, 3))
    assert set(np.unique(per_channel.numpy()).tolist()) <= {0.0, 18.0}


@pytest.mark.parametrize("expr", ["ZeroPad2d(1)", "ConstantPad1d((1, 2), 3.5)", "ReflectionPad2d(2)",
                                  "ReplicationPad1d(1)", "CircularPad2d(1)", "ReflectionPad1d((2, 1))"])
def test_padding_layers(expr):
    ours, theirs = eval("ember.nn." + expr), eval("torch.nn." + expr)
    assert repr(ours) == repr(theirs)
    _cmp(ours, theirs, [X4[0] if "1d" in expr else X4])
    if "1d" in expr and "Constant" not in expr:
        with pytest.raises(NotImplementedError):
            ours(ember.tensor(X4))


def test_layer_modules_forward():
    lin = ember.nn.Bilinear(2, 3, 4)
    assert lin(ember.ones(5, 2), ember.ones(5, 3)).shape == (5, 4)
    assert ember.nn.Flatten()(ember.ones(2, 3, 4)).shape == (2, 12)
    assert ember.nn.Unflatten(1, (2, 3))(ember.ones(4, 6)).shape == (4, 2, 3)
    assert ember.nn.Upsample(scale_factor=2, mode="bilinear")(ember.ones(1, 1, 2, 2)).shape == (1, 1, 4, 4)
