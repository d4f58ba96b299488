"""Optimizers: parameter trajectories over 25 steps match PyTorch's."""
import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")

CASES = [
    ("SGD", dict(lr=0.1)),
    ("SGD", dict(lr=0.05, momentum=0.9)),
    ("SGD", dict(lr=0.05, momentum=0.9, nesterov=True, weight_decay=0.01)),
    ("SGD", dict(lr=0.05, momentum=0.5, dampening=0.3, maximize=True)),
    ("Adam", dict(lr=0.01)),
    ("Adam", dict(lr=0.01, weight_decay=0.1, amsgrad=True)),
    ("Adam", dict(lr=0.02, betas=(0.8, 0.99), eps=1e-6, maximize=True)),
    ("AdamW", dict(lr=0.01)),
    ("AdamW", dict(lr=0.01, weight_decay=0.1, amsgrad=True)),
    ("RMSprop", dict(lr=0.01)),
    ("RMSprop", dict(lr=0.01, momentum=0.9, centered=True, weight_decay=0.1)),
    ("RMSprop", dict(lr=0.01, alpha=0.9, maximize=True)),
    ("Adagrad", dict(lr=0.1)),
    ("Adagrad", dict(lr=0.1, lr_decay=0.01, weight_decay=0.1, initial_accumulator_value=0.5)),
    ("Adadelta", dict()),
    ("Adadelta", dict(lr=0.5, rho=0.8, weight_decay=0.1)),
    ("Adamax", dict(lr=0.02)),
    ("Adamax", dict(lr=0.02, weight_decay=0.1, betas=(0.8, 0.9))),
    ("NAdam", dict(lr=0.02)),
    ("NAdam", dict(lr=0.02, weight_decay=0.1, decoupled_weight_decay=True, momentum_decay=0.01)),
    ("RAdam", dict(lr=0.02)),
    ("RAdam", dict(lr=0.02, weight_decay=0.1, decoupled_weight_decay=True)),
]


def _loss(lib, w, b, x):
    y = (x.unsqueeze(2) * w).sum(1) + b
    return (lib.tanh(y) ** 2).mean() + 0.1 * (w * w).sum()


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name,kw", CASES)
def test_trajectory_matches_pytorch(name, kw, dtype):
    rng = np.random.default_rng(0)
    w0 = rng.standard_normal((4, 3)).astype(dtype)
    b0 = rng.standard_normal(3).astype(dtype)
    x = rng.standard_normal((8, 4)).astype(dtype)
    sides = []
    for lib in (ember, torch):
        w = lib.nn.Parameter(lib.tensor(w0))
        b = lib.nn.Parameter(lib.tensor(b0))
        opt = getattr(lib.optim, name)([{"params": [w]}, {"params": [b], "lr": kw.get("lr", 1.0) / 2}], **kw)
        xs = lib.tensor(x)
        traj = []
        for _ in range(25):
            opt.zero_grad()
            _loss(lib, w, b, xs).backward()
            opt.step()
            traj.append(np.concatenate([w.detach().numpy().ravel(), b.detach().numpy().ravel()]))
        sides.append((np.array(traj), opt))
    tol = 1e-5 if dtype == "float32" else 1e-10
    np.testing.assert_allclose(sides[0][0], sides[1][0], rtol=tol, atol=tol)
    se, st = sides[0][1].state_dict(), sides[1][1].state_dict()
    assert [sorted(g) for g in se["param_groups"]] == [sorted(g) for g in st["param_groups"]]
    assert sorted(se["state"]) == sorted(st["state"])
    for k in st["state"]:
        assert sorted(se["state"][k]) == sorted(st["state"][k])


def test_state_dict_round_trip_resumes_identically():
    def run(opt_cls, w, opt, steps):
        for _ in range(steps):
            opt.zero_grad()
            (w * w * w).sum().backward()
            opt.step()

    w = ember.nn.Parameter(ember.tensor([0.5, -0.3]))
    opt = ember.optim.Adam([w], lr=0.01)
    run(None, w, opt, 5)
    sd = opt.state_dict()
    w2 = ember.nn.Parameter(w.detach().clone())
    opt2 = ember.optim.Adam([w2], lr=0.01)
    opt2.load_state_dict(sd)
    run(None, w, opt, 5)
    run(None, w2, opt2, 5)
    np.testing.assert_array_equal(w.detach().numpy(), w2.detach().numpy())


