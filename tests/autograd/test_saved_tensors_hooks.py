"""Saved-tensor hooks (torch.autograd.graph.saved_tensors_hooks and friends), SavedTensor, and the
legacy profiler record types, checked against PyTorch."""
import threading

import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")


def _logging_hooks(log):
    def pack(t):
        log.append(("pack", tuple(t.shape), t.grad_fn.name() if t.grad_fn is not None else None))
        return ("packed", t)

    def unpack(p):
        log.append(("unpack", tuple(p[1].shape)))
        return p[1]
    return pack, unpack


def _run(T, graph, ordered=True):
    log = []
    x = T.tensor([0.5, 1.5, -2.0], requires_grad=True)
    w = T.tensor([3.0, -1.0, 0.25], requires_grad=True)
    with T.autograd.graph.saved_tensors_hooks(*_logging_hooks(log)):
        out = graph(x, w)
    packs = list(log)
    log.clear()
    out.backward()
    unpacks = list(log)
    if not ordered:
        packs, unpacks = sorted(packs, key=repr), sorted(unpacks, key=repr)
    return out.detach().numpy(), x.grad.numpy(), w.grad.numpy(), packs, unpacks


def _compare(graph, ordered=True):
    e = _run(ember, graph, ordered)
    t = _run(torch, graph, ordered)
    for a, b in zip(e[:3], t[:3]):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-6)
    assert e[3] == t[3]
    assert e[4] == t[4]
    return e


def test_unary_chain_pack_unpack_order_and_counts():
    e = _compare(lambda x, w: (x.sin().exp().tanh().sigmoid() + w).sum())
    assert len(e[3]) == 4 and len(e[4]) == 4


def test_binary_ops_counts():
    # mul, div, dot each save both operands; ember may save them in another order than torch
    _compare(lambda x, w: ((x * w) / (w + 4.0)).dot(x), ordered=False)


def test_outputs_saved_for_backward_are_packed_with_their_node():
    e = _compare(lambda x, w: (x.exp() * w).relu().sum(), ordered=False)
    assert ("pack", (3,), "ExpBackward0") in e[3]


def test_nested_hooks_innermost_wins():
    def run(T):
        outer, inner = [], []
        x = T.tensor([1.0, 2.0], requires_grad=True)
        with T.autograd.graph.saved_tensors_hooks(*_logging_hooks(outer)):
            a = x.sin()
            with T.autograd.graph.saved_tensors_hooks(*_logging_hooks(inner)):
                b = a.exp()
            c = b.cos()
        c.sum().backward()
        return outer, inner, x.grad.numpy()
    eo, ei, eg = run(ember)
    to, ti, tg = run(torch)
    assert (eo, ei) == (to, ti)
    np.testing.assert_allclose(eg, tg, rtol=1e-6)


def test_hooks_that_change_the_packed_value():
    def run(T):
        x = T.tensor([2.0, -3.0], requires_grad=True)
        with T.autograd.graph.saved_tensors_hooks(lambda t: t * 10, lambda t: t / 10):
            y = (x * x).sum() + x.exp().sum()
        y.backward()
        return x.grad.numpy()
    np.testing.assert_allclose(run(ember), run(torch), rtol=1e-6)


def test_pack_hook_runs_with_grad_disabled():
    def run(T):
        seen = []
        x = T.tensor([1.0, 2.0], requires_grad=True)

        def pack(t):
            seen.append(T.is_grad_enabled())
            return t
        with T.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
            x.sin()
        return seen
    assert run(ember) == run(torch) == [False]


def test_double_backward_under_hooks():
    def run(T):
        log = []
        x = T.tensor([0.3, 0.7], requires_grad=True)
        with T.autograd.graph.saved_tensors_hooks(*_logging_hooks(log)):
            y = x.sin().sum()
            g, = T.autograd.grad(y, x, create_graph=True)
            g.sum().backward()
        return len([e for e in log if e[0] == "pack"]), len([e for e in log if e[0] == "unpack"]), x.grad.numpy()
    e, t = run(ember), run(torch)
    assert e[:2] == t[:2]
    np.testing.assert_allclose(e[2], t[2], rtol=1e-6)


def test_custom_function_save_for_backward():
    def run(T):
        class Double(T.autograd.Function):
            @staticmethod
            def forward(ctx, a):
                o = a * 2
                ctx.save_for_backward(a, o)
                return o

            @staticmethod
            def backward(ctx, g):
                a, o = ctx.saved_tensors
                return g * 2 + 0 * o
        log = []
        x = T.tensor([1.0, 2.0], requires_grad=True)
        with T.autograd.graph.saved_tensors_hooks(*_logging_hooks(log)):
            o = Double.apply(x)
        packs = list(log)
        log.clear()
        o.sum().backward()
        return packs, list(log), x.grad.numpy()
    e, t = run(ember), run(torch)
    assert e[0] == t[0] and e[1] == t[1]
    assert e[0][1][2] is not None  # the saved output carries its node
    np.testing.assert_allclose(e[2], t[2])


