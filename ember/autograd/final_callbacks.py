"""What runs once a backward pass has finished: ``Variable._execution_engine.queue_callback``.

Each backward pass (``Tensor.backward``, ``autograd.backward``, ``autograd.grad``) is a graph
task on the calling thread; callbacks queued while it runs (from a hook, say) run in order after
its last node, on the same thread, before ``backward`` returns. A callback may queue more.

>>> from ember.autograd import Variable
>>> x = ember.ones(2, requires_grad=True)
>>> seen = []
>>> h = x.register_hook(lambda g: Variable._execution_engine.queue_callback(lambda: seen.append("done")))
>>> (x * 3).sum().backward()
>>> seen
['done']
"""
import functools
import threading

__all__ = ["queue_callback", "current_task", "with_final_callbacks"]

_local = threading.local()


class _GraphTask:
    """One running backward pass: its queued callbacks and per-task state of multi-grad hooks."""

    __slots__ = ("callbacks", "state")

    def __init__(self):
        self.callbacks = []
        self.state = {}


def current_task():
    """The innermost backward pass running on this thread, or None outside backward."""
    stack = getattr(_local, "stack", None)
    return stack[-1] if stack else None


def queue_callback(callback):
    """Run ``callback()`` when the backward pass now running on this thread has finished.

    >>> try:
    ...     ember.autograd.final_callbacks.queue_callback(print)
    ... except RuntimeError as e:
    ...     print(e)
    Final callbacks can only be installed during backward pass.
    """
    task = current_task()
    if task is None:
        raise RuntimeError("Final callbacks can only be installed during backward pass.")
    task.callbacks.append(callback)


def with_final_callbacks(run_backward):
    """Wrap the engine's entry so that each call is a graph task whose callbacks run at its end."""
    @functools.wraps(run_backward)
    def run(*args, **kwargs):
        stack = getattr(_local, "stack", None)
        if stack is None:
            stack = _local.stack = []
        task = _GraphTask()
        stack.append(task)
        try:
            out = run_backward(*args, **kwargs)
            cbs = task.callbacks
            i = 0
            while i < len(cbs):  # a callback may queue another
                cbs[i]()
                i += 1
            return out
        finally:
            stack.pop()
    return run


class _ExecutionEngine:
    """``Variable._execution_engine``: the engine object torch code reaches for ``queue_callback``."""

    queue_callback = staticmethod(queue_callback)

    def run_backward(self, tensors, grad_tensors, keep_graph, create_graph, inputs=(),
                     allow_unreachable=False, accumulate_grad=True):
        """The engine entry torch's Python code calls (``_engine_run_backward``): gradients of
        ``tensors`` seeded with ``grad_tensors`` (None means ones), into ``.grad`` when
        ``accumulate_grad``, else returned for ``inputs``."""
        from . import _make_grads
        from .engine import run_backward
        tensors = tuple(tensors)
        grads = _make_grads(tensors, tuple(grad_tensors))
        return run_backward(tensors, grads, keep_graph, create_graph,
                            tuple(inputs) if inputs else None, allow_unreachable, accumulate_grad)
