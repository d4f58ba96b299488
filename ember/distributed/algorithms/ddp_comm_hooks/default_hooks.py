"""The standard DDP communication hooks: plain allreduce and fp16/bf16 compression.

A hook is ``hook(state, bucket) -> Future[Tensor]``: it receives a
:class:`~ember.distributed.GradBucket` of local gradients and returns a future of the tensor
DDP writes back into them (registered with ``DistributedDataParallel.register_comm_hook``).

>>> from ember.distributed.algorithms.ddp_comm_hooks.default_hooks import fp16_compress_wrapper
>>> fp16_compress_wrapper(lambda state, bucket: None).__name__
'fp16_compress_wrapper_hook'
"""
from ...._dtype import bfloat16, float16

__all__ = ["allreduce_hook", "fp16_compress_hook", "bf16_compress_hook", "fp16_compress_wrapper",
           "bf16_compress_wrapper"]


def _group(process_group):
    from ... import group
    return process_group if process_group is not None else group.WORLD


def _allreduce_mean(process_group, tensor):
    """Start an allreduce of ``tensor`` divided by the group size; a future of the result."""
    from ... import all_reduce
    group = _group(process_group)
    tensor.div_(group.size())
    return all_reduce(tensor, group=group, async_op=True).get_future().then(lambda f: f.value()[0])


def allreduce_hook(process_group, bucket):
    """Average the bucket over the ranks with one allreduce: what DDP does without a hook.

    >>> ember.distributed.algorithms.ddp_comm_hooks.default_hooks.allreduce_hook.__name__
    'allreduce_hook'
    """
    return _allreduce_mean(process_group, bucket.buffer())


def _compressed(dtype, process_group, bucket):
    from ... import all_reduce
    group = _group(process_group)
    buffer = bucket.buffer()
    small = buffer.to(dtype).div_(group.size())

    def decompress(fut):
        buffer.copy_(fut.value()[0])
        return buffer
    return all_reduce(small, group=group, async_op=True).get_future().then(decompress)


def fp16_compress_hook(process_group, bucket):
    """Average in float16: the bucket is cast to half precision and divided by the group size
    before the allreduce, and the result cast back into the bucket's dtype.

    >>> ember.distributed.algorithms.ddp_comm_hooks.default_hooks.fp16_compress_hook.__name__
    'fp16_compress_hook'
    """
    return _compressed(float16, process_group, bucket)


def bf16_compress_hook(process_group, bucket):
    """As :func:`fp16_compress_hook`, in bfloat16.

    >>> ember.distributed.algorithms.ddp_comm_hooks.default_hooks.bf16_compress_hook.__name__
    'bf16_compress_hook'
    """
    return _compressed(bfloat16, process_group, bucket)


def _wrapper(dtype, hook, name):
    def wrapped(hook_state, bucket):
        bucket.set_buffer(bucket.buffer().to(dtype))
        fut = hook(hook_state, bucket)

        def decompress(f):
            out = bucket.buffer()
            out.copy_(f.value())
            return out
        return fut.then(decompress)
    wrapped.__name__ = wrapped.__qualname__ = name
    return wrapped


def fp16_compress_wrapper(hook):
    """Run ``hook`` on the bucket cast to float16, and cast its result back.

    >>> ember.distributed.algorithms.ddp_comm_hooks.default_hooks.fp16_compress_wrapper(ember.distributed.algorithms.ddp_comm_hooks.default_hooks.allreduce_hook).__name__
    'fp16_compress_wrapper_hook'
    """
    return _wrapper(float16, hook, "fp16_compress_wrapper_hook")


def bf16_compress_wrapper(hook):
    """Run ``hook`` on the bucket cast to bfloat16, and cast its result back.

    >>> ember.distributed.algorithms.ddp_comm_hooks.default_hooks.bf16_compress_wrapper(ember.distributed.algorithms.ddp_comm_hooks.default_hooks.allreduce_hook).__name__
    'bf16_compress_wrapper_hook'
    """
    return _wrapper(bfloat16, hook, "bf16_compress_wrapper_hook")
