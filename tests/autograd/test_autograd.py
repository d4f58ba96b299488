"""Autograd against real PyTorch: backward, .grad accumulation, grad_fn names, hooks,
autograd.grad, higher-order derivatives, and PyTorch's errors."""
import gc
import math

import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")

DTYPES = [(ember.float32, torch.float32), (ember.float64, torch.float64)]


def pair(a, dtype=(ember.float32, torch.float32), requires_grad=True):
    a = np.asarray(a)
    e = ember.tensor(a, dtype=dtype[0], requires_grad=requires_grad)
    t = torch.tensor(a, dtype=dtype[1], requires_grad=requires_grad)
    return e, t


def close(e, t, tol=None):
    assert e is not None and t is not None, (e, t)
    tn = t.detach().numpy()
    assert e.shape == tuple(t.shape)
    assert str(e.dtype) == str(t.dtype)
    rtol = tol or (1e-5 if tn.dtype == np.float32 else 1e-10)
    np.testing.assert_allclose(e.detach().numpy(), tn, rtol=rtol, atol=rtol)


def err(fn_e, fn_t):
    """Both raise the same exception type; returns the two messages."""
    with pytest.raises(Exception) as te:
        fn_t()
    with pytest.raises(Exception) as ee:
        fn_e()
    assert type(ee.value) is type(te.value), (ee.value, te.value)
    return str(ee.value), str(te.value)


# -- backward and .grad ------------------------------------------------------------------

@pytest.mark.parametrize("dt", DTYPES, ids=["f32", "f64"])
def test_backward_scalar_and_accumulation(dt, rng):
    a = rng.standard_normal((3, 4))
    (xe, xt) = pair(a, dt)
    for lib, x in (("e", xe), ("t", xt)):
        mod = ember if lib == "e" else torch
        (x * x).sum().backward()
        (mod.sin(x) * 3).mean().backward()
    close(xe.grad, xt.grad)
    assert xe.grad.requires_grad is False and xe.grad.grad_fn is None


@pytest.mark.parametrize("dt", DTYPES, ids=["f32", "f64"])
def test_backward_with_gradient_non_scalar(dt, rng):
    a, g = rng.standard_normal((2, 3)), rng.standard_normal((2, 3))
    xe, xt = pair(a, dt)
    (xe.exp() * 2).backward(ember.tensor(g, dtype=dt[0]))
    (xt.exp() * 2).backward(torch.tensor(g, dtype=dt[1]))
    close(xe.grad, xt.grad)


def test_grad_never_aliases_gradient_or_other_leaf():
    x = ember.ones(3, requires_grad=True)
    g = ember.full((3,), 2.0)
    x.backward(g)                      # y is x itself: grad flows straight to the leaf
    assert not np.shares_memory(x.grad.numpy(), g.numpy())
    g.add_(1)
    assert x.grad.tolist() == [2.0, 2.0, 2.0]
    # two leaves fed the same gradient tensor by an add
    a = ember.ones(3, requires_grad=True)
    b = ember.ones(3, requires_grad=True)
    (a + b).sum().backward()
    assert not np.shares_memory(a.grad.numpy(), b.grad.numpy())
    a.grad.add_(5)
    assert b.grad.tolist() == [1.0, 1.0, 1.0]
    # accumulating again must not write through into a tensor the user kept
    kept = a.grad
    (a * 1).sum().backward()
    assert kept is a.grad and kept.tolist() == [7.0] * 3     # accumulated in place, as in torch


def test_grad_not_aliasing_identity_gradient_passthrough():
    # view-like ops pass the incoming gradient through; the leaf must get its own copy
    x = ember.ones(2, 2, requires_grad=True)
    g = ember.ones(2, 2)
    x.view(4).backward(g.view(4))
    x.grad.mul_(3)
    assert g.tolist() == [[1.0, 1.0], [1.0, 1.0]]


