"""register_multi_grad_hook and Variable._execution_engine.queue_callback, against torch."""
import threading

import pytest

import ember
from ember.autograd import Variable
from ember.autograd.graph import register_multi_grad_hook

torch = pytest.importorskip("torch")


def _run(lib, script):
    """Run ``script(lib, calls)`` and return the calls with tensors as lists."""
    calls = []
    script(lib, calls)

    def plain(x):
        if isinstance(x, (list, tuple)):
            return [plain(v) for v in x]
        return x.tolist() if hasattr(x, "tolist") else x
    return plain(calls)


def _all_mode(lib, calls):
    a, b, c = (lib.ones(2, requires_grad=True) for _ in range(3))
    h = lib.autograd.graph.register_multi_grad_hook((a, b, c), lambda gs: calls.append(("all", gs)))
    (a * 2 + b * 3).sum().backward()
    (a * 2).sum().backward()
    (c * 5).sum().backward()
    h.remove()
    (a * 7).sum().backward()
    calls.append(("after remove", a.grad))


def _any_mode(lib, calls):
    a = lib.ones(2, requires_grad=True)
    x, y = a * 1, a * 2
    lib.autograd.graph.register_multi_grad_hook((x, y), lambda g: calls.append(("any", g)), mode="any")
    (x * 3 + y * 4).sum().backward(retain_graph=True)
    (y * 5).sum().backward()


def _non_leaf_and_retain(lib, calls):
    w = lib.arange(3.0, requires_grad=True)
    h1, h2 = w.sin(), w.cos()
    lib.autograd.graph.register_multi_grad_hook((h1, h2), lambda gs: calls.append(gs))
    out = (h1 * h2).sum()
    out.backward(retain_graph=True)
    out.backward()
    calls.append(w.grad)


@pytest.mark.parametrize("script", [_all_mode, _any_mode, _non_leaf_and_retain])
def test_multi_grad_hook_matches_torch(script):
    got, want = _run(ember, script), _run(torch, script)
    assert _close(got, want), (got, want)


def _close(a, b):
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(_close(x, y) for x, y in zip(a, b))
    if isinstance(a, float) or isinstance(b, float):
        return a == pytest.approx(b, rel=1e-6)
    return a == b


def test_multi_grad_hook_grads_for_autograd_grad():
    d, e = ember.ones(2, requires_grad=True), ember.ones(2, requires_grad=True)
    seen = []
    register_multi_grad_hook((d, e), seen.append)
    (g,) = ember.autograd.grad((d * e * 4).sum(), d)
    assert g.tolist() == [4.0, 4.0]
    assert seen[0][0].tolist() == [4.0, 4.0] and seen[0][1] is None


def test_multi_grad_hook_errors_as_torch():
    for lib in (ember, torch):
        with pytest.raises(ValueError, match="Expects mode to be one of"):
            lib.autograd.graph.register_multi_grad_hook((lib.ones(1, requires_grad=True),), print, mode="x")
        with pytest.raises(AssertionError):
            lib.autograd.graph.register_multi_grad_hook((lib.ones(1),), print)


def test_handle_is_a_context_manager():
    a = ember.ones(1, requires_grad=True)
    seen = []
    with register_multi_grad_hook((a,), seen.append):
        (a * 2).sum().backward()
    (a * 2).sum().backward()
    assert len(seen) == 1


def test_queue_callback_runs_at_the_end_of_backward_in_order():
    for lib in (ember, torch):
        order = []
        x = lib.ones(2, requires_grad=True)
        eng = lib.autograd.Variable._execution_engine

        def hook(g):
            order.append("hook")
            eng.queue_callback(lambda: order.append(("cb1", x.grad is not None)))
            eng.queue_callback(lambda: (order.append("cb2"), eng.queue_callback(lambda: order.append("cb3"))))
        y = x * 2
        y.register_hook(hook)
        (y * 3).sum().backward()
        order.append("returned")
        assert order == ["hook", ("cb1", True), "cb2", "cb3", "returned"], (lib.__name__, order)


def test_queue_callback_outside_backward_raises_as_torch():
    for lib in (ember, torch):
        with pytest.raises(RuntimeError, match="Final callbacks can only be installed during backward pass"):
            lib.autograd.Variable._execution_engine.queue_callback(print)


def test_callbacks_are_per_thread_and_not_run_after_an_error():
    x = ember.ones(1, requires_grad=True)
    ran = []

    def bad(g):
        Variable._execution_engine.queue_callback(lambda: ran.append(1))
        raise ValueError("boom")
    y = x * 2
    y.register_hook(bad)
    with pytest.raises(ValueError):
        y.sum().backward()
    assert ran == []
    errors = []

    def other():
        try:
            Variable._execution_engine.queue_callback(print)
        except RuntimeError:
            errors.append("outside")
    z = x * 3

    def spawn(g):
        t = threading.Thread(target=other)
        t.start()
        t.join()
    z.register_hook(spawn)
    z.sum().backward()
    assert errors == ["outside"]


def test_engine_run_backward_entry():
    x = ember.ones(3, requires_grad=True)
    (g,) = Variable._execution_engine.run_backward(((x * x).sum(),), (None,), False, False, (x,), False, False)
    assert g.tolist() == [2.0, 2.0, 2.0] and x.grad is None
