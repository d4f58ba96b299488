"""Interpreter, Transformer, ShapeProp and replace_pattern against torch.fx on the same programs."""
import os
import sys

import numpy as np
import pytest

import ember
import ember.fx
from ember.fx.passes.shape_prop import ShapeProp

sys.path.insert(0, os.path.dirname(__file__))
from fx_models import mlp, seed_cnn, tricky  # noqa: E402


def _pair():
    torch = pytest.importorskip("torch")
    import torch.fx  # noqa: F401
    return torch


def test_interpreter_matches_forward_and_is_overridable():
    m = tricky(ember).eval()
    gm = ember.fx.symbolic_trace(m)
    x, y = ember.randn(4, 4), ember.randn(4, 4)
    got, want = ember.fx.Interpreter(gm).run(x, y), gm(x, y)
    assert all(ember.equal(a, b) for a, b in zip(got, want))

    class Count(ember.fx.Interpreter):
        def run_node(self, n):
            self.seen = getattr(self, "seen", []) + [n.op]
            return super().run_node(n)
    it = Count(gm)
    it.run(x, y)
    assert it.seen == [n.op for n in gm.graph.nodes]
    with pytest.raises(RuntimeError, match="Expected positional argument for parameter y"):
        ember.fx.Interpreter(gm).run(x)


def test_transformer_neg_sigmoid_swap_like_torch_docs():
    torch = _pair()

    def make(t):
        class NegSigmSwap(t.fx.Transformer):
            def call_function(self, target, args, kwargs):
                if target == t.sigmoid:
                    return t.neg(*args, **kwargs)
                return super().call_function(target, args, kwargs)

            def call_method(self, target, args, kwargs):
                if target == "neg":
                    call_self, *rest = args
                    return call_self.sigmoid(*rest, **kwargs)
                return super().call_method(target, args, kwargs)
        return NegSigmSwap

    def fn(x):
        return t_.sigmoid(x).neg()
    outs, codes = [], []
    for t in (ember, torch):
        global t_
        t_ = t
        gm = make(t)(t.fx.symbolic_trace(fn)).transform()
        outs.append(gm(t.tensor([-1.0, 0.5, 2.0])).numpy())
        codes.append([n.name for n in gm.graph.nodes])
    np.testing.assert_allclose(outs[0], outs[1], rtol=1e-6)
    assert codes[0] == codes[1]


@pytest.mark.parametrize("build", [seed_cnn, mlp])
def test_shape_prop_matches_torch(build):
    torch = _pair()
    from torch.fx.passes.shape_prop import ShapeProp as TShapeProp
    em, tm = build(ember).eval(), build(torch).eval()
    eg, tg = ember.fx.symbolic_trace(em), torch.fx.symbolic_trace(tm)
    shape = (2, 1, 14, 14) if build is seed_cnn else (3, 6)
    ShapeProp(eg).propagate(ember.zeros(*shape))
    TShapeProp(tg).propagate(torch.zeros(*shape))
    for en, tn in zip(eg.graph.nodes, tg.graph.nodes):
        if "tensor_meta" not in tn.meta:
            assert "tensor_meta" not in en.meta
            continue
        e, t = en.meta["tensor_meta"], tn.meta["tensor_meta"]
        assert tuple(e.shape) == tuple(t.shape) and e.stride == t.stride, en.name
        assert str(e.dtype) == str(t.dtype) and e.requires_grad == t.requires_grad
        assert str(e.memory_format) == str(t.memory_format)
        assert en.meta["type"].__name__ == tn.meta["type"].__name__


def test_replace_pattern_like_torch():
    torch = _pair()
    from torch.fx import subgraph_rewriter as tsr

    def program(t):
        def f(x, w):
            a = t.relu(x).add(1)
            b = t.relu(w).add(1) * 2
            return t.relu(a).add(1) + b
        return f

    def pattern(t):
        return lambda x: t.relu(x).add(1)

    def replacement(t):
        return lambda x: t.sigmoid(x) * 3
    results = []
    for t, rewrite in ((ember, ember.fx.replace_pattern), (torch, tsr.replace_pattern)):
        gm = t.fx.symbolic_trace(program(t))
        matches = rewrite(gm, pattern(t), replacement(t))
        x = t.tensor([[-1.0, 2.0], [0.5, -0.3]])
        results.append((len(matches), [n.op for n in gm.graph.nodes], gm(x, x * 2).numpy()))
    assert results[0][0] == results[1][0] == 3
    assert results[0][1] == results[1][1]
    np.testing.assert_allclose(results[0][2], results[1][2], rtol=1e-6)


def test_replace_pattern_skips_matches_used_outside():
    def f(x):
        r = ember.relu(x)
        return r.neg() + r
    gm = ember.fx.symbolic_trace(f)
    assert ember.fx.replace_pattern(gm, lambda x: ember.relu(x).neg(), lambda x: x) == []


def test_replace_pattern_with_filters_and_ignore_literals():
    from ember.fx.subgraph_rewriter import replace_pattern_with_filters
    gm = ember.fx.symbolic_trace(lambda x: x * 2 + x * 3)
    only_two = [lambda m, g, p: m.anchor.args[1] == 2]
    rs = replace_pattern_with_filters(gm, lambda v: v * 5, lambda v: v.neg(), only_two, ignore_literals=True)
    assert len(rs) == 1 and rs[0].replacements[0].target == "neg"
    x = ember.randn(3)
    assert ember.equal(gm(x), -x + x * 3)


def test_has_side_effect_survives_dead_code_elimination():
    def note(x):
        return None
    g = ember.fx.Graph()
    x = g.placeholder("x")
    g.call_function(note, (x,))
    g.call_function(abs, (x,))
    g.output(x)
    ember.fx.has_side_effect(note)
    g.eliminate_dead_code()
    assert [n.op for n in g.nodes] == ["placeholder", "call_function", "output"]
    assert list(g.nodes)[1].target is note
