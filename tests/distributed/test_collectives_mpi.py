"""ember.distributed collectives with 2 MPI ranks, and faults: a rank that leaves or dies makes the
other raise DistBackendError within the group's timeout; mpiexec exits non-zero, nothing hangs."""
import os
import time

import pytest

import _dist_mpi as _mpi


def test_collectives_two_ranks():
    p = _mpi.run([os.path.join(_mpi.WORKERS, "collectives.py")])
    assert p.returncode == 0, p.stdout + p.stderr
    assert sorted(p.stdout.split()) == sorted("OK 0 OK 1".split())


@pytest.mark.parametrize("how", ["exit"])
def test_dead_rank_raises_within_timeout(how):
    start = time.monotonic()
    p = _mpi.run([os.path.join(_mpi.WORKERS, "fault.py"), how], timeout=60)
    assert p.returncode != 0
    assert "DistBackendError" in p.stderr and "timeout of 0:00:02" in p.stderr
    assert time.monotonic() - start < 40
