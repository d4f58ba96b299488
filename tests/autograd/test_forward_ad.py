"""torch.autograd.forward_ad parity: tangents of make_dual/unpack_dual against torch's, float64."""
import numpy as np
import pytest

import ember
import ember.autograd.forward_ad as efw

torch = pytest.importorskip("torch")
import torch.autograd.forward_ad as tfw  # noqa: E402

RNG = np.random.default_rng(0)


def _arr(*shape, positive=False):
    a = RNG.standard_normal(shape)
    return np.abs(a) + 0.5 if positive else a


# name -> (function of (lib, *tensors), input arrays)
CASES = {
    "mul_add": (lambda L, x, y: x * y + x.sin(), [_arr(3, 4), _arr(3, 4)]),
    "div_pow": (lambda L, x, y: x / y + x ** 3, [_arr(5), _arr(5, positive=True)]),
    "exp_log": (lambda L, x: L.exp(x) * L.log(x), [_arr(4, positive=True)]),
    "tanh_sigmoid": (lambda L, x: L.tanh(x) + L.sigmoid(2 * x), [_arr(2, 3)]),
    "matmul": (lambda L, a, b: a @ b, [_arr(3, 4), _arr(4, 2)]),
    "bmm_broadcast": (lambda L, a, b: L.matmul(a, b), [_arr(2, 3, 4), _arr(4, 5)]),
    "sum_mean": (lambda L, x: x.sum(0) * x.mean(), [_arr(3, 4)]),
    "norm_max": (lambda L, x: x.norm() + x.amax(1).sum(), [_arr(3, 4)]),
    "softmax": (lambda L, x: L.nn.functional.softmax(x, dim=-1), [_arr(2, 5)]),
    "log_softmax_ce": (lambda L, x: L.nn.functional.cross_entropy(x, L.tensor([1, 0, 3])),
                       [_arr(3, 4)]),
    "relu_gelu": (lambda L, x: L.nn.functional.relu(x) + L.nn.functional.gelu(x), [_arr(6)]),
    "linear": (lambda L, x, w, b: L.nn.functional.linear(x, w, b), [_arr(2, 3), _arr(4, 3), _arr(4)]),
    "conv2d": (lambda L, x, w: L.nn.functional.conv2d(x, w, padding=1),
               [_arr(1, 2, 5, 5), _arr(3, 2, 3, 3)]),
    "layer_norm": (lambda L, x: L.nn.functional.layer_norm(x, (4,)), [_arr(3, 4)]),
    "reshape_index": (lambda L, x: x.reshape(4, 3)[1:, ::2].t().cumsum(0), [_arr(3, 4)]),
    "cat_stack": (lambda L, x, y: L.cat([x, y]).reshape(2, 2, 3) * L.stack([x, y]), [_arr(2, 3), _arr(2, 3)]),
    "where_abs": (lambda L, x: L.where(x > 0, x.abs().sqrt(), x * x), [_arr(7)]),
    "mlp": (lambda L, x, w1, w2: L.tanh(x @ w1).relu() @ w2, [_arr(4, 3), _arr(3, 5), _arr(5, 2)]),
}


def _run(lib, fw, fn, arrays, tangents, dual_mask):
    ins = [lib.tensor(a, dtype=lib.float64) for a in arrays]
    with fw.dual_level():
        args = [fw.make_dual(x, lib.tensor(t, dtype=lib.float64)) if m else x
                for x, t, m in zip(ins, tangents, dual_mask)]
        out = fn(lib, *args)
        p, t = fw.unpack_dual(out)
        return p.detach().numpy(), None if t is None else t.numpy()


@pytest.mark.parametrize("name", sorted(CASES))
def test_tangent_matches_torch(name):
    fn, arrays = CASES[name]
    tangents = [RNG.standard_normal(a.shape) for a in arrays]
    masks = [[True] * len(arrays)] + ([[i == 0 for i in range(len(arrays))]] if len(arrays) > 1 else [])
    for mask in masks:
        ep, et = _run(ember, efw, fn, arrays, tangents, mask)
        tp, tt = _run(torch, tfw, fn, arrays, tangents, mask)
        np.testing.assert_allclose(ep, tp, rtol=1e-10, atol=1e-12)
        assert (et is None) == (tt is None)
        np.testing.assert_allclose(et, tt, rtol=1e-8, atol=1e-10)


def test_unpack_details_match_torch():
    res = []
    for lib, fw in ((ember, efw), (torch, tfw)):
        x = lib.tensor([1.0, 2.0, 3.0], dtype=lib.float64)
        tg = lib.tensor([1.0, 0.5, 0.0], dtype=lib.float64)
        r = [fw.unpack_dual(x).tangent is None, fw.unpack_dual(x).primal is x]
        with fw.dual_level() as lvl:
            r.append(lvl)
            d = fw.make_dual(x, tg)
            u = fw.unpack_dual(d)
            r += [type(u).__name__, u._fields, u.tangent is tg, u.primal.tolist()]
            r += [fw.unpack_dual(x).tangent is None, fw.unpack_dual(lib.ones(2)).tangent is None]
            r += [fw.unpack_dual(d * 0).tangent.tolist(), fw.unpack_dual(d.detach()).tangent is None]
            p, t = fw.unpack_dual(d * 2)
            r += [p.tolist(), t.tolist(), p.requires_grad]
            d[0].item()
        r.append(fw.unpack_dual(d).tangent is None)
        # a second level after the first ended, and the decorator form
        r.append(fw.enter_dual_level())
        fw.exit_dual_level()

        @fw.dual_level()
        def f(a):
            return fw.unpack_dual(fw.make_dual(a, lib.ones(3, dtype=lib.float64)).exp()).tangent.tolist()
        r.append(f(x))
        res.append(r)
    assert res[0] == res[1]


