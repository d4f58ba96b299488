"""softmax / log_softmax / cross_entropy / nll_loss against PyTorch, forward and backward."""
import numpy as np
import pytest

import ember
import ember.nn.functional as F

torch = pytest.importorskip("torch")
TF = torch.nn.functional

CE_CASES = [((4, 5), (4,)), ((3, 5, 2, 2), (3, 2, 2)), ((5,), ())]
CE_KW = [dict(), dict(label_smoothing=0.1), dict(weight=True, ignore_index=1), dict(reduction="none"),
         dict(reduction="sum", label_smoothing=0.2, weight=True), dict(ignore_index=0, reduction="none")]


def _pair(x, rg=True):
    return ember.tensor(x, requires_grad=rg), torch.tensor(x, requires_grad=rg)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape,tshape", CE_CASES)
@pytest.mark.parametrize("kw", CE_KW)
def test_cross_entropy_class_indices(shape, tshape, kw, dtype):
    rng = np.random.default_rng(0)
    x = rng.standard_normal(shape).astype(dtype)
    t = rng.integers(0, 5, tshape)
    kwe, kwt = dict(kw), dict(kw)
    if kw.get("weight"):
        w = rng.random(5).astype(dtype)
        kwe["weight"], kwt["weight"] = ember.tensor(w), torch.tensor(w)
    xe, xt = _pair(x)
    le = F.cross_entropy(xe, ember.tensor(t), **kwe)
    lt = TF.cross_entropy(xt, torch.tensor(t), **kwt)
    assert le.dtype.name == str(lt.dtype).split(".")[1] and tuple(le.shape) == tuple(lt.shape)
    tol = 1e-5 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(le.detach().numpy(), lt.detach().numpy(), rtol=tol, atol=tol)
    g = rng.standard_normal(lt.shape).astype(dtype)
    le.backward(ember.tensor(g))
    lt.backward(torch.tensor(g))
    np.testing.assert_allclose(xe.grad.numpy(), xt.grad.numpy(), rtol=tol, atol=tol)


def test_cross_entropy_probability_targets_and_grad_of_target():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((4, 3, 2))
    y = rng.random((4, 3, 2))
    y /= y.sum(1, keepdims=True)
    xe, xt = _pair(x)
    ye, yt = _pair(y)
    le = F.cross_entropy(xe, ye, label_smoothing=0.1)
    lt = TF.cross_entropy(xt, yt, label_smoothing=0.1)
    le.backward()
    lt.backward()
    np.testing.assert_allclose(le.item(), lt.item(), rtol=1e-12)
    np.testing.assert_allclose(xe.grad.numpy(), xt.grad.numpy(), atol=1e-12)
    np.testing.assert_allclose(ye.grad.numpy(), yt.grad.numpy(), atol=1e-12)


def test_cross_entropy_double_backward():
    rng = np.random.default_rng(2)
    x = rng.standard_normal((3, 4))
    t = np.array([0, 3, 1])
    res = []
    for lib, fn in ((ember, F.cross_entropy), (torch, TF.cross_entropy)):
        xx = lib.tensor(x, requires_grad=True)
        loss = fn(xx, lib.tensor(t), label_smoothing=0.05)
        (g,) = lib.autograd.grad(loss, xx, create_graph=True)
        (gg,) = lib.autograd.grad((g * g).sum(), xx)
        res.append(gg.detach().numpy())
    np.testing.assert_allclose(res[0], res[1], atol=1e-10)


@pytest.mark.parametrize("fn", ["softmax", "log_softmax", "softmin"])
@pytest.mark.parametrize("dim", [0, 1, -1])
def test_softmax_family(fn, dim):
    rng = np.random.default_rng(3)
    x = (rng.standard_normal((3, 4, 5)) * 10).astype(np.float32)
    xe, xt = _pair(x)
    ye, yt = getattr(F, fn)(xe, dim=dim), getattr(TF, fn)(xt, dim=dim)
    np.testing.assert_allclose(ye.detach().numpy(), yt.detach().numpy(), rtol=1e-5, atol=1e-6)
    g = rng.standard_normal(x.shape).astype(np.float32)
    ye.backward(ember.tensor(g))
    yt.backward(torch.tensor(g))
    np.testing.assert_allclose(xe.grad.numpy(), xt.grad.numpy(), rtol=1e-4, atol=1e-5)