def test_errors_match_pytorch():
    w = ember.nn.Parameter(ember.ones(1))
    with pytest.raises(ValueError):
        ember.optim.SGD([w], lr=-1)
    with pytest.raises(ValueError):
        ember.optim.SGD([], lr=0.1)
    with pytest.raises(ValueError):
        ember.optim.Adam([w], betas=(1.0, 0.9))
    opt = ember.optim.SGD([w], lr=0.1)
    with pytest.raises(ValueError, match="more than one parameter group"):
        opt.add_param_group({"params": [w]})
    with pytest.raises(TypeError):
        ember.optim.SGD(ember.ones(1), lr=0.1)


@pytest.mark.parametrize("kw", [dict(lr=0.5, max_iter=5), dict(line_search_fn="strong_wolfe", history_size=3),
                                dict(lr=0.1, max_iter=3, max_eval=4)])
def test_lbfgs_matches_pytorch(kw):
    rng = np.random.default_rng(0)
    w0 = rng.standard_normal((3, 2))
    x = rng.standard_normal((6, 3))
    y = rng.standard_normal((6, 2))
    res = []
    for lib in (ember, torch):
        w = lib.nn.Parameter(lib.tensor(w0))
        xs, ys = lib.tensor(x), lib.tensor(y)
        opt = lib.optim.LBFGS([w], **kw)

        def closure():
            opt.zero_grad()
            loss = ((lib.tanh(xs @ w) - ys) ** 2).mean() + 0.01 * (w ** 4).sum()
            loss.backward()
            return loss

        traj = []
        for _ in range(4):
            traj.append(float(opt.step(closure)))
        res.append((np.array(traj), w.detach().numpy().copy(), opt.state[w]["func_evals"]))
    np.testing.assert_allclose(res[0][0], res[1][0], rtol=1e-9)
    np.testing.assert_allclose(res[0][1], res[1][1], rtol=1e-8, atol=1e-10)
    assert res[0][2] == res[1][2]


@pytest.mark.parametrize("name,kw", [
    ("SGD", dict(lr=0.1)), ("SGD", dict(lr=0.1, momentum=0.9, dampening=0.1)),
    ("SGD", dict(lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.01)),
    ("Adam", dict(lr=0.01)), ("Adam", dict(lr=0.01, amsgrad=True, weight_decay=0.1)),
    ("AdamW", dict(lr=0.01, maximize=True)), ("RMSprop", dict(lr=0.01)),
    ("RMSprop", dict(lr=0.01, centered=True, momentum=0.5)), ("Adagrad", dict(lr=0.1, lr_decay=0.01)),
    ("Adadelta", dict(lr=1.0, weight_decay=0.01)),
])
def test_large_parameters_update_in_blocks_like_whole(name, kw, monkeypatch):
    """A parameter above the block size (300,000 elements; a non-contiguous one goes whole)
    is updated block by block: bit-identical to the whole-array update, and to PyTorch."""
    import ember.optim.optimizer as O
    rng = np.random.default_rng(5)
    w0 = rng.standard_normal((600, 500)).astype(np.float32)
    grads = [rng.standard_normal((600, 500)).astype(np.float32) for _ in range(3)]

    def run(block):
        monkeypatch.setattr(O, "BLOCK", block)
        w = ember.nn.Parameter(ember.tensor(w0))
        opt = getattr(ember.optim, name)([w], **kw)
        for g in grads:
            w.grad = ember.tensor(g)
            opt.step()
        return w.detach().numpy()

    blocks, whole = run(1 << 16), run(10 ** 9)
    assert np.array_equal(blocks, whole)
    wt = torch.nn.Parameter(torch.tensor(w0))
    opt = getattr(torch.optim, name)([wt], **kw)
    for g in grads:
        wt.grad = torch.tensor(g)
        opt.step()
    np.testing.assert_allclose(blocks, wt.detach().numpy(), rtol=1e-5, atol=1e-6)