def test_grad_fn_names():
    xe, xt = pair([1.0, 2.0, 3.0])
    ye, yt = pair([4.0, 5.0, 6.0])
    cases = [
        lambda m, x, y: x + y, lambda m, x, y: x - y, lambda m, x, y: x * y, lambda m, x, y: x / y,
        lambda m, x, y: x ** 2, lambda m, x, y: x ** y, lambda m, x, y: -x, lambda m, x, y: x.sum(),
        lambda m, x, y: x.mean(), lambda m, x, y: x.exp(), lambda m, x, y: x.log(),
        lambda m, x, y: x.sin(), lambda m, x, y: x.cos(), lambda m, x, y: x.tanh(),
        lambda m, x, y: x.sigmoid(), lambda m, x, y: x.relu(), lambda m, x, y: x.abs(),
        lambda m, x, y: x.sqrt(), lambda m, x, y: x.view(3, 1), lambda m, x, y: x.reshape(1, 3),
        lambda m, x, y: x.unsqueeze(0), lambda m, x, y: x.unsqueeze(0).t(),
        lambda m, x, y: x.unsqueeze(0).transpose(0, 1), lambda m, x, y: x.expand(2, 3),
        lambda m, x, y: x[1:], lambda m, x, y: x[0], lambda m, x, y: x.clone(),
        lambda m, x, y: x.to(m.float64), lambda m, x, y: x + 1, lambda m, x, y: 2 * x,
        lambda m, x, y: x.unsqueeze(0).squeeze(0), lambda m, x, y: x.unsqueeze(1).permute(1, 0),
        lambda m, x, y: x.cumsum(0), lambda m, x, y: x.cumprod(0), lambda m, x, y: x.cummax(0)[0],
        lambda m, x, y: x.logcumsumexp(0), lambda m, x, y: x.var(), lambda m, x, y: x.prod(),
        lambda m, x, y: x.logsumexp(0), lambda m, x, y: x.amax(), lambda m, x, y: x.nansum(),
    ]
    for i, f in enumerate(cases):
        e, t = f(ember, xe, ye), f(torch, xt, yt)
        assert e.grad_fn.name() == t.grad_fn.name(), (i, e.grad_fn.name(), t.grad_fn.name())
    assert xe.grad_fn is None and xe.is_leaf and not (xe + 1).is_leaf


def test_is_leaf_and_requires_grad_flags():
    a = ember.ones(2)
    assert a.is_leaf and not a.requires_grad
    b = a * 2
    assert b.is_leaf and b.grad_fn is None
    a.requires_grad_()
    c = a * 2
    assert not c.is_leaf and c.requires_grad
    assert c.detach().is_leaf
    a.requires_grad_(False)
    assert not a.requires_grad
    a.requires_grad = True
    assert a.requires_grad
    with ember.no_grad():
        d = a * 2
    assert d.is_leaf and not d.requires_grad


def test_requires_grad_errors():
    m_e, m_t = err(lambda: ember.ones(2, dtype=ember.int64).requires_grad_(),
                   lambda: torch.ones(2, dtype=torch.int64).requires_grad_())
    assert m_e == m_t
    m_e, m_t = err(lambda: ember.tensor([1, 2], requires_grad=True),
                   lambda: torch.tensor([1, 2], requires_grad=True))
    assert m_e == m_t
    m_e, m_t = err(lambda: setattr(ember.ones(1, dtype=ember.int32), "requires_grad", True),
                   lambda: setattr(torch.ones(1, dtype=torch.int32), "requires_grad", True))
    assert m_e == m_t
    xe, xt = pair([1.0])
    m_e, m_t = err(lambda: (xe * 2).requires_grad_(False), lambda: (xt * 2).requires_grad_(False))
    assert m_e == m_t


def test_backward_errors():
    xe, xt = pair([1.0, 2.0])
    m_e, m_t = err(lambda: (xe * 2).backward(), lambda: (xt * 2).backward())
    assert m_e == m_t == "grad can be implicitly created only for scalar outputs"
    ne, nt = ember.ones(2), torch.ones(2)
    m_e, m_t = err(lambda: ne.sum().backward(), lambda: nt.sum().backward())
    assert m_e == m_t
    m_e, m_t = err(lambda: (xe * 2).backward(ember.ones(3)), lambda: (xt * 2).backward(torch.ones(3)))
    assert "Mismatch in shape" in m_e and "Mismatch in shape" in m_t


def test_backward_twice_freed_graph():
    for mod, x in zip((ember, torch), pair([1.0, 2.0])):
        y = (x.exp() * x).sum()
        y.backward()
        with pytest.raises(RuntimeError, match="Trying to backward through the graph a second time"):
            y.backward()


def test_retain_graph_allows_second_backward():
    xe, xt = pair([0.5, 2.0])
    for x in (xe, xt):
        y = (x.exp() * x).sum()
        y.backward(retain_graph=True)
        y.backward()
    close(xe.grad, xt.grad)


def test_backward_inputs_argument():
    a = np.array([1.0, 2.0])
    (xe, xt), (ye, yt) = pair(a), pair(a * 3)
    for x, y in ((xe, ye), (xt, yt)):
        (x * y).sum().backward(inputs=[x])
    close(xe.grad, xt.grad)
    assert ye.grad is None and yt.grad is None
    for x, y in ((xe, ye), (xt, yt)):
        (x * y).sum().backward(inputs=y)
    close(ye.grad, yt.grad)
    # inputs may be a non-leaf: its .grad is populated
    ze, zt = xe * 2, xt * 2
    (ze * ze).sum().backward(inputs=[ze])
    (zt * zt).sum().backward(inputs=[zt])
    close(ze.grad, zt.grad)
    m_e, m_t = err(lambda: (xe * 2).sum().backward(inputs=[]), lambda: (xt * 2).sum().backward(inputs=[]))
    assert m_e == m_t


