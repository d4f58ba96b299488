"""torch.utils.benchmark parity: equal Measurements print the same as in torch; the recipe runs."""
import os
import re
import subprocess
import sys

import pytest

import ember
import ember.utils.benchmark as ebm

torch = pytest.importorskip("torch")
import torch.utils.benchmark as tbm  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

# (label, sub_label, description, num_threads, env, raw_times, number_per_run)
GRID = [
    ("add", "[1, 1]", "ember", 1, None, [1.1e-6, 1.2e-6, 1.3e-6, 1.25e-6, 1.21e-6], 10),
    ("add", "[1, 1]", "numpy", 1, None, [2.1e-6, 2.9e-6, 4.3e-6, 2.2e-6, 2.21e-6], 10),
    ("add", "[8, 8]", "ember", 1, None, [3.1e-5, 3.2e-5, 3.05e-5, 3.3e-5], 100),
    ("add", "[8, 8]", "numpy", 1, None, [1.0e-4, 1.9e-4, 1.1e-4, 1.05e-4], 1),
    ("add", "[1, 1]", "ember", 4, None, [0.9e-6, 1.0e-6, 0.95e-6, 1.02e-6], 10),
    ("add", "[8, 8]", "numpy", 4, None, [7.1e-5, 7.3e-5, 7.2e-5, 7.0e-5], 10),
    ("mm", None, "ember", 1, None, [2.5e-3, 2.6e-3, 2.55e-3, 2.7e-3, 2.52e-3], 1),
    ("mm", None, "numpy", 1, None, [1.5e-3, 3.6e-3, 1.55e-3, 1.7e-3, 1.52e-3], 1),
    (None, "big", "ember", 2, None, [0.5, 0.51, 0.52, 0.49], 1),
    ("envs", "a", "d", 1, "A", [0.5, 0.51, 0.52, 0.49], 1),
    ("envs", "b", "d", 1, "BB", [0.5, 0.51, 0.52, 0.49], 1),
    ("envs", "c", "d", 1, "BB", [0.5, 0.51, 0.52, 0.49], 1),
]


def _measurements(bm, rows=GRID, stmt="x + y", setup="pass"):
    return [bm.Measurement(n, list(times), bm.TaskSpec(stmt, setup, label=lab, sub_label=sub,
                                                       description=d, num_threads=th, env=env))
            for lab, sub, d, th, env, times, n in rows]


def _no_addr(s):
    return re.sub(r"<[\w.]+\.Measurement object at 0x[0-9a-f]+>", "<Measurement>", s)


@pytest.mark.parametrize("options", [(), ("trim",), ("colorize",), ("rowwise",), ("highlight",),
                                     ("trim", "colorize", "highlight")])
def test_compare_table_matches_torch(options):
    outs = []
    for bm in (ebm, tbm):
        c = bm.Compare(_measurements(bm)[:4])
        c.extend_results(_measurements(bm)[4:])
        if "trim" in options:
            c.trim_significant_figures()
        if "colorize" in options:
            c.colorize()
        if "rowwise" in options:
            c.colorize(rowwise=True)
        if "highlight" in options:
            c.highlight_warnings()
        outs.append(str(c))
    assert outs[0] == outs[1]


def test_compare_without_description_raises_as_torch():
    for bm in (ebm, tbm):
        with pytest.raises(TypeError):
            str(bm.Compare(_measurements(bm, [(None, None, None, 1, None, [1.0, 2.0], 1)])))


def test_compare_merges_replicates_and_missing_cells():
    rows = GRID[:3] + GRID[:2]  # replicates are pooled; [8, 8]/numpy is an empty cell
    e, t = (str(bm.Compare(_measurements(bm, rows))) for bm in (ebm, tbm))
    assert e == t


@pytest.mark.parametrize("stmt,setup", [("x + y", "pass"), ("for _ in range(3):\n  f(x)", "x = 1"),
                                        ("f(x)", "import math\nx = 2")])
@pytest.mark.parametrize("row", range(len(GRID)))
def test_measurement_repr_and_statistics_match_torch(stmt, setup, row):
    (e,), (t,) = (_measurements(bm, [GRID[row]], stmt, setup) for bm in (ebm, tbm))
    assert _no_addr(repr(e)) == _no_addr(repr(t))
    for name in ("median", "mean", "iqr"):
        assert getattr(e, name) == pytest.approx(getattr(t, name), rel=1e-12)
    assert e.times == t.times
    assert e.significant_figures == t.significant_figures
    assert e.has_warnings == t.has_warnings
    assert (e.title, e.as_row_name, e.num_threads, e.label) == (t.title, t.as_row_name, t.num_threads,
                                                                 t.label)


