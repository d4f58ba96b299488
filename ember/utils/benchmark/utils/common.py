"""``torch.utils.benchmark.utils.common``: what a measurement is (:class:`TaskSpec`,
:class:`Measurement`) and the number formatting shared by ``Timer`` and ``Compare``.

>>> from ember.utils.benchmark.utils.common import Measurement, TaskSpec
>>> m = Measurement(10, [2e-5, 3e-5, 4e-5], TaskSpec("x + y", "pass"))
>>> m.median
3e-06
"""
import collections
import contextlib
import dataclasses
import math
import textwrap

from ...._backend import np

__all__ = ["TaskSpec", "Measurement", "select_unit", "unit_to_english", "trim_sigfig",
           "ordered_unique", "set_torch_threads"]

_MAX_SIGFIGS = 4
_MIN_CI = 25e-9            # a confidence interval never narrower than 25 ns
_IQR_WARN = 0.1            # IQR / median above this: "system fluctuation"
_IQR_GROSS_WARN = 0.25     # ... above this: "environmental influence"


@dataclasses.dataclass(init=True, repr=False, eq=True, frozen=True)
class TaskSpec:
    """What a Timer runs and how it is labelled (hashable: measurements merge by it).

    >>> from ember.utils.benchmark import TaskSpec
    >>> TaskSpec("x + y", "pass", label="add", sub_label="small").title
    'add: small'
    """
    stmt: str
    setup: str
    global_setup: str = ""
    label: "str | None" = None
    sub_label: "str | None" = None
    description: "str | None" = None
    env: "str | None" = None
    num_threads: int = 1

    @property
    def title(self):
        """The label (or the one-line stmt), with the sub-label after a colon."""
        tail = f": {self.sub_label}" if self.sub_label else ""
        if self.label is not None:
            return self.label + tail
        if "\n" not in self.stmt:
            return self.stmt + tail
        sub = f" ({self.sub_label})" if self.sub_label else ""
        return f"stmt:{sub}\n" + textwrap.indent(self.stmt, "  ")

    def setup_str(self):
        """The setup as shown in a repr ('' when there is none)."""
        if not self.setup or self.setup == "pass":
            return ""
        if "\n" in self.setup:
            return "setup:\n" + textwrap.indent(self.setup, "  ")
        return f"setup: {self.setup}"

    def summarize(self):
        """The task part of a :class:`Measurement` repr."""
        parts = [p for p in (self.title, self.description or "", self.setup_str()) if p]
        return "\n".join(p + "\n" if "\n" in p else p for p in parts)


_TASK_FIELDS = tuple(f.name for f in dataclasses.fields(TaskSpec))


def _quantile(sorted_vals, q):
    return float(np.quantile(np.asarray(sorted_vals, dtype=np.float64), q))


