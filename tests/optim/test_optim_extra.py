"""Rprop, ASGD, SparseAdam, Adafactor and Muon: trajectories, state_dict layout and errors vs torch."""
import itertools

import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")

SHAPES = ((3, 4), (5,), (2, 3, 4))
MATS = ((3, 4), (5, 3), (6, 4))


def _run(L, name, kw, shapes=SHAPES, steps=6, split_at=None):
    rng = np.random.default_rng(0)
    ps = [L.nn.Parameter(L.tensor(rng.standard_normal(s).astype(np.float32))) for s in shapes]
    opt = getattr(L.optim, name)(ps, **kw)
    gr = np.random.default_rng(1)
    for k in range(steps):
        if k == split_at:  # continue in a fresh optimizer from the state_dict
            sd = opt.state_dict()
            opt = getattr(L.optim, name)(ps, **kw)
            opt.load_state_dict(sd)
        for p in ps:
            p.grad = L.tensor(gr.standard_normal(tuple(p.shape)).astype(np.float32))
        opt.step()
    return [p.detach().numpy() for p in ps], opt.state_dict()


def _grid(**options):
    keys = list(options)
    return [dict(zip(keys, vals)) for vals in itertools.product(*options.values())]


CASES = (
    [("Rprop", kw, SHAPES, 0.0) for kw in _grid(lr=[0.01, 0.3], etas=[(0.5, 1.2), (0.3, 1.7)],
                                                 step_sizes=[(1e-6, 50), (0.02, 0.4)], maximize=[False, True],
                                                 foreach=[None, True])]
    + [("ASGD", kw, SHAPES, 1e-6) for kw in _grid(lr=[0.01, 0.5], lambd=[1e-4, 0.1], alpha=[0.75, 0.5],
                                                   t0=[1e6, 2], weight_decay=[0, 0.1], maximize=[False, True])]
    + [("Adafactor", kw, SHAPES, 1e-6) for kw in _grid(lr=[0.01, 0.5], beta2_decay=[-0.8, -0.5],
                                                        eps=[(None, 1e-3), (1e-4, 1e-2)], d=[1.0, 2.0],
                                                        weight_decay=[0.0, 0.1], maximize=[False, True])]
)


