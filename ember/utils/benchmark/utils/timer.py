"""``torch.utils.benchmark.utils.timer``: :class:`Timer`, timeit with PyTorch's bookkeeping
(thread count, labels, measurement statistics).

>>> from ember.utils.benchmark import Timer
>>> m = Timer("x + 1", setup="x = torch.ones(3)").timeit(10)
>>> m.number_per_run
10
"""
import enum
import textwrap
import timeit as _timeit

from . import common

__all__ = ["Timer", "timer", "Language"]


def timer():
    """The default clock: :func:`timeit.default_timer` (ember runs on the CPU, nothing to sync).

    >>> from ember.utils.benchmark.utils.timer import timer
    >>> timer() <= timer()
    True
    """
    return _timeit.default_timer()


class Language(enum.Enum):
    """The language of ``stmt``: only PYTHON runs in ember.

    >>> from ember.utils.benchmark import Language
    >>> Language.PYTHON.value
    0
    """
    PYTHON = 0
    CPP = 1


def _clean(src):
    src = textwrap.dedent(src)
    return (src[1:] if src[:1] == "\n" else src).rstrip()


class Timer:
    """Time ``stmt`` after ``setup`` (both strings compiled once), in ``globals`` plus ``torch``.

    ``num_threads`` is set with :func:`ember.set_num_threads` while timing and restored after.

    >>> from ember.utils.benchmark import Timer
    >>> t = Timer("y = x * 2", setup="x = torch.arange(4.)", label="mul", num_threads=1)
    >>> m = t.blocked_autorange(min_run_time=0.01)
    >>> m.label, m.num_threads, m.median > 0
    ('mul', 1, True)
    """
    _timer_cls = _timeit.Timer

    def __init__(self, stmt="pass", setup="pass", global_setup="", timer=timer, globals=None,
                 label=None, sub_label=None, description=None, env=None, num_threads=1,
                 language=Language.PYTHON):
        if not isinstance(stmt, str):
            raise ValueError("Currently only a `str` stmt is supported.")
        self._globals = dict(globals or {})
        if language in (Language.PYTHON, "py", "python"):
            import ember
            self._globals.setdefault("torch", ember)
            self._language = Language.PYTHON
            if global_setup:
                raise ValueError(f"global_setup is C++ only, got `{global_setup}`. Most likely "
                                 "this code can simply be moved to `setup`.")
        elif language in (Language.CPP, "cpp", "c++"):
            raise NotImplementedError("Timer(language='c++'): ember has no C++ backend to "
                                      "compile the statement against")
        else:
            raise ValueError(f"Invalid language `{language}`.")
        stmt, setup = _clean(stmt), _clean(setup)
        self._timer = self._timer_cls(stmt=stmt, setup=setup, timer=timer, globals=self._globals)
        self._task_spec = common.TaskSpec(stmt=stmt, setup=setup, global_setup=global_setup,
                                          label=label, sub_label=sub_label,
                                          description=description, env=env,
                                          num_threads=num_threads)

    def _timeit(self, number):
        return max(self._timer.timeit(number), 1e-9)

    def timeit(self, number=1000000):
        """One block of ``number`` runs (after a warm-up of ``number // 100``).

        >>> from ember.utils.benchmark import Timer
        >>> len(Timer("pass").timeit(100).times)
        1
        """
        with common.set_torch_threads(self._task_spec.num_threads):
            self._timeit(max(int(number // 100), 2))
            return common.Measurement(number, [self._timeit(number)], self._task_spec)

    def repeat(self, repeat=-1, number=-1):
        """Not provided (as in PyTorch): use :meth:`blocked_autorange`.

        >>> from ember.utils.benchmark import Timer
        >>> Timer().repeat()
        Traceback (most recent call last):
        NotImplementedError: See `Timer.blocked_autorange.`
        """
        raise NotImplementedError("See `Timer.blocked_autorange.`")

    def autorange(self, callback=None):
        """Not provided (as in PyTorch): use :meth:`blocked_autorange`.

        >>> from ember.utils.benchmark import Timer
        >>> Timer().autorange()
        Traceback (most recent call last):
        NotImplementedError: See `Timer.blocked_autorange.`
        """
        raise NotImplementedError("See `Timer.blocked_autorange.`")

    def _block_size(self, min_run_time):
        """Runs per block: grow by 10x until the timer's own overhead is negligible."""
        with common.set_torch_threads(self._task_spec.num_threads):
            overhead = sorted(self._timeit(0) for _ in range(5))[2]
            number = 1
            while True:
                took = self._timeit(number)
                if overhead / took <= 1e-4 and took >= min_run_time / 1000:
                    return number
                if took > min_run_time or number * 10 > 2 ** 31 - 1:
                    return number
                number *= 10

    def _loop(self, number, stop, min_run_time, max_run_time=None, callback=None):
        total, done, times = 0.0, False, []
        with common.set_torch_threads(self._task_spec.num_threads):
            while total < min_run_time or not done:
                t = self._timeit(number)
                times.append(t)
                total += t
                if callback:
                    callback(number, t)
                done = stop(times)
                if max_run_time and total > max_run_time:
                    break
        return times

    def blocked_autorange(self, callback=None, min_run_time=0.2):
        """Blocks of a fixed size, repeated until ``min_run_time`` seconds are spent.

        >>> from ember.utils.benchmark import Timer
        >>> Timer("pass").blocked_autorange(min_run_time=0.01).number_per_run >= 1
        True
        """
        number = self._block_size(min_run_time)
        times = self._loop(number, lambda ts: True, min_run_time, callback=callback)
        return common.Measurement(number, times, self._task_spec)

    def adaptive_autorange(self, threshold=0.1, *, min_run_time=0.01, max_run_time=10.0,
                           callback=None):
        """Blocks until IQR / median < ``threshold`` (after at least 4 blocks and
        ``min_run_time``) or ``max_run_time`` is spent.

        >>> from ember.utils.benchmark import Timer
        >>> len(Timer("pass").adaptive_autorange(max_run_time=0.05).times) >= 1
        True
        """
        number = self._block_size(0.05)

        def stop(times):
            return len(times) > 3 and common.Measurement(
                number, times, self._task_spec).meets_confidence(threshold=threshold)
        times = self._loop(number, stop, min_run_time, max_run_time, callback=callback)
        return common.Measurement(number, times, self._task_spec)

    def collect_callgrind(self, number=100, *, repeats=None, collect_baseline=True,
                          retain_out_file=False):
        """Not available: instruction counts need valgrind and PyTorch's C++ bindings.

        >>> from ember.utils.benchmark import Timer
        >>> Timer().collect_callgrind()
        Traceback (most recent call last):
        NotImplementedError: Timer.collect_callgrind: ember has no valgrind/callgrind integration
        """
        raise NotImplementedError("Timer.collect_callgrind: ember has no valgrind/callgrind "
                                  "integration")
