"""Lazy modules against PyTorch: repr and state_dict of the uninitialised module, shapes
inferred on the first forward, the class becoming ``cls_to_become``, torch checkpoints
loading into an uninitialised lazy module, UninitializedParameter/Buffer behaviour."""
import copy

import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")

CASES = [  # (class name, ctor args, ctor kwargs, input shape)
    ("LazyLinear", (5,), {}, (2, 3)),
    ("LazyLinear", (5,), {"bias": False}, (2, 4, 3)),
    ("LazyConv1d", (4, 3), {"padding": 1}, (2, 3, 7)),
    ("LazyConv2d", (4, 3), {"stride": 2, "groups": 2}, (2, 6, 7, 7)),
    ("LazyConv2d", (4, 3), {"bias": False}, (3, 7, 7)),
    ("LazyConv3d", (2, 2), {}, (1, 3, 4, 4, 4)),
    ("LazyConvTranspose1d", (4, 3), {"output_padding": 1, "stride": 2}, (2, 3, 5)),
    ("LazyConvTranspose2d", (4, 3), {"dilation": 2}, (2, 3, 5, 5)),
    ("LazyConvTranspose3d", (2, 2), {"bias": False}, (1, 3, 3, 3, 3)),
    ("LazyBatchNorm1d", (), {}, (4, 3)),
    ("LazyBatchNorm2d", (), {"affine": False}, (4, 3, 2, 2)),
    ("LazyBatchNorm3d", (), {"track_running_stats": False}, (2, 3, 2, 2, 2)),
    ("LazyInstanceNorm1d", (), {}, (2, 3, 5)),
    ("LazyInstanceNorm2d", (), {"affine": False, "track_running_stats": False}, (2, 3, 4, 4)),
    ("LazyInstanceNorm3d", (), {}, (2, 3, 2, 2, 2)),
]
IDS = [f"{c[0]}-{i}" for i, c in enumerate(CASES)]


def _copy_into(em, tm):
    em.load_state_dict({k: ember.tensor(v.detach().numpy()) for k, v in tm.state_dict().items()})


@pytest.mark.parametrize("name,args,kw,shape", CASES, ids=IDS)
def test_uninitialized_state(name, args, kw, shape):
    tm, em = getattr(torch.nn, name)(*args, **kw), getattr(ember.nn, name)(*args, **kw)
    assert repr(em) == repr(tm)
    assert em.has_uninitialized_params() == tm.has_uninitialized_params()
    ts, es = tm.state_dict(), em.state_dict()
    assert list(es) == list(ts)
    for k in ts:
        assert type(es[k]).__name__ == type(ts[k]).__name__, k
    # an uninitialised lazy module loads another's uninitialised state_dict
    other = getattr(ember.nn, name)(*args, **kw)
    assert not other.load_state_dict(es).missing_keys


@pytest.mark.parametrize("name,args,kw,shape", CASES, ids=IDS)
def test_first_forward_materializes_and_becomes(name, args, kw, shape):
    tm, em = getattr(torch.nn, name)(*args, **kw), getattr(ember.nn, name)(*args, **kw)
    x = np.random.default_rng(0).standard_normal(shape).astype(np.float32)
    tm(torch.tensor(x))
    em(ember.tensor(x))
    assert type(em).__name__ == type(tm).__name__ and type(em) is getattr(ember.nn, name).cls_to_become
    assert repr(em) == repr(tm)
    assert not any(ember.nn.parameter.is_lazy(t) for t in list(em.parameters()) + list(em.buffers()))
    assert {k: tuple(v.shape) for k, v in em.state_dict().items()} == \
        {k: tuple(v.shape) for k, v in tm.state_dict().items()}
    assert all(type(p) is ember.nn.Parameter for p in em.parameters())
    # now an ordinary module: same outputs and gradients as torch with the same state
    _copy_into(em, tm)
    xe, xt = ember.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    ye, yt = em(xe), tm(xt)
    np.testing.assert_allclose(ye.detach().numpy(), yt.detach().numpy(), rtol=1e-4, atol=1e-5)
    ye.sum().backward(), yt.sum().backward()
    np.testing.assert_allclose(xe.grad.numpy(), xt.grad.numpy(), rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("name,args,kw,shape", CASES, ids=IDS)
def test_torch_checkpoint_into_uninitialized(name, args, kw, shape):
    tm = getattr(torch.nn, name)(*args, **kw)
    x = np.random.default_rng(1).standard_normal(shape).astype(np.float32)
    tm(torch.tensor(x))
    with torch.no_grad():
        for p in tm.parameters():
            p.uniform_(-1, 1)
    em = getattr(ember.nn, name)(*args, **kw)
    _copy_into(em, tm)  # materialises with the checkpoint's shapes, copies the values
    assert not em.has_uninitialized_params() and type(em).__name__ == name  # still lazy until forward
    tm.eval(), em.eval()
    ye, yt = em(ember.tensor(x)), tm(torch.tensor(x))
    assert type(em).__name__ == type(tm).__name__
    np.testing.assert_allclose(ye.detach().numpy(), yt.detach().numpy(), rtol=1e-4, atol=1e-5)


def test_lazy_linear_in_features_after_checkpoint():
    em = ember.nn.LazyLinear(3)
    tl = torch.nn.Linear(4, 3)
    _copy_into(em, tl)
    assert em.in_features == 0
    em(ember.ones(2, 4))
    assert em.in_features == 4 and repr(em) == repr(tl)
    em2 = ember.nn.LazyLinear(3)
    _copy_into(em2, tl)
    with pytest.raises(AssertionError):
        em2(ember.ones(2, 5))


def test_uninitialized_parameter_and_buffer():
    p = ember.nn.UninitializedParameter()
    tp = torch.nn.UninitializedParameter()
    assert repr(p) == repr(tp) and p.requires_grad and ember.nn.parameter.is_lazy(p)
    with pytest.raises(RuntimeError):
        tp.shape
    with pytest.raises(RuntimeError):
        p.shape
    p.materialize((2, 3))
    assert type(p) is ember.nn.Parameter and p.shape == (2, 3) and p.requires_grad
    b = ember.nn.UninitializedBuffer(dtype=ember.float64)
    assert not b.requires_grad and repr(b) == repr(torch.nn.UninitializedBuffer())
    b.materialize(4)
    assert type(b) is ember.Tensor and b.shape == (4,) and b.dtype == ember.float64
    assert not ember.nn.parameter.is_lazy(b)
    q = copy.deepcopy(ember.nn.UninitializedParameter(requires_grad=False))
    assert ember.nn.parameter.is_lazy(q) and not q.requires_grad


def test_lazy_errors_and_optimizer_holds_materialized_param():
    with pytest.raises(RuntimeError):
        ember.nn.LazyConv2d(4, 3)(ember.ones(3, 5))
    with pytest.raises(ValueError):
        ember.nn.LazyConv2d(4, 3, groups=2)(ember.ones(1, 3, 5, 5))

    class Bare(ember.nn.modules.lazy.LazyModuleMixin, ember.nn.Module):
        def __init__(self):
            super().__init__()
            self.w = ember.nn.UninitializedParameter()

        def forward(self, x):
            return x
    with pytest.raises(NotImplementedError):
        Bare()(ember.ones(1))
    m = ember.nn.LazyLinear(2)
    opt = ember.optim.SGD(m.parameters(), lr=0.1)
    m(ember.ones(3, 4)).sum().backward()
    before = m.weight.detach().clone()
    opt.step()
    assert not np.allclose(before.numpy(), m.weight.detach().numpy())
