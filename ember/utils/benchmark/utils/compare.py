"""``torch.utils.benchmark.utils.compare``: :class:`Compare`, the table of many measurements
(one table per label, rows by thread count / env / sub-label, columns by description).

>>> from ember.utils.benchmark import Compare, Measurement, TaskSpec
>>> ms = [Measurement(1, [t * 1e-6] * 4, TaskSpec("f()", "pass", label="f", sub_label=s,
...                                            description=d))
...       for s, d, t in [("a", "x", 1.0), ("a", "y", 2.0), ("b", "x", 3.0), ("b", "y", 4.0)]]
>>> print(Compare(ms))
[--------- f ---------]
         |   x   |   y
1 threads: ------------
      a  |  1.0  |  2.0
      b  |  3.0  |  4.0
<BLANKLINE>
Times are in microseconds (us).
<BLANKLINE>
"""
import enum
import math

from . import common

__all__ = ["Colorize", "Compare"]

BEST = "\033[92m"
GOOD = "\033[34m"
BAD = "\033[2m\033[91m"
VERY_BAD = "\033[31m"
BOLD = "\033[1m"
TERMINATE = "\033[0m"


class Colorize(enum.Enum):
    """How :meth:`Compare.colorize` picks the best value a cell is compared with.

    >>> from ember.utils.benchmark.utils.compare import Colorize
    >>> Colorize.ROWWISE.value
    'rowwise'
    """
    NONE = "none"
    COLUMNWISE = "columnwise"
    ROWWISE = "rowwise"


def _color(cell, value, best):
    if value <= best * 1.01 or value <= best + 100e-9:
        return BEST + BOLD + cell + TERMINATE * 2
    if value <= best * 1.1:
        return GOOD + BOLD + cell + TERMINATE * 2
    if value >= best * 5:
        return VERY_BAD + BOLD + cell + TERMINATE * 2
    if value >= best * 2:
        return BAD + cell + TERMINATE * 2
    return cell


class _Column:
    """Number format of one column: enough integer digits for its largest value and, when
    trimming, the decimals that the least precise measurement supports."""

    def __init__(self, groups, scale, trim, highlight):
        self.groups = groups
        flat = [m for g in groups for m in g if m is not None]
        self.trim = trim
        self.highlight = highlight and any(m.has_warnings for m in flat)
        digits = [(m, math.ceil(math.log10(m.median / scale))) for m in flat]
        int_digits = max(d for _, d in digits)
        dec = min(max(m.significant_figures - d, 0) for m, d in digits) if trim else 1
        self.width = int_digits + dec + (1 if dec else 0)
        self.decimals = dec

    def cell(self, value, sigfigs, spread):
        if value is None:
            return " " * len(self.cell(1, sigfigs, None))
        if self.trim:
            value = common.trim_sigfig(value, sigfigs)
        note = f" (! {spread * 100:.0f}%)" if self.highlight and spread is not None else ""
        return f"{value:>{self.width}.{self.decimals}f}" + f"{note:>{7 if self.highlight else 0}}"