@dataclasses.dataclass(init=True, repr=False)
class Measurement:
    """The times of one :class:`TaskSpec`: ``raw_times`` are totals of ``number_per_run`` runs.

    >>> from ember.utils.benchmark import Measurement, TaskSpec
    >>> m = Measurement(1, [1e-3, 2e-3, 3e-3, 4e-3], TaskSpec("f()", "pass", label="f"))
    >>> round(m.median, 6), round(m.iqr, 6), m.has_warnings
    (0.0025, 0.0015, True)
    """
    number_per_run: int
    raw_times: list
    task_spec: TaskSpec
    metadata: "dict | None" = None

    def __post_init__(self):
        self._sorted_times = ()
        self._warnings = ()
        self._median = self._mean = self._p25 = self._p75 = -1.0

    def __getattr__(self, name):
        if name in _TASK_FIELDS:  # stmt, label, num_threads ... read through to the task
            return getattr(self.__dict__["task_spec"], name)
        raise AttributeError(f"'Measurement' object has no attribute '{name}'")

    @property
    def times(self):
        """Seconds per single run, one entry per block."""
        return [t / self.number_per_run for t in self.raw_times]

    @property
    def median(self):
        self._stats()
        return self._median

    @property
    def mean(self):
        self._stats()
        return self._mean

    @property
    def iqr(self):
        self._stats()
        return self._p75 - self._p25

    @property
    def significant_figures(self):
        """How many figures of the median the spread of the middle half supports (1 to 4)."""
        self._stats()
        n = len(self._sorted_times)
        mid = np.asarray(self._sorted_times[n // 4:math.ceil(3 * n / 4)], dtype=np.float64)
        std = float(mid.std()) if mid.size else float("nan")
        ci = max(1.645 * std / math.sqrt(mid.size), _MIN_CI) if mid.size else _MIN_CI
        figs = math.floor(math.log10(self._median / ci))
        return min(max(figs, 1), _MAX_SIGFIGS)

    @property
    def has_warnings(self):
        self._stats()
        return bool(self._warnings)

    def _stats(self):
        if not self.raw_times or self._sorted_times:
            return
        s = tuple(sorted(self.times))
        self._sorted_times = s
        self._median, self._p25, self._p75 = (_quantile(s, q) for q in (0.5, 0.25, 0.75))
        self._mean = float(np.mean(np.asarray(s, dtype=np.float64)))
        for limit, why in ((_IQR_GROSS_WARN, "This suggests significant environmental influence."),
                           (_IQR_WARN, "This could indicate system fluctuation.")):
            if not self.meets_confidence(limit):
                rel = self.iqr / self.median * 100
                self._warnings += (f"  WARNING: Interquartile range is {rel:.1f}% "
                                   f"of the median measurement.\n           {why}",)
                break

    def meets_confidence(self, threshold=_IQR_WARN):
        """True when IQR / median is under ``threshold``."""
        return self.iqr / self.median < threshold

    @property
    def title(self):
        return self.task_spec.title

    @property
    def env(self):
        return self.task_spec.env

    @property
    def as_row_name(self):
        """The row a :class:`Compare` table puts this measurement in."""
        return self.sub_label or self.stmt or "[Unknown]"

    def __repr__(self):
        self._stats()
        n = len(self._sorted_times)
        unit, scale = select_unit(self._median)
        lines = [object.__repr__(self)] + self.task_spec.summarize().split("\n")
        lines.append(f"  {'Median: ' if n > 1 else ''}{self._median / scale:.2f} {unit}")
        if n >= 4:
            lines.append(f"  IQR:    {self.iqr / scale:.2f} {unit} "
                         f"({self._p25 / scale:.2f} to {self._p75 / scale:.2f})")
        th = self.num_threads
        per = "per measurement," if n > 1 else ","
        lines.append(f"  {n} measurement{'s' if n > 1 else ''}, {self.number_per_run} runs {per} "
                     f"{th} thread{'s' if th > 1 else ''}")
        for w in self._warnings:
            lines += w.splitlines()
        return "\n".join(lines).strip()

    @staticmethod
    def merge(measurements):
        """Pool replicates of the same task into one measurement each (``number_per_run=1``).

        >>> from ember.utils.benchmark import Measurement, TaskSpec
        >>> t = TaskSpec("f()", "pass")
        >>> [len(m.times) for m in Measurement.merge([Measurement(2, [1., 2.], t), Measurement(1, [3.], t)])]
        [3]
        """
        pooled = collections.OrderedDict()
        for m in measurements:
            pooled.setdefault(m.task_spec, []).extend(m.times)
        return [Measurement(1, times, spec, None) for spec, times in pooled.items()]


_UNITS = {-3: "ns", -2: "us", -1: "ms"}
_SCALES = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1}


def select_unit(t):
    """The unit (ns, us, ms or s) in which ``t`` seconds reads as a number of order 1.

    >>> from ember.utils.benchmark import select_unit
    >>> select_unit(3.2e-5)
    ('us', 1e-06)
    """
    unit = _UNITS.get(int(math.log10(t) // 3) if t > 0 else -4, "s") if t == t else "s"
    return unit, _SCALES[unit]


def unit_to_english(u):
    """``'us'`` -> ``'microsecond'``.

    >>> from ember.utils.benchmark.utils.common import unit_to_english
    >>> unit_to_english("ms")
    'millisecond'
    """
    return {"ns": "nanosecond", "us": "microsecond", "ms": "millisecond", "s": "second"}[u]


def trim_sigfig(x, n):
    """``x`` rounded to ``n`` significant figures.

    >>> from ember.utils.benchmark import trim_sigfig
    >>> round(trim_sigfig(3.14159, 2), 5)
    3.1
    """
    if n != int(n):
        raise AssertionError("Number of significant figures must be an integer")
    scale = 10.0 ** (math.ceil(math.log10(abs(x))) - n)
    return float(np.round(np.float32(x / scale)) * np.float32(scale))


def ordered_unique(elements):
    """The distinct elements, in first-seen order.

    >>> from ember.utils.benchmark import ordered_unique
    >>> ordered_unique([3, 1, 3, 2, 1])
    [3, 1, 2]
    """
    return list(dict.fromkeys(elements))


@contextlib.contextmanager
def set_torch_threads(n):
    """Run the body with ``ember.set_num_threads(n)``, then restore the previous count.

    >>> from ember.utils.benchmark.utils.common import set_torch_threads
    >>> with set_torch_threads(1):
    ...     ember.get_num_threads()
    1
    """
    from .... import get_num_threads, set_num_threads
    prior = get_num_threads()
    try:
        set_num_threads(n)
        yield
    finally:
        set_num_threads(prior)
