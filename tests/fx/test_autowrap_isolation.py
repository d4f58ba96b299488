"""A tracer's autowrap functions stay its own: a later trace that did not ask for them traces
through them (they were leaking through the shared wrapper cache)."""
import ember
import ember.fx as fx


def helper(x):
    return ember.relu(x) * 2


class Net(ember.nn.Module):
    def forward(self, x):
        return helper(x) + 1


def _targets(graph):
    return [getattr(n.target, "__name__", n.target) for n in graph.nodes if n.op == "call_function"]


def test_autowrap_does_not_leak_into_later_traces():
    wrapped = fx.Tracer(autowrap_functions=(helper,)).trace(Net())
    assert "helper" in _targets(wrapped)
    plain = fx.symbolic_trace(Net()).graph
    assert "helper" not in _targets(plain) and "relu" in _targets(plain)
    again = fx.Tracer(autowrap_functions=(helper,)).trace(Net())
    assert "helper" in _targets(again)


def test_fx_wrap_is_not_seen_by_the_export_tracer():
    from ember.vision.models import swin_t
    from ember.fx import _concrete
    m = swin_t(num_classes=3).eval()
    assert "shifted_window_attention" in _targets(fx.symbolic_trace(m).graph)
    gm = _concrete.trace(m, (ember.randn(1, 3, 32, 32),))
    assert "shifted_window_attention" not in _targets(gm.graph)
