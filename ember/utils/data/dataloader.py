"""``DataLoader``: batches from a dataset, in the main process or in worker processes.

With ``num_workers > 0`` each worker is a real process (``multiprocessing``); batches come
back in order, an exception in a worker is raised in the main process with the worker's
traceback, a worker that dies gives a RuntimeError instead of a hang, and no worker
outlives its iterator (also when the loop breaks early).

>>> ds = ember.utils.data.TensorDataset(ember.arange(6.), ember.arange(6))
>>> [tuple(x.shape) for x, y in ember.utils.data.DataLoader(ds, batch_size=4)]
[(4,), (2,)]
"""
import itertools
import math
import multiprocessing
from multiprocessing.connection import wait as _mp_wait
import os
import queue
import threading
import warnings

from ..._backend import np
from . import _worker
from ._collate import default_collate, default_convert
from .dataset import IterableDataset
from .fetch import make_fetcher
from .sampler import BatchSampler, RandomSampler, Sampler, SequentialSampler, _seed_from

__all__ = ["DataLoader"]


class _InfiniteConstantSampler(Sampler):
    def __iter__(self):
        while True:
            yield None


class DataLoader:
    """Combine a dataset and a sampler; iterate over batches.

    Arguments and defaults are PyTorch's: ``batch_size=1``, ``shuffle``, ``sampler``,
    ``batch_sampler``, ``num_workers=0``, ``collate_fn``, ``pin_memory`` (accepted; a no-op
    on the cpu), ``drop_last``, ``timeout``, ``worker_init_fn``, ``multiprocessing_context``,
    ``generator``, ``prefetch_factor``, ``persistent_workers``.
    """

    def __init__(self, dataset, batch_size=1, shuffle=None, sampler=None, batch_sampler=None, num_workers=0,
                 collate_fn=None, pin_memory=False, drop_last=False, timeout=0, worker_init_fn=None,
                 multiprocessing_context=None, generator=None, *, prefetch_factor=None, persistent_workers=False,
                 pin_memory_device="", in_order=True):
        if num_workers < 0:
            raise ValueError("num_workers option should be non-negative; use num_workers=0 to disable "
                             "multiprocessing.")
        if timeout < 0:
            raise ValueError("timeout option should be non-negative")
        if num_workers == 0 and prefetch_factor is not None:
            raise ValueError("prefetch_factor option could only be specified in multiprocessing.let num_workers > "
                             "0 to enable multiprocessing, otherwise set prefetch_factor to None.")
        if num_workers > 0 and prefetch_factor is None:
            prefetch_factor = 2
        if multiprocessing_context is not None and num_workers == 0:
            raise ValueError("multiprocessing_context can only be used with multi-process loading (num_workers > 0), "
                             f"but got num_workers={num_workers}")
        if persistent_workers and num_workers == 0:
            raise ValueError("persistent_workers option needs num_workers > 0")
        self.dataset = dataset
        self.num_workers = num_workers
        self.prefetch_factor = prefetch_factor
        self.pin_memory = pin_memory
        self.pin_memory_device = pin_memory_device
        self.timeout = timeout
        self.worker_init_fn = worker_init_fn
        self.multiprocessing_context = multiprocessing_context
        self.in_order = in_order
        if isinstance(dataset, IterableDataset):
            self._kind = "iterable"
            if shuffle not in (False, None):
                raise ValueError(f"DataLoader with IterableDataset: expected unspecified shuffle option, but "
                                 f"got shuffle={shuffle}")
            if sampler is not None:
                raise ValueError(f"DataLoader with IterableDataset: expected unspecified sampler option, but "
                                 f"got sampler={sampler}")
            if batch_sampler is not None:
                raise ValueError(f"DataLoader with IterableDataset: expected unspecified batch_sampler option, "
                                 f"but got batch_sampler={batch_sampler}")
        else:
            self._kind = "map"
            shuffle = bool(shuffle)
        if sampler is not None and shuffle:
            raise ValueError("sampler option is mutually exclusive with shuffle")
        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ValueError("batch_sampler option is mutually exclusive with batch_size, shuffle, sampler, "
                                 "and drop_last")
            batch_size = None
            drop_last = False
        elif batch_size is None and drop_last:
            raise ValueError("batch_size=None option disables auto-batching and is mutually exclusive with "
                             "drop_last")
        if sampler is None:
            if self._kind == "iterable":
                sampler = _InfiniteConstantSampler()
            elif shuffle:
                sampler = RandomSampler(dataset, generator=generator)
            else:
                sampler = SequentialSampler(dataset)
        if batch_size is not None and batch_sampler is None:
            batch_sampler = BatchSampler(sampler, batch_size, drop_last)
        self.batch_size = batch_size
        self.drop_last = drop_last
        self.sampler = sampler
        self.batch_sampler = batch_sampler
        self.generator = generator
        if collate_fn is None:
            collate_fn = default_collate if batch_sampler is not None else default_convert
        self.collate_fn = collate_fn
        self.persistent_workers = persistent_workers
        self._iterator = None
        self._initialized = True

    _FROZEN = frozenset(("batch_size", "batch_sampler", "sampler", "drop_last", "dataset", "persistent_workers"))

    def __setattr__(self, attr, val):
        if attr in self._FROZEN and self.__dict__.get("_initialized"):
            raise ValueError(f"{attr} attribute should not be set after {self.__class__.__name__} is initialized")
        object.__setattr__(self, attr, val)

    @property
    def _auto_collation(self):
        return self.batch_sampler is not None

    @property
    def _index_sampler(self):
        return self.batch_sampler if self._auto_collation else self.sampler

    def __iter__(self):
        if self.num_workers == 0:
            return _SingleProcessIter(self)
        if self.persistent_workers:
            if self._iterator is None:
                self._iterator = _MultiProcessIter(self)
            else:
                self._iterator._reset(self)
            return self._iterator
        return _MultiProcessIter(self)

    def __len__(self):
        if self._kind == "iterable":
            n = len(self.dataset)
            if self.batch_size is not None:
                n = n // self.batch_size if self.drop_last else math.ceil(n / self.batch_size)
            return n
        return len(self._index_sampler)

    def check_worker_number_rationality(self):
        pass


