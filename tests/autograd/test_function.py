"""Custom ``autograd.Function`` against real PyTorch: ctx API, multiple outputs, None
grads, non-tensor args, materialize_grads, setup_context, errors."""
import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")


def make(m):
    """The same user-defined Functions, written once against module ``m``."""
    F = m.autograd.Function

    class MulConst(F):
        @staticmethod
        def forward(ctx, x, k, y):
            ctx.k = k
            ctx.save_for_backward(x, y)
            return x * y * k

        @staticmethod
        def backward(ctx, g):
            x, y = ctx.saved_tensors
            gx = g * y * ctx.k if ctx.needs_input_grad[0] else None
            gy = g * x * ctx.k if ctx.needs_input_grad[2] else None
            return gx, None, gy

    class SinCos(F):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x.sin(), x.cos()

        @staticmethod
        def backward(ctx, gs, gc):
            x, = ctx.saved_tensors
            return gs * x.cos() - gc * x.sin()

    class Exp(F):
        @staticmethod
        def forward(ctx, x):
            out = x.exp()
            ctx.save_for_backward(out)
            return out

        @staticmethod
        def backward(ctx, g):
            out, = ctx.saved_tensors
            return g * out

    class ArgMaxAndMax(F):
        @staticmethod
        def forward(ctx, x):
            idx = x.argmax() if hasattr(x, "argmax") else None
            mx = x.max()
            mask = (x == mx).to(x.dtype)
            ctx.save_for_backward(mask)
            scaled = x * 2
            ctx.mark_non_differentiable(scaled)
            return mx, scaled

        @staticmethod
        def backward(ctx, g, g_scaled):
            mask, = ctx.saved_tensors
            return g * mask

    class Split(F):
        @staticmethod
        def forward(ctx, x):
            ctx.set_materialize_grads(False)
            return x * 2, x * 3

        @staticmethod
        def backward(ctx, g1, g2):
            ctx.seen = (g1 is None, g2 is None)
            out = 0
            if g1 is not None:
                out = out + g1 * 2
            if g2 is not None:
                out = out + g2 * 3
            return out

    class SplitMat(F):
        @staticmethod
        def forward(ctx, x):
            return x * 2, x * 3

        @staticmethod
        def backward(ctx, g1, g2):
            return g1 * 2 + g2 * 3

    class Identity(F):
        @staticmethod
        def forward(ctx, x):
            return x

        @staticmethod
        def backward(ctx, g):
            return g * 5

    class WrongCount(F):
        @staticmethod
        def forward(ctx, x, y):
            return x + y

        @staticmethod
        def backward(ctx, g):
            return g

    class WrongShape(F):
        @staticmethod
        def forward(ctx, x):
            return x.sum()

        @staticmethod
        def backward(ctx, g):
            return g.expand(5)

    class Cube(F):  # a backward in differentiable ops: double backward works
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x ** 3

        @staticmethod
        def backward(ctx, g):
            x, = ctx.saved_tensors
            return 3 * x ** 2 * g

    class Scale(F):  # PyTorch 2 style: forward without ctx, setup_context separately
        @staticmethod
        def forward(x, k):
            return x * k

        @staticmethod
        def setup_context(ctx, inputs, output):
            ctx.k = inputs[1]

        @staticmethod
        def backward(ctx, g):
            return g * ctx.k, None

    return {k: v for k, v in locals().items() if isinstance(v, type)}


E, T = make(ember), make(torch)


def pair(a, dtype="float64"):
    a = np.asarray(a, dtype=np.float64)
    return (ember.tensor(a, dtype=getattr(ember, dtype), requires_grad=True),
            torch.tensor(a, dtype=getattr(torch, dtype), requires_grad=True))


def close(e, t):
    assert e is not None and t is not None, (e, t)
    np.testing.assert_allclose(e.detach().numpy(), t.detach().numpy(), rtol=1e-6, atol=1e-6)
    assert str(e.dtype) == str(t.dtype)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_saved_tensors_nontensor_args_and_none_grads(dtype):
    (xe, xt), (ye, yt) = pair([1.0, 2.0], dtype), pair([3.0, -1.0], dtype)
    oe, ot = E["MulConst"].apply(xe, 2.5, ye), T["MulConst"].apply(xt, 2.5, yt)
    close(oe, ot)
    assert oe.grad_fn.name() == ot.grad_fn.name() == "MulConstBackward"
    assert type(oe.grad_fn).__name__ == type(ot.grad_fn).__name__ == "MulConstBackward"
    assert oe.grad_fn._forward_cls is E["MulConst"]
    oe.sum().backward()
    ot.sum().backward()
    close(xe.grad, xt.grad)
    close(ye.grad, yt.grad)


