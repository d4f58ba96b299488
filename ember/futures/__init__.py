"""``torch.futures``: a value that becomes available later (asynchronous collectives, DDP comm hooks).

A :class:`Future` is completed once, by ``set_result`` or ``set_exception``, from any thread;
``wait`` blocks until then. Futures made by ember itself (``Work.get_future()``) finish their
work when waited on, since ember has no background progress thread.

>>> fut = ember.futures.Future()
>>> doubled = fut.then(lambda f: f.value() * 2)
>>> fut.set_result(21)
>>> doubled.wait()
42
"""
import threading

__all__ = ["Future", "collect_all", "wait_all"]


class Future:
    """The result of an asynchronous computation.

    >>> f = ember.futures.Future()
    >>> f.done()
    False
    >>> f.set_result(3); f.done(), f.value()
    (True, 3)
    """

    def __init__(self, *, devices=None):
        self._cond = threading.Condition()
        self._done = False
        self._value = None
        self._error = None
        self._callbacks = []
        self._drive = None  # a callable that completes this future (work ember does on wait)

    def __class_getitem__(cls, item):
        return cls

    def __repr__(self):
        return f"<ember.futures.Future object at {id(self):#x}>"

    def done(self):
        """True once a result or an exception is set (does not block)."""
        return self._done

    def _complete(self, value, error):
        with self._cond:
            if self._done:
                raise RuntimeError("Attempting to mark a completed Future as complete again. Note that "
                                   "a Future can only be marked completed once.")
            self._value, self._error, self._done = value, error, True
            callbacks, self._callbacks = self._callbacks, []
            self._cond.notify_all()
        for cb in callbacks:
            cb(self)

    def set_result(self, result):
        """Complete with ``result``; callbacks added by ``then``/``add_done_callback`` run now."""
        self._complete(result, None)

    def set_exception(self, result):
        """Complete with an exception, raised again by ``wait`` and ``value``.

        >>> f = ember.futures.Future(); f.set_exception(ValueError("bad"))
        >>> try:
        ...     f.wait()
        ... except ValueError as e:
        ...     print(e)
        bad
        """
        if not isinstance(result, BaseException):
            raise AssertionError(f"{result} is of type {type(result)}, not an Exception.")
        self._complete(None, result)

    def wait(self):
        """Block until completed; return the value (or raise the exception).

        >>> f = ember.futures.Future(); f.set_result([1, 2]); f.wait()
        [1, 2]
        """
        if not self._done and self._drive is not None:
            drive, self._drive = self._drive, None
            drive()
        with self._cond:
            while not self._done:
                self._cond.wait()
        return self.value()

    def value(self):
        """The value of a completed future (raises its exception if it has one)."""
        if not self._done:
            if self._drive is not None:
                return self.wait()
            raise RuntimeError("ember.futures.Future.value() called on a future that is not completed: "
                               "call wait() first")
        if self._error is not None:
            raise self._error
        return self._value

    def add_done_callback(self, callback):
        """Run ``callback(self)`` when completed (at once if it already is); its return value is
        dropped.

        >>> seen = []
        >>> f = ember.futures.Future(); f.add_done_callback(lambda f: seen.append(f.value()))
        >>> f.set_result(5); seen
        [5]
        """
        with self._cond:
            if not self._done:
                self._callbacks.append(callback)
                return
        callback(self)

    def then(self, callback):
        """A new future completed with ``callback(self)`` once this one completes (with the
        exception, wrapped in a RuntimeError as PyTorch does, if the callback raises).

        >>> f = ember.futures.Future(); g = f.then(lambda f: f.value() + 1)
        >>> f.set_result(1); g.wait()
        2
        """
        child = Future()
        if not self._done and self._drive is not None:
            child._drive = self.wait

        def run(fut):
            try:
                result = callback(fut)
            except Exception as e:  # noqa: BLE001 - handed to the child future, as PyTorch does
                child.set_exception(RuntimeError(
                    f"Got the following error when running the callback: {type(e).__name__}: {e}"))
                return
            child.set_result(result)
        self.add_done_callback(run)
        return child


def collect_all(futures):
    """A future completed, with the list of ``futures``, once every one of them is.

    >>> a, b = ember.futures.Future(), ember.futures.Future()
    >>> both = ember.futures.collect_all([a, b])
    >>> a.set_result(1); both.done()
    False
    >>> b.set_result(2); [f.value() for f in both.wait()]
    [1, 2]
    """
    futures = list(futures)
    out = Future()
    pending = [len(futures)]
    lock = threading.Lock()
    if any(f._drive is not None for f in futures):
        def drive():
            for f in futures:
                if not f.done():
                    try:
                        f.wait()
                    except Exception:  # noqa: BLE001 - the error stays in f, as collect_all keeps it
                        pass
        out._drive = drive

    def one_done(_):
        with lock:
            pending[0] -= 1
            last = pending[0] == 0
        if last:
            out.set_result(futures)
    if not futures:
        out.set_result([])
    for f in futures:
        f.add_done_callback(one_done)
    return out


def wait_all(futures):
    """Wait for every future; their values as a list (the first exception is raised).

    >>> f = ember.futures.Future(); f.set_result("x")
    >>> ember.futures.wait_all([f])
    ['x']
    """
    return [f.wait() for f in collect_all(futures).wait()]
