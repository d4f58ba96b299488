"""Parity with PyTorch on ``nn.Module`` and container behaviour found by differential fuzzing:
extra state in state_dict, the public state-dict hooks, set_submodule/to_empty, Sequential
arithmetic and renumbering, and ParameterDict's dict methods."""
from collections import OrderedDict

import pytest

import ember

torch = pytest.importorskip("torch")


def _extra_net(lib):
    class M(lib.nn.Module):
        def __init__(self):
            super().__init__()
            self.lin = lib.nn.Linear(2, 2)
            self.st = {"k": 1}

        def get_extra_state(self):
            return self.st

        def set_extra_state(self, st):
            self.st = st

    class W(lib.nn.Module):
        def __init__(self):
            super().__init__()
            self.m = M()
            self.r = lib.nn.ReLU()
    return W()


def test_extra_state_round_trip():
    for lib in (torch, ember):
        w = _extra_net(lib)
        sd = w.state_dict()
        assert list(sd) == ["m._extra_state", "m.lin.weight", "m.lin.bias"]   # own entries before children's
        assert sd["m._extra_state"] == {"k": 1}
        sd["m._extra_state"] = {"k": 5}
        other = _extra_net(lib)
        assert repr(other.load_state_dict(sd)) == "<All keys matched successfully>"
        assert other.m.st == {"k": 5}


def _error(fn):
    with pytest.raises(Exception) as e:
        fn()
    return type(e.value), str(e.value)


def test_extra_state_missing_and_unexpected():
    def missing(lib):
        sd = _extra_net(lib).state_dict()
        sd.pop("m._extra_state")
        return lambda: _extra_net(lib).load_state_dict(sd)

    assert _error(missing(ember)) == _error(missing(torch))
    sd = {"weight": torch.ones(2, 2), "bias": torch.ones(2), "_extra_state": 3}
    esd = {"weight": ember.ones(2, 2), "bias": ember.ones(2), "_extra_state": 3}
    assert _error(lambda: ember.nn.Linear(2, 2).load_state_dict(esd)) == \
        _error(lambda: torch.nn.Linear(2, 2).load_state_dict(sd))
    assert _error(lambda: ember.nn.Module().get_extra_state()) == _error(lambda: torch.nn.Module().get_extra_state())


def test_public_state_dict_hooks():
    logs = []
    for lib in (torch, ember):
        m, log = lib.nn.Linear(2, 2), []
        m.register_load_state_dict_pre_hook(lambda mod, sd, prefix, *a: log.append((type(mod).__name__, prefix,
                                                                                   sorted(sd))))
        m.register_state_dict_post_hook(lambda mod, sd, prefix, meta: log.append((prefix, sorted(sd))))
        m.load_state_dict(m.state_dict())
        logs.append(log)
        m2 = lib.nn.Linear(2, 2)
        m2.register_state_dict_post_hook(lambda *a: {})
        with pytest.raises(RuntimeError, match="post-hook must return None"):
            m2.state_dict()
    assert logs[0] == logs[1]


@pytest.mark.parametrize("target,module,kw", [("", "relu", {}), ("0", 3, {}), ("x.y", "relu", {}),
                                              ("zz", "relu", {"strict": True}), ("1", "relu", {})])
def test_set_submodule(target, module, kw):
    out = []
    for lib in (torch, ember):
        net = lib.nn.Sequential(lib.nn.Linear(2, 2))
        mod = lib.nn.ReLU() if module == "relu" else module
        try:
            net.set_submodule(target, mod, **kw)
            out.append(repr(net))
        except Exception as e:  # noqa: BLE001 - compared below
            out.append((type(e), str(e)))
    assert out[0] == out[1]


def test_to_empty_keeps_shapes_and_dtypes():
    t = torch.nn.BatchNorm1d(3).to_empty(device="cpu").state_dict()
    e = ember.nn.BatchNorm1d(3).to_empty(device="cpu").state_dict()
    assert [(k, tuple(v.shape), str(v.dtype)) for k, v in e.items()] == \
        [(k, tuple(v.shape), str(v.dtype)) for k, v in t.items()]


def _named(lib):
    return lib.nn.Sequential(OrderedDict([("a", lib.nn.Linear(1, 1)), ("b", lib.nn.ReLU()),
                                          ("c", lib.nn.Linear(1, 1))]))