def test_autograd_backward_function():
    xe, xt = pair([1.0, 2.0])
    ember.autograd.backward([(xe * xe).sum(), (xe * 3).sum()])
    torch.autograd.backward([(xt * xt).sum(), (xt * 3).sum()])
    close(xe.grad, xt.grad)
    ember.autograd.backward(xe * 2, ember.ones(2))
    torch.autograd.backward(xt * 2, torch.ones(2))
    close(xe.grad, xt.grad)


# -- retain_grad and hooks ----------------------------------------------------------------

def test_retain_grad():
    res = []
    for mod, x in zip((ember, torch), pair([1.0, -2.0, 3.0])):
        y = x * x
        y.retain_grad()
        z = y.sin()
        assert y.retains_grad and not z.retains_grad
        z.sum().backward()
        assert z.grad is None if mod is ember else True
        res.append((y.grad, x.grad))
    close(res[0][0], res[1][0])
    close(res[0][1], res[1][1])
    # retain_grad on a leaf is a no-op
    xe = ember.ones(1, requires_grad=True)
    xe.retain_grad()
    assert not xe.retains_grad


def test_non_leaf_grad_access_is_none():
    xe = ember.ones(2, requires_grad=True)
    y = xe * 2
    y.sum().backward()
    assert y.grad is None


def test_hooks_leaf_and_nonleaf_modify_and_remove():
    outs = []
    for mod, x in zip((ember, torch), pair([1.0, 2.0, 3.0])):
        seen = []
        h1 = x.register_hook(lambda g: g * 10)
        y = x * x
        h2 = y.register_hook(lambda g: seen.append(g.clone()) or g + 1)
        y.sum().backward()
        first = x.grad.clone()
        h1.remove()
        h2.remove()
        x.grad = None
        (x * x).sum().backward()
        outs.append((first, x.grad, seen[0]))
    for a, b in zip(*outs):
        close(a, b)


def test_hook_on_intermediate_sees_summed_grad():
    got = []
    for mod, x in zip((ember, torch), pair([1.0, 2.0])):
        seen = []
        y = x * 3
        y.register_hook(lambda g: seen.append(g.clone()))
        (y * y + y).sum().backward()
        got.append(seen)
    assert len(got[0]) == len(got[1]) == 1
    close(got[0][0], got[1][0])


def test_hook_errors():
    xe, xt = ember.ones(2), torch.ones(2)
    m_e, m_t = err(lambda: xe.register_hook(lambda g: g), lambda: xt.register_hook(lambda g: g))
    assert m_e == m_t


def test_multiple_hooks_run_in_order():
    x = ember.ones(2, requires_grad=True)
    order = []
    x.register_hook(lambda g: order.append(1))
    x.register_hook(lambda g: order.append(2) or g * 2)
    x.register_hook(lambda g: order.append(3) or g + 1)
    x.sum().backward()
    assert order == [1, 2, 3]
    assert x.grad.tolist() == [3.0, 3.0]


def test_hook_on_leaf_with_autograd_grad():
    for mod, x in zip((ember, torch), pair([1.0, 2.0])):
        x.register_hook(lambda g: g * 2)
        g, = mod.autograd.grad((x * x).sum(), x)
        assert g.tolist() == [4.0, 8.0]


def test_post_accumulate_grad_hook():
    x = ember.ones(2, requires_grad=True)
    seen = []
    x.register_post_accumulate_grad_hook(lambda t: seen.append(t.grad.clone()))
    (x * 2).sum().backward()
    assert len(seen) == 1 and seen[0].tolist() == [2.0, 2.0]


# -- autograd.grad --------------------------------------------------------------------------

@pytest.mark.parametrize("dt", DTYPES, ids=["f32", "f64"])
def test_autograd_grad_basic(dt, rng):
    a, b = rng.standard_normal(4), rng.standard_normal(4)
    (xe, xt), (ye, yt) = pair(a, dt), pair(b, dt)
    ge = ember.autograd.grad((xe * ye.exp()).sum(), (xe, ye))
    gt = torch.autograd.grad((xt * yt.exp()).sum(), (xt, yt))
    for e, t in zip(ge, gt):
        close(e, t)
    assert xe.grad is None and ye.grad is None
    assert not ge[0].requires_grad


