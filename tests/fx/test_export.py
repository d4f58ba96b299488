"""ember.export.export against torch.export.export on the same modules."""
import numpy as np
import pytest

import ember


def _net(t):
    class Net(t.nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = t.nn.Linear(3, 2)
            self.register_buffer("b", t.ones(2))
            self.register_buffer("tmp", t.zeros(2), persistent=False)

        def forward(self, x):
            return t.relu(self.fc(x)) + self.b + self.tmp
    return Net()


def _specs(ep):
    return [(s.kind.name, s.arg.name, s.target, s.persistent) for s in ep.graph_signature.input_specs]


def test_export_signature_state_and_module_match_torch():
    torch = pytest.importorskip("torch")
    tm, em = _net(torch), _net(ember)
    em.load_state_dict({k: ember.tensor(v.numpy()) for k, v in tm.state_dict().items()})
    x = np.random.default_rng(0).standard_normal((4, 3)).astype(np.float32)
    tep = torch.export.export(tm, (torch.tensor(x),))
    eep = ember.export.export(em, (ember.tensor(x),))
    assert _specs(eep) == _specs(tep)
    assert eep.graph_signature.user_inputs == tep.graph_signature.user_inputs
    assert len(eep.graph_signature.user_outputs) == len(tep.graph_signature.user_outputs) == 1
    assert eep.graph_signature.parameters == tep.graph_signature.parameters
    assert eep.graph_signature.buffers == tep.graph_signature.buffers
    assert list(eep.state_dict) == list(tep.state_dict)
    assert [n.name for n in eep.graph.nodes if n.op == "placeholder"] == \
        [n.name for n in tep.graph.nodes if n.op == "placeholder"]
    out_e, out_t = eep.module()(ember.tensor(x)), tep.module()(torch.tensor(x))
    np.testing.assert_allclose(out_e.detach().numpy(), out_t.detach().numpy(), rtol=1e-6)
    assert ember.equal(out_e, em(ember.tensor(x)))
    lifted = eep.graph_module(*eep.state_dict.values(), em.tmp, ember.tensor(x))
    assert isinstance(lifted, tuple) and ember.equal(lifted[0], out_e)
    for ep, t in ((eep, ember), (tep, torch)):
        with pytest.raises(RuntimeError, match="Unable to call ExportedProgram directly"):
            ep(t.ones(4, 3))
    assert "Graph signature" in str(eep) and "p_fc_weight: PARAMETER target='fc.weight'" in str(eep)


def test_guards_and_dynamic_dims_like_torch():
    torch = pytest.importorskip("torch")
    msgs = []
    for t in (ember, torch):
        class N(t.nn.Module):
            def forward(self, x):
                return x * 2
        ep = t.export.export(N(), (t.randn(4, 3),))
        with pytest.raises(AssertionError) as e1:
            ep.module()(t.randn(5, 3))
        b = t.export.Dim("b", min=2, max=10)
        ep2 = t.export.export(N(), (t.randn(4, 3),), dynamic_shapes=({0: b},))
        assert tuple(ep2.module()(t.randn(7, 3)).shape) == (7, 3)
        with pytest.raises(AssertionError) as e2:
            ep2.module()(t.randn(11, 3))
        with pytest.raises(AssertionError) as e3:
            ep2.module()(t.randn(7, 4))
        msgs.append((str(e1.value), str(e2.value), str(e3.value)))
    assert msgs[0] == msgs[1]
    assert repr(ember.export.Dim("b", min=2, max=10)) == repr(torch.export.Dim("b", min=2, max=10))
    assert repr(ember.export.Dim("n")) == repr(torch.export.Dim("n"))


def test_export_errors_like_torch():
    torch = pytest.importorskip("torch")
    for t in (ember, torch):
        class Branchy(t.nn.Module):
            def forward(self, x):
                return x if x.sum() > 0 else -x
        with pytest.raises(RuntimeError, match="data-dependent"):
            t.export.export(Branchy(), (t.randn(3),))
        with pytest.raises(ValueError, match="Expected `mod` to be an instance of `torch.nn.Module`"):
            t.export.export(lambda x: x, (t.randn(1),))
        with pytest.raises(RuntimeError, match="Expecting `args` to be a tuple"):
            t.export.export(Branchy(), [t.randn(1)])
    with pytest.raises(NotImplementedError, match="export.save"):
        ember.export.save(None, "x.pt2")
    with pytest.raises(NotImplementedError, match="export.load"):
        ember.export.load("x.pt2")


def test_resnet18_export_roundtrip():
    import ember.vision
    m = ember.vision.models.resnet18().eval()
    x = ember.randn(2, 3, 32, 32)
    ep = ember.export.export(m, (x,), dynamic_shapes={"x": {0: ember.export.Dim("batch")}})
    assert len(ep.graph_signature.parameters) == len(list(m.parameters()))
    assert ember.equal(ep.module()(x), m(x))
    x3 = ember.randn(3, 3, 32, 32)
    assert ember.equal(ep.module()(x3), m(x3))
    ep.validate()


def test_compat_torch_export_alias():
    from ember import compat
    assert compat.AliasFinder().find_spec("torch.export") is not None