@pytest.mark.parametrize("op", [
    lambda lib: repr(lib.nn.Sequential(lib.nn.ReLU(), lib.nn.Tanh()) * 2),
    lambda lib: repr(2 * lib.nn.Sequential(lib.nn.ReLU())),
    lambda lib: (lambda s: (s.__imul__(3), repr(s))[1])(lib.nn.Sequential(lib.nn.ReLU(), lib.nn.Tanh())),
    lambda lib: (lambda s: (s.__iadd__(_named(lib)), list(s._modules))[1])(_named(lib)),
    lambda lib: (lambda s: (s.__delitem__(1), list(s._modules), list(s.state_dict()))[1:])(_named(lib)),
    lambda lib: (lambda s: (s.pop(0), list(s._modules))[1])(_named(lib)),
    lambda lib: lib.nn.Sequential(lib.nn.ReLU()) * 0,
    lambda lib: lib.nn.Sequential(lib.nn.ReLU()) * 2.0,
    lambda lib: lib.nn.Sequential(lib.nn.ReLU()) + lib.nn.ModuleList(),
    lambda lib: lib.nn.Sequential(lib.nn.ReLU()).insert(0, 3),
])
def test_sequential_operators(op):
    out = []
    for lib in (torch, ember):
        try:
            out.append(op(lib))
        except Exception as e:  # noqa: BLE001 - compared below
            out.append(type(e))
    assert out[0] == out[1]


@pytest.mark.parametrize("op", [
    lambda lib, p: (list((p | {"z": lib.ones(1)}).keys()), type(p | {"z": lib.ones(1)}).__name__),
    lambda lib, p: (list(({"q": lib.ones(1)} | p).keys()), type({"q": lib.ones(1)} | p).__name__),
    lambda lib, p: (p.__ior__({"z": lib.ones(1)}), list(p.keys()))[1],
    lambda lib, p: (p.popitem()[0], list(p.keys())),
    lambda lib, p: (list(p.fromkeys(["x", "y"], lib.ones(1)).keys()), list(p.copy().keys()), list(reversed(p))),
    lambda lib, p: (tuple(p.setdefault("k", lib.zeros(1)).shape), p.get("nope"), p.get("k").shape == (1,),
                    list(p.keys())),
    lambda lib, p: repr(p),
])
def test_parameter_dict_methods(op):
    out = [op(lib, lib.nn.ParameterDict({"b": 3, "a": lib.ones(2), "c": "x"})) for lib in (torch, ember)]
    assert out[0] == out[1]


@pytest.mark.parametrize("name,base", [("ReLU6", "Hardtanh"), ("ZeroPad1d", "ConstantPad1d"),
                                       ("ZeroPad2d", "ConstantPad2d"), ("ZeroPad3d", "ConstantPad3d")])
def test_layer_class_hierarchy(name, base):
    assert issubclass(getattr(ember.nn, name), getattr(ember.nn, base)) == \
        issubclass(getattr(torch.nn, name), getattr(torch.nn, base))
    for args in ((), (True,)) if name == "ReLU6" else ((1,), ((1, 2) * int(name[-2]),)):
        t, e = getattr(torch.nn, name)(*args), getattr(ember.nn, name)(*args)
        assert repr(e) == repr(t)
        assert {k: v for k, v in vars(e).items() if not k.startswith("_") and k != "training"} == \
            {k: v for k, v in vars(t).items() if not k.startswith("_") and k != "training"}


def test_hardtanh_deprecated_keywords():
    for lib in (torch, ember):
        with pytest.warns(FutureWarning, match="min_value"):
            m = lib.nn.Hardtanh(min_value=-2.0, max_value=3.0)
        assert (m.min_val, m.max_val) == (-2.0, 3.0)


def test_sync_batch_norm_bias_flag():
    t = torch.nn.SyncBatchNorm(3, bias=False)
    e = ember.nn.SyncBatchNorm(3, bias=False)
    assert repr(e) == repr(t) and list(e.state_dict()) == list(t.state_dict())


def _lin(lib):
    m = lib.nn.Linear(2, 3)
    with lib.no_grad():
        m.weight.fill_(0.5), m.bias.fill_(0.1)
    return m