def test_autograd_grad_grad_outputs_and_multiple_outputs(rng):
    a = rng.standard_normal((2, 3))
    xe, xt = pair(a)
    go = rng.standard_normal((2, 3))
    ge = ember.autograd.grad([xe.sin(), xe.sum()], xe, [ember.tensor(go, dtype=ember.float32),
                                                         ember.tensor(2.0)])
    gt = torch.autograd.grad([xt.sin(), xt.sum()], xt, [torch.tensor(go, dtype=torch.float32),
                                                         torch.tensor(2.0)])
    close(ge[0], gt[0])


def test_autograd_grad_allow_unused_and_materialize():
    (xe, xt), (ye, yt) = pair([1.0]), pair([2.0])
    m_e, m_t = err(lambda: ember.autograd.grad((xe * 2).sum(), [xe, ye]),
                   lambda: torch.autograd.grad((xt * 2).sum(), [xt, yt]))
    assert m_e == m_t
    ge = ember.autograd.grad((xe * 2).sum(), [xe, ye], allow_unused=True)
    gt = torch.autograd.grad((xt * 2).sum(), [xt, yt], allow_unused=True)
    assert ge[1] is None and gt[1] is None
    ge = ember.autograd.grad((xe * 2).sum(), [xe, ye], materialize_grads=True)
    gt = torch.autograd.grad((xt * 2).sum(), [xt, yt], materialize_grads=True)
    close(ge[1], gt[1])


def test_autograd_grad_wrt_intermediate():
    xe, xt = pair([1.0, 2.0, 3.0])
    ye, yt = xe * 2, xt * 2
    ge, = ember.autograd.grad((ye ** 3).sum(), ye)
    gt, = torch.autograd.grad((yt ** 3).sum(), yt)
    close(ge, gt)


def test_autograd_grad_frees_graph_unless_retained():
    for mod, x in zip((ember, torch), pair([1.0])):
        y = (x.exp() * x).sum()
        mod.autograd.grad(y, x, retain_graph=True)
        mod.autograd.grad(y, x)
        with pytest.raises(RuntimeError, match="second time"):
            mod.autograd.grad(y, x)


def test_autograd_grad_input_not_requiring_grad():
    xe, xt = pair([1.0])
    m_e, m_t = err(lambda: ember.autograd.grad((xe * 2).sum(), ember.ones(1)),
                   lambda: torch.autograd.grad((xt * 2).sum(), torch.ones(1)))
    assert m_e == m_t


def test_autograd_grad_output_not_requiring_grad():
    m_e, m_t = err(lambda: ember.autograd.grad(ember.ones(1).sum(), ember.ones(1, requires_grad=True)),
                   lambda: torch.autograd.grad(torch.ones(1).sum(), torch.ones(1, requires_grad=True)))
    assert m_e == m_t


# -- higher order ---------------------------------------------------------------------------

@pytest.mark.parametrize("dt", DTYPES, ids=["f32", "f64"])
def test_third_derivative(dt):
    res = []
    for mod, x in zip((ember, torch), pair([0.3, 1.1, -2.0], dt)):
        y = (x ** 3 * mod.sin(x)).sum()
        g1, = mod.autograd.grad(y, x, create_graph=True)
        g2, = mod.autograd.grad(g1.sum(), x, create_graph=True)
        g3, = mod.autograd.grad(g2.sum(), x)
        res.append((g1, g2, g3))
    for e, t in zip(*res):
        close(e, t, 1e-4 if dt[0] is ember.float32 else None)
    # closed form: d3/dx3 x^3 sin x = 6 sin x + 18 x cos x - 9 x^2 sin x - x^3 cos x
    x = np.array([0.3, 1.1, -2.0])
    want = 6 * np.sin(x) + 18 * x * np.cos(x) - 9 * x ** 2 * np.sin(x) - x ** 3 * np.cos(x)
    np.testing.assert_allclose(res[0][2].numpy(), want, rtol=1e-4)


def test_hessian_vector_product(rng):
    a, v, w = rng.standard_normal(4), rng.standard_normal(4), rng.standard_normal((4, 4))
    res = []
    for mod, dt in ((ember, ember.float64), (torch, torch.float64)):
        x = mod.tensor(a, dtype=dt, requires_grad=True)
        W = mod.tensor(w, dtype=dt)
        f = ((W * x).sum(1).tanh() ** 2).sum() + (x.exp() * x).sum()
        g, = mod.autograd.grad(f, x, create_graph=True)
        hv, = mod.autograd.grad((g * mod.tensor(v, dtype=dt)).sum(), x)
        res.append(hv)
    close(*res)


def test_create_graph_backward_accumulates_differentiable_grad():
    res = []
    for mod, x in zip((ember, torch), pair([1.5, -0.5], (ember.float64, torch.float64))):
        (x ** 3).sum().backward(create_graph=True)
        assert x.grad.requires_grad
        g = x.grad
        x.grad = None
        g.sum().backward()
        res.append(x.grad)
    close(*res)


