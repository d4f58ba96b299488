"""A small timing harness: medians of repeated timings, printed as a table.

Each case is timed for every implementation that is available (ember, torch,
numpy). A timing runs the statement `number` times in a loop (`number` is
chosen so one timing takes about `min_time` seconds) and divides; the case's
result is the median of `repeat` such timings, after `warmup` untimed calls.
`compare` interleaves the implementations' timings round by round, and runs each statement
once untimed right before each of its timings: torch's OpenMP workers spin for milliseconds
after a parallel region and would otherwise steal a core from the next implementation's
timing (and start cold themselves), which no program using one framework sees.

Statements may be callables or source strings. A string is compiled into the
timing loop by `timeit`, so it carries no function-call overhead; use strings
for micro-operations (a + b on tiny tensors) where ~50 ns of call overhead
would distort the ratio.

The machines are noisy: quote ratios, not absolute times.
"""
import gc
import os
import statistics
import time
import timeit

IMPLS = ("ember", "torch", "numpy")


def _runner(stmt, globals):
    """A function run(n) -> total seconds for n executions of stmt."""
    if hasattr(stmt, "worker"):       # an _isolated.Remote: timed in its worker process
        return stmt.run
    if isinstance(stmt, str):
        return timeit.Timer(stmt, globals=globals, timer=time.perf_counter).timeit

    def run(n, fn=stmt, clock=time.perf_counter):
        t0 = clock()
        for _ in range(n):
            fn()
        return clock() - t0
    return run


def _calibrate(run, min_time):
    """Loop count so that one timing takes at least min_time (like timeit.autorange)."""
    number = 1
    while True:
        t = run(number)
        if t >= min_time:
            return number
        number = max(number * 2, int(number * min_time / max(t, 1e-9) * 1.2))


def compare(stmts, *, repeat=7, warmup=1, min_time=0.02, notes=None):
    """Median seconds per execution for each of {name: (stmt, globals)}.

    The repeats are interleaved (one timing of each implementation per round),
    so slow drift of the machine (frequency, noisy neighbours) spreads evenly
    over all implementations instead of biasing whichever ran first.

    An implementation whose statement raises on its first run is left out of
    the result; with `notes` (a list) given, the error is appended to it.
    """
    runs = {name: _runner(stmt, g) for name, (stmt, g) in stmts.items()}
    numbers = {}
    for name, run in list(runs.items()):
        try:
            run(max(warmup, 1))
        except Exception as e:
            if notes is None:
                raise
            notes.append(f"{name}: not measured, {type(e).__name__}: {e}")
            del runs[name]
            continue
        numbers[name] = _calibrate(run, min_time) if min_time > 0 else 1
    gc.collect()
    times = {name: [] for name in runs}
    for _ in range(repeat):
        for name, run in runs.items():
            run(1)      # untimed: this framework's threads awake, the other's idle (see above)
            times[name].append(run(numbers[name]) / numbers[name])
    return {name: statistics.median(ts) for name, ts in times.items()}


def profile_steps(step, steps, top=18):
    """cProfile ``steps`` calls of ``step`` (after one untimed call); print the ``top``
    functions by own time."""
    import cProfile
    import pstats
    step()
    pr = cProfile.Profile()
    pr.enable()
    for _ in range(steps):
        step()
    pr.disable()
    pstats.Stats(pr).sort_stats("tottime").print_stats(top)


def measure(stmt, globals=None, *, repeat=7, warmup=1, min_time=0.02):
    """Median seconds per execution of `stmt` (a callable or a source string)."""
    return compare({"_": (stmt, globals)}, repeat=repeat, warmup=warmup, min_time=min_time)["_"]


def fmt_time(seconds):
    if seconds is None:
        return "-"
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("us", 1e-6), ("ns", 1e-9)):
        if seconds >= scale:
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds / 1e-9:.3g} ns"


def fmt_ratio(num, den):
    if num is None or den is None or den == 0:
        return "-"
    return f"{num / den:.2f}x"


class Table:
    """Rows of (case, {impl: seconds}); prints medians and ember/other ratios."""

    def __init__(self, title):
        self.title = title
        self.rows = []
        self.notes = []

    def add(self, case, results):
        if results:
            self.rows.append((case, dict(results)))

    def note(self, text):
        self.notes.append(text)

    def render(self):
        impls = [i for i in IMPLS if any(i in r for _, r in self.rows)]
        others = [i for i in impls if i != "ember"]
        header = ["case"] + impls + [f"ember/{o}" for o in others if "ember" in impls]
        body = []
        for case, r in self.rows:
            line = [case] + [fmt_time(r.get(i)) for i in impls]
            if "ember" in impls:
                line += [fmt_ratio(r.get("ember"), r.get(o)) for o in others]
            body.append(line)
        widths = [max(len(str(row[c])) for row in [header] + body) for c in range(len(header))]
        out = [f"== {self.title} =="]
        fmt_row = lambda row: "  ".join(
            str(v).ljust(w) if c == 0 else str(v).rjust(w) for c, (v, w) in enumerate(zip(row, widths))
        )
        out.append(fmt_row(header))
        out.append("  ".join("-" * w for w in widths))
        out.extend(fmt_row(row) for row in body)
        out.extend(f"  note: {n}" for n in self.notes)
        return "\n".join(out)

    def print(self):
        print(self.render(), flush=True)
        print(flush=True)


def thread_counts(arg):
    """The thread settings a benchmark runs: ``arg`` (a list of ints) or [1, all cores]."""
    if arg:
        return list(arg)
    n = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return [1] if n == 1 else [1, n]


def use_threads(n, libs):
    """Set every framework in ``libs`` ({name: module}) to ``n`` intra-op threads."""
    for T in libs.values():
        T.set_num_threads(n)


def finish_thread_table(table, res, n, summary):
    """Print one thread setting's ``table``, add its ember/torch ratios to ``summary`` ({case:
    {threads: ratio}}) and print the headline ratio of ``res`` (its first case's results)."""
    table.print()
    for case, r in table.rows:
        if "torch" in r:
            summary.setdefault(case, {})[n] = r["ember"] / r["torch"]
    if "torch" in res:
        print(f"{n} thread{'s' if n > 1 else ''}: ember {fmt_time(res['ember'])} / torch "
              f"{fmt_time(res['torch'])} = {res['ember'] / res['torch']:.2f}x\n")


def print_ratio_summary(title, rows, counts):
    """One table of ember/torch ratios: rows {case: {threads: ratio}} for each thread count."""
    header = ["case"] + [f"{n} thread{'s' if n > 1 else ''}" for n in counts]
    body = [[case] + [f"{r[n]:.2f}x" if r.get(n) is not None else "-" for n in counts]
            for case, r in rows.items()]
    widths = [max(len(str(row[c])) for row in [header] + body) for c in range(len(header))]
    fmt_row = lambda row: "  ".join(str(v).ljust(w) if c == 0 else str(v).rjust(w)
                                    for c, (v, w) in enumerate(zip(row, widths)))
    print(f"== {title} ==")
    print(fmt_row(header))
    print("  ".join("-" * w for w in widths))
    for row in body:
        print(fmt_row(row))
    print(flush=True)
