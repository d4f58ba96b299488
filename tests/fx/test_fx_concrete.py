"""ember.fx._concrete: tracing with real values (the capture under jit.trace / compile / onnx export)."""
import os
import sys
import warnings

import numpy as np
import pytest

import ember
import ember.nn as nn
import ember.nn.functional as F
from ember.fx import _concrete as C

sys.path.insert(0, os.path.dirname(__file__))
from fx_models import seed_cnn, tricky  # noqa: E402


def _first(v):
    return v[0] if isinstance(v, tuple) else v


def test_data_dependent_branch_is_baked_in_with_torch_warning():
    torch = pytest.importorskip("torch")

    def f(x):
        if x.sum() > 0:
            return x * 2
        return x - 1
    with pytest.warns(C.TracerWarning) as rec:
        gm = C.trace(f, (ember.ones(3),))
    with warnings.catch_warnings(record=True) as trec:
        warnings.simplefilter("always")
        torch.jit.trace(f, (torch.ones(3),))
    assert str(rec[0].message) in [str(w.message) for w in trec]
    info = gm.meta["concrete_trace"]
    assert [(d.kind, d.value, d.data_dependent) for d in info.data_dependent] == [("bool", True, True)]
    neg = -3 * ember.ones(3)
    assert ember.equal(gm(neg), neg * 2)          # the traced branch, not f's
    assert not ember.equal(gm(neg), f(neg))


