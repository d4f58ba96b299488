"""LR schedulers: learning-rate (and momentum) trajectories over 30 steps equal PyTorch's."""
import math

import pytest

import ember

torch = pytest.importorskip("torch")

CASES = [
    ("LambdaLR", lambda lib: dict(lr_lambda=lambda e: 0.95 ** e)),
    ("MultiplicativeLR", lambda lib: dict(lr_lambda=lambda e: 0.9)),
    ("StepLR", lambda lib: dict(step_size=3, gamma=0.5)),
    ("MultiStepLR", lambda lib: dict(milestones=[2, 5, 5, 11], gamma=0.3)),
    ("ConstantLR", lambda lib: dict(factor=0.25, total_iters=4)),
    ("LinearLR", lambda lib: dict(start_factor=0.1, end_factor=0.9, total_iters=7)),
    ("ExponentialLR", lambda lib: dict(gamma=0.93)),
    ("PolynomialLR", lambda lib: dict(total_iters=12, power=2.0)),
    ("CosineAnnealingLR", lambda lib: dict(T_max=7, eta_min=0.01)),
    ("CosineAnnealingWarmRestarts", lambda lib: dict(T_0=4, T_mult=2, eta_min=0.001)),
    ("CyclicLR", lambda lib: dict(base_lr=0.01, max_lr=0.1, step_size_up=4, mode="triangular2")),
    ("CyclicLR", lambda lib: dict(base_lr=0.01, max_lr=0.1, step_size_up=3, step_size_down=5, mode="exp_range",
                                  gamma=0.97)),
    ("OneCycleLR", lambda lib: dict(max_lr=0.5, total_steps=31)),
    ("OneCycleLR", lambda lib: dict(max_lr=0.5, epochs=3, steps_per_epoch=11, three_phase=True,
                                    anneal_strategy="linear")),
]


def _run(lib, name, kwargs, opt_name="SGD"):
    ps = [lib.nn.Parameter(lib.ones(2)), lib.nn.Parameter(lib.ones(1))]
    if opt_name == "SGD":
        opt = lib.optim.SGD([{"params": [ps[0]]}, {"params": [ps[1]], "lr": 0.05}], lr=0.1, momentum=0.9)
    else:
        opt = lib.optim.Adam([{"params": [ps[0]]}, {"params": [ps[1]], "lr": 0.05}], lr=0.1)
    sched = getattr(lib.optim.lr_scheduler, name)(opt, **kwargs(lib))
    traj = [list(sched.get_last_lr())]
    moms = []
    for _ in range(30):
        opt.step()
        sched.step()
        traj.append(list(sched.get_last_lr()))
        g = opt.param_groups[0]
        moms.append(g.get("momentum", g.get("betas", (None,))[0]))
    return traj, moms, sched


@pytest.mark.parametrize("opt_name", ["SGD", "Adam"])
@pytest.mark.parametrize("name,kwargs", CASES)
def test_trajectory_matches_pytorch(name, kwargs, opt_name):
    te, me, se = _run(ember, name, kwargs, opt_name)
    tt, mt, st = _run(torch, name, kwargs, opt_name)
    for a, b in zip(te, tt):
        assert a == pytest.approx(b, rel=1e-12, abs=1e-15)
    for a, b in zip(me, mt):
        assert a == pytest.approx(b, rel=1e-12)
    assert sorted(k for k in se.state_dict() if not k.startswith("_")) == \
        sorted(k for k in st.state_dict() if not k.startswith("_"))


def test_sequential_and_chained():
    out = []
    for lib in (ember, torch):
        sch = lib.optim.lr_scheduler
        w = lib.nn.Parameter(lib.ones(1))
        opt = lib.optim.SGD([w], lr=1.0)
        s = sch.SequentialLR(opt, [sch.LinearLR(opt, 0.1, total_iters=3), sch.CosineAnnealingLR(opt, 5),
                                   sch.StepLR(opt, 2)], milestones=[3, 8])
        traj = [s.get_last_lr()[0]]
        for _ in range(15):
            opt.step()
            s.step()
            traj.append(s.get_last_lr()[0])
        w2 = lib.nn.Parameter(lib.ones(1))
        opt2 = lib.optim.SGD([w2], lr=1.0)
        c = sch.ChainedScheduler([sch.ConstantLR(opt2, 0.5, 3), sch.ExponentialLR(opt2, 0.9)])
        for _ in range(6):
            opt2.step()
            c.step()
            traj.append(c.get_last_lr()[0])
        out.append(traj)
    assert out[0] == pytest.approx(out[1], rel=1e-12)


def test_reduce_on_plateau_matches():
    metrics = [1.0, 0.9, 0.95, 0.95, 0.96, 0.97, 0.5, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6]
    for kw in [dict(patience=2), dict(mode="max", patience=1, factor=0.5, cooldown=2, threshold_mode="abs"),
               dict(patience=0, min_lr=0.03)]:
        res = []
        for lib in (ember, torch):
            w = lib.nn.Parameter(lib.ones(1))
            opt = lib.optim.SGD([w], lr=1.0)
            s = lib.optim.lr_scheduler.ReduceLROnPlateau(opt, **kw)
            traj = []
            for m in metrics:
                s.step(m)
                traj.append(s.get_last_lr()[0])
            res.append(traj)
        assert res[0] == pytest.approx(res[1])


def test_scheduler_state_dict_round_trip():
    w = ember.nn.Parameter(ember.ones(1))
    opt = ember.optim.SGD([w], lr=1.0)
    s = ember.optim.lr_scheduler.CosineAnnealingLR(opt, 10)
    for _ in range(4):
        opt.step()
        s.step()
    sd = s.state_dict()
    assert "optimizer" not in sd and sd["last_epoch"] == 4
    s2 = ember.optim.lr_scheduler.CosineAnnealingLR(opt, 10, last_epoch=3)
    s2.load_state_dict(sd)
    assert s2.last_epoch == 4 and math.isclose(s2.get_last_lr()[0], s.get_last_lr()[0])
