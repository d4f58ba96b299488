"""``torch.autograd.graph``: the backward graph's node type and edges.

>>> x = ember.ones(2, requires_grad=True)
>>> y = x * 2
>>> isinstance(y.grad_fn, ember.autograd.graph.Node)
True
>>> ember.autograd.graph.get_gradient_edge(y).node is y.grad_fn
True

Saved-tensor hooks (``saved_tensors_hooks``, ``disable_saved_tensors_hooks``, ``save_on_cpu``)
live in saved_hooks.py. ``register_multi_grad_hook`` calls one function with the gradients
of several tensors, at the end of each backward pass that reaches them.
"""
from typing import NamedTuple

from .function import Node, RemovableHandle, accumulate_node
from .saved_hooks import SavedTensor, disable_saved_tensors_hooks, saved_tensors_hooks  # noqa: F401

__all__ = ["Node", "GradientEdge", "get_gradient_edge", "increment_version", "RemovableHandle", "save_on_cpu",
           "saved_tensors_hooks", "disable_saved_tensors_hooks", "register_multi_grad_hook"]


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


class save_on_cpu(saved_tensors_hooks):
    """Context manager keeping tensors saved for backward in CPU memory.

    ember computes on the CPU, so saved tensors already live there: its hooks keep each one as is.

    >>> x = ember.ones(2, requires_grad=True)
    >>> with ember.autograd.graph.save_on_cpu(pin_memory=True):
    ...     y = (x * x).sum()
    >>> y.backward(); x.grad
    tensor([2., 2.])
    """

    def __init__(self, pin_memory=False, device_type="cuda"):
        self.pin_memory = pin_memory
        self.device_type = device_type
        super().__init__(_keep, _keep)


def _keep(t):
    return t


class _MultiHandle:
    """What ``register_multi_grad_hook`` returns: ``remove()`` takes away the hook from every tensor."""

    __slots__ = ("handles",)

    def __init__(self, handles):
        self.handles = tuple(handles)

    def remove(self):
        for h in self.handles:
            h.remove()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()


def register_multi_grad_hook(tensors, fn, *, mode="all"):
    """Call ``fn`` once per backward pass that reaches any of ``tensors``.

    ``mode="all"``: ``fn(grads)`` with the list of their gradients (None where a tensor got none
    in that pass), once the pass has computed them. ``mode="any"``: ``fn(grad)`` with the first
    gradient computed among them. Returns a handle whose ``remove()`` unregisters it.

    >>> a = ember.ones(2, requires_grad=True); b = ember.ones(2, requires_grad=True)
    >>> h = ember.autograd.graph.register_multi_grad_hook((a, b), print)
    >>> (a * 3).sum().backward()
    [tensor([3., 3.]), None]
    """
    from .final_callbacks import current_task
    if mode not in ("all", "any"):
        raise ValueError(f"Expects mode to be one of ('all', 'any') but got {mode}")
    tensors = tuple(tensors)
    for t in tensors:
        if not t.requires_grad:
            raise AssertionError("Expected gradient function to be set")
    key = object()

    if mode == "any":
        def any_hook(grad):
            task = current_task()
            if task is None or key in task.state:
                return
            task.state[key] = True
            fn(grad)
        return _MultiHandle(t.register_hook(any_hook) for t in tensors)

    count = len(tensors)

    def make_hook(i):
        def hook(grad):
            task = current_task()
            if task is None:
                return
            grads = task.state.get(key)
            if grads is None:
                grads = task.state[key] = [None] * count
                task.callbacks.append(lambda: fn(task.state.pop(key)))
            grads[i] = grad
        return hook

    return _MultiHandle(t.register_hook(make_hook(i)) for i, t in enumerate(tensors))
