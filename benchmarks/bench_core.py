"""Core micro- and macro-benchmarks: ember side by side with PyTorch and NumPy.

    python benchmarks/bench_core.py                 # everything, ~1 minute
    python benchmarks/bench_core.py --quick         # fewer repeats
    python benchmarks/bench_core.py --cases add1,graph20
    python benchmarks/bench_core.py --unset-openblas-coretype

Everything runs single-threaded (OMP/OpenBLAS/MKL thread counts are set to 1
before NumPy or PyTorch is imported, and torch.set_num_threads(1)), so the
numbers compare per-op overhead and kernels, not thread pools; the MLP step
is also run with every core (``set_num_threads`` on both frameworks).

Cases:
  add1         c = a + b on one-element float32 tensors (pure per-op overhead)
  graph20      a 20-op scalar graph (add, mul, sub, div, pow, sin, exp, tanh),
               forward and backward; also reported per op
  matmul       2048x2048 float32 matmul (one BLAS sgemm)
  elementwise  add, mul, exp on 10M-element float32 tensors (memory bound)
  import       `import X` time in a fresh interpreter
  mlp          MLP 784-512-10 training step (batch 64, ReLU, cross-entropy, SGD)

OpenBLAS environment: on some processors the environment sets
OPENBLAS_CORETYPE (forcing an older kernel family, e.g. Haswell on a newer
CPU) and OPENBLAS_L2_SIZE; both can make NumPy's sgemm markedly slower. The
benchmark reports them when set; --unset-openblas-coretype re-executes this
script with both removed from the environment. That flag is for this
benchmark only; tests and CI run with the environment they are given.

Without PyTorch installed, only ember and NumPy are compared. Quote ratios,
not absolute times: the machines are noisy.

--impl-module torch benchmarks torch in ember's place (a self-check of the
harness: every ember/torch ratio should then be close to 1).
"""
import argparse
import os
import subprocess
import sys

THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
               "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS")
OPENBLAS_TUNING_VARS = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
CASES = ("add1", "graph20", "matmul", "elementwise", "import", "mlp")
REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--cases", default=",".join(CASES),
                   help=f"comma-separated subset of {','.join(CASES)}")
    p.add_argument("--quick", action="store_true", help="fewer repeats, shorter timings")
    p.add_argument("--unset-openblas-coretype", action="store_true",
                   help="re-run with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset")
    p.add_argument("--impl-module", default="ember",
                   help="module benchmarked in ember's column (default: ember)")
    args = p.parse_args()
    args.cases = [c.strip() for c in args.cases.split(",") if c.strip()]
    unknown = set(args.cases) - set(CASES)
    if unknown:
        p.error(f"unknown case(s) {sorted(unknown)}; choose from {CASES}")
    return args


def prepare_environment(args):
    """Pin thread counts (and optionally drop OpenBLAS tuning) before NumPy loads.

    BLAS libraries read these variables once, when they are loaded, so they
    must be set before numpy/torch is imported. If the interpreter already
    loaded numpy (a sitecustomize, say), or OpenBLAS variables are dropped,
    re-execute this script so the new process starts from the clean environment.
    """
    changed = False
    for var in THREAD_VARS:
        if os.environ.get(var) != "1":
            os.environ[var] = "1"
            changed = True
    if args.unset_openblas_coretype:
        for var in OPENBLAS_TUNING_VARS:
            if var in os.environ:
                del os.environ[var]
                changed = True
        preloaded = "numpy" in sys.modules or "torch" in sys.modules
        if (changed or preloaded) and not os.environ.get("_EMBER_BENCH_REEXEC"):
            os.environ["_EMBER_BENCH_REEXEC"] = "1"
            print("re-executing with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset", flush=True)
            os.execv(sys.executable, [sys.executable] + sys.argv)
    elif "numpy" in sys.modules and changed:
        print("warning: numpy was imported before the thread counts could be set", flush=True)