class _BaseIter:
    def __init__(self, loader):
        self._loader = loader
        self._dataset = loader.dataset
        self._kind = loader._kind
        self._auto = loader._auto_collation
        self._drop_last = loader.drop_last
        self._collate = loader.collate_fn
        self._index_sampler = loader._index_sampler
        self._sampler_iter = iter(self._index_sampler)
        self._base_seed = _seed_from(loader.generator)
        self._num_yielded = 0

    def __iter__(self):
        return self

    def _next_index(self):
        return next(self._sampler_iter)

    def __len__(self):
        return len(self._loader)

    def __next__(self):
        data = self._next_data()
        self._num_yielded += 1
        return data


class _SingleProcessIter(_BaseIter):
    def __init__(self, loader):
        super().__init__(loader)
        self._fetcher = make_fetcher(self._kind, self._dataset, self._auto, self._collate, self._drop_last)

    def _next_data(self):
        index = self._next_index()
        return self._fetcher.fetch(index)


_GET_AFTER_WAIT = 0.05  # the pipe has data (or a worker died): the get is immediate


def _death_message(dead):
    """PyTorch's message for workers that exited: their ids, pids and exit codes or signals."""
    parts = []
    for w in dead:
        code = w.exitcode
        if code is not None and code < 0:
            import signal
            try:
                how = f"killed by signal: {signal.Signals(-code).name}"
            except ValueError:
                how = f"killed by signal {-code}"
        else:
            how = f"exit code {code}"
        parts.append(f"pid {w.pid}: {how}")
    return (f"DataLoader worker (pid(s) {', '.join(str(w.pid) for w in dead)}) exited unexpectedly "
            f"({'; '.join(parts)})")