def test_unpack_must_return_a_tensor():
    for T in (ember, torch):
        x = T.tensor([1.0], requires_grad=True)
        with T.autograd.graph.saved_tensors_hooks(lambda t: 5, lambda p: "bad"):
            y = x.exp()
        with pytest.raises(TypeError, match="unpack_hook expected to be a Tensor but got result of type str"):
            y.sum().backward()


def test_packed_tensors_skip_the_version_check_and_are_freed():
    for T in (ember, torch):
        with T.autograd.graph.saved_tensors_hooks(lambda t: t, lambda t: t):
            a = T.tensor([1.0, 2.0], requires_grad=True).clone()
            b = a.sin()
        a.add_(1)
        b.sum().backward()  # no in-place error once hooks hold the tensor (as PyTorch)
        with pytest.raises(RuntimeError, match="backward through the graph a second time"):
            b.sum().backward()


def test_disable_saved_tensors_hooks():
    for T in (ember, torch):
        G = T.autograd.graph
        with G.disable_saved_tensors_hooks("hooks are off here"):
            with pytest.raises(RuntimeError, match="^hooks are off here$"):
                with G.saved_tensors_hooks(lambda t: t, lambda t: t):
                    pass
        with G.saved_tensors_hooks(lambda t: t, lambda t: t):  # allowed again afterwards
            pass

        @G.disable_saved_tensors_hooks("not in f")
        def f():
            with G.saved_tensors_hooks(lambda t: t, lambda t: t):
                pass
        with pytest.raises(RuntimeError, match="not in f"):
            f()


def test_hooks_are_per_thread():
    log = []
    x = ember.tensor([1.0], requires_grad=True)

    def other():
        x.exp()
    with ember.autograd.graph.saved_tensors_hooks(*_logging_hooks(log)):
        t = threading.Thread(target=other)
        t.start()
        t.join()
    assert log == []


def test_save_on_cpu_is_a_saved_tensors_hooks():
    assert issubclass(torch.autograd.graph.save_on_cpu, torch.autograd.graph.saved_tensors_hooks)
    assert issubclass(ember.autograd.graph.save_on_cpu, ember.autograd.graph.saved_tensors_hooks)
    x = ember.tensor([1.0, 2.0], requires_grad=True)
    with ember.autograd.graph.save_on_cpu():
        y = (x.sin() * x).sum()
    y.backward()
    xt = torch.tensor([1.0, 2.0], requires_grad=True)
    (xt.sin() * xt).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), xt.grad.numpy(), rtol=1e-6)


def test_saved_tensor_register_hooks():
    calls = []
    x = ember.tensor([1.0, 2.0], requires_grad=True)
    y = x.exp()
    saved = y.grad_fn._raw_saved_tensors[0]
    assert isinstance(saved, ember.autograd.SavedTensor)
    saved.register_hooks(lambda t: (calls.append("pack"), t)[1], lambda t: (calls.append("unpack"), t)[1])
    assert calls == ["pack"]  # packed at once, as PyTorch
    msg = "hooks have already been set. Hint: only one pair of hooks is allowed at a time."
    with pytest.raises(RuntimeError, match=msg):
        saved.register_hooks(lambda t: t, lambda t: t)
    yt = torch.tensor([1.0, 2.0], requires_grad=True).exp()
    rt = yt.grad_fn._raw_saved_result
    rt.register_hooks(lambda t: t, lambda t: t)
    with pytest.raises(RuntimeError, match=msg):
        rt.register_hooks(lambda t: t, lambda t: t)
    with pytest.raises(TypeError):
        yt.grad_fn._raw_saved_result.register_hooks(1, lambda t: t)
    with pytest.raises(TypeError):
        ember.tensor([1.0], requires_grad=True).exp().grad_fn._raw_saved_tensors[0].register_hooks(1, print)
    y.sum().backward()
    assert calls == ["pack", "unpack"]
    np.testing.assert_allclose(x.grad.numpy(), np.exp([1.0, 2.0]), rtol=1e-6)


def test_profiler_config_and_event():
    c = ember.autograd.ProfilerConfig(ember.autograd.ProfilerState.CPU, True, False, False, False, False, None)
    assert (c.state, c.report_input_shapes, c.profile_memory, c.trace_id) == (ember.autograd.ProfilerState.CPU,
                                                                            True, False, "")
    with pytest.raises(TypeError):
        ember.autograd.ProfilerConfig("cpu", True, False, False, False, False, None)
    # the same record methods as PyTorch's legacy event
    torch_methods = {a for a in dir(torch.autograd.ProfilerEvent) if not a.startswith("_")}
    ember_methods = {a for a in dir(ember.autograd.ProfilerEvent) if not a.startswith("_")}
    assert torch_methods <= ember_methods
    with ember.autograd.profiler.profile(record_shapes=True) as prof:
        ember.ones(2, 3).exp()
    push, pop = ember.autograd.ProfilerEvent.from_function_event(prof.function_events[-1])
    assert (push.kind(), pop.kind(), push.name(), push.shapes()) == ("push", "pop", "aten::exp", [[2, 3]])
    assert push.cpu_elapsed_us(pop) >= 0 and not push.has_cuda()
