"""Parity with PyTorch on ``nn.init`` edge cases found by differential fuzzing: integer tensors,
invalid ranges and the truncated-normal warning."""
import warnings

import pytest

import ember

torch = pytest.importorskip("torch")


@pytest.mark.parametrize("name", ["uniform_", "normal_", "xavier_uniform_", "xavier_normal_", "kaiming_uniform_",
                                  "kaiming_normal_", "trunc_normal_", "orthogonal_"])
def test_random_init_refuses_integers(name):
    msgs = []
    for lib in (torch, ember):
        with pytest.raises(NotImplementedError) as e:
            getattr(lib.nn.init, name)(lib.zeros(3, 4, dtype=lib.long))
        msgs.append(str(e.value))
    assert msgs[0] == msgs[1]


@pytest.mark.parametrize("call", [lambda lib: lib.nn.init.uniform_(lib.zeros(3), 1.5, 0.5),
                                  lambda lib: lib.nn.init.uniform_(lib.zeros(3), 1, 0),
                                  lambda lib: lib.nn.init.normal_(lib.zeros(3), 0.0, -1.0)])
def test_invalid_distribution_arguments(call):
    msgs = []
    for lib in (torch, ember):
        with pytest.raises(RuntimeError) as e:
            call(lib)
        msgs.append(str(e.value))
    assert msgs[0] == msgs[1]


def test_trunc_normal_far_mean_warns():
    out = []
    for lib in (torch, ember):
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            lib.nn.init.trunc_normal_(lib.zeros(10), mean=5.0, std=1.0)
        out.append([str(m.message) for m in w])
    assert out[0] == out[1] and len(out[0]) == 1
