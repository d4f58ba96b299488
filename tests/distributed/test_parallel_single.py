"""In one process: nn.DataParallel / data_parallel as torch runs them without CUDA, the
distributed package's import surface and its errors without a launcher."""
import numpy as np
import pytest

import ember
import ember.distributed as dist

torch = pytest.importorskip("torch")


def _twin():
    e = ember.nn.Sequential(ember.nn.Linear(4, 5), ember.nn.ReLU(), ember.nn.Linear(5, 2))
    t = torch.nn.Sequential(torch.nn.Linear(4, 5), torch.nn.ReLU(), torch.nn.Linear(5, 2))
    t.load_state_dict({k: torch.tensor(v.numpy()) for k, v in e.state_dict().items()})
    return e, t


def test_data_parallel_matches_torch_forward_backward_and_keys():
    e, t = _twin()
    de, dt = ember.nn.DataParallel(e), torch.nn.DataParallel(t)
    assert list(de.state_dict()) == list(dt.state_dict())
    assert repr(de) == repr(dt)
    x = np.random.default_rng(0).standard_normal((3, 4)).astype(np.float32)
    oe, ot = de(ember.tensor(x)), dt(torch.tensor(x))
    np.testing.assert_allclose(oe.detach().numpy(), ot.detach().numpy(), rtol=1e-6, atol=1e-6)
    oe.sum().backward()
    ot.sum().backward()
    np.testing.assert_allclose(e[0].weight.grad.numpy(), t[0].weight.grad.numpy(), rtol=1e-5, atol=1e-6)
    y = ember.nn.parallel.data_parallel(e, ember.tensor(x))
    np.testing.assert_allclose(y.detach().numpy(), oe.detach().numpy())
    # a DataParallel checkpoint loads into torch's DataParallel
    dt.load_state_dict({k: torch.tensor(v.numpy()) for k, v in de.state_dict().items()})


def test_imports_and_names():
    import ember.nn.parallel as par
    assert par.DistributedDataParallel.__name__ == "DistributedDataParallel"
    assert dist.is_available() and not dist.is_initialized()
    assert repr(dist.ReduceOp.SUM) == repr(torch.distributed.ReduceOp.SUM)
    assert dist.Backend("GLOO") == torch.distributed.Backend("GLOO")
    assert ember.nn.modules.batchnorm.SyncBatchNorm is ember.nn.SyncBatchNorm


def test_errors_without_a_process_group():
    with pytest.raises(ValueError, match="has not been initialized"):
        dist.get_rank()
    with pytest.raises(ValueError, match="has not been initialized"):
        dist.all_reduce(ember.ones(1))
    with pytest.raises(RuntimeError, match="NCCL"):
        dist.init_process_group("nccl", rank=0, world_size=1)


def test_init_without_launcher_says_how_to_launch(monkeypatch):
    pytest.importorskip("mpi4py")
    for k in ("RANK", "WORLD_SIZE"):
        monkeypatch.delenv(k, raising=False)
    with pytest.raises(ValueError, match="ember.distributed.run"):
        dist.init_process_group("gloo")
    with pytest.raises(RuntimeError, match="--nproc-per-node"):
        dist.init_process_group("gloo", rank=0, world_size=2)


def test_sync_batchnorm_without_group_is_batchnorm():
    x = ember.randn(6, 3, 2)
    bn, sbn = ember.nn.BatchNorm1d(3), ember.nn.SyncBatchNorm(3)
    np.testing.assert_allclose(sbn(x).detach().numpy(), bn(x).detach().numpy(), rtol=1e-6, atol=1e-6)
    conv = ember.nn.SyncBatchNorm.convert_sync_batchnorm(ember.nn.Sequential(ember.nn.BatchNorm2d(3)))
    tconv = torch.nn.SyncBatchNorm.convert_sync_batchnorm(torch.nn.Sequential(torch.nn.BatchNorm2d(3)))
    assert repr(conv) == repr(tconv)
    assert list(conv.state_dict()) == list(tconv.state_dict())
