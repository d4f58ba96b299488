"""ember.fx symbolic tracing: graphs match torch.fx's on the same models, replay equals eager exactly."""
import math
import operator
import os
import sys

import numpy as np
import pytest

import ember
import ember.fx
import ember.nn as nn
import ember.nn.functional as F

sys.path.insert(0, os.path.dirname(__file__))
from fx_models import mlp, seed_cnn, tricky  # noqa: E402


def _copy_state(src_torch, dst_ember):
    sd = {k: ember.tensor(v.detach().numpy()) for k, v in src_torch.state_dict().items()}
    dst_ember.load_state_dict(sd)


def _target_str(t):
    if isinstance(t, str):
        return t
    mod = getattr(t, "__module__", "") or ""
    if mod in ("_operator", "operator", "builtins"):
        return f"{mod.strip('_')}.{t.__name__}"
    return t.__name__.split(".")[-1]  # torch and ember functions: compare by name


def _signature(gm):
    out = []
    for n in gm.graph.nodes:
        args = tuple(a.name if hasattr(a, "op") else repr(a) for a in n.args if not isinstance(a, (list, tuple)))
        out.append((n.op, n.name, _target_str(n.target), args))
    return out


def _codes(gm):
    # the lines of the generated code up to "(", ignoring kwargs torch fills in from defaults
    # (torch prints F.gelu, a C function, as torch._C._nn.gelu)
    code = gm.code.replace("torch._C._nn.", "torch.nn.functional.")
    return [ln.split("(")[0].strip() for ln in code.strip().splitlines()]


@pytest.mark.parametrize("build", [seed_cnn, mlp, tricky])
def test_graph_matches_torch_fx_and_replays_exactly(build):
    torch = pytest.importorskip("torch")
    import torch.fx  # noqa: F401
    tm, em = build(torch), build(ember)
    _copy_state(tm, em)
    tm.eval(), em.eval()
    tg, eg = torch.fx.symbolic_trace(tm), ember.fx.symbolic_trace(em)
    assert _signature(eg) == _signature(tg)
    assert _codes(eg) == _codes(tg)
    rng = np.random.default_rng(0)
    shapes = {"seed_cnn": [(2, 1, 14, 14)], "mlp": [(3, 6)], "tricky": [(4, 4), (4, 4)]}[build.__name__]
    xs = [rng.standard_normal(s).astype(np.float32) for s in shapes]
    eout, eager = eg(*map(ember.tensor, xs)), em(*map(ember.tensor, xs))
    tout = tg(*map(torch.tensor, xs))
    eout = eout if isinstance(eout, tuple) else (eout,)
    eager = eager if isinstance(eager, tuple) else (eager,)
    tout = tout if isinstance(tout, tuple) else (tout,)
    for a, b, c in zip(eout, eager, tout):
        assert ember.equal(a, b)  # replay is the same computation: bit-identical
        np.testing.assert_allclose(a.detach().numpy(), c.detach().numpy(), rtol=1e-5, atol=1e-6)
    # gradients through the replayed graph equal eager ones
    xs_e = [ember.tensor(x, requires_grad=True) for x in xs]
    out = eg(*xs_e)
    (out[0] if isinstance(out, tuple) else out).sum().backward()
    xs_r = [ember.tensor(x, requires_grad=True) for x in xs]
    out = em(*xs_r)
    (out[0] if isinstance(out, tuple) else out).sum().backward()
    for a, b in zip(xs_e, xs_r):
        if b.grad is not None:
            assert ember.equal(a.grad, b.grad)


def test_state_dict_and_params_come_from_root():
    torch = pytest.importorskip("torch")
    import torch.fx  # noqa: F401
    tm, em = tricky(torch), tricky(ember)
    tg, eg = torch.fx.symbolic_trace(tm), ember.fx.symbolic_trace(em)
    assert list(eg.state_dict()) == list(tg.state_dict())
    assert {id(p) for p in eg.parameters()} == {id(p) for p in em.parameters()}
    assert type(eg).__name__ == type(tg).__name__ == "Tricky"


def test_resnet18_replays_bit_identically():
    import ember.vision
    m = ember.vision.models.resnet18().eval()
    gm = ember.fx.symbolic_trace(m)
    x = ember.randn(1, 3, 32, 32)
    assert ember.equal(gm(x), m(x))
    names = [n.name for n in gm.graph.nodes]
    assert "layer1_0_conv1" in names and "flatten" in names and names[-1] == "output"
    assert sorted(gm.state_dict()) == sorted(m.state_dict())
    gm.graph.lint()


