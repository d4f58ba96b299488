"""``spawn``/``start_processes`` with PyTorch's signature, on MPI.

``spawn(fn, args, nprocs)`` starts ``nprocs`` processes that each run ``fn(i, *args)``. When
MPI is installed they are started as the ranks of one ``mpiexec`` job, with ``i`` = the MPI
rank, so pytorch/examples' DDP scripts (``mp.spawn(train, ...)`` then
``init_process_group("gloo", rank=rank, world_size=world_size)``) run unchanged: MPI gives the
rendezvous. ``fn`` and ``args`` are pickled as PyTorch's spawn pickles them; when they cannot
be (a ``Queue`` argument), or MPI is absent, plain ``multiprocessing`` processes are started,
in which ``init_process_group`` with several ranks raises an error saying how to launch.

>>> ember.multiprocessing.spawn.__name__
'spawn'
"""
import multiprocessing
import multiprocessing.spawn as _mp_spawn
import os
import pickle
import shutil
import subprocess
import sys
import tempfile
import time

__all__ = ["spawn", "start_processes", "ProcessContext", "ProcessRaisedException", "ProcessExitedException"]


class ProcessException(Exception):
    """A spawned process failed."""

    def __init__(self, msg, error_index, error_pid):
        super().__init__(msg)
        self.msg, self.error_index, self.pid = msg, error_index, error_pid


class ProcessRaisedException(ProcessException):
    """A spawned process raised; the message holds its traceback.

    >>> ember.multiprocessing.ProcessRaisedException("boom", 1, 42).error_index
    1
    """


class ProcessExitedException(ProcessException):
    """A spawned process exited with a non-zero status.

    >>> ember.multiprocessing.ProcessExitedException("gone", 0, 42, exit_code=3).exit_code
    3
    """

    def __init__(self, msg, error_index, error_pid, exit_code, signal_name=None):
        super().__init__(msg, error_index, error_pid)
        self.exit_code, self.signal_name = exit_code, signal_name


def _mpiexec():
    try:
        import mpi4py  # noqa: F401
    except ImportError:
        return None
    here = os.path.join(os.path.dirname(sys.executable), "mpiexec")
    return here if os.path.exists(here) else shutil.which("mpiexec")


class ProcessContext:
    """The processes started by ``start_processes(join=False)``; ``join()`` waits for them.

    >>> ember.multiprocessing.ProcessContext.__name__
    'ProcessContext'
    """

    def __init__(self, nprocs, popen=None, workdir=None, processes=None):
        self.nprocs, self._popen, self._workdir = nprocs, popen, workdir
        self.processes = processes or []

    def pids(self):
        """Process ids (the mpiexec job's id for MPI-started ranks)."""
        if self._popen is not None:
            return [self._popen.pid]
        return [p.pid for p in self.processes]

    def join(self, timeout=None):
        """Wait (up to ``timeout`` seconds); True when all finished, raise if one failed."""
        if self._popen is not None:
            try:
                rc = self._popen.wait(timeout)
            except subprocess.TimeoutExpired:
                return False
            return self._check_mpi(rc)
        deadline = None if timeout is None else time.monotonic() + timeout
        for i, p in enumerate(self.processes):
            p.join(None if deadline is None else max(0.0, deadline - time.monotonic()))
            if p.exitcode is None:
                return False
            if p.exitcode != 0:
                for q in self.processes:
                    if q.is_alive():
                        q.terminate()
                raise ProcessExitedException(f"process {i} terminated with exit code {p.exitcode}", i, p.pid,
                                             p.exitcode)
        return True

    def _check_mpi(self, rc):
        try:
            for i in range(self.nprocs):
                err = os.path.join(self._workdir, f"error_{i}.txt")
                if os.path.exists(err):
                    with open(err) as f:
                        tb = f.read()
                    raise ProcessRaisedException(f"\n\n-- Process {i} terminated with the following error:\n{tb}",
                                                 i, self._popen.pid)
            if rc != 0:
                raise ProcessExitedException(f"process job terminated with exit code {rc}", 0, self._popen.pid, rc)
        finally:
            shutil.rmtree(self._workdir, ignore_errors=True)
        return True


def _compat_installed():
    """True when this program runs under ``ember.compat`` (``import torch`` gives ember)."""
    return any(type(f).__name__ == "AliasFinder" and type(f).__module__ in ("ember.compat", "__main__")
               for f in sys.meta_path)


def _plain_worker(fn, i, args):
    fn(i, *args)


def start_processes(fn, args=(), nprocs=1, join=True, daemon=False, start_method="spawn"):
    """Start ``nprocs`` processes running ``fn(i, *args)``; wait when ``join``.

    >>> ember.multiprocessing.start_processes.__name__
    'start_processes'
    """
    exe = _mpiexec()
    payload = None
    if exe is not None:
        try:
            payload = pickle.dumps((fn, tuple(args)))
        except Exception:  # noqa: BLE001 - e.g. a Queue argument: plain processes below
            payload = None
    if payload is None:
        ctx = multiprocessing.get_context(start_method)
        procs = [ctx.Process(target=_plain_worker, args=(fn, i, args), daemon=daemon) for i in range(nprocs)]
        for p in procs:
            p.start()
        pc = ProcessContext(nprocs, processes=procs)
    else:
        workdir = tempfile.mkdtemp(prefix="ember_spawn_")
        prep = _mp_spawn.get_preparation_data("ember-spawn")
        prep.pop("authkey", None)  # the ranks are not multiprocessing children: no key to share
        with open(os.path.join(workdir, "job.pkl"), "wb") as f:
            pickle.dump({"prep": prep, "payload": payload, "compat": _compat_installed()}, f)
        env = {k: v for k, v in os.environ.items() if not k.startswith("PMI")}
        cmd = [exe, "-n", str(nprocs), sys.executable, "-m", "ember.multiprocessing._spawn_main", workdir]
        pc = ProcessContext(nprocs, subprocess.Popen(cmd, env=env), workdir)
    if not join:
        return pc
    while not pc.join():
        pass
    return None


def spawn(fn, args=(), nprocs=1, join=True, daemon=False, start_method="spawn"):
    """Run ``fn(i, *args)`` in ``nprocs`` processes (MPI ranks when MPI is installed).

    >>> ember.multiprocessing.spawn.__name__
    'spawn'
    """
    return start_processes(fn, args, nprocs, join, daemon, start_method)