def test_needs_input_grad():
    seen = {}
    for name, m in (("e", ember), ("t", torch)):
        class F(m.autograd.Function):
            @staticmethod
            def forward(ctx, a, b, c):
                seen[name] = ctx.needs_input_grad
                return a * b

            @staticmethod
            def backward(ctx, g):
                return g, g, None
        F.apply(m.ones(2, requires_grad=True), m.ones(2), 3)
    assert seen["e"] == seen["t"] == (True, False, False)


def test_multiple_outputs():
    (xe, xt) = pair([0.3, 1.2])
    se, ce = E["SinCos"].apply(xe)
    st, ct = T["SinCos"].apply(xt)
    assert se.grad_fn is ce.grad_fn and se.output_nr == 0 and ce.output_nr == 1
    (se * 2 + ce * ce).sum().backward()
    (st * 2 + ct * ct).sum().backward()
    close(xe.grad, xt.grad)


def test_only_one_output_used_materializes_zeros():
    (xe, xt) = pair([0.3, 1.2])
    E["SinCos"].apply(xe)[1].sum().backward()
    T["SinCos"].apply(xt)[1].sum().backward()
    close(xe.grad, xt.grad)
    (xe, xt) = pair([0.3, 1.2])
    E["SplitMat"].apply(xe)[0].sum().backward()
    T["SplitMat"].apply(xt)[0].sum().backward()
    close(xe.grad, xt.grad)


def test_set_materialize_grads_false_passes_none():
    for F, m in ((E["Split"], ember), (T["Split"], torch)):
        x = m.tensor([1.0, 2.0], requires_grad=True)
        a, b = F.apply(x)
        b.sum().backward()
        assert a.grad_fn.seen == (True, False)
        assert x.grad.tolist() == [3.0, 3.0]


def test_saved_output():
    (xe, xt) = pair([0.5, -1.0])
    E["Exp"].apply(xe).sum().backward()
    T["Exp"].apply(xt).sum().backward()
    close(xe.grad, xt.grad)


def test_mark_non_differentiable():
    (xe, xt) = pair([1.0, 3.0, 2.0])
    me, se = E["ArgMaxAndMax"].apply(xe)
    mt, st = T["ArgMaxAndMax"].apply(xt)
    assert not se.requires_grad and not st.requires_grad
    assert me.requires_grad and mt.requires_grad
    me.backward()
    mt.backward()
    close(xe.grad, xt.grad)


def test_input_returned_as_is():
    (xe, xt) = pair([1.0, 2.0])
    oe, ot = E["Identity"].apply(xe), T["Identity"].apply(xt)
    assert oe is not xe and ot is not xt
    assert oe.grad_fn.name() == ot.grad_fn.name()
    oe.sum().backward()
    ot.sum().backward()
    close(xe.grad, xt.grad)


def test_double_backward_through_function():
    (xe, xt) = pair([0.5, 2.0])
    res = []
    for F, m, x in ((E["Cube"], ember, xe), (T["Cube"], torch, xt)):
        g, = m.autograd.grad(F.apply(x).sum(), x, create_graph=True)
        gg, = m.autograd.grad(g.sum(), x)
        res.append((g, gg))
    close(res[0][0], res[1][0])
    close(res[0][1], res[1][1])


def test_setup_context_style():
    (xe, xt) = pair([1.0, 2.0])
    E["Scale"].apply(xe, 3.0).sum().backward()
    T["Scale"].apply(xt, 3.0).sum().backward()
    close(xe.grad, xt.grad)


def test_no_grad_apply_records_nothing():
    for F, m in ((E["Exp"], ember), (T["Exp"], torch)):
        x = m.ones(2, requires_grad=True)
        with m.no_grad():
            y = F.apply(x)
        assert not y.requires_grad and y.grad_fn is None
        z = F.apply(m.ones(2))
        assert not z.requires_grad


