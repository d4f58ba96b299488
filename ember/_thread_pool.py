"""ember's intra-op threads: one persistent pool of workers that runs blocks of a large op at once.

NumPy releases the GIL inside its copies, ufunc loops and BLAS calls, so Python threads that each
work on their own block of an array run on separate cores. ``parallel_for(fn, n)`` calls
``fn(0) .. fn(n - 1)``, the first block on the calling thread and the others on the workers, and
returns when all are done (re-raising the first error). While it runs the BLAS is held to one
thread, so a GEMM inside a block does not start threads of its own on cores our blocks occupy;
outside it the BLAS keeps ``get_num_threads()`` threads (set through ``threadpoolctl`` when it is
installed; without it the BLAS keeps its own setting and only our pool follows the count).

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
from queue import SimpleQueue

__all__ = ["num_threads", "set_threads", "parallel_for", "blocks"]


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


def num_threads():
    """The number of intra-op threads (``ember.get_num_threads()``).

    >>> from ember._thread_pool import num_threads
    >>> num_threads() >= 1
    True
    """
    return _N[0]


def set_threads(n):
    """Use ``n`` intra-op threads: the pool's size and the BLAS's thread count.

    >>> from ember._thread_pool import set_threads, num_threads
    >>> old = num_threads(); set_threads(1); num_threads()
    1
    >>> set_threads(old)
    """
    _N[0] = n
    _set_blas(n)


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
        fn, i, done = job
        try:
            fn(i)
        except BaseException as e:  # handed to the caller, which re-raises it
            done.error(e)
        done.finish()


class _Latch:
    """Counts finished blocks; the caller waits until all have finished."""
    __slots__ = ("left", "lock", "event", "err")

    def __init__(self, n):
        self.left, self.lock, self.event, self.err = n, threading.Lock(), threading.Event(), None
        if n == 0:
            self.event.set()

    def error(self, e):
        if self.err is None:
            self.err = e

    def finish(self):
        with self.lock:
            self.left -= 1
            if self.left == 0:
                self.event.set()


def _ensure_workers(k):
    while len(_WORKERS) < k:
        q = SimpleQueue()
        t = threading.Thread(target=_work, args=(q,), name=f"ember-intraop-{len(_WORKERS)}", daemon=True)
        t.start()
        _WORKERS.append((t, q))


def parallel_for(fn, n):
    """Run ``fn(i)`` for ``i`` in ``range(n)`` on up to ``num_threads()`` threads; wait for all.

    Blocks ``i >= 1`` are handed round-robin to the workers, block 0 (and every ``k``-th after
    it) runs on the caller. Serial when one thread is set, ``n`` is 1, or this is already a
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
        _ensure_workers(k - 1)
        _set_blas(1)
        mine = range(0, n, k)
        latch = _Latch(n - len(mine))
        for i in range(n):
            if i % k:
                _WORKERS[i % k - 1][1].put((fn, i, latch))
        _LOCAL.worker = True
        try:
            for i in mine:
                fn(i)
        finally:
            _LOCAL.worker = False
            latch.event.wait()
            _set_blas(_N[0])
        if latch.err is not None:
            raise latch.err
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