ARGS = parse_args()
prepare_environment(ARGS)

import importlib  # noqa: E402
import platform  # noqa: E402

import numpy as np  # noqa: E402

from _harness import Table, compare, use_threads  # noqa: E402

sys.path.insert(0, REPO_ROOT)  # benchmark this checkout, installed or not
E = importlib.import_module(ARGS.impl_module)
try:
    import torch
except ImportError:
    torch = None
if torch is not None:
    torch.set_num_threads(1)

QUICK = ARGS.quick
MICRO = dict(repeat=5 if QUICK else 9, min_time=0.01 if QUICK else 0.05)
MACRO = dict(repeat=3 if QUICK else 7, min_time=0.0, warmup=1)


def frameworks():
    """(column name, module) for the tensor libraries under test."""
    pairs = [("ember", E)]
    if torch is not None:
        pairs.append(("torch", torch))
    return pairs


def to_tensor(T, array):
    """An ember/torch tensor holding `array` (copied; dtype kept)."""
    return T.tensor(array)


def describe_environment():
    print("== environment ==")
    print(f"python {platform.python_version()} on {platform.machine()}, "
          f"{os.cpu_count()} logical CPUs")
    print(f"numpy {np.__version__}; torch {torch.__version__ if torch else 'not installed'}; "
          f"{ARGS.impl_module} {getattr(E, '__version__', '?')} (in the 'ember' column)")
    print("threads: " + " ".join(f"{v}={os.environ.get(v)}" for v in THREAD_VARS[:3])
          + (f" torch.get_num_threads()={torch.get_num_threads()}" if torch else ""))
    if hasattr(os, "getloadavg"):
        load = os.getloadavg()[0]
        busy = load > 0.5 * (os.cpu_count() or 1)
        print(f"load average (1 min): {load:.2f}"
              + ("  <- the machine is busy; timings will be noisy" if busy else ""))
    for var in OPENBLAS_TUNING_VARS:
        if var in os.environ:
            print(f"{var}={os.environ[var]} is set (can slow NumPy's BLAS; "
                  "see --unset-openblas-coretype)")
    try:
        from threadpoolctl import threadpool_info
        for pool in threadpool_info():
            print(f"threadpool: {pool.get('internal_api')} {pool.get('version')} "
                  f"arch={pool.get('architecture', '?')} threads={pool.get('num_threads')} "
                  f"({os.path.basename(pool.get('filepath', ''))})")
    except ImportError:
        try:
            blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
            print(f"numpy BLAS: {blas.get('name')} {blas.get('version')} "
                  "(install threadpoolctl for the runtime kernel and thread count)")
        except Exception:
            print("numpy BLAS: unknown (install threadpoolctl to see it)")
    print(flush=True)


# --- add1: the per-op floor ----------------------------------------------------

def bench_add1():
    t = Table("c = a + b, one-element float32 tensors")
    one = np.array([1.0], dtype=np.float32)
    stmts = {name: ("a + b", {"a": to_tensor(T, one), "b": to_tensor(T, one * 2)})
             for name, T in frameworks()}
    stmts["numpy"] = ("a + b", {"a": one, "b": one * 2})
    t.add("a + b", compare(stmts, **MICRO, notes=t.notes))
    t.note("string statements timed by timeit: no Python call overhead in the loop")
    t.print()


# --- graph20: a scalar autograd graph ------------------------------------------

GRAPH_OPS = 20


def graph20(T):
    """20 differentiable ops on two scalars, then backward. Returns the grads."""
    x = T.tensor(0.5, requires_grad=True)
    y = T.tensor(1.5, requires_grad=True)
    a = x * y        # 1  mul
    b = a + x        # 2  add
    c = b.sin()      # 3  sin
    d = c * y        # 4  mul
    e = d.exp()      # 5  exp
    f = e - x        # 6  sub
    g = f.tanh()     # 7  tanh
    h = g / y        # 8  div
    i = h ** 2       # 9  pow
    j = i + a        # 10 add
    k = j.sin()      # 11 sin
    m = k * b        # 12 mul
    n = m.tanh()     # 13 tanh
    o = n + y        # 14 add
    p = o.exp()      # 15 exp
    q = p / b        # 16 div
    s = q - c        # 17 sub
    u = s ** 2       # 18 pow
    v = u * x        # 19 mul
    z = v + g        # 20 add
    z.backward()
    return x.grad, y.grad


