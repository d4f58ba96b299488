"""Process groups on MPI: ``init_process_group``, ``new_group``, ranks, backends, ``Work``.

ember's distributed engine is MPI (``mpi4py`` and the ``mpich`` wheel, the optional extra
``ember[distributed]``). The backend names ``"mpi"`` and ``"gloo"`` are both served by it
(``"gloo"`` is accepted so PyTorch scripts run unchanged); ``"nccl"`` raises as PyTorch does
without CUDA. Rendezvous comes from the launcher (``python -m ember.distributed.run``,
``mpiexec`` or ``ember.multiprocessing.spawn``): ``init_method``/``MASTER_ADDR`` are read
for ``rank``/``world_size`` only, MPI already connects the processes.

>>> ember.distributed.is_initialized()
False
"""
import atexit
import datetime
import enum
import os
import sys
import time

__all__ = ["Backend", "ReduceOp", "RedOpType", "Work", "ProcessGroup", "GroupMember", "group",
           "DistError", "DistBackendError", "init_process_group", "destroy_process_group",
           "is_initialized", "is_available", "is_mpi_available", "is_gloo_available",
           "is_nccl_available", "is_torchelastic_launched", "get_rank", "get_world_size",
           "get_backend", "new_group", "get_global_rank", "get_group_rank",
           "get_process_group_ranks", "default_pg_timeout"]

default_pg_timeout = datetime.timedelta(minutes=30)

_LAUNCH_HELP = ("launch the processes with `python -m ember.distributed.run --nproc-per-node N "
                "script.py` (or `ember-run`, or `mpiexec -n N python script.py`), or start them "
                "with ember.multiprocessing.spawn(fn, nprocs=N)")


class DistError(RuntimeError):
    """Error raised by the distributed package."""


class DistBackendError(DistError):
    """A collective failed in the communication engine (a rank died, or a timeout expired)."""


def _mpi():
    """The ``mpi4py.MPI`` module, or a RuntimeError telling how to install it."""
    try:
        from mpi4py import MPI
    except ImportError:
        raise RuntimeError("ember.distributed needs MPI: `pip install 'ember[distributed]'` "
                           "(mpi4py and mpich), then " + _LAUNCH_HELP) from None
    return MPI


def is_available():
    """True: the distributed package is importable (an engine needs ``mpi4py``).

    >>> ember.distributed.is_available()
    True
    """
    return True


def is_mpi_available():
    """True when ``mpi4py`` is installed (the engine behind every backend name).

    >>> isinstance(ember.distributed.is_mpi_available(), bool)
    True
    """
    import importlib.util
    return importlib.util.find_spec("mpi4py") is not None


def is_gloo_available():
    """True when the ``"gloo"`` backend name can be served (by the MPI engine).

    >>> ember.distributed.is_gloo_available() == ember.distributed.is_mpi_available()
    True
    """
    return is_mpi_available()


def is_nccl_available():
    """False: ember has no CUDA backend.

    >>> ember.distributed.is_nccl_available()
    False
    """
    return False


def is_torchelastic_launched():
    """True when started by a torchrun-style launcher (``TORCHELASTIC_RUN_ID`` is set).

    >>> isinstance(ember.distributed.is_torchelastic_launched(), bool)
    True
    """
    return os.environ.get("TORCHELASTIC_RUN_ID") is not None


class Backend(str):
    """A backend name, lower-cased: ``Backend("GLOO") == "gloo"``.

    >>> ember.distributed.Backend("GLOO")
    'gloo'
    """

    UNDEFINED, GLOO, NCCL, UCC, MPI = "undefined", "gloo", "nccl", "ucc", "mpi"
    backend_list = [UNDEFINED, GLOO, NCCL, UCC, MPI]

    def __new__(cls, name):
        if not isinstance(name, str):
            raise ValueError(f"Backend constructor parameter must be string-ish, but got {type(name)}")
        value = name.lower()
        if value not in cls.backend_list and ":" not in value:
            raise ValueError(f"Unknown backend name {name!r}")
        return str.__new__(cls, value)


