"""What a rank that ran out of inputs does for ``DistributedDataParallel`` under ``Join``.

Each iteration that other ranks still train, the joined rank issues the same collectives, in
the same order, as their forward and backward (MPI needs every rank to start collectives in
one order): the buffer broadcast, the "do we sync gradients" allreduce, then one allreduce of
zeros per gradient bucket, in the bucket launch order of its own last synchronised backward
(the order is the same on every rank for the same model). Once all ranks joined, the model of
the last joiner is broadcast to every rank.

>>> from ember.nn.parallel.ddp_join_hook import _DDPJoinHook
>>> _DDPJoinHook.__mro__[1].__name__
'JoinHook'
"""
from ..._backend import np
from ...distributed.algorithms.join import JoinHook
from .distributed import _find_common_rank, _flat_sync, _hook_result, _sum_over_ranks


class _DDPJoinHook(JoinHook):
    """Shadows the collectives of one DDP iteration (``main_hook``) and syncs the final model
    from the last joiner (``post_hook``)."""

    def __init__(self, ddp, divide_by_initial_world_size):
        self.ddp = ddp
        object.__setattr__(ddp, "_divide_by_initial_world_size", divide_by_initial_world_size)

    def main_hook(self):
        ddp = self.ddp
        pg = ddp.process_group
        bufs = [b._data for b in ddp.module.buffers()]
        if ddp.broadcast_buffers and ddp.require_forward_param_sync and pg.size() > 1 and bufs:
            root = _find_common_rank(pg, pg.rank(), False)
            _flat_sync(pg, bufs, "DistributedDataParallel: buffer broadcast", root)
        if _sum_over_ranks(pg, 0.0) == 0:  # the active ranks do not sync gradients this iteration
            return
        _shadow_bucket_allreduces(ddp)

    def post_hook(self, is_last_joiner):
        ddp = self.ddp
        pg = ddp.process_group
        root = _find_common_rank(pg, pg.rank(), is_last_joiner)
        state = [p._data for p in ddp.module.parameters()]
        if ddp.broadcast_buffers:
            state += [b._data for b in ddp.module.buffers()]
        _flat_sync(pg, state, "DistributedDataParallel: final model broadcast", root)


def _shadow_bucket_allreduces(ddp):
    """One allreduce of zeros per bucket, in the launch order of the last synced backward (the
    bucket order when this rank never synced one); through the comm hook if one is registered."""
    from ...distributed.process_group import _mpi, _poll
    from ...distributed.grad_bucket import GradBucket
    from ..._tensor import _wrap
    pg = ddp.process_group
    order = ddp._bucket_order or list(range(len(ddp._buckets)))
    requests, buffers = [], []  # the buffers must outlive their non-blocking allreduces
    for i in order:
        b = ddp._buckets[i]
        zeros = np.zeros(sum(p._data.size for p in b.params), b.dtype)
        if ddp._comm_hook is not None:
            state, hook = ddp._comm_hook
            bucket = GradBucket(i, b.params, is_last=i == len(ddp._buckets) - 1, dtype=b.dtype)
            bucket.set_buffer(_wrap(zeros))
            b.future = hook(state, bucket)
        else:
            MPI = _mpi()
            buffers.append(zeros)
            requests.append(pg.comm.Iallreduce(MPI.IN_PLACE, zeros, MPI.SUM))
    _poll(requests, pg.timeout, "DistributedDataParallel: joined rank's gradient allreduce")
    for i in order:
        b = ddp._buckets[i]
        if b.future is not None:
            _hook_result(b)
            b.future = None
