"""Parity with PyTorch on optimizer and lr-scheduler behaviour found by differential fuzzing:
step / state-dict hooks, argument errors, and the schedulers' warnings and state_dict keys."""
import warnings

import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")


def _params(lib):
    return [lib.nn.Parameter(lib.ones(2, 2)), lib.nn.Parameter(lib.zeros(3))]


def _with_grads(lib, ps):
    for p in ps:
        p.grad = lib.ones_like(p)
    return ps


def _warnings(fn):
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        fn()
    return [str(m.message) for m in w]


@pytest.mark.parametrize("name", ["SGD", "Adam", "LBFGS"])
def test_step_hooks(name):
    logs = []
    for lib in (torch, ember):
        ps = _with_grads(lib, _params(lib))
        opt = getattr(lib.optim, name)(ps, lr=0.1)
        log = []
        opt.register_step_pre_hook(lambda o, a, k: log.append(("pre", type(o).__name__, len(a), sorted(k))))
        h = opt.register_step_post_hook(lambda o, a, k: log.append(("post", len(a))))
        closure = lambda: sum((p * p).sum() for p in ps)  # noqa: E731
        opt.step(closure) if name == "LBFGS" else opt.step()
        h.remove()
        opt.step(closure) if name == "LBFGS" else opt.step()
        logs.append(log)
    assert logs[0] == logs[1]


def test_step_pre_hook_may_replace_arguments():
    for lib in (torch, ember):
        ps = _with_grads(lib, _params(lib))
        opt = lib.optim.SGD(ps, lr=0.1)
        opt.register_step_pre_hook(lambda o, a, k: ((o, lambda: 7.0), {}))
        assert opt.step() == 7.0
        opt2 = lib.optim.SGD(_params(lib), lr=0.1)
        opt2.register_step_pre_hook(lambda o, a, k: 3)
        with pytest.raises(RuntimeError, match="must return None or a tuple"):
            opt2.step()


def test_global_step_hooks():
    import importlib
    for lib, mod in ((torch, importlib.import_module("torch.optim.optimizer")), (ember, ember.optim.optimizer)):
        log = []
        h1 = mod.register_optimizer_step_pre_hook(lambda o, a, k: log.append("pre"))
        h2 = mod.register_optimizer_step_post_hook(lambda o, a, k: log.append("post"))
        try:
            lib.optim.Adam(_with_grads(lib, _params(lib))).step()
        finally:
            h1.remove(), h2.remove()
        assert log == ["pre", "post"]


def test_optimizer_state_dict_hooks():
    logs = []
    for lib in (torch, ember):
        log = []
        opt = lib.optim.SGD(_with_grads(lib, _params(lib)), lr=0.1, momentum=0.9)
        opt.step()
        opt.register_state_dict_pre_hook(lambda o: log.append("sd pre"))
        opt.register_state_dict_post_hook(lambda o, sd: (log.append("sd post"), dict(sd, extra=1))[1])
        opt.register_load_state_dict_pre_hook(lambda o, sd: log.append(("load pre", sorted(sd))))
        opt.register_load_state_dict_post_hook(lambda o: log.append("load post"))
        opt.register_load_state_dict_post_hook(lambda o: log.append("load post first"), prepend=True)
        sd = opt.state_dict()
        log.append(sorted(sd))
        opt.load_state_dict(sd)
        logs.append(log)
    assert logs[0] == logs[1]


def test_argument_errors_and_warnings():
    for name in ("SGD", "Adam", "RMSprop", "Adafactor"):
        for lib in (torch, ember):
            with pytest.raises(ValueError, match="Tensor lr must be 1-element"):
                getattr(lib.optim, name)([lib.nn.Parameter(lib.ones(1))], lr=lib.tensor([0.1, 0.2]))
    msgs = []
    for lib in (torch, ember):
        with pytest.raises(TypeError) as e:
            lib.optim.SGD(lib.ones(2, requires_grad=True), lr=0.1)
        msgs.append(str(e.value))
    assert msgs[0] == msgs[1]
    dup = [_warnings(lambda: lib.optim.SGD([p, p], lr=0.1)) for lib in (torch, ember)
           for p in [lib.nn.Parameter(lib.ones(1))]]
    assert dup[0] == dup[1] and len(dup[0]) == 1


def test_radam_defaults_order():
    t = torch.optim.RAdam(_params(torch)).defaults
    e = ember.optim.RAdam(_params(ember)).defaults
    assert list(e) == list(t)


def _sched(lib, name):
    opt = lib.optim.SGD([lib.nn.Parameter(lib.ones(2))], lr=0.1, momentum=0.9)
    S = lib.optim.lr_scheduler
    make = {"StepLR": lambda: S.StepLR(opt, 3), "OneCycleLR": lambda: S.OneCycleLR(opt, 1.0, total_steps=10),
            "CyclicLR": lambda: S.CyclicLR(opt, 0.01, 0.1, step_size_up=3),
            "LambdaLR": lambda: S.LambdaLR(opt, lambda e: 0.9 ** e),
            "CosineAnnealingWarmRestarts": lambda: S.CosineAnnealingWarmRestarts(opt, 3)}
    return opt, make[name]()


@pytest.mark.parametrize("name", ["StepLR", "OneCycleLR", "CyclicLR", "LambdaLR", "CosineAnnealingWarmRestarts"])
def test_scheduler_state_dict_keys(name):
    t = _sched(torch, name)[1].state_dict()
    e = _sched(ember, name)[1].state_dict()
    assert list(e) == list(t)
    assert {k: v for k, v in e.items() if k != "lr_lambdas"} == {k: v for k, v in t.items() if k != "lr_lambdas"}


