"""torch.func stack_module_state, linearize, functionalize, replace_all_batch_norm_modules_:
parity with torch (same inputs, same outputs, gradients and errors)."""
import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")


def _copy_linear(src, lib):
    m = lib.nn.Linear(*src.weight.shape[::-1])
    with lib.no_grad():
        m.weight.copy_(lib.tensor(src.weight.detach().numpy()))
        m.bias.copy_(lib.tensor(src.bias.detach().numpy()))
    return m


def test_stack_module_state_and_vmap_ensemble():
    torch.manual_seed(0)
    tms = [torch.nn.Linear(3, 2) for _ in range(4)]
    ems = [_copy_linear(m, ember) for m in tms]
    x = np.random.default_rng(0).standard_normal((5, 3)).astype(np.float32)
    outs = []
    for lib, ms in ((ember, ems), (torch, tms)):
        params, buffers = lib.func.stack_module_state(ms)
        assert sorted(params) == ["bias", "weight"] and buffers == {}
        assert all(p.is_leaf and p.requires_grad for p in params.values())

        def f(p, b, xx):
            return lib.func.functional_call(ms[0], (p, b), (xx,))
        y = lib.func.vmap(f, in_dims=(0, 0, None))(params, buffers, lib.tensor(x))
        y.sum().backward()
        outs.append((y.detach().numpy(), params["weight"].grad.numpy(), params["weight"].shape))
    np.testing.assert_allclose(outs[0][0], outs[1][0], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(outs[0][1], outs[1][1], rtol=1e-5, atol=1e-6)
    assert tuple(outs[0][2]) == tuple(outs[1][2])


def test_stack_module_state_buffers_and_frozen():
    res = []
    for lib in (ember, torch):
        _, b = lib.func.stack_module_state([lib.nn.BatchNorm1d(2) for _ in range(3)])
        r = sorted((k, tuple(v.shape), str(v.dtype), v.requires_grad) for k, v in b.items())
        ms = [lib.nn.Linear(2, 2) for _ in range(2)]
        for m in ms:
            m.weight.requires_grad_(False)
        p, _ = lib.func.stack_module_state(ms)
        r.append((p["weight"].requires_grad, p["bias"].requires_grad))
        res.append(r)
    assert res[0] == res[1]


@pytest.mark.parametrize("case", ["empty", "modes", "classes", "requires_grad"])
def test_stack_module_state_errors(case):
    msgs = []
    for lib in (ember, torch):
        if case == "empty":
            ms = []
        elif case == "modes":
            ms = [lib.nn.Linear(2, 2), lib.nn.Linear(2, 2).eval()]
        elif case == "classes":
            ms = [lib.nn.Linear(2, 3), lib.nn.Conv1d(2, 3, 1)]
        else:
            ms = [lib.nn.Linear(2, 2), lib.nn.Linear(2, 2)]
            ms[0].weight.requires_grad_(False)
        with pytest.raises(RuntimeError) as e:
            lib.func.stack_module_state(ms)
        msgs.append(str(e.value))
    assert msgs[0] == msgs[1]


def _lin_fn(lib):
    return lambda x, y: ((x.sin() * y).sum(0), {"a": x @ y.t()})


def test_linearize_matches_torch():
    rng = np.random.default_rng(1)
    x, y, tx, ty = (rng.standard_normal((3, 4)) for _ in range(4))
    res = []
    for lib in (ember, torch):
        out, jfn = lib.func.linearize(_lin_fn(lib), lib.tensor(x), lib.tensor(y))
        j1 = jfn(lib.tensor(tx), lib.tensor(ty))
        j2 = jfn(lib.tensor(ty), lib.tensor(tx))
        res.append([out[0].numpy(), out[1]["a"].numpy(), j1[0].numpy(), j1[1]["a"].numpy(),
                    j2[0].numpy(), out[0].requires_grad])
    for a, b in zip(*res):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("case", ["shape", "count", "dtype", "nested"])
def test_linearize_errors(case):
    msgs = []
    for lib in (ember, torch):
        _, jfn = lib.func.linearize(lambda x: x.sin() * x, lib.tensor([1.0, 2.0]))
        args = {"shape": (lib.ones(3),), "count": (lib.ones(2), lib.ones(2)),
                "dtype": (lib.ones(2, dtype=lib.float64),), "nested": ([lib.ones(2)],)}[case]
        with pytest.raises(RuntimeError) as e:
            jfn(*args)
        msgs.append(" ".join(str(e.value).split()))
    assert msgs[0] == msgs[1]


def test_functionalize_matches_torch():
    res = []
    for lib in (ember, torch):
        def f(x):
            y = x.clone()
            y.mul_(2)
            x.add_(1)
            return y + x
        x = lib.tensor([1.0, 2.0])
        out = lib.func.functionalize(f)(x)
        out2 = lib.func.functionalize(f, remove="mutations_and_views")(x)
        res.append((out.tolist(), out2.tolist(), x.tolist()))
        with pytest.raises(RuntimeError, match="received invalid argument for remove=foo"):
            lib.func.functionalize(f, remove="foo")
    assert res[0] == res[1]


def test_replace_all_batch_norm_modules_matches_torch():
    res = []
    x = np.random.default_rng(2).standard_normal((4, 2, 3, 3)).astype(np.float32)
    for lib in (ember, torch):
        net = lib.nn.Sequential(lib.nn.BatchNorm2d(2), lib.nn.Sequential(lib.nn.BatchNorm1d(3)),
                                lib.nn.InstanceNorm2d(2, track_running_stats=True))
        out = lib.func.replace_all_batch_norm_modules_(net)
        bn = net[0]
        y = bn(lib.tensor(x))
        net.eval()
        y_eval = bn(lib.tensor(x))
        res.append((out is net, bn.running_mean, bn.running_var, bn.num_batches_tracked,
                    bn.track_running_stats, net[1][0].track_running_stats,
                    net[2].track_running_stats, y.detach().numpy().round(5).tolist(),
                    y_eval.detach().numpy().round(5).tolist()))
    assert res[0] == res[1]
