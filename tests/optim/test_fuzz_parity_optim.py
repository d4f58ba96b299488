"""Parity with PyTorch on optimizer and lr-scheduler behaviour found by differential fuzzing:
step / state-dict hooks, argument errors, and the schedulers' warnings and state_dict keys."""
import warnings

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