def test_backward_through_dual_reaches_primal():
    res = []
    for lib, fw in ((ember, efw), (torch, tfw)):
        pr = lib.tensor([1.0, 2.0, 3.0], dtype=lib.float64, requires_grad=True)
        tg = lib.tensor([1.0, -1.0, 2.0], dtype=lib.float64)
        with fw.dual_level():
            d = fw.make_dual(pr, tg)
            p, t = fw.unpack_dual((d * d * d).sum())
            p.backward(retain_graph=True)
            g1 = pr.grad.tolist()
            pr.grad = None
            t.backward()   # d/dpr of the tangent: 6 * pr * tg
            res.append((p.item(), t.item(), p.requires_grad, g1, pr.grad.tolist()))
    assert res[0] == res[1]


@pytest.mark.parametrize("case", ["outside", "nested", "shape", "int_tangent", "int_primal",
                                  "bad_level", "exit_none", "exit_wrong", "unpack_float", "float_arg"])
def test_errors_match_torch(case):
    def go(lib, fw):
        x = lib.ones(3, dtype=lib.float64)
        if case == "outside":
            fw.make_dual(x, x)
        if case == "exit_none":
            fw.exit_dual_level()
        with fw.dual_level():
            if case == "nested":
                fw.enter_dual_level()
            if case == "shape":
                fw.make_dual(x, lib.ones(2, dtype=lib.float64))
            if case == "int_tangent":
                fw.make_dual(x, lib.ones(3, dtype=lib.int64))
            if case == "int_primal":
                fw.make_dual(lib.ones(3, dtype=lib.int64), lib.ones(3, dtype=lib.int64))
            if case == "bad_level":
                fw.make_dual(x, x, level=5)
            if case == "exit_wrong":
                fw.exit_dual_level(level=3)
            if case == "unpack_float":
                fw.unpack_dual(3.0)
            if case == "float_arg":
                fw.make_dual(x, 1.0)
    errs = []
    for lib, fw in ((ember, efw), (torch, tfw)):
        with pytest.raises(Exception) as e:
            go(lib, fw)
        errs.append((type(e.value), str(e.value).split(".")[0][:60]))
        while True:   # leave no level open
            try:
                fw.exit_dual_level()
            except RuntimeError:
                break
    assert errs[0] == errs[1]


def _tutorial(lib, fw):
    """The forward-mode AD tutorial's flow: basic use, modules, functional_call."""
    from importlib import import_module
    func = import_module(lib.__name__ + ".func")
    lib.manual_seed(0)
    primal = lib.tensor(RNG_T["primal"])
    tangent = lib.tensor(RNG_T["tangent"])

    def fn(x, y):
        return x ** 2 + y ** 2
    out = {}
    with fw.dual_level():
        dual_input = fw.make_dual(primal, tangent)
        dual_output = fn(dual_input, primal.sin())
        out["basic"] = fw.unpack_dual(dual_output).tangent.numpy()
    model = lib.nn.Linear(5, 5).double()
    with lib.no_grad():
        model.weight.copy_(lib.tensor(RNG_T["w"]))
        model.bias.copy_(lib.tensor(RNG_T["b"]))
    inp = lib.tensor(RNG_T["input"])
    params = {name: p for name, p in model.named_parameters()}
    tangents = {name: lib.tensor(RNG_T["t_" + name]) for name in params}
    with fw.dual_level():
        dual_params = {name: fw.make_dual(p, tangents[name]) for name, p in params.items()}
        out["functional_call"] = fw.unpack_dual(func.functional_call(model, dual_params, inp)).tangent
        out["functional_call"] = out["functional_call"].detach().numpy()
    with fw.dual_level():
        for name, p in params.items():
            delattr(model, name)
            setattr(model, name, fw.make_dual(p, tangents[name]))
        out["module"] = fw.unpack_dual(model(inp)).tangent.detach().numpy()
    return out


RNG_T = {"primal": _arr(10, 10), "tangent": _arr(10, 10), "w": _arr(5, 5), "b": _arr(5),
         "input": _arr(16, 5), "t_weight": _arr(5, 5), "t_bias": _arr(5)}


def test_tutorial_flow_matches_torch():
    e, t = _tutorial(ember, efw), _tutorial(torch, tfw)
    assert e.keys() == t.keys()
    for k in e:
        np.testing.assert_allclose(e[k], t[k], rtol=1e-10, atol=1e-12, err_msg=k)


def test_import_under_compat():
    import subprocess
    import sys
    code = ("from torch.autograd.forward_ad import dual_level, make_dual, unpack_dual; import torch; "
            "exec('with dual_level():\\n d = make_dual(torch.ones(2), torch.ones(2))\\n"
            " print(unpack_dual(d * 3).tangent.tolist())')")
    out = subprocess.run([sys.executable, "-c", "from ember import compat; compat.install(); " + code],
                         capture_output=True, text=True, timeout=120)
    assert out.stdout.strip() == "[3.0, 3.0]", out.stderr