def test_always_call_forward_hook_runs_when_forward_raises():
    logs = []
    for lib in (torch, ember):
        m, log = _lin(lib), []
        m.register_forward_hook(lambda mod, a, o: log.append(("always", o)), always_call=True)
        m.register_forward_hook(lambda mod, a, o: log.append("plain"))
        with pytest.raises(RuntimeError):
            m(lib.ones(1, 5))
        m(lib.ones(1, 2))
        logs.append([e if isinstance(e, str) or e[1] is None else (e[0], "out") for e in log])
    assert logs[0] == logs[1]


def test_global_module_hooks():
    import importlib
    logs = []
    for lib in (torch, ember):
        mod = importlib.import_module(lib.__name__ + ".nn.modules.module")
        log = []
        handles = [mod.register_module_forward_pre_hook(lambda m, a: log.append(("pre", type(m).__name__))),
                   mod.register_module_forward_hook(lambda m, a, k, o: log.append(("fwd", sorted(k))),
                                                    with_kwargs=True),
                   mod.register_module_full_backward_hook(lambda m, gi, go: log.append(("bwd", len(gi)))),
                   mod.register_module_buffer_registration_hook(lambda m, n, b: log.append(("buf", n))),
                   mod.register_module_parameter_registration_hook(lambda m, n, p: log.append(("par", n))),
                   mod.register_module_module_registration_hook(lambda m, n, c: log.append(("mod", n)))]
        try:
            net = lib.nn.Sequential(lib.nn.Linear(2, 2))
            net.register_buffer("steps", lib.zeros(1))
            net(lib.ones(1, 2, requires_grad=True)).sum().backward()
        finally:
            for h in handles:
                h.remove()
        logs.append(log)
    assert logs[0] == logs[1]


def test_assignment_error_messages():
    cases = [lambda lib: setattr(lib.nn.BatchNorm1d(3), "running_mean", 3),
             lambda lib: lib.nn.Module().register_parameter("a", lib.ones(1)),
             lambda lib: setattr(lib.nn.Linear(2, 2), "weight", 3)]
    for case in cases:
        msgs = []
        for lib in (torch, ember):
            with pytest.raises(TypeError) as e:
                case(lib)
            msgs.append(str(e.value))
        assert msgs[0] == msgs[1]


def test_batch_norm_loads_state_without_num_batches_tracked():
    for lib in (torch, ember):
        bn = lib.nn.BatchNorm1d(2)
        bn.num_batches_tracked.fill_(7)
        sd = {k: v for k, v in lib.nn.BatchNorm1d(2).state_dict().items() if k != "num_batches_tracked"}
        assert repr(bn.load_state_dict(sd)) == "<All keys matched successfully>"
        assert int(bn.num_batches_tracked) == 7
        sd2 = lib.nn.BatchNorm1d(2).state_dict()        # (PyTorch's metadata: version 2 wants the key)
        del sd2["num_batches_tracked"]
        with pytest.raises(RuntimeError, match="num_batches_tracked"):
            bn.load_state_dict(sd2)


@pytest.mark.parametrize("name", ["ConstantPad1d", "ConstantPad2d", "ZeroPad2d", "ReflectionPad2d", "ReplicationPad2d",
                                  "CircularPad2d"])
@pytest.mark.parametrize("args", [(1,), (1, 2.0)])
def test_padding_layer_arguments(name, args):
    def run(lib):
        try:
            m = getattr(lib.nn, name)(*args)
        except TypeError:
            return "TypeError"
        return repr(m), getattr(m, "value", None), m(lib.ones(1, 2, 3, 3)).sum().item()
    assert run(ember) == run(torch)


@pytest.mark.parametrize("name,shape", [("CircularPad1d", (1, 2, 3, 3)), ("CircularPad2d", (3, 3)),
                                        ("CircularPad3d", (2, 3, 3)), ("ReflectionPad1d", (1, 2, 3, 3))])
def test_padding_layer_input_dims(name, shape):
    with pytest.raises(Exception) as te:
        getattr(torch.nn, name)(1)(torch.ones(shape))
    with pytest.raises(type(te.value)) as ee:
        getattr(ember.nn, name)(1)(ember.ones(shape))
    assert str(ee.value) == str(te.value)
