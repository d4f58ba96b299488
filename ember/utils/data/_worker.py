"""What runs inside a DataLoader worker process, and what it sends back."""
import os
import queue
import random
import sys
import traceback

__all__ = ["get_worker_info", "WorkerInfo"]

_worker_info = None
STATUS_CHECK_INTERVAL = 1.0


class WorkerInfo:
    """Inside a worker: ``id``, ``num_workers``, ``seed`` and this worker's copy of ``dataset``."""

    def __init__(self, **kwargs):
        self.__dict__.update(kwargs)

    def __repr__(self):
        return "WorkerInfo(" + ", ".join(f"{k}={v!r}" for k, v in self.__dict__.items() if k != "dataset") + ")"


def get_worker_info():
    """The current worker's :class:`WorkerInfo`, or None in the main process.

    >>> ember.utils.data.get_worker_info() is None
    True
    """
    return _worker_info


class ExceptionWrapper:
    """An exception raised in a worker, carried to the main process with its traceback."""

    def __init__(self, exc_info, where):
        self.exc_type = exc_info[0]
        self.exc_msg = "".join(traceback.format_exception(*exc_info))
        self.where = where

    def reraise(self):
        msg = f"Caught {self.exc_type.__name__} {self.where}.\nOriginal {self.exc_msg}"
        try:
            exc = self.exc_type(msg)
        except Exception:  # noqa: BLE001 - an exception type that needs other arguments
            raise RuntimeError(msg) from None
        raise exc


class IterableStop:
    """A worker's iterable dataset is exhausted."""

    def __init__(self, worker_id):
        self.worker_id = worker_id


class ResumeIteration:
    """Start a new epoch in a persistent worker."""


def _seed_worker(base_seed, worker_id):
    seed = base_seed + worker_id
    random.seed(seed)
    from ... import _random
    _random.manual_seed(seed)
    from ..._backend import np
    np.random.seed(list(np.random.SeedSequence([base_seed & 0xFFFFFFFF, worker_id]).generate_state(4)))
    return seed


def worker_loop(kind, dataset, index_queue, data_queue, done_event, auto_collation, collate_fn, drop_last,
                base_seed, init_fn, worker_id, num_workers, parent_pid):
    global _worker_info
    from .fetch import make_fetcher
    from ..._config import set_num_threads
    try:
        set_num_threads(1)  # as PyTorch's workers: parallelism comes from the workers themselves
        seed = _seed_worker(base_seed, worker_id)
        _worker_info = WorkerInfo(id=worker_id, num_workers=num_workers, seed=seed, dataset=dataset)
        init_error = None
        fetcher = None
        try:
            if init_fn is not None:
                init_fn(worker_id)
            fetcher = make_fetcher(kind, dataset, auto_collation, collate_fn, drop_last)
        except Exception:  # noqa: BLE001 - sent to the main process
            init_error = ExceptionWrapper(sys.exc_info(), f"in DataLoader worker process {worker_id}")
        exhausted = False
        while True:
            try:
                r = index_queue.get(timeout=STATUS_CHECK_INTERVAL)
            except queue.Empty:
                if os.getppid() != parent_pid or done_event.is_set():
                    break  # the main process is gone or shutting down
                continue
            if r is None:
                break
            if isinstance(r, ResumeIteration):
                data_queue.put((r, None))
                exhausted = False
                fetcher = make_fetcher(kind, dataset, auto_collation, collate_fn, drop_last)
                continue
            if done_event.is_set() or exhausted:
                continue
            idx, index = r
            if init_error is not None:
                data, init_error = init_error, None
            else:
                try:
                    data = fetcher.fetch(index)
                except StopIteration:
                    data = IterableStop(worker_id)
                    exhausted = True
                except Exception:  # noqa: BLE001 - sent to the main process
                    data = ExceptionWrapper(sys.exc_info(), f"in DataLoader worker process {worker_id}")
            data_queue.put((idx, data))
    except KeyboardInterrupt:
        pass
    if done_event.is_set():
        data_queue.cancel_join_thread()
        data_queue.close()