@pytest.mark.parametrize("name", ["StepLR", "OneCycleLR", "CyclicLR", "LambdaLR"])
def test_scheduler_order_and_get_lr_warnings(name):
    def wrong_order(lib):
        opt, s = _sched(lib, name)
        s.step()                      # before any optimizer.step(): warns once
        opt.step()
        s.step()

    def right_order(lib):
        opt, s = _sched(lib, name)
        opt.step()
        s.step()
        s.get_lr()                    # outside step(): warns

    for case in (wrong_order, right_order):
        assert _warnings(lambda: case(ember)) == _warnings(lambda: case(torch))


def test_resume_without_initial_lr_message():
    msgs = []
    for lib in (torch, ember):
        opt = lib.optim.SGD([lib.nn.Parameter(lib.ones(1))], lr=0.1)
        with pytest.raises(KeyError) as e:
            lib.optim.lr_scheduler.StepLR(opt, 2, last_epoch=3)
        msgs.append(str(e.value))
    assert msgs[0] == msgs[1]


def test_multiplicative_lr_is_not_a_lambda_lr():
    for lib in (torch, ember):
        opt = lib.optim.SGD([lib.nn.Parameter(lib.ones(1))], lr=1.0)
        s = lib.optim.lr_scheduler.MultiplicativeLR(opt, lambda e: 0.5)
        assert not isinstance(s, lib.optim.lr_scheduler.LambdaLR)


RESUMABLE = {
    "ExponentialLR": lambda S, o, le: S.ExponentialLR(o, 0.9, last_epoch=le),
    "CosineAnnealingLR": lambda S, o, le: S.CosineAnnealingLR(o, 5, eta_min=0.01, last_epoch=le),
    "LinearLR": lambda S, o, le: S.LinearLR(o, start_factor=0.2, total_iters=4, last_epoch=le),
    "MultiplicativeLR": lambda S, o, le: S.MultiplicativeLR(o, lambda e: 0.9, last_epoch=le),
    "PolynomialLR": lambda S, o, le: S.PolynomialLR(o, total_iters=6, power=2.0, last_epoch=le),
    "StepLR": lambda S, o, le: S.StepLR(o, 3, gamma=0.5, last_epoch=le),
}


@pytest.mark.parametrize("name", sorted(RESUMABLE))
@pytest.mark.parametrize("last_epoch", [-1, 0, 3])
def test_scheduler_resume_keeps_lr_on_construction(name, last_epoch):
    runs = []
    for lib in (torch, ember):
        opt = lib.optim.SGD([lib.nn.Parameter(lib.ones(2))], lr=0.07)
        if last_epoch >= 0:
            opt.param_groups[0]["initial_lr"] = 0.1
        s = RESUMABLE[name](lib.optim.lr_scheduler, opt, last_epoch)
        lrs = [s.get_last_lr()[0]]
        for _ in range(6):
            opt.step()
            s.step()
            lrs.append(s.get_last_lr()[0])
        runs.append(lrs)
    np.testing.assert_allclose(runs[1], runs[0], rtol=1e-12)


@pytest.mark.parametrize("kind", ["SequentialLR", "ChainedScheduler"])
def test_composite_scheduler_member_errors(kind):
    def build(lib, members):
        S = lib.optim.lr_scheduler
        opt = lib.optim.SGD([lib.nn.Parameter(lib.ones(1))], lr=0.1)
        other = lib.optim.SGD([lib.nn.Parameter(lib.ones(1))], lr=0.1)
        scheds = [S.ReduceLROnPlateau(opt) if m == "plateau" else S.ConstantLR(other if m == "other" else opt)
                  for m in members]
        if kind == "SequentialLR":
            return S.SequentialLR(opt, scheds, milestones=[2])
        return S.ChainedScheduler(scheds, opt)

    for members in (["plateau", "const"], ["const", "other"]):
        with pytest.raises(ValueError) as te:
            build(torch, members)
        with pytest.raises(ValueError) as ee:
            build(ember, members)
        assert str(ee.value).split(" has ")[0] == str(te.value).split(" has ")[0]


@pytest.mark.parametrize("name,kw", [("SGD", {"momentum": 0.9, "nesterov": True}), ("Adam", {}),
                                     ("Adam", {"amsgrad": True}), ("AdamW", {"weight_decay": 0.1}), ("Adamax", {}),
                                     ("Adadelta", {}), ("Rprop", {}), ("RMSprop", {"centered": True, "momentum": 0.5}),
                                     ("Adagrad", {}), ("NAdam", {}), ("RAdam", {}), ("ASGD", {"t0": 1})])
def test_complex_parameters_update_as_real_pairs(name, kw):
    p0 = (np.arange(6, dtype=np.float32) + 1) * (1 + 0.5j)
    g0 = (np.arange(6, dtype=np.float32) - 2.5) * (0.3 - 1j)
    out = []
    for lib in (torch, ember):
        p = lib.nn.Parameter(lib.tensor(p0.astype(np.complex64)))
        opt = getattr(lib.optim, name)([p], lr=0.1, **kw)
        for k in range(4):
            p.grad = lib.tensor((g0 * (k + 1)).astype(np.complex64))
            opt.step()
        out.append(p.detach().numpy())
    np.testing.assert_allclose(out[1], out[0], rtol=1e-5, atol=1e-6)
