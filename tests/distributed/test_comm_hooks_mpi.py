"""DDP communication hooks (register_comm_hook, default/debugging hooks, DDPCommHookType) and
Work.get_future with 2 MPI ranks, compared with plain DDP and one process on the full batch."""
import json
import os

import pytest

import _dist_mpi as _mpi

import ember
from ember.distributed import GradBucket


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    out = tmp_path_factory.mktemp("hooks")
    p = _mpi.run([os.path.join(_mpi.WORKERS, "comm_hooks.py"), str(out)], timeout=120)
    assert p.returncode == 0, p.stdout + p.stderr
    with open(out / "report.json") as f:
        return json.load(f)


def test_allreduce_hook_is_plain_ddp(report):
    r = report["allreduce"]
    assert r["vs_plain"] == 0.0 and r["vs_full"] < 1e-6
    assert r["buckets"] > 1
    first = r["first_iter"]
    assert sorted(b[0] for b in first) == list(range(r["buckets"]))
    assert [b[1] for b in first if b[0] == r["buckets"] - 1] == [True]
    for _, _, numel, shapes, nparams in first:
        assert numel == sum(int(__import__("math").prod(s)) for s in shapes) and len(shapes) == nparams
    assert r["twice"] == "register_comm_hook or register_builtin_comm_hook can only be called once."


@pytest.mark.parametrize("name,tol", [("fp16", 2e-3), ("bf16", 2e-2), ("fp16_wrapper", 2e-3)])
def test_compression_hooks_stay_close(report, name, tol):
    assert 0 < report[name]["vs_full"] < tol


def test_noop_and_custom_hooks(report):
    assert report["noop"]["ranks_differ"]
    assert report["custom"]["calls"] >= 1
    assert all(abs(r - 2.0) < 1e-5 for r in report["custom"]["ratio"])


def test_work_future(report):
    r = report["future"]
    assert r["value"] == [30.0, 30.0, 30.0] and r["done"]
    assert r["wait_all"] == [[2.0, 2.0]]


def test_hook_checks_as_torch():
    """Without a process group: the signature checks run before anything distributed."""
    torch = pytest.importorskip("torch")
    import inspect
    from ember.nn.parallel.distributed import DistributedDataParallel as D
    fake = D.__new__(D)
    object.__setattr__(fake, "_comm_hook", None)

    def bad_bucket(state, bucket: int):
        pass

    def bad_return(state, bucket) -> int:
        pass
    with pytest.raises(TypeError, match="must be callable"):
        D.register_comm_hook(fake, None, 3)
    with pytest.raises(ValueError, match="bucket annotation should be dist.GradBucket"):
        D.register_comm_hook(fake, None, bad_bucket)
    with pytest.raises(ValueError, match="return annotation should be"):
        D.register_comm_hook(fake, None, bad_return)

    def good(state, bucket: GradBucket) -> ember.futures.Future[ember.Tensor]:
        pass
    D.register_comm_hook(fake, None, good)
    assert inspect.signature(torch.nn.parallel.DistributedDataParallel.register_comm_hook).parameters.keys() == \
        inspect.signature(D.register_comm_hook).parameters.keys()


def test_grad_bucket_views():
    a = ember.nn.Parameter(ember.ones(2, 3))
    b = ember.nn.Parameter(ember.ones(4))
    a.grad = ember.arange(6.0).reshape(2, 3)
    b.grad = None
    bucket = GradBucket(1, [a, b])
    assert bucket.buffer().tolist() == [0, 1, 2, 3, 4, 5, 0, 0, 0, 0]
    ga, gb = bucket.gradients()
    assert ga.shape == (2, 3) and gb.shape == (4,)
    bucket.buffer().mul_(2)
    assert ga[1, 2].item() == 10.0                   # views of the buffer
    assert a.grad[1, 2].item() == 5.0                # the bucket copies, the gradient is untouched
    assert bucket.index() == 1 and not bucket.is_last() and bucket.parameters()[1] is b
