"""``torch._dynamo._trace_wrapped_higher_order_op``: ``TransformGetItemToIndex``.

Under PyTorch's vmap, ``x[i]`` with a 0-d tensor ``i`` needs this mode to become an index
op; ember's vmap indexes with 0-d tensors directly, so the mode changes nothing.

>>> from ember._dynamo._trace_wrapped_higher_order_op import *
>>> with TransformGetItemToIndex():
...     ember.arange(5)[ember.tensor(2)]
tensor(2)
"""
__all__ = ["TransformGetItemToIndex"]


class TransformGetItemToIndex:
    """Context manager letting ``tensor[tensor_index]`` run under vmap (a no-op in ember).

    >>> from ember._dynamo._trace_wrapped_higher_order_op import *
    >>> with TransformGetItemToIndex() as mode:
    ...     pass
    """

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False