@pytest.mark.parametrize("name,kw,shapes,tol", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_trajectory_and_state_dict_match_torch(name, kw, shapes, tol):
    e, es = _run(ember, name, kw, shapes)
    t, ts = _run(torch, name, kw, shapes)
    for a, b in zip(e, t):
        np.testing.assert_allclose(a, b, rtol=tol, atol=tol)
    assert es["param_groups"] == ts["param_groups"]
    assert es["state"].keys() == ts["state"].keys()
    for i in ts["state"]:
        assert list(es["state"][i]) == list(ts["state"][i])
        for k, v in ts["state"][i].items():
            ev = es["state"][i][k]
            assert tuple(ev.shape) == tuple(v.shape) and str(ev.dtype) == str(v.dtype), (i, k)
            np.testing.assert_allclose(ev.numpy(), v.numpy(), rtol=max(tol, 1e-6), atol=max(tol, 1e-6))


@pytest.mark.parametrize("name,kw,shapes", [("Rprop", {}, SHAPES), ("ASGD", dict(t0=2), SHAPES),
                                            ("Adafactor", {}, SHAPES), ("Muon", {}, MATS)])
def test_state_dict_round_trip_continues_the_trajectory(name, kw, shapes):
    whole, _ = _run(ember, name, kw, shapes)
    resumed, _ = _run(ember, name, kw, shapes, split_at=3)
    for a, b in zip(whole, resumed):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("kw", _grid(lr=[1e-3, 0.05], momentum=[0.95, 0.5], nesterov=[True, False],
                                     weight_decay=[0.1, 0.0], adjust_lr_fn=[None, "match_rms_adamw"])
                         + [dict(ns_steps=3, eps=1e-3), dict(ns_coefficients=(3.0, -3.2, 1.2))])
def test_muon_matches_torch(kw):
    # the Newton-Schulz iteration runs in bfloat16 (as torch); a one-ulp difference in one product
    # can move an element by ~1% of a step, so the tolerance is relative to the step size
    e, es = _run(ember, "Muon", kw, MATS)
    t, ts = _run(torch, "Muon", kw, MATS)
    lr = kw.get("lr", 1e-3)
    for a, b in zip(e, t):
        np.testing.assert_allclose(a, b, rtol=0, atol=0.15 * lr)
    assert es["param_groups"] == ts["param_groups"]
    assert list(es["state"][0]) == list(ts["state"][0]) == ["momentum_buffer"]


def test_muon_first_step_is_exact_for_small_matrices():
    e, _ = _run(ember, "Muon", dict(lr=0.1), ((3, 4), (5, 3)), steps=1)
    t, _ = _run(torch, "Muon", dict(lr=0.1), ((3, 4), (5, 3)), steps=1)
    for a, b in zip(e, t):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("name,kw", [
    ("Rprop", dict(lr=-1)), ("Rprop", dict(etas=(1.5, 1.2))), ("ASGD", dict(lr=-1)),
    ("ASGD", dict(weight_decay=-1)), ("SparseAdam", dict(lr=-1)), ("SparseAdam", dict(eps=-1)),
    ("SparseAdam", dict(betas=(1.0, 0.9))), ("Adafactor", dict(lr=-1)), ("Adafactor", dict(beta2_decay=0.5)),
    ("Adafactor", dict(eps=(-1, 1e-3))), ("Adafactor", dict(d=0.5)), ("Adafactor", dict(weight_decay=-1)),
    ("Muon", dict(lr=-1)), ("Muon", dict(momentum=-1)), ("Muon", dict(adjust_lr_fn="x")),
])
def test_bad_arguments_raise_like_torch(name, kw):
    for L in (ember, torch):
        p = L.nn.Parameter(L.ones(2, 2))
        with pytest.raises(ValueError):
            getattr(L.optim, name)([p], **kw)


def test_sparse_adam_and_muon_refusals():
    for L in (ember, torch):
        w = L.nn.Parameter(L.ones(2, 2))
        opt = L.optim.SparseAdam([w])
        assert opt.param_groups[0]["betas"] == (0.9, 0.999)
        w.grad = L.ones(2, 2)
        with pytest.raises(RuntimeError, match="SparseAdam does not support dense gradients"):
            opt.step()
        with pytest.raises(ValueError, match="Muon only supports 2D parameters"):
            L.optim.Muon([L.nn.Parameter(L.ones(3))])


def test_lr_scheduler_reexports():
    import torch.optim.lr_scheduler as T
    import ember.optim.lr_scheduler as E
    assert E.EPOCH_DEPRECATION_WARNING == T.EPOCH_DEPRECATION_WARNING
    assert E.inf == T.inf and E.Optimizer is ember.optim.Optimizer and E.Tensor is ember.Tensor


def test_swap_in_optimizer_params_and_state_matches_torch():
    res = []
    for L in (ember, torch):
        w = L.nn.Parameter(L.tensor([1.0, 2.0]))
        w.grad = L.tensor([1.0, -1.0])
        opt = L.optim.Adam([w], lr=0.1)
        opt.step()
        other = L.tensor([3.0, 4.0], requires_grad=True)
        other.grad = L.tensor([0.5, 0.5])
        sd = opt.state_dict()
        sd = {"state": {k: {n: v.clone() for n, v in s.items()} for k, s in sd["state"].items()},
              "param_groups": [dict(g, lr=0.01) for g in sd["param_groups"]]}
        with L.optim.swap_in_optimizer_params_and_state(opt, {"w": other}, sd):
            opt.step()
            inside_lr = opt.param_groups[0]["lr"]
        res.append((w.detach().numpy().tolist(), other.detach().numpy().tolist(), inside_lr,
                    opt.param_groups[0]["lr"], sd["state"][0]["exp_avg"].numpy().tolist(),
                    float(sd["state"][0]["step"]), float(opt.state[w]["step"])))
    np.testing.assert_allclose(np.array(res[0][:2]), np.array(res[1][:2]), rtol=1e-6)
    assert res[0][2:4] == res[1][2:4] and res[0][5:] == res[1][5:]
    np.testing.assert_allclose(res[0][4], res[1][4], rtol=1e-6)
