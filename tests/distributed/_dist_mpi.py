"""Run a worker script under `mpiexec -n N` (skips when mpi4py or mpiexec is missing)."""
import os
import shutil
import subprocess
import sys

import pytest

WORKERS = os.path.join(os.path.dirname(__file__), "workers")
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def mpiexec():
    pytest.importorskip("mpi4py")
    here = os.path.join(os.path.dirname(sys.executable), "mpiexec")
    exe = here if os.path.exists(here) else shutil.which("mpiexec")
    if exe is None:
        pytest.skip("mpiexec not found (pip install mpich)")
    return exe


def env():
    e = dict(os.environ)
    e["PYTHONPATH"] = ROOT + os.pathsep + e.get("PYTHONPATH", "")
    for k in ("RANK", "WORLD_SIZE", "LOCAL_RANK"):
        e.pop(k, None)
    return e


def run(args, timeout=90, n=2):
    """mpiexec -n n python args...; returns the CompletedProcess."""
    cmd = [mpiexec(), "-n", str(n), sys.executable] + list(args)
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env(), cwd=ROOT)