class RedOpType(enum.IntEnum):
    """The reduction kinds (``ReduceOp.SUM`` ...)."""

    SUM = 0
    AVG = 1
    PRODUCT = 2
    MIN = 3
    MAX = 4
    BAND = 5
    BOR = 6
    BXOR = 7
    PREMUL_SUM = 8
    UNUSED = 9


class ReduceOp:
    """Reductions for ``all_reduce``/``reduce``/``reduce_scatter``: SUM, AVG, PRODUCT, MIN, MAX,
    BAND, BOR, BXOR.

    >>> ember.distributed.ReduceOp.SUM
    <RedOpType.SUM: 0>
    """

    RedOpType = RedOpType
    SUM, AVG, PRODUCT = RedOpType.SUM, RedOpType.AVG, RedOpType.PRODUCT
    MIN, MAX = RedOpType.MIN, RedOpType.MAX
    BAND, BOR, BXOR = RedOpType.BAND, RedOpType.BOR, RedOpType.BXOR
    PREMUL_SUM, UNUSED = RedOpType.PREMUL_SUM, RedOpType.UNUSED


class ProcessGroup:
    """A set of ranks with its own MPI communicator (made by ``init_process_group``/``new_group``).

    >>> ember.distributed.ProcessGroup.__name__
    'ProcessGroup'
    """

    def __init__(self, comm, ranks, backend, timeout):
        self.comm, self.ranks, self._backend, self.timeout = comm, list(ranks), backend, timeout
        self._index = {g: i for i, g in enumerate(self.ranks)}

    def rank(self):
        """This process's rank in the group."""
        return self.comm.Get_rank()

    def size(self):
        """Number of ranks in the group."""
        return self.comm.Get_size()

    def name(self):
        """The backend name."""
        return self._backend

    def group_rank(self, global_rank, what="rank"):
        """The group rank of ``global_rank`` (ValueError if it is not in the group)."""
        try:
            return self._index[global_rank]
        except KeyError:
            raise ValueError(f"Global rank {global_rank} is not part of group {self}") from None

    def __repr__(self):
        return f"ProcessGroup(backend={self._backend!r}, ranks={self.ranks})"


class GroupMember:
    """``GroupMember.WORLD`` (the default group) and ``NON_GROUP_MEMBER`` (-100).

    >>> ember.distributed.GroupMember.NON_GROUP_MEMBER
    -100
    """

    WORLD = None
    NON_GROUP_MEMBER = -100


class group:  # noqa: N801 - PyTorch's name
    """``group.WORLD``: the default process group once initialised.

    >>> ember.distributed.group.WORLD is None
    True
    """

    WORLD = None


class _State:
    default = None
    faulted = False


def _on_exit():  # a rank that timed out skips MPI_Finalize (it would wait for the dead rank)
    if _State.faulted:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(1)


def _poll(requests, timeout, what):
    """Drive ``requests`` to completion; DistBackendError after ``timeout`` (a dead/hung rank)."""
    MPI = _mpi()
    if MPI.Request.Testall(requests):
        return
    start = time.monotonic()
    deadline = start + timeout.total_seconds()
    spins = 0
    while not MPI.Request.Testall(requests):
        spins += 1
        if spins & 63 == 0:  # spin (yielding the core) for 20 ms, then poll every 0.5 ms
            now = time.monotonic()
            time.sleep(0 if now - start < 0.02 else 0.0005)
            if now > deadline:
                _State.faulted = True
                raise DistBackendError(
                    f"{what} did not complete within the process group's timeout of {timeout} "
                    "(another rank died, hung, or did not call the same collective)")


