"""The top-level native entry points (torch.ctc_loss, torch.embedding_bag, torch.grid_sampler*,
torch.affine_grid_generator, torch.max_pool1d_with_indices, torch.adaptive_max_pool1d) against
PyTorch's: ATen's int enums, tuple results, forward and gradients."""
import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")


def _both(x):
    return ember.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)


def _close(a, b, tol=1e-5):
    np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=tol, atol=tol)


@pytest.mark.parametrize("reduction", [0, 1, 2])
def test_ctc_loss_native(reduction):
    rng = np.random.default_rng(reduction)
    x = rng.standard_normal((6, 2, 4)).astype(np.float32)
    xe, xt = _both(x)
    tg = np.array([[1, 2, 2], [3, 1, 0]])
    ye = ember.ctc_loss(xe.log_softmax(2), ember.tensor(tg), [6, 5], [3, 2], 0, reduction, False)
    yt = torch.ctc_loss(xt.log_softmax(2), torch.tensor(tg), [6, 5], [3, 2], 0, reduction, False)
    _close(ye, yt)
    ye.sum().backward()
    yt.sum().backward()
    _close(xe.grad, xt.grad, 1e-4)


@pytest.mark.parametrize("mode", [0, 1, 2])
@pytest.mark.parametrize("padding_idx", [None, 4])
def test_embedding_bag_native(mode, padding_idx):
    rng = np.random.default_rng(mode)
    w = rng.standard_normal((6, 3)).astype(np.float32)
    we, wt = _both(w)
    idx, off = np.array([1, 2, 4, 5, 4, 3, 2, 0]), np.array([0, 2, 2, 5])
    re = ember.embedding_bag(we, ember.tensor(idx), ember.tensor(off), False, mode, False, None, False, padding_idx)
    rt = torch.embedding_bag(wt, torch.tensor(idx), torch.tensor(off), False, mode, False, None, False, padding_idx)
    assert len(re) == len(rt) == 4
    _close(re[0], rt[0])
    if mode == 2 or padding_idx is not None:
        np.testing.assert_array_equal(re[1].numpy(), rt[1].numpy())
    if mode == 2:
        np.testing.assert_array_equal(re[3].numpy(), rt[3].numpy())
    re[0].sum().backward()
    rt[0].sum().backward()
    _close(we.grad, wt.grad)


@pytest.mark.parametrize("interp,pad", [(0, 0), (1, 1), (2, 2), (0, 2)])
def test_grid_sampler_native(interp, pad):
    rng = np.random.default_rng(interp)
    x = rng.standard_normal((1, 2, 4, 5)).astype(np.float32)
    g = (rng.random((1, 3, 3, 2)) * 2.4 - 1.2).astype(np.float32)
    xe, xt = _both(x)
    ge, gt = _both(g)
    for fe, ft in ((ember.grid_sampler, torch.grid_sampler), (ember.grid_sampler_2d, torch.grid_sampler_2d)):
        _close(fe(xe, ge, interp, pad, True), ft(xt, gt, interp, pad, True), 1e-4)
    ye, yt = ember.grid_sampler_2d(xe, ge, interp, pad, False), torch.grid_sampler_2d(xt, gt, interp, pad, False)
    ye.sum().backward()
    yt.sum().backward()
    _close(ge.grad, gt.grad, 1e-4)
    x3 = rng.standard_normal((1, 1, 2, 3, 3)).astype(np.float32)
    g3 = (rng.random((1, 2, 2, 2, 3)) * 2 - 1).astype(np.float32)
    if interp != 2:
        _close(ember.grid_sampler_3d(ember.tensor(x3), ember.tensor(g3), interp, pad, False),
               torch.grid_sampler_3d(torch.tensor(x3), torch.tensor(g3), interp, pad, False), 1e-4)
    with pytest.raises(RuntimeError):
        torch.grid_sampler_2d(torch.tensor(x3), torch.tensor(g3), 0, 0, False)
    with pytest.raises(RuntimeError):
        ember.grid_sampler_2d(ember.tensor(x3), ember.tensor(g3), 0, 0, False)


def test_affine_grid_generator_and_pool_native():
    rng = np.random.default_rng(0)
    th = rng.standard_normal((2, 2, 3)).astype(np.float32)
    te, tt = _both(th)
    ye, yt = ember.affine_grid_generator(te, [2, 1, 3, 4], False), torch.affine_grid_generator(tt, [2, 1, 3, 4], False)
    _close(ye, yt)
    ye.sum().backward()
    yt.sum().backward()
    _close(te.grad, tt.grad, 1e-4)
    x = rng.standard_normal((2, 3, 9)).astype(np.float32)
    for fe, ft, args in ((ember.max_pool1d_with_indices, torch.max_pool1d_with_indices, (3, 2, 1)),
                         (ember.adaptive_max_pool1d, torch.adaptive_max_pool1d, (4,))):
        xe, xt = _both(x)
        (ve, ie), (vt, it) = fe(xe, *args), ft(xt, *args)
        np.testing.assert_array_equal(ie.numpy(), it.numpy())
        _close(ve, vt)
        ve.sum().backward()
        vt.sum().backward()
        _close(xe.grad, xt.grad)
