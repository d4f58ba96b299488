"""torch.autograd.graph: Node, GradientEdge, get_gradient_edge, increment_version."""
import pytest

import ember

torch = pytest.importorskip("torch")


@pytest.mark.parametrize("lib", [torch, ember], ids=["torch", "ember"])
def test_graph_module(lib):
    g = lib.autograd.graph
    x = lib.ones(2, requires_grad=True)
    y = x * 2
    assert isinstance(y.grad_fn, g.Node)
    e = g.get_gradient_edge(y)
    assert e.node is y.grad_fn and e.output_nr == 0 and isinstance(e, tuple)
    assert g.get_gradient_edge(x).node.name() == "torch::autograd::AccumulateGrad"
    with pytest.raises(RuntimeError, match="does not require gradients"):
        g.get_gradient_edge(lib.ones(2))
    z = x.exp()
    g.increment_version(z)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        z.sum().backward()