def test_double_backward_through_saved_output():
    # exp / tanh / sigmoid save their output: second derivatives must still be right
    for name in ("exp", "tanh", "sigmoid"):
        res = []
        for mod, x in zip((ember, torch), pair([0.2, -0.7], (ember.float64, torch.float64))):
            y = getattr(x, name)()
            g, = mod.autograd.grad(y.sum(), x, create_graph=True)
            gg, = mod.autograd.grad(g.sum(), x)
            res.append(gg)
        close(*res)


# -- deep graphs and memory ----------------------------------------------------------------

@pytest.mark.slow
def test_deep_chain_no_recursion_error():
    x = ember.tensor(1.0, requires_grad=True)
    y = x
    for _ in range(100_000):
        y = y * 1.0
    y.backward(retain_graph=True)
    assert x.grad.item() == 1.0
    # the whole graph, saved tensors included, must be freed without RecursionError
    import weakref
    ref = weakref.ref(y.grad_fn)
    del y
    gc.collect()
    assert ref() is None


def test_deep_chain_retained_then_dropped():
    x = ember.tensor(2.0, requires_grad=True)
    y = x
    for _ in range(10_000):
        y = y.exp().log()
    g, = ember.autograd.grad(y, x, retain_graph=True)
    assert abs(g.item() - 1.0) < 1e-3
    del y, g
    gc.collect()


def test_graph_is_freed_after_backward():
    import weakref
    x = ember.ones(3, requires_grad=True)
    y = (x * 2).exp().sum()
    ref = weakref.ref(y.grad_fn)
    y.backward()
    del y
    gc.collect()
    assert ref() is None


def _train_steps(n, w, b, xs, ys, lr=0.01):
    for _ in range(n):
        pred = (xs @ w + b).tanh()
        loss = ((pred - ys) ** 2).mean()
        loss.backward()
        with ember.no_grad():
            w.sub_(w.grad * lr)
            b.sub_(b.grad * lr)
        w.grad = None
        b.grad = None
    return loss.item()


def _rss_bytes():
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * 4096
    except OSError:  # not Linux: fall back to the peak RSS the OS reports
        import resource
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


@pytest.mark.slow
def test_memory_flat_over_training():
    import sys
    r = np.random.default_rng(0)
    w = ember.tensor(r.standard_normal((8, 1)) * 0.1, dtype=ember.float32, requires_grad=True)
    b = ember.zeros(1, requires_grad=True)
    xs = ember.tensor(r.standard_normal((16, 8)), dtype=ember.float32)
    ys = ember.tensor(r.standard_normal((16, 1)), dtype=ember.float32)
    first = _train_steps(500, w, b, xs, ys)
    gc.collect()
    blocks, rss = sys.getallocatedblocks(), _rss_bytes()
    last = _train_steps(10_000, w, b, xs, ys)
    gc.collect()
    assert sys.getallocatedblocks() - blocks < 500       # no Python objects pile up
    assert _rss_bytes() - rss < 4 * 2 ** 20              # nor array buffers
    assert last < first                                  # and it did train


def test_no_reference_cycles_in_training_step():
    # the graph must be freed by reference counting alone, without the cycle collector
    r = np.random.default_rng(0)
    w = ember.tensor(r.standard_normal((4, 1)), dtype=ember.float32, requires_grad=True)
    xs = ember.tensor(r.standard_normal((5, 4)), dtype=ember.float32)
    gc.collect()
    gc.disable()
    try:
        import weakref
        loss = ((xs @ w).sigmoid() * 2).sum()
        ref = weakref.ref(loss.grad_fn)
        loss.backward()
        del loss
        assert ref() is None
    finally:
        gc.enable()


# -- misc semantics ---------------------------------------------------------------------------

def test_detach_shares_data_and_stops_grad():
    xe, xt = pair([1.0, 2.0])
    for x in (xe, xt):
        d = (x * 2).detach()
        assert not d.requires_grad and d.is_leaf


def test_grad_of_output_used_twice_and_diamond(rng):
    a = rng.standard_normal(5)
    res = []
    for mod, x in zip((ember, torch), pair(a, (ember.float64, torch.float64))):
        y = x.exp()
        z = y * y + y.sin() * y
        (z.sum() + y.sum()).backward()
        res.append(x.grad)
    close(*res)


def test_broadcast_gradients_unbroadcast(rng):
    a, b = rng.standard_normal((3, 1, 4)), rng.standard_normal((2, 1))
    res = []
    for mod, (x, y) in zip((ember, torch), zip(pair(a), pair(b))):
        ((x * y + y) / (x.exp() + 1)).sum().backward()
        res.append((x.grad, y.grad))
    close(res[0][0], res[1][0])
    close(res[0][1], res[1][1])


