"""Parity with torch 2.13 for Module state ordering, ParameterDict/ModuleDict order and repr, and load_state_dict."""
from collections import OrderedDict

import pytest

import ember

torch = pytest.importorskip("torch")


def _pdict_story(m):
    P = m.nn.Parameter
    d = m.nn.ParameterDict({"b": P(m.ones(1)), "a": P(m.ones(2, 3))})  # plain dict: sorted
    d["b"] = P(m.zeros(2))                                              # reassignment keeps its place
    d["0"] = m.zeros(1)                                                 # plain tensor becomes a Parameter
    d.update([("q", P(m.ones(1))), ("c", P(m.ones(1))), ("a", P(m.ones(3)))])
    d.update(OrderedDict([("z", P(m.ones(1))), ("y", P(m.ones(1)))]))
    d.update({"w": P(m.ones(1)), "v": P(m.ones(1).double())})
    d2 = m.nn.ParameterDict(d)
    return (list(d.keys()), list(d.state_dict()), [n for n, _ in d.named_parameters()], repr(d),
            list(d2.keys()), type(d["0"]).__name__)


def test_parameter_dict_order_and_repr():
    assert _pdict_story(ember) == _pdict_story(torch)


@pytest.mark.parametrize("n", [0, 1, 2])
def test_parameter_containers_repr(n):
    def make(m):
        ps = [m.nn.Parameter(m.ones(2, 1)), m.nn.Parameter(m.ones(3).double())][:n]
        return repr(m.nn.ParameterList(ps)), repr(m.nn.ParameterDict({f"p{i}": p for i, p in enumerate(ps)}))
    assert make(ember) == make(torch)


def test_module_dict_order():
    def story(m):
        d = m.nn.ModuleDict({"b": m.nn.ReLU(), "a": m.nn.Tanh()})
        d.update([("c", m.nn.ReLU()), ("a", m.nn.Sigmoid())])
        d["b"] = m.nn.Identity()
        return list(d.keys()), repr(d)
    assert story(ember) == story(torch)


def test_reassigned_parameter_and_module_keep_position():
    def story(m):
        lin = m.nn.Linear(2, 3)
        lin.weight = m.nn.Parameter(m.ones(3, 2))
        seq = m.nn.Sequential(m.nn.Linear(1, 1), m.nn.ReLU())
        seq[0] = m.nn.Linear(1, 2)
        setattr(seq, "0", m.nn.Linear(1, 3))
        return list(lin.state_dict()), [n for n, _ in lin.named_parameters()], list(seq.state_dict()), repr(seq)
    assert story(ember) == story(torch)


def test_load_state_dict_non_strict_result():
    def story(m):
        net = m.nn.Sequential(m.nn.Linear(2, 3), m.nn.Linear(3, 1))
        r = net.load_state_dict({"0.weight": m.zeros(3, 2), "zz": m.zeros(1), "aa": m.zeros(1)}, strict=False)
        ok = net.load_state_dict(net.state_dict())
        return (type(r).__name__, repr(r), r.missing_keys, r.unexpected_keys, tuple(r), r._fields,
                type(ok).__name__, repr(ok), tuple(ok))
    assert story(ember) == story(torch)


@pytest.mark.parametrize("sd", [
    {"weight": (3, 3), "bias": (3,)},
    {"weight": (3, 2), "b": (3,), "c": (1,)},
    {"weight": (2, 2), "bias": (4,), "extra": (1,)},
    {"bias": (3,)},
])
def test_load_state_dict_strict_errors(sd):
    msgs = []
    for m in (ember, torch):
        net = m.nn.Sequential(m.nn.Linear(2, 3))
        with pytest.raises(RuntimeError) as e:
            net.load_state_dict({"0." + k: m.zeros(*s) for k, s in sd.items()})
        msgs.append(str(e.value))
    assert msgs[0] == msgs[1]