class Work:
    """The handle of an ``async_op=True`` collective: ``wait()`` blocks until it is done.

    >>> ember.distributed.Work.__name__
    'Work'
    """

    def __init__(self, requests, timeout, what, finish=None):
        self._requests, self._timeout, self._what, self._finish = list(requests), timeout, what, finish
        self._done = False
        self._result = None

    def is_completed(self):
        """True when the operation has finished (does not block)."""
        if not self._done and _mpi().Request.Testall(self._requests):
            self._complete()
        return self._done

    def _complete(self):
        self._done = True
        if self._finish is not None:
            self._result = self._finish()
            self._finish = None

    def wait(self, timeout=None):
        """Block until done (``timeout``: a timedelta overriding the group's); returns True."""
        if not self._done:
            _poll(self._requests, timeout or self._timeout, self._what)
            self._complete()
        return True

    def is_success(self):
        """True once completed without error."""
        return self._done

    def result(self):
        """The output tensors (a list), after ``wait``."""
        self.wait()
        return self._result if isinstance(self._result, list) else []

    def get_future(self):
        """A :class:`~ember.futures.Future` of ``result()`` (the output tensors, a list): it is
        completed when the operation is, which ``wait()`` on the future drives."""
        from ..futures import Future
        fut = Future()
        if self._done or self.is_completed():
            fut.set_result(self.result())
            return fut

        def drive():
            try:
                value = self.result()
            except Exception as e:  # noqa: BLE001 - a timeout belongs to the future's waiter
                fut.set_exception(e)
            else:
                fut.set_result(value)
        fut._drive = drive
        return fut


def _env_int(name):
    v = os.environ.get(name)
    return int(v) if v not in (None, "") else None


def init_process_group(backend=None, init_method=None, timeout=None, world_size=-1, rank=-1, store=None,
                       group_name="", pg_options=None, device_id=None):
    """Join the default process group (every rank calls it once); MPI connects the ranks.

    ``rank``/``world_size`` default to the launcher's ``RANK``/``WORLD_SIZE`` and must match
    the processes MPI started (ranks may be given in any order: the group is renumbered).

    >>> ember.distributed.init_process_group("nccl")
    Traceback (most recent call last):
    RuntimeError: Distributed package doesn't have NCCL built in
    """
    if _State.default is not None:
        raise ValueError("trying to initialize the default process group twice!")
    name = Backend(backend) if backend is not None else Backend.GLOO
    if "nccl" in name.split(",")[0].split(":")[-1:] or name == Backend.NCCL:
        raise RuntimeError("Distributed package doesn't have NCCL built in")
    if name not in (Backend.GLOO, Backend.MPI) and ":" not in name:
        raise RuntimeError(f"Distributed package doesn't have {name} built in; ember serves 'gloo' and 'mpi'")
    if timeout is None:
        timeout = default_pg_timeout
    if not isinstance(timeout, datetime.timedelta):
        raise TypeError(f"Expected timeout argument to be of type datetime.timedelta, got {type(timeout)}")
    env_rank, env_world = _env_int("RANK"), _env_int("WORLD_SIZE")
    rank = env_rank if (rank is None or rank < 0) and env_rank is not None else rank
    world_size = env_world if (world_size is None or world_size < 0) and env_world is not None else world_size
    MPI = _mpi()
    world = MPI.COMM_WORLD
    size = world.Get_size()
    if size == 1 and (world_size is None or world_size < 0) and store is None:
        raise ValueError("Error initializing ember.distributed: no rank/world_size given and this process "
                         "was not started by a launcher; " + _LAUNCH_HELP)
    if world_size is not None and world_size >= 0 and world_size != size:
        raise RuntimeError(f"init_process_group(world_size={world_size}) but MPI started {size} process(es); "
                           + _LAUNCH_HELP)
    if rank is None or rank < 0:
        rank = world.Get_rank()
    if not 0 <= rank < size:
        raise ValueError(f"Invalid rank {rank}, rank should be in the interval [0, {size - 1}]")
    ranks = world.allgather(rank)
    if sorted(ranks) != list(range(size)):
        raise ValueError(f"init_process_group: the ranks given by the processes are {ranks}, not a permutation "
                         f"of 0..{size - 1}")
    comm = world.Split(0, rank)
    pg = ProcessGroup(comm, range(size), str(name), timeout)
    _State.default = pg
    group.WORLD = GroupMember.WORLD = pg
    atexit.register(_on_exit)