def test_mixed_dtype_grads_cast_to_input_dtype():
    res = []
    for mod, (x, y) in zip((ember, torch), zip(pair([1.0, 2.0], (ember.float32, torch.float32)),
                                                pair([3.0, 4.0], (ember.float64, torch.float64)))):
        (x * y).sum().backward()
        res.append((x.grad, y.grad))
    close(res[0][0], res[1][0])
    close(res[0][1], res[1][1])


def test_integer_ops_do_not_require_grad():
    x = ember.tensor([1.5, 2.5], requires_grad=True)
    assert not (x > 1).requires_grad
    assert not x.long().requires_grad


def test_nan_math_is_ieee():
    x = ember.tensor([0.0], requires_grad=True)
    x.sqrt().sum().backward()
    assert math.isinf(x.grad.item())


# -- more parity: hooks that change size/type, batched grads, retain_grad through in-place ------

def test_hook_changing_size_or_type_raises_like_torch():
    for bad in (lambda g: g.sum(), lambda g: g.double()):
        msgs = []
        for m in (ember, torch):
            x = m.ones(2, requires_grad=True)
            y = x * 2
            y.register_hook(bad)
            with pytest.raises(RuntimeError) as ei:
                y.sum().backward()
            msgs.append(str(ei.value))
            x = m.ones(2, requires_grad=True)
            x.register_hook(bad)
            with pytest.raises(RuntimeError):
                (x * 2).sum().backward()
        assert msgs[0] == msgs[1]


def test_is_grads_batched():
    res = []
    for m in (ember, torch):
        x = m.tensor([1.0, 2.0, 3.0], requires_grad=True)
        y = x ** 2 * 3
        res.append(m.autograd.grad(y, x, m.eye(3), is_grads_batched=True)[0])
    close(*res)


def test_materialize_grads_with_allow_unused_false():
    for m in (ember, torch):
        x = m.ones(1, requires_grad=True)
        with pytest.raises(ValueError):
            m.autograd.grad((x * 2).sum(), x, allow_unused=False, materialize_grads=True)


def test_retain_grad_follows_inplace():
    res = []
    for m in (ember, torch):
        x = m.ones(2, 3, requires_grad=True)
        y = x * 2
        y.retain_grad()
        y.mul_(3)
        y[0].add_(1)
        (y * y).sum().backward()
        assert y.retains_grad
        res.append((y.grad, x.grad))
    close(res[0][0], res[1][0])
    close(res[0][1], res[1][1])


def test_backward_twice_without_saved_tensors_is_fine():
    res = []
    for m in (ember, torch):
        x = m.ones(2, requires_grad=True)
        y = (x + 1).sum()
        y.backward()
        y.backward()
        res.append(x.grad)
    close(*res)


def test_shared_subgraph_freed_by_first_backward():
    for m in (ember, torch):
        x = m.ones(2, requires_grad=True)
        y = x.exp()
        a, b = y.sum(), (y * 2).sum()
        a.backward()
        with pytest.raises(RuntimeError, match="second time"):
            b.backward()


def test_grad_wrt_same_input_twice_and_leaf_output():
    for m in (ember, torch):
        x = m.ones(2, requires_grad=True)
        g1, g2 = m.autograd.grad((x * x).sum(), [x, x])
        assert g1.tolist() == g2.tolist() == [2.0, 2.0]
        assert m.autograd.grad(x, x, m.ones(2) * 3)[0].tolist() == [3.0, 3.0]
        x.backward(m.full((2,), 4.0))
        assert x.grad.tolist() == [4.0, 4.0]


def test_empty_tensor_backward():
    for m in (ember, torch):
        x = m.ones(0, 3, requires_grad=True)
        (x * 2).sum().backward()
        assert tuple(x.grad.shape) == (0, 3)


def test_node_hooks_and_prehooks():
    res = []
    for m in (ember, torch):
        x = m.tensor([1.0, 2.0], requires_grad=True)
        y = x * 3
        z = y.exp()
        log = []
        h1 = y.grad_fn.register_hook(
            lambda gi, go: log.append(([g is None for g in gi], [g.detach().clone() for g in go])))
        h2 = y.grad_fn.register_prehook(lambda go: (go[0] * 2,))
        acc = y.grad_fn.next_functions[0][0]
        assert acc.variable is x and acc.name() == "torch::autograd::AccumulateGrad"
        h3 = acc.register_hook(lambda gi, go: log.append((len(gi), go[0].detach().clone())))
        h4 = acc.register_prehook(lambda go: (go[0] + 1,))
        z.sum().backward()
        res.append((log, x.grad.clone()))
        for h in (h1, h2, h3, h4):
            h.remove()
        x.grad = None
        (x * 3).sum().backward()
        assert x.grad.tolist() == [3.0, 3.0]
    (le, ge), (lt, gt) = res
    close(ge, gt)
    assert le[0][0] == lt[0][0] and le[1][0] == lt[1][0] == 0
    close(le[0][1][0], lt[0][1][0])
    close(le[1][1], lt[1][1])