def test_nll_loss_matches():
    rng = np.random.default_rng(4)
    x = rng.standard_normal((6, 4))
    t = rng.integers(0, 4, 6)
    w = rng.random(4)
    for red in ("mean", "sum", "none"):
        xe, xt = _pair(x)
        le = F.nll_loss(xe, ember.tensor(t), weight=ember.tensor(w), reduction=red, ignore_index=2)
        lt = TF.nll_loss(xt, torch.tensor(t), weight=torch.tensor(w), reduction=red, ignore_index=2)
        le.sum().backward()
        lt.sum().backward()
        np.testing.assert_allclose(le.detach().numpy(), lt.detach().numpy(), atol=1e-12)
        np.testing.assert_allclose(xe.grad.numpy(), xt.grad.numpy(), atol=1e-12)


def test_errors_like_pytorch():
    x = ember.zeros(3, 4)
    with pytest.raises(IndexError, match="Target 7 is out of bounds."):
        F.cross_entropy(x, ember.tensor([0, 7, 1]))
    with pytest.raises(ValueError, match=r"Expected input batch_size \(3\) to match target batch_size \(2\)"):
        F.cross_entropy(x, ember.tensor([0, 1]))
    with pytest.raises(RuntimeError):
        F.cross_entropy(x, ember.tensor([0.5, 1.0, 2.0]))


def test_loss_modules():
    x = ember.tensor([[2.0, 0.5, 0.1]])
    assert abs(ember.nn.CrossEntropyLoss()(x, ember.tensor([0])).item() - 0.31682) < 1e-4
    assert repr(ember.nn.CrossEntropyLoss()) == repr(torch.nn.CrossEntropyLoss())
    assert list(ember.nn.CrossEntropyLoss(weight=ember.ones(3)).state_dict()) == \
        list(torch.nn.CrossEntropyLoss(weight=torch.ones(3)).state_dict())


@pytest.mark.parametrize("soft", [False, True])
def test_cross_entropy_frees_its_work_arrays_at_backward(soft):
    """A graph kept alive after backward (``total += loss``) holds no logits-sized arrays,
    and a second backward raises PyTorch's error."""
    x = ember.randn(4, 5, requires_grad=True)
    t = ember.randn(4, 5).softmax(1) if soft else ember.tensor([0, 1, 2, 3])
    loss = ember.nn.functional.cross_entropy(x, t)
    work = "logp" if soft else "exps"
    loss.backward(retain_graph=True)
    g1 = x.grad.clone()
    assert getattr(loss.grad_fn, work) is not None
    loss.backward()                       # the retained work arrays were not overwritten
    assert ember.allclose(x.grad, 2 * g1)
    assert getattr(loss.grad_fn, work) is None and loss.grad_fn.cache is None
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        loss.backward()


@pytest.mark.parametrize("kw", CE_KW)
def test_cross_entropy_row_blocks_match_pytorch(kw):
    """Wide logits (C=4096, 70 rows: blocks of 16 rows and a short last block) go through the
    cache-blocked softmax; logits offset by 1000 keep float32 accuracy (x - max first)."""
    rng = np.random.default_rng(1)
    x = (rng.standard_normal((70, 4096)) * 3 + 1000).astype(np.float32)
    t = rng.integers(0, 4096, 70)
    t[::7] = kw.get("ignore_index", -100) if "ignore_index" in kw else t[::7]
    kwe, kwt = dict(kw), dict(kw)
    if kw.get("weight"):
        w = rng.random(4096).astype(np.float32)
        kwe["weight"], kwt["weight"] = ember.tensor(w), torch.tensor(w)
    xe, xt = _pair(x)
    le = F.cross_entropy(xe, ember.tensor(t), **kwe)
    lt = TF.cross_entropy(xt, torch.tensor(t), **kwt)
    np.testing.assert_allclose(le.detach().numpy(), lt.detach().numpy(), rtol=2e-5, atol=2e-5)
    g = rng.standard_normal(lt.shape).astype(np.float32)
    le.backward(ember.tensor(g))
    lt.backward(torch.tensor(g))
    np.testing.assert_allclose(xe.grad.numpy(), xt.grad.numpy(), rtol=1e-5, atol=1e-8)


