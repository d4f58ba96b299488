"""ember.func (vmap, grad, grad_and_value, vjp, jvp, jacrev, jacfwd, hessian, functional_call)
against torch.func on the same inputs: values, nesting, gradients through vmap, errors."""
import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")
import torch.func  # noqa: E402

R = np.random.default_rng(0)


def both(*arrays):
    return [ember.from_numpy(a.copy()) for a in arrays], [torch.from_numpy(a.copy()) for a in arrays]


def close(e, t, rtol=1e-6, atol=1e-8):
    if isinstance(t, (tuple, list)):
        assert isinstance(e, (tuple, list)) and len(e) == len(t)
        for a, b in zip(e, t):
            close(a, b, rtol, atol)
        return
    if isinstance(t, dict):
        assert set(e) == set(t)
        for k in t:
            close(e[k], t[k], rtol, atol)
        return
    assert tuple(e.shape) == tuple(t.shape), (e.shape, t.shape)
    np.testing.assert_allclose(e.detach().numpy(), t.detach().numpy(), rtol=rtol, atol=atol)


def f_mlp(lib):
    def f(w, x):
        return (x @ w).tanh().sum() + (w ** 2).sum()
    return f


@pytest.mark.parametrize("kind", ["simple", "in_dims", "out_dims", "nested", "tuple_out", "dict_in"])
def test_vmap_parity(kind):
    a, b = R.standard_normal((3, 4)), R.standard_normal((4, 5))
    (ea, eb), (ta, tb) = both(a, b)
    for lib, x, y in ((ember, ea, eb), (torch, ta, tb)):
        vm = lib.vmap if lib is ember else torch.vmap
        if kind == "simple":
            r = vm(lambda v: v.sin().sum())(x)
        elif kind == "in_dims":
            r = vm(lambda v, m: v @ m, in_dims=(1, 0))(y.T.contiguous(), y)
        elif kind == "out_dims":
            r = vm(lambda v: v * 2, out_dims=1)(x)
        elif kind == "nested":
            r = vm(vm(lambda u, v: u * v, in_dims=(0, None)), in_dims=(0, None))(x, y[:, 0])
        elif kind == "tuple_out":
            r = vm(lambda v: (v.sum(), v.cumsum(0)), out_dims=(0, 1))(x)
        else:
            r = vm(lambda d: d["p"] * d["q"], in_dims=({"p": 0, "q": None},))({"p": x, "q": y[0, 0]})
        if lib is ember:
            er = r
        else:
            tr = r
    close(er, tr)


def test_vmap_gradients_flow():
    a = R.standard_normal((3, 4))
    res = []
    for lib in (ember, torch):
        x = lib.from_numpy(a.copy()).requires_grad_(True)
        vm = lib.vmap if lib is ember else torch.vmap
        out = vm(lambda v: (v.exp() * v).sum())(x)
        out.pow(2).sum().backward()
        res.append(x.grad)
    close(*res)


def test_vmap_randomness():
    x = ember.ones(4, 3)
    with pytest.raises(RuntimeError, match="randomness"):
        ember.vmap(lambda v: v + ember.rand(3))(x)
    same = ember.vmap(lambda v: v + ember.rand(3), randomness="same")(x)
    assert np.allclose(same.numpy(), same.numpy()[:1])
    diff = ember.vmap(lambda v: v + ember.rand(3), randomness="different")(x)
    assert not np.allclose(diff.numpy(), diff.numpy()[:1])


@pytest.mark.parametrize("call", [
    lambda L, vm: vm(lambda x, y: x + y)(L.ones(2, 3), L.ones(3, 3)),
    lambda L, vm: vm(lambda x: x)(1.0),
    lambda L, vm: vm(lambda x: x, in_dims=(0, 0))(L.ones(2)),
    lambda L, vm: vm(lambda x: x, in_dims=2)(L.ones(2)),
    lambda L, vm: vm(lambda x: 1.0)(L.ones(2)),
    lambda L, vm: vm(lambda x: x, in_dims=None)(L.ones(2)),
    lambda L, vm: vm(lambda x: x, out_dims=3)(L.ones(2)),
])
def test_vmap_errors(call):
    with pytest.raises(Exception) as te:
        call(torch, torch.vmap)
    with pytest.raises(type(te.value)):
        call(ember, ember.vmap)