# -- autograd.functional ----------------------------------------------------------------------

def _functional_results(m, a, b, v2, v3, create_graph=False):
    F = m.autograd.functional
    x = m.tensor(a, requires_grad=create_graph)
    W = m.tensor(b)
    f1 = lambda x: (W @ x).tanh()                                  # noqa: E731
    f2 = lambda x: (x.sin() * x ** 2).sum()                        # noqa: E731
    kw = dict(create_graph=create_graph)
    return {
        "jacobian": F.jacobian(f1, x, **kw),
        "jacobian_tuples": F.jacobian(lambda x, y: (x * y, x.sum() * y), (x, x * 2), **kw),
        "jacobian_unused": F.jacobian(lambda x, y: x * 2, (x, x), **kw),
        "hessian": F.hessian(f2, x, **kw),
        "hessian_tuple": F.hessian(lambda x, y: (x * y.exp()).sum(), (x, x + 1), **kw),
        "vjp": F.vjp(f1, x, m.tensor(v2), **kw),
        "jvp": F.jvp(f1, x, m.tensor(v3), **kw),
        "hvp": F.hvp(f2, x, m.tensor(v3), **kw),
        "vhp": F.vhp(f2, x, m.tensor(v3), **kw),
        "vjp_scalar": F.vjp(f2, x, **kw),
    }


def _flat(o):
    if isinstance(o, (tuple, list)):
        return [z for p in o for z in _flat(p)]
    return [o]


@pytest.mark.parametrize("create_graph", [False, True])
def test_autograd_functional_matches_torch(rng, create_graph):
    a, b = rng.standard_normal(3), rng.standard_normal((2, 3))
    v2, v3 = rng.standard_normal(2), rng.standard_normal(3)
    e = _functional_results(ember, a, b, v2, v3, create_graph)
    t = _functional_results(torch, a, b, v2, v3, create_graph)
    for k in e:
        fe, ft = _flat(e[k]), _flat(t[k])
        assert len(fe) == len(ft), k
        for p, q in zip(fe, ft):
            close(p, q)
            assert p.requires_grad == q.requires_grad, k


def test_autograd_functional_strict_and_errors():
    for m in (ember, torch):
        F = m.autograd.functional
        x = m.ones(2, dtype=m.float64)
        with pytest.raises(RuntimeError):
            F.jacobian(lambda a, b: a * 2, (x, x), strict=True)
        with pytest.raises(RuntimeError):
            F.vjp(lambda a: a * 2, x)             # v needed for a non-scalar output
        with pytest.raises(RuntimeError):
            F.hessian(lambda a: a * 2, x)         # not a scalar function
        with pytest.raises(TypeError):
            F.jacobian(lambda a: a, [1.0, 2.0])


def test_legacy_variable():
    res = []
    for m in (ember, torch):
        from importlib import import_module
        Variable = import_module(m.__name__ + ".autograd").Variable
        x = m.ones(2)
        v = Variable(x, requires_grad=True)
        assert v is not x and v.requires_grad and isinstance(x, Variable)
        assert v.data_ptr() == x.data_ptr()
        y = m.ones(2, requires_grad=True) * 2
        assert not Variable(y).requires_grad and Variable(y).grad_fn is None
        (v * 3).sum().backward()
        res.append(v.grad)
        with pytest.raises(TypeError):
            Variable([1.0, 2.0])
    close(*res)


# -- random expression graphs: first and second derivatives vs torch -------------------------

_UNARY = [lambda m, t: t.sin(), lambda m, t: t.tanh(), lambda m, t: t * t, lambda m, t: t.exp() * 0.5,
          lambda m, t: t.sigmoid(), lambda m, t: (t * t + 1).sqrt(), lambda m, t: t.t().t(),
          lambda m, t: t.abs() + t, lambda m, t: t.clamp(-0.7, 0.9), lambda m, t: (t ** 3) / 3,
          lambda m, t: t.unsqueeze(0).squeeze(0), lambda m, t: (t * t + 1).log()]
_BINARY = [lambda m, a, b: a + b, lambda m, a, b: a * b, lambda m, a, b: a - b * 0.5,
           lambda m, a, b: a / (b * b + 1), lambda m, a, b: m.maximum(a, b) if hasattr(m, "maximum") else a + b,
           lambda m, a, b: a @ b.t() @ a if a.shape == b.shape else a * b]


