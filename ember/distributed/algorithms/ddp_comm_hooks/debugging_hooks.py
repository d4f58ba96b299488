"""A DDP communication hook for measuring: ``noop_hook`` skips the gradient allreduce.

>>> from ember.distributed.algorithms.ddp_comm_hooks.debugging_hooks import noop_hook
>>> noop_hook.__name__
'noop_hook'
"""
__all__ = ["noop_hook"]


def noop_hook(_, bucket):
    """Return the bucket as it is, without communication (each rank keeps its local gradients).

    >>> from ember.distributed import GradBucket
    >>> p = ember.nn.Parameter(ember.ones(2)); p.grad = ember.ones(2)
    >>> ember.distributed.algorithms.ddp_comm_hooks.debugging_hooks.noop_hook(None, GradBucket(0, [p])).wait()
    tensor([1., 1.])
    """
    from ....futures import Future
    fut = Future()
    fut.set_result(bucket.buffer())
    return fut