def test_grad_family():
    w, x = R.standard_normal((4, 3)), R.standard_normal((2, 4))
    (ew, ex), (tw, tx) = both(w, x)
    for name in ("grad", "grad_and_value"):
        close(getattr(ember.func, name)(f_mlp(ember))(ew, ex), getattr(torch.func, name)(f_mlp(torch))(tw, tx))
        close(getattr(ember.func, name)(f_mlp(ember), argnums=(0, 1))(ew, ex),
              getattr(torch.func, name)(f_mlp(torch), argnums=(0, 1))(tw, tx))
    # has_aux, dict argument, nested grad, vmap of grad
    fa = lambda d: ((d["a"] * d["b"]).sum(), d["a"].mean())  # noqa: E731
    close(ember.func.grad(fa, has_aux=True)({"a": ew, "b": ew * 2}),
          torch.func.grad(fa, has_aux=True)({"a": tw, "b": tw * 2}))
    cube = lambda v: (v ** 3).sin()  # noqa: E731
    close(ember.func.grad(ember.func.grad(cube))(ember.tensor(0.7, dtype=ember.float64)),
          torch.func.grad(torch.func.grad(cube))(torch.tensor(0.7, dtype=torch.float64)))
    close(ember.vmap(ember.func.grad(lambda r: (r.exp() * r).sum()))(ew),
          torch.vmap(torch.func.grad(lambda r: (r.exp() * r).sum()))(tw))


def test_grad_of_requires_grad_input_keeps_graph():
    for lib in (ember, torch):
        x = lib.tensor([1.0, 2.0], dtype=lib.float64, requires_grad=True)
        g = (ember.func if lib is ember else torch.func).grad(lambda v: (v ** 3).sum())(x)
        assert g.requires_grad
        g.sum().backward()
        assert np.allclose(x.grad.numpy(), [6.0, 12.0])


def test_vjp_jvp_jacobians_hessian():
    a, v, t = R.standard_normal(4), R.standard_normal(4), R.standard_normal(4)
    (ea, ev, et), (ta, tv, tt) = both(a, v, t)
    f = lambda x: x.sin() * x.sum()  # noqa: E731
    eo, efn = ember.func.vjp(f, ea)
    to, tfn = torch.func.vjp(f, ta)
    close(eo, to)
    close(efn(ev), tfn(tv))
    close(ember.func.jvp(f, (ea,), (et,)), torch.func.jvp(f, (ta,), (tt,)))
    g = lambda x, y: (x * y.exp(), x.sum())  # noqa: E731
    close(ember.func.jacrev(g, argnums=(0, 1))(ea, ev), torch.func.jacrev(g, argnums=(0, 1))(ta, tv))
    close(ember.func.jacfwd(g)(ea, ev), torch.func.jacfwd(g)(ta, tv))
    h = lambda x: (x.sin() * x ** 2).sum()  # noqa: E731
    close(ember.func.hessian(h)(ea), torch.func.hessian(h)(ta))
    close(ember.func.jacrev(ember.func.jacrev(h))(ea), torch.func.jacrev(torch.func.jacrev(h))(ta))


def test_transform_errors():
    for lib in (ember, torch):
        F = ember.func if lib is ember else torch.func
        with pytest.raises(RuntimeError):
            F.grad(lambda x: x)(lib.ones(2))
        with pytest.raises(ValueError):
            F.grad(lambda x: x.sum())(1.0)
        with pytest.raises(RuntimeError):
            F.jvp(lambda x: x, (lib.ones(2),), (lib.ones(3),))


def test_functional_call_parity():
    w = R.standard_normal((3, 4)).astype(np.float32)
    b = R.standard_normal(3).astype(np.float32)
    x = R.standard_normal((2, 4)).astype(np.float32)
    outs = []
    for lib in (ember, torch):
        lin = lib.nn.Linear(4, 3)
        before = lin.weight.detach().clone()
        params = {"weight": lib.from_numpy(w.copy()).requires_grad_(True), "bias": lib.from_numpy(b.copy())}
        F = ember.func if lib is ember else torch.func
        out = F.functional_call(lin, params, (lib.from_numpy(x.copy()),))
        out.sum().backward()
        assert np.array_equal(lin.weight.detach().numpy(), before.numpy())
        assert lin.weight.grad is None
        g = F.grad(lambda p: F.functional_call(lin, p, lib.from_numpy(x.copy())).pow(2).sum())(
            {k: v.detach() for k, v in params.items()})
        outs.append((out, params["weight"].grad, g))
        with pytest.raises(RuntimeError):
            F.functional_call(lin, {"weight": params["weight"]}, (lib.from_numpy(x.copy()),), strict=True)
    close(outs[0], outs[1], rtol=1e-5, atol=1e-6)
