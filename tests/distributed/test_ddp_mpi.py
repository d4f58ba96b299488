"""DistributedDataParallel with 2 MPI ranks: parity with one process on the full batch, ranks
bit-identical, no_sync, find_unused_parameters, SyncBatchNorm, DistributedSampler, and a rank-0
checkpoint that torch loads with DDP's state_dict keys."""
import json
import os

import numpy as np
import pytest

import _dist_mpi as _mpi

torch = pytest.importorskip("torch")


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    out = tmp_path_factory.mktemp("ddp")
    p = _mpi.run([os.path.join(_mpi.WORKERS, "ddp_parity.py"), str(out)], timeout=120)
    assert p.returncode == 0, p.stdout + p.stderr
    with open(out / "report.json") as f:
        return json.load(f), out


@pytest.mark.parametrize("opt", ["sgd", "adam"])
def test_ddp_two_ranks_on_half_batches_match_one_process(report, opt):
    r = report[0][opt]
    assert r["max_diff"] < 1e-6
    assert r["ranks_identical"]
    assert r["buckets"] > 1  # bucket_cap_mb=0.0005: several buckets were reduced


def test_no_sync_accumulates_then_averages(report):
    r = report[0]["no_sync"]
    assert r["max_diff"] < 1e-6 and r["local_differs"]


def test_find_unused_parameters(report):
    r = report[0]["unused"]
    assert r["b_grad_mean_of_rank0"] and r["strict_raises"]


def test_sync_batchnorm_matches_full_batch(report):
    r = report[0]["syncbn"]
    assert r["type"] == "SyncBatchNorm"
    assert r["out"] < 1e-5 and r["running_var"] < 1e-5 and r["grad"] < 1e-4


def test_distributed_sampler_shares_cover_dataset(report):
    assert report[0]["sampler"]


def test_rank0_checkpoint_loads_in_torch_with_ddp_keys(report):
    sd = torch.load(report[1] / "ddp.pt", weights_only=True)
    tm = torch.nn.Linear(6, 3)
    wrapped = torch.nn.DataParallel(tm)  # DDP needs a process group; its keys are DataParallel's
    assert list(sd) == list(wrapped.state_dict()) == ["module.weight", "module.bias"]
    wrapped.load_state_dict(sd)
    np.testing.assert_array_equal(wrapped.module.weight.detach().numpy(), sd["module.weight"].numpy())
