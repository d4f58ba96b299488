"""``python -m ember.distributed.run`` (and ``ember-run``): torchrun's interface on top of MPI's
``mpiexec``.

    python -m ember.distributed.run --nproc-per-node 2 train.py --epochs 3

starts 2 ranks of ``train.py`` with torchrun's environment variables (``RANK``, ``LOCAL_RANK``,
``WORLD_SIZE``, ``LOCAL_WORLD_SIZE``, ``GROUP_RANK``, ``MASTER_ADDR``, ``MASTER_PORT``,
``TORCHELASTIC_RUN_ID`` ...), so ``init_process_group("gloo")`` needs no arguments. When a rank
fails, the whole job is stopped and the launcher exits non-zero (no orphans are left).

Several machines: MPI starts every rank from one command, so run the launcher once, on one
node, naming the machines: ``--nnodes 2 --nproc-per-node 4 --hosts node1,node2`` (or
``--hostfile FILE``, one host per line, passed to ``mpiexec -f``); ``--node-rank`` is not needed.
Scripts started directly by ``mpiexec -n N python train.py`` work too. An unmodified PyTorch
script: ``python -m ember.compat -m ember.distributed.run --nproc-per-node 2 train.py``.

>>> ember.distributed.run.parse_args(["--nproc-per-node", "2", "train.py", "--lr", "0.1"]).nproc_per_node
2
"""
import argparse
import os
import shutil
import signal
import subprocess
import sys
import uuid

__all__ = ["parse_args", "main", "run"]


def parse_args(args=None):
    """The launcher's command line (torchrun's options; ``--hosts``/``--hostfile`` for MPI).

    >>> a = ember.distributed.run.parse_args(["--nproc_per_node=3", "-m", "pkg.train"]); (a.nproc_per_node, a.module, a.training_script)
    (3, True, 'pkg.train')
    """
    p = argparse.ArgumentParser(prog="ember-run", description="torchrun's interface on MPI (mpiexec)")
    p.add_argument("--nproc-per-node", "--nproc_per_node", default="1")
    p.add_argument("--nnodes", default="1")
    p.add_argument("--node-rank", "--node_rank", type=int, default=0)
    p.add_argument("--master-addr", "--master_addr", default="127.0.0.1")
    p.add_argument("--master-port", "--master_port", type=int, default=29500)
    p.add_argument("--standalone", action="store_true")
    p.add_argument("--rdzv-backend", "--rdzv_backend", default="static")
    p.add_argument("--rdzv-endpoint", "--rdzv_endpoint", default="")
    p.add_argument("--rdzv-id", "--rdzv_id", default="none")
    p.add_argument("--max-restarts", "--max_restarts", type=int, default=0)
    p.add_argument("--monitor-interval", "--monitor_interval", type=float, default=0.1)
    p.add_argument("--hosts", default=None, help="comma-separated machines (passed to mpiexec -hosts)")
    p.add_argument("--hostfile", default=None, help="a file of machines (passed to mpiexec -f)")
    p.add_argument("-m", "--module", action="store_true", help="run training_script as a module (python -m)")
    p.add_argument("--no-python", "--no_python", action="store_true", help="run training_script as a program")
    p.add_argument("training_script")
    p.add_argument("training_script_args", nargs=argparse.REMAINDER)
    a = p.parse_args(args)
    n = a.nproc_per_node
    a.nproc_per_node = (os.cpu_count() or 1) if n in ("auto", "cpu") else int(n)
    a.nnodes = int(str(a.nnodes).split(":")[-1])
    return a


def _mpiexec():
    here = os.path.join(os.path.dirname(sys.executable), "mpiexec")
    return here if os.path.exists(here) else (shutil.which("mpiexec") or "mpiexec")


def command(a):
    """The mpiexec command line for parsed arguments ``a``.

    >>> ember.distributed.run.command(ember.distributed.run.parse_args(["--nproc-per-node", "2", "t.py"]))[1:3]
    ['-n', '2']
    """
    if a.max_restarts:
        raise NotImplementedError("ember.distributed.run: --max-restarts (elastic restarts) is not built")
    world = a.nproc_per_node * a.nnodes
    cmd = [_mpiexec(), "-n", str(world)]
    if a.nnodes > 1:
        if not (a.hosts or a.hostfile):
            raise ValueError("--nnodes > 1 on MPI: run the launcher once and name the machines with "
                             "--hosts h1,h2 or --hostfile FILE")
        cmd += ["-ppn", str(a.nproc_per_node)]
    if a.hosts:
        cmd += ["-hosts", a.hosts]
    if a.hostfile:
        cmd += ["-f", a.hostfile]
    run_id = a.rdzv_id if a.rdzv_id != "none" else uuid.uuid4().hex[:12]
    env = {"WORLD_SIZE": world, "LOCAL_WORLD_SIZE": a.nproc_per_node, "MASTER_ADDR": a.master_addr,
           "MASTER_PORT": a.master_port, "TORCHELASTIC_RUN_ID": run_id, "TORCHELASTIC_RESTART_COUNT": 0,
           "TORCHELASTIC_MAX_RESTARTS": 0, "GROUP_WORLD_SIZE": a.nnodes, "ROLE_NAME": "default",
           "ROLE_WORLD_SIZE": world, "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS", "1")}
    from ..multiprocessing.spawn import _compat_installed
    if _compat_installed():  # `python -m ember.compat -m ember.distributed.run ...`: torch is ember in the ranks
        env["EMBER_COMPAT"] = 1
    for k, v in env.items():
        cmd += ["-genv", k, str(v)]
    cmd += [sys.executable, "-m", "ember.distributed._rank_main"]
    if a.no_python:
        cmd.append("--no-python")
    elif a.module:
        cmd.append("-m")
    return cmd + [a.training_script] + list(a.training_script_args)


def run(a):
    """Start the job for parsed arguments ``a``; returns mpiexec's exit status.

    >>> ember.distributed.run.run.__name__
    'run'
    """
    cmd = command(a)
    if not os.path.exists(cmd[0]):
        raise RuntimeError("mpiexec not found: `pip install 'ember[distributed]'` (mpi4py and mpich)")
    proc = subprocess.Popen(cmd, start_new_session=True)

    def stop(signum, frame):
        try:
            os.killpg(proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
    old = {s: signal.signal(s, stop) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        rc = proc.wait()
    finally:
        for s, h in old.items():
            signal.signal(s, h)
        try:  # nothing of the job outlives the launcher
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
    return rc


def main(args=None):
    """Entry point of ``python -m ember.distributed.run`` and ``ember-run``.

    >>> ember.distributed.run.main.__name__
    'main'
    """
    rc = run(parse_args(args))
    if rc != 0:
        print(f"ember.distributed.run: the job failed (exit status {rc})", file=sys.stderr)
    sys.exit(rc if 0 <= rc < 256 else 1)


if __name__ == "__main__":
    main()