def test_single_measurement_repr_and_merge():
    rows = [("x", None, None, 1, None, [4e-3], 100)]
    (e,), (t,) = (_measurements(bm, rows) for bm in (ebm, tbm))
    assert _no_addr(repr(e)) == _no_addr(repr(t))
    em, tm = (bm.Measurement.merge(_measurements(bm, GRID[:2] + GRID[:1])) for bm in (ebm, tbm))
    assert [m.times for m in em] == [m.times for m in tm]
    assert [m.number_per_run for m in em] == [m.number_per_run for m in tm]


@pytest.mark.parametrize("t", [3e-10, 2.5e-9, 4e-8, 1e-6, 7.7e-5, 1e-3, 0.2, 3.0, 12.0])
def test_select_unit_and_trim_sigfig(t):
    assert ebm.select_unit(t) == tbm.select_unit(t)
    for n in (1, 2, 3):
        assert ebm.trim_sigfig(t * 1.2345, n) == pytest.approx(tbm.trim_sigfig(t * 1.2345, n), rel=1e-6)
    assert ebm.ordered_unique([3, 1, 3, t, 1]) == tbm.ordered_unique([3, 1, 3, t, 1])


def test_timer_runs_and_restores_threads():
    before = ember.get_num_threads()
    seen = []
    t = ebm.Timer("seen.append(torch.get_num_threads())", globals={"seen": seen}, num_threads=1,
                  label="L", sub_label="S", description="D")
    m = t.timeit(5)
    assert m.number_per_run == 5 and len(m.raw_times) == 1 and set(seen) == {1}
    assert ember.get_num_threads() == before
    m = t.blocked_autorange(min_run_time=0.01)
    assert sum(m.raw_times) >= 0.01 and m.task_spec == ebm.TaskSpec(
        "seen.append(torch.get_num_threads())", "pass", label="L", sub_label="S", description="D")
    calls = []
    m = t.adaptive_autorange(max_run_time=0.05, callback=lambda n, s: calls.append(n))
    assert len(calls) == len(m.raw_times) and ember.get_num_threads() == before
    assert isinstance(m, ebm.utils.common.Measurement)


def test_setup_runs_once_per_block_and_stmt_is_dedented():
    count = []
    t = ebm.Timer("""
        y = x + 1
        y = y * 2
    """, setup="x = 3\ncount.append(1)", globals={"count": count})
    t.timeit(50)
    assert len(count) == 2  # warm-up block + measured block
    assert t._task_spec.stmt == "y = x + 1\ny = y * 2"


def test_timer_errors_match_torch():
    for bm in (ebm, tbm):
        with pytest.raises(ValueError):
            bm.Timer(lambda: None)
        with pytest.raises(ValueError):
            bm.Timer("pass", global_setup="int x;")
        with pytest.raises(ValueError):
            bm.Timer("pass", language="fortran")
        with pytest.raises(NotImplementedError):
            bm.Timer("pass").autorange()
        with pytest.raises(NotImplementedError):
            bm.Timer("pass").repeat()
        with pytest.raises(ValueError):
            bm.Compare([1])
    with pytest.raises(NotImplementedError):
        ebm.Timer("pass").collect_callgrind()


def _mask(out):
    out = re.sub(r"\x1b\[[0-9;]*m", "", out)
    out = _no_addr(out)
    out = re.sub(r"(\|\s*)\d+\b", r"\1#", re.sub(r"\d+\.\d+", "#", out))
    out = re.sub(r"\b(ns|us|ms|s)\b", "<u>", out)
    out = re.sub(r"(nano|micro|milli|)seconds", "<units>", out)
    return [re.sub(r"-+", "-", re.sub(r"\s+", " ", line)).strip() for line in out.splitlines()]


def test_recipe_program_prints_torch_structure():
    prog = os.path.join(HERE, "bench_recipe_prog.py")
    env = dict(os.environ, PYTHONPATH=ROOT)
    t = subprocess.run([sys.executable, prog], capture_output=True, text=True, env=env, cwd=HERE,
                       timeout=300)
    e = subprocess.run([sys.executable, "-m", "ember.compat", prog], capture_output=True, text=True,
                       env=env, cwd=HERE, timeout=300)
    assert t.returncode == 0, t.stderr
    assert e.returncode == 0, e.stderr
    assert _mask(e.stdout) == _mask(t.stdout)
    assert "Batched dot" in e.stdout and "2 threads:" in e.stdout