def test_forward_runs_without_recording():
    for m in (ember, torch):
        class F(m.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                y = x * 2
                ctx.inner = (y.requires_grad, m.is_grad_enabled())
                return y

            @staticmethod
            def backward(ctx, g):
                return g * 2
        y = F.apply(m.ones(1, requires_grad=True))
        assert y.grad_fn.inner == (False, False)


def _raises_same(fe, ft):
    with pytest.raises(Exception) as te:
        ft()
    with pytest.raises(Exception) as ee:
        fe()
    assert type(ee.value) is type(te.value), (ee.value, te.value)
    return str(ee.value), str(te.value)


def test_wrong_number_of_grads():
    me, mt = _raises_same(lambda: E["WrongCount"].apply(*pair([1.0])[:1], pair([2.0])[0]).sum().backward(),
                          lambda: T["WrongCount"].apply(pair([1.0])[1], pair([2.0])[1]).sum().backward())
    assert me == mt


def test_wrong_grad_shape():
    me, mt = _raises_same(lambda: E["WrongShape"].apply(pair([1.0, 2.0])[0]).backward(),
                          lambda: T["WrongShape"].apply(pair([1.0, 2.0])[1]).backward())
    assert me == mt


def test_saved_tensor_modified_in_place():
    def run(F, m):
        x = m.tensor([1.0, 2.0], requires_grad=True)
        y = x * 1
        z = F.apply(y, 2.0, m.ones(2))
        y.add_(1)
        z.sum().backward()
    me, mt = _raises_same(lambda: run(E["MulConst"], ember), lambda: run(T["MulConst"], torch))
    assert me.split("Hint")[0] == mt.split("Hint")[0]


def test_saved_tensors_freed_after_backward():
    for F, m in ((E["Exp"], ember), (T["Exp"], torch)):
        y = F.apply(m.ones(2, requires_grad=True))
        fn = y.grad_fn
        y.sum().backward()
        with pytest.raises(RuntimeError, match="backward through the graph a second time"):
            fn.saved_tensors


def test_mark_dirty_inplace_function():
    res = []
    for m in (ember, torch):
        class AddOne_(m.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                x.add_(1)
                ctx.mark_dirty(x)
                return x

            @staticmethod
            def backward(ctx, g):
                return g
        x = m.tensor([1.0, 2.0], requires_grad=True)
        y = x * 2
        z = AddOne_.apply(y)
        (z * z).sum().backward()
        res.append((z, x.grad))
    close(res[0][0], res[1][0])
    close(res[0][1], res[1][1])


def test_once_differentiable():
    for m in (ember, torch):
        class F(m.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                return x * 2

            @staticmethod
            @m.autograd.function.once_differentiable
            def backward(ctx, g):
                return g * 2
        x = m.ones(2, requires_grad=True)
        F.apply(x).sum().backward()
        assert x.grad.tolist() == [2.0, 2.0]


def test_function_hooks_on_node():
    x = ember.ones(2, requires_grad=True)
    y = E["Exp"].apply(x)
    seen = []
    y.grad_fn.register_hook(lambda gi, go: seen.append((len(gi), len(go))))
    y.sum().backward()
    assert seen == [(1, 1)]


def _fn(m, fwd, bwd):
    return type("F", (m.autograd.Function,), {"forward": staticmethod(fwd), "backward": staticmethod(bwd)})


def test_save_for_backward_non_tensor_and_non_tensor_grad_errors():
    def save_int(ctx, x):
        ctx.save_for_backward(x, 3)
        return x * 2

    def run1(m):
        _fn(m, save_int, lambda ctx, g: g * 2).apply(m.ones(2, requires_grad=True))

    def run2(m):
        _fn(m, lambda ctx, x: x * 2, lambda ctx, g: 2.0).apply(m.ones(2, requires_grad=True)).sum().backward()

    for run in (run1, run2):
        me, mt = _raises_same(lambda: run(ember), lambda: run(torch))
        assert me == mt


def test_function_edge_cases_match_torch():
    def outs(m):
        res = []
        G = _fn(m, lambda ctx, x: x * 3, lambda ctx, g: g * 3)
        F = _fn(m, lambda ctx, x: G.apply(x) * 2, lambda ctx, g: g * 6)   # nested apply
        x = m.ones(2, requires_grad=True)
        F.apply(x).sum().backward()
        res.append(x.grad.tolist())
        F = _fn(m, lambda ctx, x: (x * 2, 5, x.long()), lambda ctx, g, g2, g3: g * 2)
        x = m.ones(2, requires_grad=True)
        y, k, i = F.apply(x)
        y.sum().backward()
        res.append((k, i.requires_grad, x.grad.tolist()))
        F = _fn(m, lambda ctx, x, y: x * y, lambda ctx, g: (g, g))     # grad for a constant: dropped
        x = m.ones(2, requires_grad=True)
        F.apply(x, m.ones(2)).sum().backward()
        res.append(x.grad.tolist())
        F = _fn(m, lambda ctx, x: x * 2, lambda ctx, g: (g * 2, None, None))  # extra Nones are fine
        x = m.ones(2, requires_grad=True)
        F.apply(x).sum().backward()
        res.append(x.grad.tolist())
        return res
    assert outs(ember) == outs(torch)
