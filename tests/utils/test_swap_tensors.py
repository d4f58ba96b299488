"""torch.utils.swap_tensors and torch.__future__ conversion modes: identity and dtype as torch."""
import weakref

import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")

MODES = [(False, False), (True, False), (False, True), (True, True)]


@pytest.fixture(params=MODES, ids=lambda m: f"overwrite={m[0]},swap={m[1]}")
def mode(request):
    yield request.param
    for lib in (ember, torch):
        lib.__future__.set_overwrite_module_params_on_conversion(False)
        lib.__future__.set_swap_module_params_on_conversion(False)


def _scenario(lib, overwrite, swap):
    import importlib
    future = importlib.import_module(lib.__name__ + ".__future__")
    future.set_overwrite_module_params_on_conversion(overwrite)
    future.set_swap_module_params_on_conversion(swap)
    assert future.get_overwrite_module_params_on_conversion() is overwrite
    assert future.get_swap_module_params_on_conversion() is swap
    out = {}
    lib.manual_seed(0)
    m = lib.nn.Linear(2, 3)
    w, b = m.weight, m.bias
    m.weight.grad = lib.ones(3, 2)
    g = m.weight.grad
    m.bfloat16()
    out["bf16"] = (m.weight is w, m.bias is b, str(w.dtype), str(m.weight.dtype), m.weight.grad is g,
                   str(g.dtype), str(m.weight.grad.dtype), type(m.weight).__name__,
                   m.weight.requires_grad, m.weight.grad.requires_grad)
    w2 = m.weight
    m.float()
    out["float"] = (m.weight is w2, str(m.weight.dtype))
    w3 = m.weight
    m.to(lib.float64)
    out["to"] = (m.weight is w3, str(m.weight.dtype))
    w4 = m.weight
    m.cpu()
    m.to("cpu")
    out["cpu"] = (m.weight is w4,)
    m.weight.requires_grad_(False)
    w5 = m.weight
    m.half()
    out["frozen"] = (m.weight is w5, m.weight.requires_grad, str(m.weight.dtype))
    bn = lib.nn.BatchNorm1d(2)
    rm = bn.running_mean
    bn.double()
    out["buffer"] = (bn.running_mean is rm, str(rm.dtype), str(bn.running_mean.dtype))
    src = lib.nn.Linear(2, 3).double()
    for assign in (False, True):
        m = lib.nn.Linear(2, 3)
        w = m.weight
        sd = src.state_dict()
        m.load_state_dict(sd, assign=assign)
        out[f"load{assign}"] = (m.weight is w, str(m.weight.dtype), type(m.weight).__name__,
                                m.weight.requires_grad, m.weight is sd["weight"],
                                np.allclose(m.weight.detach().double().numpy(),
                                            src.weight.detach().numpy()))
    m = lib.nn.Linear(2, 3)
    ref = weakref.ref(m.weight)  # noqa: F841  (kept alive: swap must refuse)
    try:
        m.double()
        out["weakref"] = ("ok", str(m.weight.dtype))
    except RuntimeError as e:
        out["weakref"] = ("RuntimeError", str(e))
    return out


def test_module_conversion_modes_match_torch(mode):
    assert _scenario(ember, *mode) == _scenario(torch, *mode)


def test_swap_tensors_matches_torch():
    res = []
    for lib in (ember, torch):
        a = lib.ones(2, requires_grad=True)
        b = lib.zeros(3, dtype=lib.float64)
        a.foo = 1
        lib.utils.swap_tensors(a, b)
        r = [a.tolist(), b.tolist(), str(a.dtype), str(b.dtype), a.requires_grad, b.requires_grad,
             b.foo, hasattr(a, "foo")]
        p, t = lib.nn.Parameter(lib.ones(2)), lib.zeros(2)
        lib.utils.swap_tensors(p, t)
        r += [type(p).__name__, type(t).__name__, p.requires_grad, t.requires_grad, p.tolist()]
        x = lib.ones(2, requires_grad=True)
        y = x * 2
        z = lib.full((2,), 5.0)
        lib.utils.swap_tensors(y, z)
        r += [y.grad_fn is None, z.grad_fn is not None, y.tolist(), z.tolist()]
        z.sum().backward()
        r += [x.grad.tolist()]
        c, d = lib.ones(2), lib.ones(2)
        keep = weakref.ref(c)  # noqa: F841
        for args in ((c, d), (d, c)):
            with pytest.raises(RuntimeError) as e:
                lib.utils.swap_tensors(*args)
            r.append(str(e.value))
        with pytest.raises(AttributeError):
            lib.utils.swap_tensors(1, d)
        res.append(r)
    assert res[0] == res[1]


def test_future_is_reachable_under_compat():
    import subprocess
    import sys
    code = ("import torch, torch.__future__ as f; from torch.utils import swap_tensors; "
            "print(f.get_swap_module_params_on_conversion(), torch.__future__ is f, "
            "torch.__name__)")
    out = subprocess.run([sys.executable, "-c", "from ember import compat; compat.install(); " + code],
                         capture_output=True, text=True, timeout=120)
    assert out.stdout.split() == ["False", "True", "ember"], out.stderr