class _MultiProcessIter(_BaseIter):
    def __init__(self, loader):
        super().__init__(loader)
        self._num_workers = loader.num_workers
        self._prefetch = loader.prefetch_factor
        self._timeout = loader.timeout
        self._persistent = loader.persistent_workers
        ctx = loader.multiprocessing_context
        if ctx is None:
            ctx = multiprocessing.get_context()
        elif isinstance(ctx, str):
            ctx = multiprocessing.get_context(ctx)
        self._data_queue = ctx.Queue()
        self._done_event = ctx.Event()
        self._index_queues = []
        self._workers = []
        for i in range(self._num_workers):
            iq = ctx.Queue()
            iq.cancel_join_thread()
            w = ctx.Process(target=_worker.worker_loop, daemon=True,
                            args=(self._kind, self._dataset, iq, self._data_queue, self._done_event, self._auto,
                                  self._collate, self._drop_last, self._base_seed, loader.worker_init_fn, i,
                                  self._num_workers, os.getpid()))
            w.start()
            self._index_queues.append(iq)
            self._workers.append(w)
        self._shutdown = False
        self._died = None
        self._reset(loader, first=True)

    def _reset(self, loader, first=False):
        if not first and self._shutdown:  # persistent workers, one of which died last epoch
            raise RuntimeError("DataLoader's persistent workers were shut down after an error: "
                               + (self._died or "a worker failed") + ". Create a new DataLoader.")
        self._sampler_iter = iter(self._index_sampler)
        self._num_yielded = 0
        self._send_idx = 0
        self._rcvd_idx = 0
        self._task_info = {}
        self._outstanding = 0
        self._active = [True] * self._num_workers
        self._cycle = itertools.cycle(range(self._num_workers))
        if not first:  # persistent workers: start a new epoch in each of them
            for iq in self._index_queues:
                iq.put(_worker.ResumeIteration())
            acks = self._num_workers
            while acks:
                r = self._get_data()
                if isinstance(r[0], _worker.ResumeIteration):
                    acks -= 1
        for _ in range(self._prefetch * self._num_workers):
            self._try_put_index()

    def _try_put_index(self):
        try:
            index = self._next_index()
        except StopIteration:
            return
        for _ in range(self._num_workers):
            w = next(self._cycle)
            if self._active[w]:
                break
        else:
            return
        self._index_queues[w].put((self._send_idx, index))
        self._task_info[self._send_idx] = (w,)
        self._outstanding += 1
        self._send_idx += 1

    def _try_get_data(self, timeout):
        """One batch from the workers within ``timeout`` s: waits on the data queue and on the
        workers' process sentinels together, so a worker that dies is noticed at once."""
        reader = getattr(self._data_queue, "_reader", None)  # the queue's pipe end
        if reader is not None:
            live = [w.sentinel for i, w in enumerate(self._workers) if self._active[i]]
            ready = _mp_wait([reader] + live, timeout)
            if len(ready) > (reader in ready):  # a worker exited: fail now, as torch's SIGCHLD handler
                self._raise_if_dead()
            timeout = _GET_AFTER_WAIT if ready else 0.0
        try:
            return True, self._data_queue.get(timeout=timeout)
        except queue.Empty:
            self._raise_if_dead()
            return False, None

    def _raise_if_dead(self):
        dead = [w for i, w in enumerate(self._workers) if self._active[i] and not w.is_alive()]
        if dead:
            self._died = _death_message(dead)
            self._shutdown_workers()
            raise RuntimeError(self._died) from None

    def _get_data(self):
        if self._timeout > 0:
            ok, data = self._try_get_data(self._timeout)
            if not ok:
                raise RuntimeError(f"DataLoader timed out after {self._timeout} seconds")
            return data
        while True:
            ok, data = self._try_get_data(_worker.STATUS_CHECK_INTERVAL)
            if ok:
                return data

    def _next_data(self):
        while True:
            while self._rcvd_idx < self._send_idx:
                info = self._task_info[self._rcvd_idx]
                if len(info) == 2 or self._active[info[0]]:
                    break
                del self._task_info[self._rcvd_idx]
                self._rcvd_idx += 1
            else:
                if not self._persistent:
                    self._shutdown_workers()
                raise StopIteration
            if len(self._task_info[self._rcvd_idx]) == 2:
                data = self._task_info.pop(self._rcvd_idx)[1]
                return self._process(data)
            idx, data = self._get_data()
            self._outstanding -= 1
            if isinstance(data, _worker.IterableStop):
                self._active[data.worker_id] = False
                self._try_put_index()
                continue
            if idx != self._rcvd_idx:
                self._task_info[idx] += (data,)
            else:
                del self._task_info[idx]
                return self._process(data)

    def _process(self, data):
        self._rcvd_idx += 1
        self._try_put_index()
        if isinstance(data, _worker.ExceptionWrapper):
            data.reraise()
        return data

    def _shutdown_workers(self):
        if self._shutdown:
            return
        self._shutdown = True
        try:
            self._done_event.set()
            for iq in self._index_queues:
                try:
                    iq.put(None)
                except Exception:  # noqa: BLE001 - queue already closed
                    pass
            for w in self._workers:
                w.join(timeout=5.0)
            for w in self._workers:
                if w.is_alive():
                    w.terminate()
                    w.join(timeout=1.0)
            for iq in self._index_queues:
                iq.cancel_join_thread()
                iq.close()
            self._data_queue.cancel_join_thread()
            self._data_queue.close()
        except Exception:  # noqa: BLE001 - interpreter shutdown
            pass

    def __del__(self):
        self._shutdown_workers()