def bench_graph20():
    t = Table(f"{GRAPH_OPS}-op scalar graph, forward + backward")
    try:
        results = {name: graph20(T) for name, T in frameworks()}
    except Exception:
        results = {}  # compare() below reports which one fails
    if "torch" in results:
        got = [float(g.item()) for g in results["ember"]]
        want = [float(g.item()) for g in results["torch"]]
        if not np.allclose(got, want, rtol=1e-4, atol=1e-5):
            t.note(f"MISMATCH: ember grads {got} vs torch {want}")
    r = compare({name: (lambda T=T: graph20(T), None) for name, T in frameworks()}, **MICRO,
                notes=t.notes)
    t.add("graph (2 leaves + 20 ops + backward)", r)
    t.add("  per op", {k: v / GRAPH_OPS for k, v in r.items()})
    t.note("per op = whole graph / 20; includes each op's share of backward")
    t.print()


# --- matmul: one sgemm ---------------------------------------------------------

def bench_matmul(n=2048):
    t = Table(f"{n}x{n} float32 matmul")
    rng = np.random.default_rng(0)
    a = rng.standard_normal((n, n), dtype=np.float32)
    b = rng.standard_normal((n, n), dtype=np.float32)
    stmts = {}
    for name, T in frameworks():
        ta, tb = to_tensor(T, a), to_tensor(T, b)
        try:
            out = ta @ tb
        except Exception:
            out = None  # compare() below reports the error
        if out is not None and str(out.dtype) not in ("torch.float32", "ember.float32"):
            t.note(f"{name}: result dtype is {out.dtype}, expected float32")
        stmts[name] = ("a @ b", {"a": ta, "b": tb})
    stmts["numpy"] = ("a @ b", {"a": a, "b": b})
    r = compare(stmts, **MACRO, notes=t.notes)
    t.add("a @ b", r)
    flops = 2.0 * n ** 3
    t.note("GFLOP/s: " + ", ".join(f"{k} {flops / v / 1e9:.1f}" for k, v in r.items()))
    tuned = [f"{v}={os.environ[v]}" for v in OPENBLAS_TUNING_VARS if v in os.environ]
    if tuned:
        t.note(f"{' '.join(tuned)} is set; numpy's OpenBLAS may use a slower kernel. "
               "Rerun with --unset-openblas-coretype to compare.")
    t.print()


# --- elementwise: memory-bound kernels -----------------------------------------

def bench_elementwise(n=10_000_000):
    t = Table(f"elementwise on {n // 1_000_000}M-element float32 tensors")
    rng = np.random.default_rng(0)
    a = rng.standard_normal(n, dtype=np.float32)
    b = rng.standard_normal(n, dtype=np.float32)
    tensors = {name: (to_tensor(T, a), to_tensor(T, b)) for name, T in frameworks()}
    tensors["numpy"] = (a, b)
    for case, stmt, np_stmt in (("a + b", "a + b", "a + b"),
                                ("a * b", "a * b", "a * b"),
                                ("a.exp()", "a.exp()", "np.exp(a)"),
                                ("a.add_(b) (in place)", "a.add_(b)", "np.add(a, b, out=a)")):
        stmts = {name: (np_stmt if name == "numpy" else stmt, {"a": ta, "b": tb, "np": np})
                 for name, (ta, tb) in tensors.items()}
        t.add(case, compare(stmts, **MACRO, notes=t.notes))
    t.note("out-of-place ops allocate a fresh 40 MB result per call; NumPy asks the kernel for "
           "huge pages on large arrays, torch does not, so torch pays more page faults there. "
           "The in-place row times the kernel alone.")
    t.print()