def test_concrete_args_and_flag_control_flow():
    torch = pytest.importorskip("torch")
    import torch.fx  # noqa: F401

    def f(x, n, mode="a"):
        for _ in range(n):
            x = x + 1
        return x.relu() if mode == "a" else x.neg()
    eg = ember.fx.symbolic_trace(f, concrete_args={"n": 2, "mode": "b"})
    tg = torch.fx.symbolic_trace(f, concrete_args={"n": 2, "mode": "b"})
    assert [n.target for n in eg.graph.nodes if n.op == "call_method"] == ["neg"]
    assert [n.name for n in eg.graph.nodes if n.op != "placeholder"] == \
        [n.name for n in tg.graph.nodes if n.op not in ("placeholder", "call_function")
         or n.target is operator.add]
    x = ember.randn(3)
    assert ember.equal(eg(x), f(x, 2, "b"))


def test_bool_len_of_proxy_raise_like_torch():
    def f(x):
        if x.sum() > 0:
            return x
        return -x
    with pytest.raises(ember.fx.proxy.TraceError, match="control flow"):
        ember.fx.symbolic_trace(f)
    with pytest.raises(RuntimeError, match="'len' is not supported"):
        ember.fx.symbolic_trace(lambda x: len(x))
    with pytest.raises(ember.fx.proxy.TraceError, match="cannot be iterated"):
        ember.fx.symbolic_trace(lambda x: [v for v in x])


def test_unpack_iteration_and_operators():
    def f(x):
        a, b = x.chunk(2)
        return a @ b.T, -a, ~(a > 0), abs(b), 2 ** a, 1 - b, a[0, 1:], a.shape[0] * b
    gm = ember.fx.symbolic_trace(f)
    x = ember.randn(4, 3)
    for got, want in zip(gm(x), f(x)):
        assert ember.equal(got, want)
    assert operator.getitem in [n.target for n in gm.graph.nodes]


def test_real_tensor_op_proxy_and_constants():
    class M(nn.Module):
        def __init__(self):
            super().__init__()
            self.register_buffer("pe", ember.arange(20.0).reshape(1, 20))

        def forward(self, x):
            c = ember.ones(1, 3) * 2          # a constant made during tracing
            return x + self.pe[:, : x.size(1)] + c
    m = M()
    gm = ember.fx.symbolic_trace(m)
    ops = [(n.op, n.target) for n in gm.graph.nodes]
    assert ("get_attr", "pe") in ops and ("get_attr", "_tensor_constant0") in ops
    x = ember.randn(2, 3)
    assert ember.equal(gm(x), m(x))


def test_unpatched_function_gives_a_clear_error():
    add = ember.add  # bound before the trace, in a local: the trace cannot patch it

    def f(x):
        return add(x, 1)
    with pytest.raises(ember.fx.proxy.TraceError, match="ember.fx.wrap"):
        ember.fx.symbolic_trace(f)


def test_patches_are_restored_even_on_error():
    relu, cat, tadd, call = ember.relu, ember.cat, ember.Tensor.__add__, nn.Module.__call__

    def f(x):
        ember.relu(x)
        raise KeyError("boom")
    with pytest.raises(KeyError):
        ember.fx.symbolic_trace(f)
    assert (ember.relu, ember.cat, ember.Tensor.__add__, nn.Module.__call__) == (relu, cat, tadd, call)


def _my_helper(x):
    return x.clamp(0, 1) * 3


ember.fx.wrap("_my_helper")


def test_wrap_records_one_call_and_autowraps_math():
    def f(x):
        return _my_helper(x) + math.sqrt(x.size(0))
    gm = ember.fx.symbolic_trace(f)
    targets = [n.target for n in gm.graph.nodes if n.op == "call_function"]
    assert targets[0].__name__ == "_my_helper" and math.sqrt in targets
    x = ember.randn(4)
    assert ember.equal(gm(x), f(x))


def test_graph_rewrite_relu_to_gelu():
    m = seed_cnn(ember).eval()
    gm = ember.fx.symbolic_trace(m)
    for n in list(gm.graph.nodes):
        if n.op == "call_function" and n.target is F.relu:
            with gm.graph.inserting_after(n):
                g = gm.graph.call_function(F.gelu, n.args, n.kwargs)
            n.replace_all_uses_with(g)
            gm.graph.erase_node(n)
    gm.graph.lint()
    gm.recompile()
    assert "gelu" in gm.code and "relu" not in gm.code
    x = ember.randn(2, 1, 14, 14)
    h = F.max_pool2d(F.gelu(m.conv2(F.gelu(m.conv1(x)))), 2)
    want = F.log_softmax(m.fc2(F.gelu(m.fc1(ember.flatten(h, 1)))), dim=1)
    assert ember.equal(gm(x), want)


