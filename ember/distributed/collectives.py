"""Collectives on tensors over MPI: all_reduce, broadcast, reduce, all_gather, gather, scatter,
reduce_scatter, all_to_all, barrier, send/recv. ``async_op=True`` returns a ``Work``.

Every blocking wait polls with the group's timeout, so a dead or hung rank raises
``DistBackendError`` instead of hanging. Ranks are global ranks, as in PyTorch.

>>> ember.distributed.all_reduce(ember.ones(2))
Traceback (most recent call last):
ValueError: Default process group has not been initialized, please make sure to call init_process_group.
"""
import time

from .._backend import np
from .process_group import (ReduceOp, RedOpType, Work, GroupMember, DistBackendError, _State, _resolve,
                            _poll, _mpi)

__all__ = ["all_reduce", "broadcast", "reduce", "all_gather", "all_gather_into_tensor",
           "reduce_scatter", "reduce_scatter_tensor", "gather", "scatter", "all_to_all",
           "all_to_all_single", "barrier", "monitored_barrier", "send", "recv", "isend", "irecv"]

_NATIVE = frozenset("f d i l q b h B H I L Q F D ?".split())


def _mpi_op(op):
    MPI = _mpi()
    op = RedOpType(int(op))
    table = {RedOpType.SUM: MPI.SUM, RedOpType.AVG: MPI.SUM, RedOpType.PRODUCT: MPI.PROD,
             RedOpType.MIN: MPI.MIN, RedOpType.MAX: MPI.MAX, RedOpType.BAND: MPI.BAND,
             RedOpType.BOR: MPI.BOR, RedOpType.BXOR: MPI.BXOR}
    if op not in table:
        raise ValueError(f"ReduceOp {op.name} is not supported by ember's MPI engine")
    return table[op]


class _Buf:
    """A contiguous array for MPI (the tensor's own memory when possible), written back after."""

    __slots__ = ("t", "arr", "own", "reduce_dtype")

    def __init__(self, t, reduce=False):
        a = t._data
        self.t = t
        self.reduce_dtype = None
        if reduce and a.dtype.char not in _NATIVE:  # float16 / bfloat16: reduce in float32
            self.reduce_dtype = a.dtype
            self.arr, self.own = a.astype(np.float32), False
        elif a.flags.c_contiguous and a.flags.writeable:
            self.arr, self.own = a, True
        else:
            self.arr, self.own = np.ascontiguousarray(a), False

    def raw(self):
        """The buffer as bytes (for ops that only move data)."""
        return self.arr.reshape(-1).view(np.uint8)

    def write_back(self):
        if not self.own:
            self.t._data[...] = self.arr.reshape(self.t._data.shape)


def _run(pg, requests, what, finish, async_op):
    work = Work(requests, pg.timeout, what, finish)
    if async_op:
        return work
    work.wait()
    return None


def _check_same(pg, arr, what):
    """Raise (instead of corrupting memory) when ranks pass tensors of different sizes/dtypes."""
    MPI = _mpi()
    meta = np.array([arr.size, -arr.size, arr.dtype.num, -arr.dtype.num], dtype=np.int64)
    _poll([pg.comm.Iallreduce(MPI.IN_PLACE, meta, MPI.MAX)], pg.timeout, what)
    if meta[0] != -meta[1] or meta[2] != -meta[3]:
        raise RuntimeError(f"{what}: ranks passed tensors of different sizes or dtypes "
                           f"(this rank: {arr.size} elements of {arr.dtype}; largest on any rank: {meta[0]})")


def _avg_check(op, arr):
    if int(op) == RedOpType.AVG and arr.dtype.kind not in "fc":
        raise RuntimeError("ReduceOp.AVG needs a floating point tensor")


def _member(pg):
    return pg is not GroupMember.NON_GROUP_MEMBER


def _rank_in(pg, rank, group_rank, name):
    if group_rank is not None:
        return group_rank
    if rank is None:
        raise ValueError(f"{name} must be given")
    return pg.group_rank(rank)


def all_reduce(tensor, op=ReduceOp.SUM, group=None, async_op=False):
    """Reduce ``tensor`` across the ranks, in place, so every rank holds the result.

    >>> ember.distributed.all_reduce.__name__
    'all_reduce'
    """
    pg = _resolve(group)
    if not _member(pg):
        return None
    MPI = _mpi()
    b = _Buf(tensor, reduce=True)
    _avg_check(op, b.arr)
    _check_same(pg, b.arr, "all_reduce")
    req = pg.comm.Iallreduce(MPI.IN_PLACE, b.arr, _mpi_op(op))
    size = pg.size()

    def finish():
        if int(op) == RedOpType.AVG:
            b.arr /= size
        if b.reduce_dtype is not None:
            tensor._data[...] = b.arr.astype(b.reduce_dtype)
        else:
            b.write_back()
        return [tensor]
    return _run(pg, [req], "all_reduce", finish, async_op)