def destroy_process_group(group=None):
    """Leave ``group`` (the default group, and with it every group, when None).

    >>> ember.distributed.destroy_process_group()
    Traceback (most recent call last):
    ValueError: Default process group has not been initialized, please make sure to call init_process_group.
    """
    pg = _default_group()
    if group is None or group is pg:
        _State.default = None
        GroupMember.WORLD = globals()["group"].WORLD = None
        pg.comm.Free()
    elif group is not GroupMember.NON_GROUP_MEMBER:
        group.comm.Free()


def is_initialized():
    """True once ``init_process_group`` has run in this process.

    >>> ember.distributed.is_initialized()
    False
    """
    return _State.default is not None


def _default_group():
    if _State.default is None:
        raise ValueError("Default process group has not been initialized, please make sure to call "
                         "init_process_group.")
    return _State.default


def _resolve(group):
    """The ProcessGroup for a ``group`` argument (None: the default group)."""
    pg = _default_group()
    return pg if group is None else group


def get_rank(group=None):
    """This process's rank in ``group`` (-1 when it is not a member).

    >>> ember.distributed.get_rank()
    Traceback (most recent call last):
    ValueError: Default process group has not been initialized, please make sure to call init_process_group.
    """
    pg = _resolve(group)
    if pg is GroupMember.NON_GROUP_MEMBER:
        return -1
    return pg.rank()


def get_world_size(group=None):
    """Number of ranks in ``group`` (-1 when this process is not a member).

    >>> ember.distributed.get_world_size()
    Traceback (most recent call last):
    ValueError: Default process group has not been initialized, please make sure to call init_process_group.
    """
    pg = _resolve(group)
    if pg is GroupMember.NON_GROUP_MEMBER:
        return -1
    return pg.size()


def get_backend(group=None):
    """The backend name of ``group`` (``"gloo"`` or ``"mpi"``; both run on MPI).

    >>> ember.distributed.get_backend()
    Traceback (most recent call last):
    ValueError: Default process group has not been initialized, please make sure to call init_process_group.
    """
    pg = _resolve(group)
    if pg is GroupMember.NON_GROUP_MEMBER:
        raise ValueError("Invalid process group specified")
    return Backend(pg.name())


def new_group(ranks=None, timeout=None, backend=None, pg_options=None, use_local_synchronization=False,
              group_desc=None, device_id=None):
    """A group of the given global ``ranks`` (every rank of the default group must call it);
    non-members get ``GroupMember.NON_GROUP_MEMBER``.

    >>> ember.distributed.new_group([0])
    Traceback (most recent call last):
    ValueError: Default process group has not been initialized, please make sure to call init_process_group.
    """
    pg = _default_group()
    ranks = sorted(range(pg.size()) if ranks is None else ranks)
    for r in ranks:
        if not 0 <= r < pg.size():
            raise ValueError(f"The new group's rank should be within the world_size set by "
                             f"init_process_group, got rank {r}")
    me = pg.rank()
    comm = pg.comm.Split(0 if me in ranks else _mpi().UNDEFINED, me)
    if me not in ranks:
        return GroupMember.NON_GROUP_MEMBER
    return ProcessGroup(comm, ranks, str(Backend(backend)) if backend else pg.name(), timeout or pg.timeout)


def get_global_rank(group, group_rank):
    """The global rank of ``group_rank`` in ``group``.

    >>> ember.distributed.get_global_rank.__name__
    'get_global_rank'
    """
    if group is None or group is _State.default:
        return group_rank
    return group.ranks[group_rank]


def get_group_rank(group, global_rank):
    """The rank in ``group`` of ``global_rank``.

    >>> ember.distributed.get_group_rank.__name__
    'get_group_rank'
    """
    if group is None or group is _State.default:
        return global_rank
    return group.group_rank(global_rank)


def get_process_group_ranks(group):
    """The global ranks in ``group``.

    >>> ember.distributed.get_process_group_ranks.__name__
    'get_process_group_ranks'
    """
    return list(_resolve(group).ranks)
