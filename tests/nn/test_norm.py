"""Normalisation layers against PyTorch: outputs, gradients, running statistics, repr."""
import numpy as np
import pytest

import ember
import ember.nn.functional as F

torch = pytest.importorskip("torch")
TF = torch.nn.functional


def _copy_state(ours, theirs):
    ours.load_state_dict({k: ember.tensor(v.detach().numpy()) for k, v in theirs.state_dict().items()})


def _run(ours, theirs, x, tol):
    rng = np.random.default_rng(11)
    xe, xt = ember.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    ye, yt = ours(xe), theirs(xt)
    np.testing.assert_allclose(ye.detach().numpy(), yt.detach().numpy(), rtol=tol, atol=tol)
    g = rng.standard_normal(tuple(yt.shape)).astype(x.dtype)
    ye.backward(ember.tensor(g))
    yt.backward(torch.tensor(g))
    np.testing.assert_allclose(xe.grad.numpy(), xt.grad.numpy(), rtol=tol, atol=tol)
    for (n, p), (_, q) in zip(ours.named_parameters(), theirs.named_parameters()):
        np.testing.assert_allclose(p.grad.numpy(), q.grad.numpy(), rtol=tol, atol=tol, err_msg=n)
    for (n, b), (_, c) in zip(ours.named_buffers(), theirs.named_buffers()):
        np.testing.assert_allclose(b.numpy(), c.numpy(), rtol=tol, atol=tol, err_msg=n)


CASES = [
    ("BatchNorm1d", (4,), {}, (8, 4)),
    ("BatchNorm1d", (4,), dict(momentum=None), (8, 4, 3)),
    ("BatchNorm2d", (3,), dict(affine=False), (4, 3, 5, 5)),
    ("BatchNorm2d", (3,), dict(track_running_stats=False), (4, 3, 5, 5)),
    ("BatchNorm3d", (2,), {}, (2, 2, 3, 3, 3)),
    ("InstanceNorm2d", (3,), {}, (2, 3, 4, 4)),
    ("InstanceNorm1d", (3,), dict(affine=True, track_running_stats=True), (2, 3, 6)),
    ("LayerNorm", ((5, 5),), {}, (2, 3, 5, 5)),
    ("LayerNorm", (6,), dict(elementwise_affine=False), (2, 6)),
    ("GroupNorm", (3, 6), {}, (2, 6, 4)),
    ("LocalResponseNorm", (3,), {}, (2, 6, 4, 4)),
]


@pytest.mark.parametrize("dtype,tol", [(np.float32, 1e-4), (np.float64, 1e-10)])
@pytest.mark.parametrize("cls,args,kw,shape", CASES)
def test_norm_layers_train_and_eval(cls, args, kw, shape, dtype, tol):
    theirs = getattr(torch.nn, cls)(*args, **kw).to(getattr(torch, np.dtype(dtype).name))
    ours = getattr(ember.nn, cls)(*args, **kw).to(getattr(ember, np.dtype(dtype).name))
    assert repr(ours) == repr(theirs)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    rng = np.random.default_rng(0)
    with torch.no_grad():
        for p in theirs.parameters():
            p.copy_(torch.tensor(rng.standard_normal(tuple(p.shape))))
    _copy_state(ours, theirs)
    for _ in range(3):  # running statistics accumulate the same way
        x = (rng.standard_normal(shape) * 3 + 1).astype(dtype)
        ours.zero_grad(), theirs.zero_grad()
        _run(ours, theirs, x, tol)
    ours.eval(), theirs.eval()
    _run(ours, theirs, rng.standard_normal(shape).astype(dtype), tol)


def test_batchnorm_errors_and_counter():
    bn = ember.nn.BatchNorm2d(3)
    with pytest.raises(ValueError, match=r"expected 4D input \(got 3D input\)"):
        bn(ember.ones(3, 4, 4))
    with pytest.raises(ValueError, match="Expected more than 1 value per channel when training"):
        ember.nn.BatchNorm1d(3)(ember.ones(1, 3))
    bn(ember.randn(2, 3, 4, 4))
    assert bn.num_batches_tracked.item() == 1 and bn.num_batches_tracked.dtype == ember.int64


def test_standardize_double_backward():
    rng = np.random.default_rng(5)
    x = rng.standard_normal((3, 4, 2))
    res = []
    for lib, f in ((ember, F.layer_norm), (torch, TF.layer_norm)):
        xx = lib.tensor(x, requires_grad=True)
        y = f(xx, (4, 2))
        (g,) = lib.autograd.grad((y ** 3).sum(), xx, create_graph=True)
        res.append(lib.autograd.grad((g * g).sum(), xx)[0].detach().numpy())
    np.testing.assert_allclose(res[0], res[1], rtol=1e-8, atol=1e-10)