@pytest.mark.parametrize("fn", ["softmax", "log_softmax"])
@pytest.mark.parametrize("shape,dim", [((70, 4096), 1), ((5, 14, 4096), -1), ((70, 4096), 0), ((3, 5000, 7), 1)])
@pytest.mark.parametrize("grad", ["random", "sum"])
def test_softmax_row_blocks_match_pytorch(fn, shape, dim, grad):
    """Wide rows go through the cache-blocked kernels (last dim, contiguous); other dims and
    broadcast gradients (``.sum()``) through whole-array passes: all agree with PyTorch."""
    rng = np.random.default_rng(2)
    x = (rng.standard_normal(shape) * 4 + 100).astype(np.float32)
    xe, xt = _pair(x)
    ye, yt = getattr(F, fn)(xe, dim), getattr(TF, fn)(xt, dim)
    np.testing.assert_allclose(ye.detach().numpy(), yt.detach().numpy(), rtol=1e-5, atol=1e-6)
    if grad == "sum":
        (ye * 1).sum().backward() if fn == "log_softmax" else ye.sum().backward()
        (yt * 1).sum().backward() if fn == "log_softmax" else yt.sum().backward()
    else:
        g = rng.standard_normal(shape).astype(np.float32)
        ye.backward(ember.tensor(g))
        yt.backward(torch.tensor(g))
    np.testing.assert_allclose(xe.grad.numpy(), xt.grad.numpy(), rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_log_softmax_nll_wide_matches_pytorch(reduction):
    """PyTorch's word-language-model pattern: nll_loss(log_softmax(x)) with class weights."""
    rng = np.random.default_rng(3)
    x = rng.standard_normal((70, 4096)).astype(np.float32)
    t = rng.integers(0, 4096, 70)
    w = rng.random(4096).astype(np.float32)
    xe, xt = _pair(x)
    le = F.nll_loss(F.log_softmax(xe, 1), ember.tensor(t), weight=ember.tensor(w), reduction=reduction)
    lt = TF.nll_loss(TF.log_softmax(xt, 1), torch.tensor(t), weight=torch.tensor(w), reduction=reduction)
    np.testing.assert_allclose(le.detach().numpy(), lt.detach().numpy(), rtol=1e-5, atol=1e-6)
    g = rng.standard_normal(lt.shape).astype(np.float32)
    le.backward(ember.tensor(g))
    lt.backward(torch.tensor(g))
    np.testing.assert_allclose(xe.grad.numpy(), xt.grad.numpy(), rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize("kind", ["ce", "ce_smooth", "nll"])
def test_all_targets_ignored_gives_nan_loss_and_zero_grads(kind):
    res = []
    for lib, f in ((ember, F), (torch, TF)):
        x = lib.tensor(np.random.default_rng(0).standard_normal((3, 4)).astype(np.float32), requires_grad=True)
        t = lib.tensor([-100, -100, -100])
        loss = (f.nll_loss(f.log_softmax(x, 1), t) if kind == "nll" else
                f.cross_entropy(x, t, label_smoothing=0.1 if kind == "ce_smooth" else 0.0))
        loss.backward()
        res.append((loss.item(), x.grad.numpy()))
    assert np.isnan(res[0][0]) and np.isnan(res[1][0])
    np.testing.assert_array_equal(res[0][1], res[1][1])


def test_softmax_over_empty_dims():
    for shape, dim in (((2, 0), 1), ((0, 3), 0), ((0, 3), 1)):
        for fn in ("softmax", "log_softmax"):
            x = ember.zeros(*shape, requires_grad=True)
            y = getattr(F, fn)(x, dim)
            assert tuple(y.shape) == shape
            y.sum().backward()
            assert tuple(x.grad.shape) == shape


@pytest.mark.parametrize("dtype", ["bfloat16", "float16"])
def test_half_precision_softmax_and_losses_accumulate_in_float32(dtype):
    """bfloat16/float16 softmax, log_softmax, cross_entropy and nll_loss accumulate in float32
    as PyTorch does (a bfloat16 sum of 300 ones stops at 256)."""
    rng = np.random.default_rng(4)
    xs = (rng.standard_normal((300, 1000)) * 3).astype(np.float32)
    t = rng.integers(0, 1000, 300)
    out = {}
    for lib, f in ((ember, F), (torch, TF)):
        x = lib.tensor(xs).to(getattr(lib, dtype)).requires_grad_()
        sm = f.softmax(x, 1)
        ce = f.cross_entropy(x, lib.tensor(t))
        nll = f.nll_loss(f.log_softmax(x, 1), lib.tensor(t))
        (ce + nll + sm[:, 0].sum()).backward()
        out[lib.__name__] = (sm.float().detach().numpy(), ce.item(), nll.item(), x.grad.float().numpy(),
                             str(ce.dtype), str(x.grad.dtype))
    e, t_ = out["ember"], out["torch"]
    assert e[4:] == t_[4:]
    np.testing.assert_allclose(e[0], t_[0], atol=2e-3)
    np.testing.assert_allclose([e[1], e[2]], [t_[1], t_[2]], rtol=1e-2)   # (one bfloat16 ulp)
    np.testing.assert_allclose(e[3], t_[3], atol=2e-3)
