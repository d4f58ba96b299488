"""SGD's in-place, block-by-block update against PyTorch on parameters larger than a block,
smaller than one, and not contiguous: the same trajectory over several steps."""
import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")


@pytest.mark.parametrize("kw", [dict(lr=0.1), dict(lr=0.05, momentum=0.9),
                                dict(lr=0.05, momentum=0.9, dampening=0.3),
                                dict(lr=0.05, momentum=0.8, nesterov=True, weight_decay=0.01),
                                dict(lr=0.02, momentum=0.5, maximize=True)])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_sgd_trajectory_matches_torch(kw, dtype):
    rng = np.random.default_rng(0)
    shapes = [(300001,), (7, 5), (3, 40000)]
    init = [rng.standard_normal(s).astype(dtype) for s in shapes]
    grads = [[rng.standard_normal(s).astype(dtype) for s in shapes] for _ in range(4)]
    out = []
    for lib in (ember, torch):
        ps = [lib.nn.Parameter(lib.tensor(a)) for a in init]
        ps[2] = lib.nn.Parameter(lib.tensor(init[2].T.copy()).T)   # not contiguous
        opt = lib.optim.SGD(ps, **kw)
        for gs in grads:
            for p, g in zip(ps, gs):
                p.grad = lib.tensor(g.reshape(p.shape)) if p.is_contiguous() else lib.tensor(g.T.copy()).T
            opt.step()
        out.append([p.detach().numpy().copy() for p in ps])
    for a, b in zip(*out):
        np.testing.assert_allclose(a, b, rtol=1e-6 if dtype == np.float32 else 1e-13, atol=1e-6 if dtype == np.float32 else 1e-13)
