"""ember's intra-op threads: one persistent pool of workers that runs blocks of a large op at once.

NumPy releases the GIL inside its copies, ufunc loops and BLAS calls, so Python threads that each
work on their own block of an array run on separate cores. ``parallel_for(fn, n)`` calls
``fn(0) .. fn(n - 1)``, the first block on the calling thread and the others on the workers, and
returns when all are done (re-raising the first error).

NumPy's BLAS runs one thread (set once, at ember's first parallel block, product or
``set_num_threads``, through ``threadpoolctl`` when it is installed), and ember splits large
products over its own pool (``ember._parallel_gemm``). A threaded OpenBLAS call leaves its
workers spinning for ~0.1 s after it returns, on the cores our blocks need (a 2-thread MNIST
CNN step took 59 ms that way, 40 ms without), and on this project's 2-core VM its threaded
products also stalled now and then for tens of milliseconds. Without ``threadpoolctl`` the
BLAS keeps its own setting ("own" mode) and only our pool follows the count.

The thread count is torch's: ``OMP_NUM_THREADS`` (or ``MKL_NUM_THREADS``) when set to a positive
integer, at most the cores this process may use; ``ember.set_num_threads`` changes it.
A block run on a worker that calls ``parallel_for`` again runs its inner blocks serially, and
so does a second thread calling it while another's blocks run. A forked child starts new workers.

>>> from ember._thread_pool import parallel_for, num_threads
>>> out = [0] * 4
>>> parallel_for(lambda i: out.__setitem__(i, i * i), 4)
>>> out
[0, 1, 4, 9]
"""
import os
import threading
from _thread import allocate_lock as _allocate_lock
from queue import SimpleQueue

__all__ = ["num_threads", "set_threads", "parallel_for", "blocks", "lead_blocks"]


def _cores():
    try:
        return len(os.sched_getaffinity(0)) or 1
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _from_environment():
    """torch's default: the smallest positive OMP_NUM_THREADS / MKL_NUM_THREADS, at most the cores."""
    n = _cores()
    for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        v = os.environ.get(var, "").strip()
        if v.isdigit() and int(v) > 0:
            n = min(n, int(v))
    return n


_N = [_from_environment()]
_LOCAL = threading.local()     # .worker: True on a pool thread (nested parallel_for runs serially)
_LOCK = threading.Lock()       # one parallel region at a time (another caller runs serially)
_WORKERS = []                  # [(thread, queue)]
_BLAS = []                     # threadpoolctl's BLAS controllers, found once ([] without it)
WAKE = 30e-6                   # seconds from handing a worker a job to its first step (25-30 us
                               # measured on a 2-core VM; fixed, so that splits depend on sizes alone)


def _blas_controllers():
    if not _BLAS:
        try:
            import threadpoolctl
            _BLAS.append([c for c in threadpoolctl.ThreadpoolController().lib_controllers
                          if c.user_api == "blas"])
        except Exception:  # not installed, or it cannot inspect this process's libraries
            _BLAS.append([])
    return _BLAS[0]


def _set_blas(n):
    for c in _blas_controllers():
        c.set_num_threads(n)


_MODE = []      # ["single" | "own"] once the BLAS is set up
_SETUP = threading.Lock()


def blas_mode():
    """How NumPy's BLAS runs next to ember's pool (set up once): "single" (held to one
    thread; ember splits products itself) or "own" (no ``threadpoolctl``: its own setting).

    >>> from ember._thread_pool import blas_mode
    >>> blas_mode() in ("single", "own")
    True
    """
    if not _MODE:
        with _SETUP:
            if not _MODE:
                ctl = _blas_controllers()
                _set_blas(1)
                _MODE.append("single" if ctl else "own")
    return _MODE[0]


class _LapackThreads:
    __slots__ = ("on",)

    def __init__(self, on):
        self.on = on

    def __enter__(self):
        if self.on:
            _set_blas(_N[0])

    def __exit__(self, *exc):
        if self.on:
            _set_blas(1)


_LAPACK_MIN = 1 << 16    # elements: smaller LAPACK calls stay on one BLAS thread


def lapack_threads(a):
    """``with lapack_threads(a):`` a LAPACK call on a large array ``a`` (a decomposition, an
    inverse, a solve) runs on ``get_num_threads()`` BLAS threads, then the BLAS is back at one
    (its workers' spin afterwards is small beside such a call; ember cannot split it itself).

    >>> from ember._thread_pool import lapack_threads
    >>> with lapack_threads(np.eye(3)):
    ...     pass
    """
    return _LapackThreads(a.size >= _LAPACK_MIN and _N[0] > 1 and not _LOCAL.__dict__.get("worker")
                          and (_MODE[0] if _MODE else blas_mode()) == "single")


def num_threads():
    """The number of intra-op threads (``ember.get_num_threads()``).

    >>> from ember._thread_pool import num_threads
    >>> num_threads() >= 1
    True
    """
    return _N[0]