class _Table:
    def __init__(self, results, colorize, trim, highlight):
        if len({r.label for r in results}) != 1:
            raise AssertionError("All results must share the same label")
        self.results, self.colorize, self.highlight = results, colorize, highlight
        self.label = results[0].label
        self.unit, self.scale = common.select_unit(min(r.median for r in results))
        row_of = lambda m: (m.num_threads, m.env, m.as_row_name)  # noqa: E731
        self.row_keys = common.ordered_unique(row_of(m) for m in results)
        self.row_keys.sort(key=lambda k: k[:2])   # stable: statements keep their order
        self.col_keys = common.ordered_unique(m.description for m in results)
        ri = {k: i for i, k in enumerate(self.row_keys)}
        ci = {k: j for j, k in enumerate(self.col_keys)}
        self.grid = [[None] * len(self.col_keys) for _ in self.row_keys]
        for m in results:
            self.grid[ri[row_of(m)]][ci[m.description]] = m
        self.group_of, groups, prev = [], [], object()
        for (threads, _, _), row in zip(self.row_keys, self.grid):
            if threads != prev:
                groups.append([])
                prev = threads
            groups[-1].append(row)
            self.group_of.append(len(groups) - 1)
        self.columns = [_Column([[row[j] for row in g] for g in groups], self.scale, trim, highlight)
                        for j in range(len(self.col_keys))]

    def _row_strings(self, i):
        row, (_, env, _) = self.grid[i], self.row_keys[i]
        envs = {m.env for m in self.results}
        show_env = len(envs) > 1 and (i == 0 or self.row_keys[i - 1][:2] != self.row_keys[i][:2])
        env_len = max(len(str(e)) for e in envs) if len(envs) > 1 else 0
        name = next(m for m in row if m is not None).as_row_name
        out = ["  " + (f"({env})" if show_env else "").ljust(env_len + 4) + name]
        for m, col in zip(row, self.columns):
            out.append(col.cell(None, 1, None) if m is None else col.cell(
                m.median / self.scale, m.significant_figures,
                m.iqr / m.median if m.has_warnings else None))
        return out

    def _best(self, i, n):
        row = self.grid[i]
        if self.colorize == Colorize.ROWWISE:
            return [min(m.median for m in row if m is not None)] * n
        if self.colorize == Colorize.COLUMNWISE:
            return [min((m.median for m in col.groups[self.group_of[i]] if m is not None),
                        default=None) for col in self.columns]
        return [-1] * n

    def render(self):
        table = [[""] + list(self.col_keys)] + [self._row_strings(i) for i in range(len(self.grid))]
        n = max(len(r) for r in table)
        table = [r + [""] * (n - len(r)) for r in table]
        widths = [max(len(c) for c in col) for col in zip(*table)]
        lines = ["  |  ".join(c.center(w) for c, w in zip(table[0], widths))]
        full = len(lines[0])
        for i, cells in enumerate(table[1:]):
            if i == 0 or self.row_keys[i][0] != self.row_keys[i - 1][0]:
                lines.append(f"{self.row_keys[i][0]} threads: ".ljust(full, "-"))
            parts = [cells[0].ljust(widths[0])]
            for c, w, m, b in zip(cells[1:], widths[1:], self.grid[i], self._best(i, len(cells) - 1)):
                c = c.center(w)
                if self.colorize != Colorize.NONE and m is not None and b is not None:
                    c = _color(c, m.median, b)
                parts.append(c)
            lines.append("  |  ".join(parts))
        warn = self.highlight and any(m.has_warnings for m in self.results)
        title = f" {self.label or ''} ".center(full - 2, "-")
        note = ("(! XX%) Measurement has high variance, where XX is the IQR / median * 100.\n"
                if warn else "")
        return (f"[{title}]\n" + "\n".join(lines) + "\n\n"
                f"Times are in {common.unit_to_english(self.unit)}s ({self.unit}).\n" + note)


class Compare:
    """Print many :class:`Measurement` s as tables, as ``torch.utils.benchmark.Compare``.

    >>> from ember.utils.benchmark import Compare, Timer
    >>> ms = [Timer("x + x", setup=f"x = torch.ones({n})", label="add", sub_label=str(n),
    ...             description="ember").timeit(10) for n in (1, 100)]
    >>> c = Compare(ms)
    >>> c.trim_significant_figures()
    >>> str(c).splitlines()[0].strip("[]-").strip()
    'add'
    """

    def __init__(self, results):
        self._results = []
        self.extend_results(results)
        self._trim_significant_figures = False
        self._colorize = Colorize.NONE
        self._highlight_warnings = False

    def __str__(self):
        return "\n".join(self._render())

    def extend_results(self, results):
        """Add more measurements (each must be a :class:`Measurement`).

        >>> from ember.utils.benchmark import Compare
        >>> Compare([]).extend_results([1])
        Traceback (most recent call last):
        ValueError: Expected an instance of `Measurement`, got <class 'int'> instead.
        """
        for r in results:
            if not isinstance(r, common.Measurement):
                raise ValueError(f"Expected an instance of `Measurement`, got {type(r)} instead.")
        self._results.extend(results)

    def trim_significant_figures(self):
        """Show only the figures each measurement's spread supports.

        >>> from ember.utils.benchmark import Compare
        >>> Compare([]).trim_significant_figures()
        """
        self._trim_significant_figures = True

    def colorize(self, rowwise=False):
        """Color cells against the best of their column (or row, with ``rowwise=True``).

        >>> from ember.utils.benchmark import Compare
        >>> Compare([]).colorize(rowwise=True)
        """
        self._colorize = Colorize.ROWWISE if rowwise else Colorize.COLUMNWISE

    def highlight_warnings(self):
        """Mark high-variance measurements with ``(! XX%)``.

        >>> from ember.utils.benchmark import Compare
        >>> Compare([]).highlight_warnings()
        """
        self._highlight_warnings = True

    def print(self):
        """Print the tables.

        >>> from ember.utils.benchmark import Compare
        >>> Compare([]).print()
        <BLANKLINE>
        """
        print(str(self))

    def _render(self):
        by_label = {}
        for m in common.Measurement.merge(self._results):
            by_label.setdefault(m.label, []).append(m)
        return [_Table(ms, self._colorize, self._trim_significant_figures,
                       self._highlight_warnings).render() for ms in by_label.values()]