def broadcast(tensor, src=None, group=None, async_op=False, group_src=None):
    """Copy ``tensor`` from rank ``src`` to every rank, in place.

    >>> ember.distributed.broadcast.__name__
    'broadcast'
    """
    pg = _resolve(group)
    if not _member(pg):
        return None
    root = _rank_in(pg, src, group_src, "src")
    b = _Buf(tensor)
    _check_same(pg, b.arr, "broadcast")
    req = pg.comm.Ibcast(b.raw(), root=root)

    def finish():
        b.write_back()
        return [tensor]
    return _run(pg, [req], "broadcast", finish, async_op)


def reduce(tensor, dst=None, op=ReduceOp.SUM, group=None, async_op=False, group_dst=None):
    """Reduce ``tensor`` across ranks into rank ``dst``'s ``tensor``.

    >>> ember.distributed.reduce.__name__
    'reduce'
    """
    pg = _resolve(group)
    if not _member(pg):
        return None
    MPI = _mpi()
    root = _rank_in(pg, dst, group_dst, "dst")
    b = _Buf(tensor, reduce=True)
    _avg_check(op, b.arr)
    _check_same(pg, b.arr, "reduce")
    mine = pg.rank() == root
    send = MPI.IN_PLACE if mine else b.arr.copy()
    req = pg.comm.Ireduce(send, b.arr if mine else None, _mpi_op(op), root=root)

    def finish():
        if mine:
            if int(op) == RedOpType.AVG:
                b.arr /= pg.size()
            if b.reduce_dtype is not None:
                tensor._data[...] = b.arr.astype(b.reduce_dtype)
            else:
                b.write_back()
        return [tensor]
    return _run(pg, [req], "reduce", finish, async_op)


def _gathered(pg, tensor, what):
    b = _Buf(tensor)
    _check_same(pg, b.arr, what)
    out = np.empty((pg.size(),) + b.arr.shape, dtype=b.arr.dtype)
    return b, out


def all_gather(tensor_list, tensor, group=None, async_op=False):
    """Every rank's ``tensor`` into ``tensor_list`` (one entry per rank).

    >>> ember.distributed.all_gather.__name__
    'all_gather'
    """
    pg = _resolve(group)
    if not _member(pg):
        return None
    if len(tensor_list) != pg.size():
        raise ValueError(f"all_gather: tensor_list has {len(tensor_list)} entries, the group has {pg.size()} ranks")
    b, out = _gathered(pg, tensor, "all_gather")
    req = pg.comm.Iallgather(b.raw(), out.reshape(-1).view(np.uint8))

    def finish():
        for t, a in zip(tensor_list, out):
            if tuple(t.shape) != a.shape:
                raise RuntimeError(f"all_gather: output tensor of shape {tuple(t.shape)} for input of shape {a.shape}")
            t._data[...] = a
        return list(tensor_list)
    return _run(pg, [req], "all_gather", finish, async_op)


def all_gather_into_tensor(output_tensor, input_tensor, group=None, async_op=False):
    """Every rank's ``input_tensor`` concatenated (dim 0) or stacked into ``output_tensor``.

    >>> ember.distributed.all_gather_into_tensor.__name__
    'all_gather_into_tensor'
    """
    pg = _resolve(group)
    if not _member(pg):
        return None
    b, out = _gathered(pg, input_tensor, "all_gather_into_tensor")
    if output_tensor.numel() != out.size:
        raise ValueError(f"all_gather_into_tensor: output of shape {tuple(output_tensor.shape)} cannot hold "
                         f"{pg.size()} inputs of shape {tuple(input_tensor.shape)}")
    req = pg.comm.Iallgather(b.raw(), out.reshape(-1).view(np.uint8))

    def finish():
        output_tensor._data[...] = out.reshape(output_tensor._data.shape)
        return [output_tensor]
    return _run(pg, [req], "all_gather_into_tensor", finish, async_op)


def _reduce_scatter(pg, output, flat_in, op, what, async_op):
    MPI = _mpi()
    b = _Buf(output, reduce=True)
    _avg_check(op, b.arr)
    _check_same(pg, b.arr, what)
    send = np.ascontiguousarray(flat_in, dtype=b.arr.dtype)
    if send.size != b.arr.size * pg.size():
        raise ValueError(f"{what}: input has {send.size} elements, expected {pg.size()} x {b.arr.size}")
    req = pg.comm.Ireduce_scatter_block(send, b.arr, _mpi_op(op))

    def finish():
        if int(op) == RedOpType.AVG:
            b.arr /= pg.size()
        if b.reduce_dtype is not None:
            output._data[...] = b.arr.astype(b.reduce_dtype)
        else:
            b.write_back()
        return [output]
    return _run(pg, [req, ], what, lambda: (send, finish())[1], async_op)