# --- import time ----------------------------------------------------------------

def _run_python(code, importtime=False):
    cmd = [sys.executable] + (["-X", "importtime"] if importtime else []) + ["-c", code]
    return subprocess.run(cmd, cwd=REPO_ROOT, capture_output=True, text=True, check=True)


def _wall(code, repeat):
    import time
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        _run_python(code)
        times.append(time.perf_counter() - t0)
    times.sort()
    return times[len(times) // 2]


def _importtime_cumulative(module):
    """Cumulative import time of `module` from `python -X importtime`, in seconds."""
    err = _run_python(f"import {module}", importtime=True).stderr
    for line in err.splitlines():
        parts = line.split("|")
        if len(parts) == 3 and parts[2].strip() == module:
            return int(parts[1]) * 1e-6
    return None


def bench_import():
    t = Table("import time in a fresh interpreter")
    repeat = 3 if QUICK else 5
    base = _wall("pass", repeat)
    modules = {"ember": ARGS.impl_module, "numpy": "numpy"}
    if torch is not None:
        modules["torch"] = "torch"
    wall, cumulative = {}, {}
    for col, mod in modules.items():
        wall[col] = max(_wall(f"import {mod}", repeat if col != "torch" else 3) - base, 0.0)
        cumulative[col] = _importtime_cumulative(mod)
    t.add("wall: python -c 'import X' minus -c pass", wall)
    t.add("python -X importtime, cumulative", cumulative)
    t.note(f"python -c pass itself: {base * 1e3:.1f} ms; ember's import includes numpy's")
    t.print()


# --- mlp: a small training step -------------------------------------------------

def _mlp_step(T, model, opt, x, y):
    opt.zero_grad()
    loss = T.nn.functional.cross_entropy(model(x), y)
    loss.backward()
    opt.step()
    return loss


def bench_mlp(batch=64):
    t = Table(f"MLP 784-512-10 training step, batch {batch}")
    rng = np.random.default_rng(0)
    xs = rng.standard_normal((batch, 784), dtype=np.float32)
    ys = rng.integers(0, 10, batch)
    w1 = (rng.standard_normal((512, 784)) * 0.03).astype(np.float32)
    w2 = (rng.standard_normal((10, 512)) * 0.04).astype(np.float32)
    stmts = {}
    for name, T in frameworks():
        model = T.nn.Sequential(T.nn.Linear(784, 512), T.nn.ReLU(), T.nn.Linear(512, 10))
        with T.no_grad():
            model[0].weight.copy_(T.tensor(w1))
            model[2].weight.copy_(T.tensor(w2))
            model[0].bias.zero_()
            model[2].bias.zero_()
        opt = T.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
        x, y = to_tensor(T, xs), T.tensor(ys)
        stmts[name] = (lambda T=T, m=model, o=opt, x=x, y=y: _mlp_step(T, m, o, x, y), None)
    t.add("training step", compare(stmts, **MACRO, notes=t.notes))
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    if cores > 1:   # the one case also run on every core: set_num_threads on each framework
        libs = dict(frameworks())
        use_threads(cores, libs)
        try:
            t.add(f"training step, {cores} threads", compare(stmts, **MACRO, notes=t.notes))
        finally:
            use_threads(1, libs)
    t.note("zero_grad, forward, cross_entropy, backward, SGD(momentum 0.9).step")
    t.print()


def main():
    describe_environment()
    failed = []
    for case in ARGS.cases:
        try:
            globals()[f"bench_{case}"]()
        except Exception as e:  # keep going: one missing op should not hide the rest
            failed.append(case)
            print(f"== {case}: FAILED, {type(e).__name__}: {e}\n", flush=True)
    if failed:
        sys.exit(f"cases that failed: {', '.join(failed)}")


if __name__ == "__main__":
    main()