def test_shapes_stay_dynamic_and_are_not_data_dependent():
    def f(x):
        n = x.size(0)
        y = x.view(n, -1)
        if y.shape[1] > 2:          # a shape decision: recorded, not data dependent, no warning
            y = y * 2
        return ember.zeros(n, 1) + y.sum(1, keepdim=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        gm = C.trace(f, (ember.randn(2, 3, 2),))
    info = gm.meta["concrete_trace"]
    assert info.decisions and not info.data_dependent
    x = ember.randn(5, 3, 2)
    assert ember.equal(gm(x), f(x))                # batch 5 replays through a batch-2 trace


@pytest.mark.parametrize("build", [seed_cnn, tricky])
def test_models_replay_bit_identically_forward_and_backward(build):
    m = build(ember).eval()
    shapes = {"seed_cnn": [(2, 1, 14, 14)], "tricky": [(4, 4), (4, 4)]}[build.__name__]
    rng = np.random.default_rng(0)
    xs = [rng.standard_normal(s).astype(np.float32) for s in shapes]
    gm = C.trace(m, tuple(ember.tensor(x) for x in xs))
    assert not [n for n in gm.graph.nodes if n.op == "call_module"]   # traced down to functional calls
    a = [ember.tensor(x, requires_grad=True) for x in xs]
    b = [ember.tensor(x, requires_grad=True) for x in xs]
    out_g, out_e = _first(gm(*a)), _first(m(*b))
    assert ember.equal(out_g, out_e)
    out_g.sum().backward()
    gw = {k: p.grad.clone() for k, p in m.named_parameters()}
    m.zero_grad()
    out_e.sum().backward()
    for k, p in m.named_parameters():
        assert ember.equal(gw[k], p.grad), k
    for x, y in zip(a, b):
        assert ember.equal(x.grad, y.grad)


def test_resnet18_concrete_trace():
    import ember.vision
    m = ember.vision.models.resnet18().eval()
    x = ember.randn(1, 3, 32, 32)
    gm = C.trace(m, (x,))
    info = gm.meta["concrete_trace"]
    assert info.leaf_fallbacks == [] and not info.data_dependent
    targets = {n.target for n in gm.graph.nodes if n.op == "call_function"}
    assert F.conv2d in targets and F.batch_norm in targets and F.linear in targets
    x2 = ember.randn(3, 3, 32, 32)
    assert ember.equal(gm(x2), m(x2))


def test_untraceable_submodule_falls_back_to_a_leaf():
    class LM(nn.Module):
        def __init__(self):
            super().__init__()
            self.emb = nn.Embedding(10, 4)
            self.rnn = nn.LSTM(4, 5, batch_first=True)
            self.head = nn.Linear(5, 10)

        def forward(self, tok):
            out, _ = self.rnn(self.emb(tok))
            return self.head(out)
    m = LM()
    tok = ember.tensor([[1, 2, 3], [4, 5, 6]])
    gm = C.trace(m, (tok,))
    assert gm.meta["concrete_trace"].leaf_fallbacks == ["rnn"]
    assert [n.target for n in gm.graph.nodes if n.op == "call_module"] == ["rnn"]
    assert ember.equal(gm(tok), m(tok))
    with pytest.raises(ember.fx.proxy.TraceError, match="rnn"):
        C.trace(m, (tok,), fallback_to_leaf=False)


def test_leaf_modules_and_isinstance_and_is_tracing():
    seen = []

    class M(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(3, 3)

        def forward(self, x):
            seen.append((isinstance(x, ember.Tensor), C.is_tracing(), ember.is_tensor(x)))
            return self.fc(x).relu()
    m = M()
    gm = C.trace(m, (ember.randn(2, 3),), leaf_modules=(nn.Linear,))
    assert seen == [(True, True, True)] and not C.is_tracing()
    assert [n.op for n in gm.graph.nodes] == ["placeholder", "call_module", "call_method", "output"]


def test_item_stays_in_the_graph_and_inplace_ops_are_kept():
    def f(x):
        s = x.sum().item()
        y = x.clone()
        y.add_(1)
        return y * s
    gm = C.trace(f, (ember.ones(3),))
    assert "add_" in [n.target for n in gm.graph.nodes]
    x = ember.arange(3.0)
    assert ember.equal(gm(x), f(x))


def test_iteration_unrolls_and_warns_for_tensors():
    def f(x):
        return sum(row * i for i, row in enumerate(x))
    with pytest.warns(C.TracerWarning, match="Iterating over a tensor"):
        gm = C.trace(f, (ember.ones(3, 2),))
    x = ember.randn(3, 2)
    assert ember.allclose(gm(x), f(x))
    dec = gm.meta["concrete_trace"].decisions
    assert [(d.kind, d.value, d.data_dependent) for d in dec] == [("iter", 3, False)]


def test_args_kwargs_and_containers():
    def f(x, pair, *rest, scale=1.0, **extra):
        a, b = pair
        return x + a * b * scale + sum(rest) + extra["bias"]
    args = (ember.ones(2), (ember.ones(2) * 2, ember.ones(2) * 3), ember.ones(2), ember.ones(2))
    gm = C.trace(f, args, {"scale": 0.5, "bias": ember.ones(2)})
    names = [n.name for n in gm.graph.nodes if n.op == "placeholder"]
    assert names == ["x", "pair", "rest_0", "rest_1", "scale", "bias"]
    assert ember.equal(gm(*args, 0.5, ember.ones(2)), f(*args, scale=0.5, bias=ember.ones(2)))


def test_patches_restored_and_errors_propagate():
    relu = ember.relu

    def f(x):
        return ember.relu(x) + ember.ones(4)
    with pytest.raises(RuntimeError, match="must match the size"):
        C.trace(f, (ember.ones(3),))
    assert ember.relu is relu and not C.is_tracing()


@pytest.mark.parametrize("mode", ["train", "eval"])
def test_transformer_encoder_layer_traces_through_with_attention_as_leaf(mode):
    layer = nn.TransformerEncoderLayer(8, 2, 16, dropout=0.1, batch_first=True)
    getattr(layer, mode)()
    x = ember.randn(2, 3, 8)
    gm = C.trace(layer, (x,))
    assert gm.meta["concrete_trace"].leaf_fallbacks == ["self_attn"]
    targets = [n.target for n in gm.graph.nodes if n.op == "call_function"]
    assert F.layer_norm in targets and F.linear in targets and F.relu in targets  # self.activation = F.relu
    ember.manual_seed(0)
    got = gm(x)
    ember.manual_seed(0)
    assert ember.equal(got, layer(x))


def test_fallback_undoes_the_failed_attempt_and_buffers_are_recorded():
    internal_add = ember.add   # bound before the trace: calling it on a Proxy fails inside Inner

    class Inner(nn.Module):
        def __init__(self):
            super().__init__()
            self.bn = nn.BatchNorm1d(3)

        def forward(self, x):
            y = F.dropout(self.bn(x), 0.5, True)    # RNG draw and buffer update before the failure
            return internal_add(y, 1)

    class Outer(nn.Module):
        def __init__(self):
            super().__init__()
            self.inner = Inner()
            self.bn = nn.BatchNorm1d(3)

        def forward(self, x):
            return self.inner(self.bn(x))
    x = ember.randn(4, 3)
    m_trace, m_eager = Outer(), Outer()
    m_eager.load_state_dict(m_trace.state_dict())
    ember.manual_seed(0)
    gm = C.trace(m_trace, (x,))
    ember.manual_seed(0)
    want = m_eager(x)
    info = gm.meta["concrete_trace"]
    assert info.leaf_fallbacks == ["inner"]
    assert ember.equal(info.example_output, want)
    for (k, a), (_, b) in zip(m_trace.state_dict().items(), m_eager.state_dict().items()):
        assert ember.equal(a, b), k                 # side effects happened once, not twice
    assert "add_" in [n.target for n in gm.graph.nodes]   # bn.num_batches_tracked.add_(1) is recorded
    before = m_trace.bn.num_batches_tracked.item()
    gm(x)
    assert m_trace.bn.num_batches_tracked.item() == before + 1


def test_tracer_cls_hook():
    class Tagging(C.ConcreteTracer):
        def create_node(self, *args, **kwargs):
            n = super().create_node(*args, **kwargs)
            n.meta["tag"] = "seen"
            return n
    gm = C.trace(lambda x: x.relu(), (ember.ones(2),), tracer_cls=Tagging)
    assert all(n.meta.get("tag") == "seen" for n in gm.graph.nodes)
