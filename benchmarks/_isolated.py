"""Each framework timed in a process of its own, still interleaved round by round.

A framework imported into another's process shares its allocator settings, its BLAS and
OpenMP threads: ember tunes glibc's malloc at import (``ember/_malloc_tuning.py``), which
speeds up torch's convolutions too, and torch's OpenMP workers spin on the cores ember's pool
uses. No user runs both in one process, so the convolution benchmarks give each framework a
worker process of its own and the parent only orchestrates: it asks each worker for one timing
at a time, so slow drift of the machine still hits every framework alike (see ``_harness``).

A benchmark script serves its cases with ``serve(build)`` when started as a worker (``argv``
holds ``--worker IMPL``); ``build(impl, case, params)`` returns the statement to time (a
callable) and, optionally, an output array the parent may compare across frameworks.

    workers = {impl: Worker(__file__, impl) for impl in ("ember", "torch")}
    stmts = {impl: (w.case("train", threads=1), None) for impl, w in workers.items()}
    compare(stmts, ...)     # _harness.compare times Remote statements through their worker
"""
import json
import os
import subprocess
import sys
import tempfile
import time


class WorkerError(RuntimeError):
    """A worker process failed to build or run a case; the message is its error."""


class Remote:
    """A statement living in a worker process; ``run(n)`` times n executions there."""

    def __init__(self, worker, handle, output=None):
        self.worker, self.handle, self.output = worker, handle, output

    def run(self, n):
        return self.worker.request({"op": "run", "id": self.handle, "n": n})["seconds"]


class Worker:
    """A process serving one framework's cases of ``script`` (started with ``--worker impl``)."""

    def __init__(self, script, impl, env=None):
        self.impl = impl
        self.proc = subprocess.Popen([sys.executable, os.path.abspath(script), "--worker", impl],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                                     env=env, bufsize=1)
        self.request({"op": "ping"})

    def request(self, msg):
        self.proc.stdin.write(json.dumps(msg) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise WorkerError(f"{self.impl} worker exited (code {self.proc.wait()})")
        reply = json.loads(line)
        if "error" in reply:
            raise WorkerError(reply["error"])
        return reply

    def case(self, case, want_output=False, **params):
        """Build ``case`` in the worker; a ``Remote`` to time (its ``output`` array if asked)."""
        path = None
        if want_output:
            fd, path = tempfile.mkstemp(suffix=".npy")
            os.close(fd)
        try:
            reply = self.request({"op": "build", "case": case, "params": params, "output": path})
            output = None
            if path and reply.get("has_output"):
                import numpy as np
                output = np.load(path)
        finally:
            if path:
                os.unlink(path)
        return Remote(self, reply["id"], output)

    def set_threads(self, n):
        """``set_num_threads(n)`` in the worker's framework."""
        self.request({"op": "threads", "n": n})

    def drop(self, remote):
        """Free a case the worker holds (its model, its buffers)."""
        self.request({"op": "drop", "id": remote.handle})

    def close(self):
        if self.proc.poll() is None:
            try:
                self.proc.stdin.write(json.dumps({"op": "quit"}) + "\n")
                self.proc.stdin.close()
            except OSError:
                pass
            self.proc.wait(timeout=30)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def worker_impl(argv=None):
    """The framework this process serves when started as a worker, else None."""
    argv = sys.argv if argv is None else argv
    return argv[argv.index("--worker") + 1] if "--worker" in argv else None


def serve(build, impl):
    """Answer the parent's requests on stdin/stdout until it quits (the worker's main loop)."""
    out = os.fdopen(os.dup(1), "w")   # the protocol on a copy of stdout; fd 1 itself now points to
    os.dup2(2, 1)                      # stderr, so that nothing a case (or a C library) prints
    sys.stdout = sys.stderr            # can corrupt it
    cases, next_id = {}, 0
    for line in sys.stdin:
        msg = json.loads(line)
        op = msg["op"]
        try:
            if op == "quit":
                break
            if op == "ping":
                reply = {}
            elif op == "build":
                made = build(impl, msg["case"], msg["params"])
                fn, output = made if isinstance(made, tuple) else (made, None)
                cases[next_id] = fn
                reply = {"id": next_id, "has_output": output is not None}
                if output is not None and msg.get("output"):
                    import numpy as np
                    np.save(msg["output"], output)
                next_id += 1
            elif op == "run":
                fn, n, clock = cases[msg["id"]], msg["n"], time.perf_counter
                t0 = clock()
                for _ in range(n):
                    fn()
                reply = {"seconds": clock() - t0}
            elif op == "threads":
                import importlib
                importlib.import_module(impl).set_num_threads(msg["n"])
                reply = {}
            elif op == "drop":
                del cases[msg["id"]]
                import gc
                gc.collect()
                reply = {}
            else:
                reply = {"error": f"unknown request {op!r}"}
        except Exception as e:  # reported to the parent, which notes or raises it
            reply = {"error": f"{type(e).__name__}: {e}"}
        out.write(json.dumps(reply) + "\n")
        out.flush()
