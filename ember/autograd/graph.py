"""``torch.autograd.graph``: the backward graph's node type and edges.

>>> x = ember.ones(2, requires_grad=True)
>>> y = x * 2
>>> isinstance(y.grad_fn, ember.autograd.graph.Node)
True
>>> ember.autograd.graph.get_gradient_edge(y).node is y.grad_fn
True

Saved-tensor hooks (``saved_tensors_hooks``, ``save_on_cpu``) and ``register_multi_grad_hook``
are not built yet: ember's ops keep what backward needs as arrays on the node, not as
tensors passed through one hook point.
"""
from typing import NamedTuple

from .function import Node, RemovableHandle, accumulate_node

__all__ = ["Node", "GradientEdge", "get_gradient_edge", "increment_version", "RemovableHandle", "save_on_cpu"]


class GradientEdge(NamedTuple):
    """An edge of the backward graph: ``node`` and which of its outputs (``output_nr``)."""

    node: object
    output_nr: int
    ownership_token: object = None


def get_gradient_edge(tensor):
    """The edge through which gradient flows into ``tensor``: its ``grad_fn`` (or, for a leaf,
    its AccumulateGrad node) and its output index.

    >>> ember.autograd.graph.get_gradient_edge(ember.ones(1, requires_grad=True)).node.name()
    'torch::autograd::AccumulateGrad'
    """
    if not tensor.requires_grad:
        raise RuntimeError("It is not possible to get the gradient edge for a Tensor that does not "
                           "require gradients")
    if tensor.grad_fn is None:
        return GradientEdge(accumulate_node(tensor), 0)
    return GradientEdge(tensor.grad_fn, tensor.output_nr)


def increment_version(tensor):
    """Bump ``tensor``'s version counter, as an in-place write would (so saved copies of it
    are detected as modified).

    >>> x = ember.ones(2, requires_grad=True); y = x.exp()   # exp saves its output
    >>> ember.autograd.graph.increment_version(y)
    >>> try:
    ...     y.sum().backward()
    ... except RuntimeError as e:
    ...     print(str(e)[:53])
    one of the variables needed for gradient computation
    """
    tensors = tensor if isinstance(tensor, (list, tuple)) else (tensor,)
    for t in tensors:
        t._bump()


class save_on_cpu:
    """Context manager keeping tensors saved for backward in CPU memory.

    ember computes on the CPU, so saved tensors already live there: the block runs unchanged.

    >>> x = ember.ones(2, requires_grad=True)
    >>> with ember.autograd.graph.save_on_cpu(pin_memory=True):
    ...     y = (x * x).sum()
    >>> y.backward(); x.grad
    tensor([2., 2.])
    """

    def __init__(self, pin_memory=False, device_type="cuda"):
        self.pin_memory = pin_memory
        self.device_type = device_type

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False
