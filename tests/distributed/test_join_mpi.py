"""DistributedDataParallel.join / torch.distributed.algorithms.Join with uneven inputs on 2 MPI
ranks (rank 0 has 3 batches, rank 1 has 5): gradients, final models, early termination; the
final models are compared with torch replaying its semantics in one process."""
import json
import os

import numpy as np
import pytest

import _dist_mpi as _mpi

import ember
from ember.distributed.algorithms import Join, JoinHook, Joinable


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    out = tmp_path_factory.mktemp("join")
    p = _mpi.run([os.path.join(_mpi.WORKERS, "join_uneven.py"), str(out)], timeout=120)
    assert p.returncode == 0, p.stdout + p.stderr
    with open(out / "report.json") as f:
        return json.load(f)


@pytest.mark.parametrize("divide", [True, False])
def test_uneven_inputs_match_reference(report, divide):
    r = report[f"divide_{divide}"]
    assert r["steps"] == 3 and r["buckets"] > 1
    assert r["vs_ref"] < 1e-6 and r["ranks_differ"] == 0.0
    assert report["modes_differ"] > 1e-4  # the two divide modes give different models


@pytest.mark.parametrize("divide", [True, False])
def test_uneven_inputs_match_torch(report, divide):
    """torch (one process) replays DDP.join's semantics from the same initial weights: steps with
    both ranks average the two gradients; the last two steps (rank 1 alone) divide rank 1's
    gradient by the initial world size 2, or by the 1 active rank."""
    torch = pytest.importorskip("torch")
    g = np.random.default_rng(0)
    nb = [3, 5]
    X = [torch.tensor(g.standard_normal((n, 8, 6)).astype(np.float32)) for n in nb]
    Y = [torch.tensor(g.integers(0, 3, (n, 8))) for n in nb]
    m = torch.nn.Sequential(torch.nn.Linear(6, 16), torch.nn.Tanh(), torch.nn.Linear(16, 16), torch.nn.Tanh(),
                            torch.nn.Linear(16, 3))
    with torch.no_grad():
        for p, v in zip(m.parameters(), report["init"]):
            p.copy_(torch.tensor(v))
    for i in range(5):
        active = [r for r in range(2) if i < nb[r]]
        m.zero_grad()
        sum(torch.nn.functional.cross_entropy(m(X[r][i]), Y[r][i]) for r in active).backward()
        with torch.no_grad():
            for p in m.parameters():
                p -= 0.1 * p.grad / (2 if divide else len(active))
    for p, v in zip(m.parameters(), report[f"divide_{divide}"]["final"]):
        np.testing.assert_allclose(np.array(v, np.float32), p.detach().numpy(), atol=1e-5)


def test_comm_hook_and_buffers(report):
    assert report["hook"]["vs_ref"] < 1e-6 and report["hook"]["ranks_differ"] == 0.0
    assert report["batchnorm"]["ranks_differ"] == 0.0


def test_no_sync_inside_join(report):
    assert report["no_sync"]["ranks_differ"] == 0.0
    assert sorted(report["no_sync"]["order"]) == list(range(report["divide_True"]["buckets"]))


def test_throw_on_early_termination(report):
    assert report["throw"] == ["Rank 0 exhausted all inputs.",
                               "Detected at least one rank that exhausted inputs. Throwing across all ranks."]
    assert report["after"] == 2.0


class _Counter(Joinable):
    def __init__(self, group):
        super().__init__()
        self.group = group

    def join_hook(self, **kwargs):
        return JoinHook()

    @property
    def join_device(self):
        return ember.device("cpu")

    @property
    def join_process_group(self):
        return self.group


def test_join_checks_as_torch():
    torch = pytest.importorskip("torch")
    from torch.distributed.algorithms import Join as TJoin
    for J in (Join, TJoin):
        with pytest.raises(ValueError, match="requires at least one joinable"):
            J([])
    with pytest.raises(TypeError):
        Joinable()
    a, b = _Counter("g1"), _Counter("g2")
    with pytest.raises(ValueError, match="multiple process groups"):
        Join([a, b])
    assert Join.notify_join_context(_Counter("g")) is None  # not in an enabled context
    import inspect
    assert list(inspect.signature(Join).parameters) == list(inspect.signature(TJoin).parameters)
    D, TD = ember.nn.parallel.DistributedDataParallel, torch.nn.parallel.DistributedDataParallel
    assert inspect.signature(D.join).parameters.keys() == inspect.signature(TD.join).parameters.keys()
    assert [p.default for p in inspect.signature(D.join).parameters.values()][1:] == [True, True, False]