def test_graph_api():
    g = ember.fx.Graph()
    x = g.placeholder("x")
    y = g.call_function(ember.relu, (x,))
    z = g.call_method("sum", (y,), {"dim": 0})
    dead = g.call_function(operator.mul, (x, 2))
    out = g.output(z)
    with pytest.raises(RuntimeError, match="still had 1 users"):
        g.erase_node(y)
    assert list(x.users) == [y, dead] and y.all_input_nodes == [x]
    assert g.eliminate_dead_code() and dead not in list(g.nodes)
    with g.inserting_before(z):
        w = g.call_function(operator.add, (y, 1))
    z.replace_input_with(y, w)
    z.update_kwarg("dim", -1)
    assert [n.name for n in g.nodes] == ["x", "relu", "add", "sum_1", "output"]
    assert z.prev is w and w.next is z and out.args == (z,)
    h = ember.fx.Graph()
    vm = {}
    ret = h.graph_copy(g, vm)
    h.output(ret)
    assert [n.name for n in h.nodes] == [n.name for n in g.nodes]
    gm = ember.fx.GraphModule(nn.Module(), h)
    t = ember.randn(3, 2)
    assert ember.equal(gm(t), (ember.relu(t) + 1).sum(dim=-1))
    g.lint()
    print(g)


def test_graph_print_formats_match_torch(capsys):
    torch = pytest.importorskip("torch")
    import torch.fx  # noqa: F401
    tg, eg = torch.fx.symbolic_trace(mlp(torch)), ember.fx.symbolic_trace(mlp(ember))
    assert str(eg.graph) == str(tg.graph)
    assert eg.print_readable(print_output=False).split() == \
        [w for w in tg.print_readable(print_output=False).split() if w not in ("#", "No", "stacktrace", "found",
                                                                                 "for", "following", "nodes")]
    eg.graph.print_tabular()
    text = capsys.readouterr().out
    assert "opcode" in text and "layers_0" in text


def test_custom_leaf_and_tracer_subclass():
    class MyTracer(ember.fx.Tracer):
        def is_leaf_module(self, m, qualname):
            return isinstance(m, nn.Linear) or super().is_leaf_module(m, qualname) and not isinstance(m, nn.ReLU)
    m = mlp(ember)
    g = MyTracer().trace(m)
    assert "call_module" in [n.op for n in g.nodes]
    assert any(n.op == "call_function" and n.target is F.relu for n in g.nodes)
    gm = ember.fx.GraphModule(m, g)
    x = ember.randn(2, 6)
    assert ember.equal(gm(x), m(x))


def test_compat_alias_imports_fx():
    import importlib
    from ember import compat
    spec = compat.AliasFinder().find_spec("torch.fx")
    assert spec is not None
    assert importlib.import_module("ember.fx").symbolic_trace is ember.fx.symbolic_trace


def _scale(x):
    return x * 3


def test_autowrap_functions_records_one_call():
    def f(x):
        return _scale(x).relu()
    tracer = ember.fx.Tracer(autowrap_functions=(_scale,))
    g = tracer.trace(f)
    assert [n.target for n in g.nodes if n.op == "call_function"] == [_scale]
    assert [n.op for n in ember.fx.symbolic_trace(f).graph.nodes].count("call_function") == 1  # mul traced


def test_tracing_in_threads_leaves_eager_threads_alone():
    import threading
    m = seed_cnn(ember).eval()
    x = ember.randn(2, 1, 14, 14)
    want = m(x)
    errors, codes = [], []

    def tracer_thread():
        try:
            for _ in range(10):
                codes.append(ember.fx.symbolic_trace(m).code)
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)

    def eager_thread():
        try:
            for _ in range(10):
                assert ember.equal(m(x), want)
        except Exception as e:  # pragma: no cover
            errors.append(e)
    ts = [threading.Thread(target=tracer_thread) for _ in range(2)] + [threading.Thread(target=eager_thread)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    assert not errors and len(set(codes)) == 1 and len(codes) == 20
    assert not hasattr(ember.relu, "__fx_orig__") and not hasattr(F.relu, "__fx_orig__")
    assert not hasattr(nn.Module.__call__, "__fx_orig__")


def test_annotations_print_like_torch():
    torch = pytest.importorskip("torch")
    import torch.fx  # noqa: F401
    from typing import List, Optional
    texts = []
    for t in (ember, torch):
        class M(t.nn.Module):
            def forward(self, x: t.Tensor, n: int = 2, y: Optional[t.Tensor] = None,
                        z: List[int] = []) -> t.Tensor:  # noqa: B006
                return x * n
        gm = t.fx.symbolic_trace(M())
        texts.append((gm.code, str(gm.graph)))
    assert texts[0] == texts[1]