@pytest.mark.parametrize("seed", range(40))
def test_random_graphs_first_and_second_derivatives(seed):
    import random
    r = random.Random(seed)
    steps = [(r.random() < 0.4, r.randrange(12), r.randrange(6), r.randrange(8), r.randrange(8))
             for _ in range(r.randint(2, 8))]
    g = np.random.default_rng(seed)
    a, b, v = g.standard_normal((3, 3)), g.standard_normal((1, 3)), g.standard_normal((3, 3))
    res = []
    for m in (ember, torch):
        x = m.tensor(a, dtype=m.float64, requires_grad=True)
        y = m.tensor(b, dtype=m.float64, requires_grad=True)
        nodes = [x, y]
        for is_bin, u, bi, i, j in steps:
            p, q = nodes[i % len(nodes)], nodes[j % len(nodes)]
            nodes.append(_BINARY[bi](m, p, q) if is_bin else _UNARY[u](m, p))
        f = sum(n.sum() for n in nodes[2:]) + (nodes[-1] * nodes[-1]).sum()
        gx, gy = m.autograd.grad(f, (x, y), create_graph=True, allow_unused=True)
        outs = [gx, gy]
        second = ((gx * m.tensor(v, dtype=m.float64)).sum() if gx is not None else 0) + \
            (gy.sum() if gy is not None else 0)
        if isinstance(second, (ember.Tensor, torch.Tensor)) and second.requires_grad:
            outs += list(m.autograd.grad(second, (x, y), allow_unused=True))
        res.append(outs)
    assert len(res[0]) == len(res[1])
    for e, t in zip(*res):
        if t is not None:   # torch may hand back a lazy ZeroTensor
            t = torch.tensor(t.detach().numpy(force=True))
        if e is None or t is None:
            assert (e is None or not e.numpy().any()) and (t is None or not t.numpy().any())
        else:
            close(e, t, 1e-9)


def test_leaf_grads_never_alias_other_tensors():
    """.grad may take the backward's array without a copy only when nothing else holds it."""
    a = ember.randn(3, requires_grad=True)
    b = ember.randn(3, requires_grad=True)
    (a + b).sum().backward()                      # the same gradient flows to both leaves
    a.grad.add_(1)
    assert b.grad.tolist() == [1.0, 1.0, 1.0]
    g = ember.ones(3)
    c = ember.randn(3, requires_grad=True)
    c.backward(g)                                 # the user's gradient tensor itself
    c.grad.add_(5)
    assert g.tolist() == [1.0, 1.0, 1.0]
    kept = []
    d = ember.randn(3, requires_grad=True)
    d.register_hook(lambda t: kept.append(t))    # a hook keeps the gradient it saw
    (d * 2).sum().backward()
    d.grad.zero_()
    assert kept[0].tolist() == [2.0, 2.0, 2.0]
    e = ember.randn(3, requires_grad=True)
    mid = e * 3
    mid.retain_grad()
    (mid + 0).sum().backward()
    e.grad.zero_()
    assert mid.grad.tolist() == [1.0, 1.0, 1.0]
    w = ember.randn(4, 2, requires_grad=True)
    y = ember.randn(5, 4).matmul(w)
    y.sum().backward(retain_graph=True)
    first = w.grad.clone()
    y.sum().backward()                            # accumulates in place into the first array
    assert ember.allclose(w.grad, 2 * first)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_numpy_backward_fast_path_equals_tensor_path(dtype):
    """Elementwise backward formulas run straight in NumPy without create_graph and through
    Tensor ops with it: both give bit-identical gradients (mixed dtypes and Python numbers
    included)."""
    rng = np.random.default_rng(3)
    xs = rng.uniform(0.5, 2.0, (3, 4)).astype(dtype)
    ys = rng.uniform(0.5, 2.0, (3, 4)).astype(dtype)

    def grads(create_graph):
        x = ember.tensor(xs, requires_grad=True)
        y = ember.tensor(ys, requires_grad=True)
        z = ember.tensor(2.5, dtype=ember.float64)          # 0-d of another dtype: the Tensor path
        out = ((x * y).sin() / y - x.cos() * 3.0 + (x / 2.0).tanh() * (y ** 3).exp().log()
               + x.sigmoid().relu() * z - (-y) / x)
        return [t.detach().numpy() for t in
                ember.autograd.grad(out.sum(), (x, y), create_graph=create_graph)]

    for fast, slow in zip(grads(False), grads(True)):
        assert fast.dtype == slow.dtype == np.dtype(dtype)
        assert np.array_equal(fast, slow)
