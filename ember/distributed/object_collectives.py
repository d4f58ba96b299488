"""Collectives on picklable Python objects: broadcast_object_list, all_gather_object,
gather_object, scatter_object_list.

Objects travel as ember checkpoint bytes (``ember.save``). The receiver first loads them with
ember's safe unpickler (tensors, containers, plain values: nothing can run code); an object
outside those rules (an instance of the user's own class) is then unpickled in full, as
PyTorch always does. Those bytes come only from the program's own ranks over MPI.

>>> ember.distributed.object_collectives._loads(ember.distributed.object_collectives._dumps({"a": 1}))
{'a': 1}
"""
import io
import pickle

from .._backend import np
from .process_group import GroupMember, _resolve, _poll

__all__ = ["broadcast_object_list", "all_gather_object", "gather_object", "scatter_object_list"]


def _dumps(obj):
    from ..serialization import save
    buf = io.BytesIO()
    save(obj, buf)
    return buf.getvalue()


def _loads(data):
    from ..serialization import load
    try:
        return load(io.BytesIO(data), weights_only=True)
    except pickle.UnpicklingError:  # the user's own class, sent by one of the program's ranks
        return load(io.BytesIO(data), weights_only=False)


def _all_bytes(pg, data, what):
    """Every rank's bytes (allgather of lengths, then of the payloads)."""
    n = np.array([len(data)], dtype=np.int64)
    sizes = np.empty(pg.size(), dtype=np.int64)
    _poll([pg.comm.Iallgather(n, sizes)], pg.timeout, what)
    out = np.empty(int(sizes.sum()), dtype=np.uint8)
    displs = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    send = np.frombuffer(data, dtype=np.uint8)
    from .process_group import _mpi
    MPI = _mpi()
    _poll([pg.comm.Iallgatherv(send, [out, (sizes.tolist(), displs.tolist()), MPI.BYTE])], pg.timeout, what)
    return [out[d:d + s].tobytes() for d, s in zip(displs, sizes)]


def _bcast_bytes(pg, data, root, what):
    n = np.array([len(data) if data is not None else 0], dtype=np.int64)
    _poll([pg.comm.Ibcast(n, root=root)], pg.timeout, what)
    buf = np.frombuffer(data, dtype=np.uint8).copy() if pg.rank() == root else np.empty(int(n[0]), np.uint8)
    _poll([pg.comm.Ibcast(buf, root=root)], pg.timeout, what)
    return buf.tobytes()


def _root(pg, rank, group_rank):
    if group_rank is not None:
        return group_rank
    return pg.group_rank(0 if rank is None else rank)


def broadcast_object_list(object_list, src=None, group=None, device=None, group_src=None):
    """Replace ``object_list``'s entries on every rank with rank ``src``'s, in place.

    >>> ember.distributed.broadcast_object_list.__name__
    'broadcast_object_list'
    """
    pg = _resolve(group)
    if pg is GroupMember.NON_GROUP_MEMBER:
        return
    root = _root(pg, src, group_src)
    data = _dumps(list(object_list)) if pg.rank() == root else None
    got = _loads(_bcast_bytes(pg, data, root, "broadcast_object_list"))
    if len(got) != len(object_list):
        raise RuntimeError(f"broadcast_object_list: src sent {len(got)} objects, this rank's list has "
                           f"{len(object_list)}")
    object_list[:] = got


def all_gather_object(object_list, obj, group=None):
    """Every rank's ``obj`` into ``object_list`` (one entry per rank).

    >>> ember.distributed.all_gather_object.__name__
    'all_gather_object'
    """
    pg = _resolve(group)
    if pg is GroupMember.NON_GROUP_MEMBER:
        return
    if len(object_list) != pg.size():
        raise ValueError(f"all_gather_object: object_list has {len(object_list)} entries, the group has "
                         f"{pg.size()} ranks")
    object_list[:] = [_loads(b) for b in _all_bytes(pg, _dumps(obj), "all_gather_object")]


def gather_object(obj, object_gather_list=None, dst=None, group=None, group_dst=None):
    """Every rank's ``obj`` into ``object_gather_list`` on rank ``dst``.

    >>> ember.distributed.gather_object.__name__
    'gather_object'
    """
    pg = _resolve(group)
    if pg is GroupMember.NON_GROUP_MEMBER:
        return
    root = _root(pg, dst, group_dst)
    if pg.rank() == root and (object_gather_list is None or len(object_gather_list) != pg.size()):
        raise ValueError("Argument ``object_gather_list`` must be specified on destination rank.")
    got = _all_bytes(pg, _dumps(obj), "gather_object")
    if pg.rank() == root:
        object_gather_list[:] = [_loads(b) for b in got]


def scatter_object_list(scatter_object_output_list, scatter_object_input_list=None, src=None, group=None,
                        group_src=None):
    """Entry i of ``scatter_object_input_list`` on rank ``src`` into rank i's
    ``scatter_object_output_list[0]``.

    >>> ember.distributed.scatter_object_list.__name__
    'scatter_object_list'
    """
    pg = _resolve(group)
    if pg is GroupMember.NON_GROUP_MEMBER:
        return
    if not isinstance(scatter_object_output_list, list) or len(scatter_object_output_list) < 1:
        raise ValueError("Expected argument scatter_object_output_list to be a list of size at least 1.")
    root = _root(pg, src, group_src)
    data = _dumps(list(scatter_object_input_list)) if pg.rank() == root else None
    objs = _loads(_bcast_bytes(pg, data, root, "scatter_object_list"))
    scatter_object_output_list[0] = objs[pg.rank()]