def reduce_scatter(output, input_list, op=ReduceOp.SUM, group=None, async_op=False):
    """Reduce ``input_list`` (one tensor per rank) across ranks; rank i gets entry i in ``output``.

    >>> ember.distributed.reduce_scatter.__name__
    'reduce_scatter'
    """
    pg = _resolve(group)
    if not _member(pg):
        return None
    flat = np.concatenate([t._data.reshape(-1) for t in input_list])
    return _reduce_scatter(pg, output, flat, op, "reduce_scatter", async_op)


def reduce_scatter_tensor(output, input, op=ReduceOp.SUM, group=None, async_op=False):
    """Reduce ``input`` (rank-major, dim 0) across ranks; rank i gets block i in ``output``.

    >>> ember.distributed.reduce_scatter_tensor.__name__
    'reduce_scatter_tensor'
    """
    pg = _resolve(group)
    if not _member(pg):
        return None
    return _reduce_scatter(pg, output, input._data.reshape(-1), op, "reduce_scatter_tensor", async_op)


def gather(tensor, gather_list=None, dst=None, group=None, async_op=False, group_dst=None):
    """Every rank's ``tensor`` into ``gather_list`` on rank ``dst``.

    >>> ember.distributed.gather.__name__
    'gather'
    """
    pg = _resolve(group)
    if not _member(pg):
        return None
    root = _rank_in(pg, 0 if dst is None and group_dst is None else dst, group_dst, "dst")
    mine = pg.rank() == root
    if mine and (gather_list is None or len(gather_list) != pg.size()):
        raise ValueError("Argument ``gather_list`` must be specified on destination rank.")
    b = _Buf(tensor)
    _check_same(pg, b.arr, "gather")
    out = np.empty((pg.size(),) + b.arr.shape, dtype=b.arr.dtype) if mine else None
    req = pg.comm.Igather(b.raw(), out.reshape(-1).view(np.uint8) if mine else None, root=root)

    def finish():
        if mine:
            for t, a in zip(gather_list, out):
                t._data[...] = a
        return list(gather_list or [])
    return _run(pg, [req], "gather", finish, async_op)


def scatter(tensor, scatter_list=None, src=None, group=None, async_op=False, group_src=None):
    """Entry i of ``scatter_list`` on rank ``src`` into rank i's ``tensor``.

    >>> ember.distributed.scatter.__name__
    'scatter'
    """
    pg = _resolve(group)
    if not _member(pg):
        return None
    root = _rank_in(pg, 0 if src is None and group_src is None else src, group_src, "src")
    mine = pg.rank() == root
    if mine and (scatter_list is None or len(scatter_list) != pg.size()):
        raise ValueError("Argument ``scatter_list`` must be specified on source rank.")
    b = _Buf(tensor)
    _check_same(pg, b.arr, "scatter")
    send = np.ascontiguousarray(np.stack([t._data for t in scatter_list]), dtype=b.arr.dtype) if mine else None
    req = pg.comm.Iscatter(send.reshape(-1).view(np.uint8) if mine else None, b.raw(), root=root)

    def finish():
        b.write_back()
        return [tensor]
    return _run(pg, [req], "scatter", lambda: (send, finish())[1], async_op)


def _alltoallv(pg, out_rows, in_rows, row_bytes, send, recv, what, finish, async_op):
    MPI = _mpi()
    sc = [n * row_bytes for n in in_rows]
    rc = [n * row_bytes for n in out_rows]
    sd = np.cumsum([0] + sc[:-1]).tolist()
    rd = np.cumsum([0] + rc[:-1]).tolist()
    req = pg.comm.Ialltoallv([send, (sc, sd), MPI.BYTE], [recv, (rc, rd), MPI.BYTE])
    return _run(pg, [req], what, lambda: (send, finish())[1], async_op)


