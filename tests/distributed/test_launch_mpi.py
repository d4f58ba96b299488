"""The launcher (torchrun's interface on mpiexec), mp.spawn + init_process_group as in
pytorch/examples, shared-memory tensors across processes, and the DDP example."""
import json
import os
import subprocess
import sys
import time

import pytest

import _dist_mpi as _mpi


def _launch(*args, timeout=90):
    _mpi.mpiexec()
    cmd = [sys.executable, "-m", "ember.distributed.run"] + [str(a) for a in args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=_mpi.env(), cwd=_mpi.ROOT)


def test_launcher_sets_torchrun_environment():
    p = _launch("--nproc-per-node", 2, os.path.join(_mpi.WORKERS, "launch_env.py"), "ok", "--x", 1)
    assert p.returncode == 0, p.stderr
    rows = sorted((json.loads(line) for line in p.stdout.splitlines()), key=lambda r: r["RANK"])
    assert [(r["RANK"], r["LOCAL_RANK"], r["WORLD_SIZE"], r["LOCAL_WORLD_SIZE"]) for r in rows] == \
        [("0", "0", "2", "2"), ("1", "1", "2", "2")]
    assert rows[0]["MASTER_ADDR"] == "127.0.0.1" and rows[0]["MASTER_PORT"] == "29500"
    assert rows[0]["TORCHELASTIC_RUN_ID"] == rows[1]["TORCHELASTIC_RUN_ID"]
    assert rows[0]["argv"] == ["ok", "--x", "1"] and rows[0]["name"] == "__main__"


def test_launcher_failing_rank_stops_job_nonzero_without_orphans():
    marker = os.path.join(_mpi.WORKERS, "launch_env.py")
    start = time.monotonic()
    p = _launch("--nproc-per-node", 2, marker, "fail")
    assert p.returncode != 0
    # the failing rank's traceback is usually forwarded, but the job's abort can cut mpiexec's
    # forwarding short; the launcher's own line always says the job failed
    assert "rank 1 failed on purpose" in p.stderr or "the job failed" in p.stderr
    assert time.monotonic() - start < 30  # rank 0 was stopped, not left waiting in all_reduce
    time.sleep(0.5)
    ps = subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True).stdout
    assert not [line for line in ps.splitlines() if marker in line and "fail" in line]


def test_mp_spawn_then_init_process_group(tmp_path):
    _mpi.mpiexec()
    out = tmp_path / "ok.txt"
    p = subprocess.run([sys.executable, os.path.join(_mpi.WORKERS, "spawn_ddp.py"), str(out)],
                       capture_output=True, text=True, timeout=90, env=_mpi.env(), cwd=_mpi.ROOT)
    assert p.returncode == 0, p.stdout + p.stderr
    assert p.stdout.split() == ["True", "raised:", "True", "1"]


def test_shared_memory_tensors_across_processes():
    p = subprocess.run([sys.executable, os.path.join(_mpi.WORKERS, "hogwild.py")],
                       capture_output=True, text=True, timeout=60, env=_mpi.env(), cwd=_mpi.ROOT)
    assert p.returncode == 0, p.stdout + p.stderr
    assert p.stdout.split() == ["True", "0", "True", "tensor([10.,", "10.,", "10.])", "True", "True"]


@pytest.mark.slow
def test_ddp_example_trains(tmp_path):
    pytest.importorskip("sklearn")
    _mpi.mpiexec()
    p = subprocess.run([sys.executable, os.path.join(_mpi.ROOT, "examples", "ddp_train.py"), "--epochs", "2",
                        "--min-accuracy", "0.85", "--out", str(tmp_path)],
                       capture_output=True, text=True, timeout=120, env=_mpi.env(), cwd=_mpi.ROOT)
    assert p.returncode == 0, p.stdout + p.stderr
    assert "epoch 2" in p.stdout and os.path.exists(tmp_path / "ddp_cnn.pt")
    torch = pytest.importorskip("torch")
    sd = torch.load(tmp_path / "ddp_cnn.pt", weights_only=True)
    assert list(sd)[:2] == ["module.conv1.weight", "module.conv1.bias"]


@pytest.mark.parametrize("how", ["launch", pytest.param("spawn", marks=pytest.mark.slow)])
def test_unmodified_torch_program_under_compat(how):
    _mpi.mpiexec()
    script = os.path.join(_mpi.WORKERS, "torch_style.py")
    head = [sys.executable, "-m", "ember.compat"]
    cmd = head + (["-m", "ember.distributed.run", "--nproc-per-node", "2", script, how] if how == "launch"
                  else [script, how])
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=90, env=_mpi.env(), cwd=_mpi.ROOT)
    assert p.returncode == 0, p.stdout + p.stderr
    assert sorted(p.stdout.splitlines()) == ["ember 0 [3.0, 3.0]", "ember 1 [3.0, 3.0]"]