def set_threads(n):
    """Use ``n`` intra-op threads (the pool's size; the BLAS runs one, see above).

    >>> from ember._thread_pool import set_threads, num_threads
    >>> old = num_threads(); set_threads(1); num_threads()
    1
    >>> set_threads(old)
    """
    _N[0] = n
    if not _MODE:
        blas_mode()


def _after_fork_in_child():
    """A forked child (a DataLoader worker) has none of the parent's pool threads: start afresh."""
    global _LOCK
    _WORKERS.clear()
    _LOCK = threading.Lock()
    _LOCAL.__dict__.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


def _work(q):
    _LOCAL.worker = True
    while True:
        job = q.get()
        if job is None:
            return
        fn, it, done, errors = job
        try:
            for i in it:
                fn(i)
        except BaseException as e:  # handed to the caller, which re-raises it
            errors.append(e)
        # drop the job before signalling: its closure may hold the caller's result, which the
        # caller may then take over without a copy only if nothing else refers to it
        job = fn = it = errors = None
        done.release()


def _ensure_workers(k):
    while len(_WORKERS) < k:
        q = SimpleQueue()
        t = threading.Thread(target=_work, args=(q,), name=f"ember-intraop-{len(_WORKERS)}", daemon=True)
        t.start()
        _WORKERS.append((t, q))


def parallel_for(fn, n):
    """Run ``fn(i)`` for ``i`` in ``range(n)`` on up to ``num_threads()`` threads; wait for all.

    The caller and ``k - 1`` workers take the blocks in order, each the next one left when
    it is free (so the caller, which starts first, runs block 0, and a worker that wakes
    late runs fewer). Serial when one thread is set, ``n`` is 1, or this is already a
    block of another ``parallel_for``.

    >>> from ember._thread_pool import parallel_for
    >>> seen = []
    >>> parallel_for(seen.append, 3); sorted(seen)
    [0, 1, 2]
    """
    k = min(_N[0], n)
    lock = _LOCK
    if k <= 1 or getattr(_LOCAL, "worker", False) or not lock.acquire(blocking=False):
        for i in range(n):
            fn(i)
        return
    try:
        if len(_WORKERS) < k - 1:
            _ensure_workers(k - 1)
        if not _MODE:
            blas_mode()
        # the blocks are dealt from one shared iterator (its next() is atomic under the GIL):
        # a worker that wakes late (a handover costs ~10-40 us) takes fewer; each worker
        # releases its own raw lock when the iterator runs dry (a Condition-based Event costs
        # several times as much)
        it = iter(range(n))
        dones, errors = [], []
        for j in range(1, k):
            done = _allocate_lock()
            done.acquire()
            _WORKERS[j - 1][1].put((fn, it, done, errors))
            dones.append(done)
        _LOCAL.worker = True
        try:
            for i in it:
                fn(i)
        finally:
            _LOCAL.worker = False
            for done in dones:
                done.acquire()
        if errors:
            raise errors[0]
    finally:
        lock.release()


def blocks(total, parts, min_size=1):
    """``total`` split into at most ``parts`` contiguous slices of at least ``min_size`` items.

    >>> from ember._thread_pool import blocks
    >>> blocks(10, 3)
    [slice(0, 4, None), slice(4, 7, None), slice(7, 10, None)]
    """
    parts = max(1, min(parts, total // max(1, min_size)))
    q, r = divmod(total, parts)
    out, start = [], 0
    for i in range(parts):
        stop = start + q + (i < r)
        out.append(slice(start, stop))
        start = stop
    return out


def lead_blocks(total, k, seconds, min_size=1, lead=WAKE):
    """``total`` split into ``k`` contiguous slices for ``parallel_for``, the first (the
    caller's) longer by the time a worker takes to wake, so that the workers' slices end
    about when the caller's does: the caller then finds them done instead of sleeping until
    the last one signals (a second wake-up). ``seconds`` is the whole job's time on one thread;
    ``lead`` the wake-up time (``WAKE``). One slice when the split would not pay.

    >>> from ember._thread_pool import lead_blocks
    >>> lead_blocks(100, 2, 1.0)         # a long job: even halves (the wake-up is negligible)
    [slice(0, 50, None), slice(50, 100, None)]
    >>> len(lead_blocks(100, 2, 1e-6))   # shorter than a wake-up: one slice
    1
    """
    k = max(1, min(k, total // max(1, min_size)))
    first = (seconds + (k - 1) * lead) / k        # the caller's time; each worker's is first - lead
    if k <= 1 or first - lead < 0.15 * first:
        return [slice(0, total)]
    n0 = max(min_size, min(total - (k - 1) * min_size, round(total * first / seconds)))
    return [slice(0, n0)] + [slice(n0 + s.start, n0 + s.stop) for s in blocks(total - n0, k - 1, min_size)]