def all_to_all_single(output, input, output_split_sizes=None, input_split_sizes=None, group=None,
                      async_op=False):
    """Split ``input`` along dim 0, send piece i to rank i, concatenate what arrives into ``output``.

    >>> ember.distributed.all_to_all_single.__name__
    'all_to_all_single'
    """
    pg = _resolve(group)
    if not _member(pg):
        return None
    n = pg.size()
    ia = np.ascontiguousarray(input._data)
    row = int(np.prod(ia.shape[1:], dtype=np.int64)) * ia.itemsize
    ins = list(input_split_sizes) if input_split_sizes else [ia.shape[0] // n] * n
    outs = list(output_split_sizes) if output_split_sizes else [output.shape[0] // n] * n
    if sum(ins) != ia.shape[0] or sum(outs) != output.shape[0]:
        raise ValueError("all_to_all_single: split sizes do not add up to the tensors' first dimension")
    b = _Buf(output)

    def finish():
        b.write_back()
        return [output]
    return _alltoallv(pg, outs, ins, row, ia.reshape(-1).view(np.uint8), b.raw(), "all_to_all_single",
                      finish, async_op)


def all_to_all(output_tensor_list, input_tensor_list, group=None, async_op=False):
    """Send ``input_tensor_list[i]`` to rank i; receive rank i's into ``output_tensor_list[i]``.

    >>> ember.distributed.all_to_all.__name__
    'all_to_all'
    """
    pg = _resolve(group)
    if not _member(pg):
        return None
    dt = input_tensor_list[0]._data.dtype
    send = np.concatenate([np.ascontiguousarray(t._data, dtype=dt).reshape(-1) for t in input_tensor_list])
    recv = np.empty(sum(t.numel() for t in output_tensor_list), dtype=dt)
    item = dt.itemsize

    def finish():
        k = 0
        for t in output_tensor_list:
            m = t.numel()
            t._data[...] = recv[k:k + m].reshape(t._data.shape)
            k += m
        return list(output_tensor_list)
    return _alltoallv(pg, [t.numel() for t in output_tensor_list], [t.numel() for t in input_tensor_list],
                      item, send.view(np.uint8), recv.view(np.uint8), "all_to_all", finish, async_op)


def barrier(group=None, async_op=False, device_ids=None):
    """Wait until every rank of ``group`` reaches the barrier.

    >>> ember.distributed.barrier.__name__
    'barrier'
    """
    pg = _resolve(group)
    if not _member(pg):
        return None
    return _run(pg, [pg.comm.Ibarrier()], "barrier", None, async_op)


def monitored_barrier(group=None, timeout=None, wait_all_ranks=False):
    """A barrier that raises after ``timeout`` (default: the group's) naming the failure.

    >>> ember.distributed.monitored_barrier.__name__
    'monitored_barrier'
    """
    pg = _resolve(group)
    if not _member(pg):
        return None
    _poll([pg.comm.Ibarrier()], timeout or pg.timeout, "monitored_barrier")


def isend(tensor, dst=None, group=None, tag=0, group_dst=None):
    """Start sending ``tensor`` to rank ``dst``; returns a ``Work``.

    >>> ember.distributed.isend.__name__
    'isend'
    """
    pg = _resolve(group)
    peer = _rank_in(pg, dst, group_dst, "dst")
    data = np.ascontiguousarray(tensor._data).reshape(-1).view(np.uint8)
    return Work([pg.comm.Isend(data, dest=peer, tag=tag)], pg.timeout, "send", lambda: (data, [tensor])[1])


def irecv(tensor, src=None, group=None, tag=0, group_src=None):
    """Start receiving into ``tensor`` from rank ``src`` (any rank when None); returns a ``Work``.

    >>> ember.distributed.irecv.__name__
    'irecv'
    """
    pg = _resolve(group)
    MPI = _mpi()
    peer = MPI.ANY_SOURCE if src is None and group_src is None else _rank_in(pg, src, group_src, "src")
    b = _Buf(tensor)
    req = pg.comm.Irecv(b.raw(), source=peer, tag=tag)

    def finish():
        b.write_back()
        return [tensor]
    return Work([req], pg.timeout, "recv", finish)


def send(tensor, dst=None, group=None, tag=0, group_dst=None):
    """Send ``tensor`` to rank ``dst`` (blocks until it is delivered or buffered).

    >>> ember.distributed.send.__name__
    'send'
    """
    isend(tensor, dst, group, tag, group_dst).wait()


def recv(tensor, src=None, group=None, tag=0, group_src=None):
    """Receive into ``tensor`` from rank ``src`` (any rank when None); returns the sender's rank.

    >>> ember.distributed.recv.__name__
    'recv'
    """
    pg = _resolve(group)
    MPI = _mpi()
    peer = MPI.ANY_SOURCE if src is None and group_src is None else _rank_in(pg, src, group_src, "src")
    status = MPI.Status()
    # probe first (with the timeout) so the sender's rank is known, then receive
    deadline = time.monotonic() + pg.timeout.total_seconds()
    while not pg.comm.Iprobe(source=peer, tag=tag, status=status):
        time.sleep(0.0002)
        if time.monotonic() > deadline:
            _State.faulted = True
            raise DistBackendError(f"recv did not complete within the process group's timeout of {pg.timeout}")
    sender = status.Get_source()
    b = _Buf(tensor)
    _poll([pg.comm.Irecv(b.raw(), source=sender, tag=tag)], pg.timeout, "recv")
    b.write_back()
    return pg.ranks[sender]
