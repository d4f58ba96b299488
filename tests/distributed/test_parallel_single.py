"""In one process: nn.DataParallel / data_parallel as torch runs them without CUDA, the
distributed package's import surface and its errors without a launcher."""
import gc

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


def test_ddp_one_rank_matches_torch_ddp(monkeypatch):
    """One rank (an MPI singleton; torch: gloo over TCP): same state_dict keys, same training."""
    pytest.importorskip("mpi4py")
    import datetime
    import socket
    import torch.distributed as tdist
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    for k in ("RANK", "WORLD_SIZE"):
        monkeypatch.delenv(k, raising=False)
    tdist.init_process_group("gloo", init_method=f"tcp://127.0.0.1:{port}", rank=0, world_size=1)
    dist.init_process_group("gloo", rank=0, world_size=1, timeout=datetime.timedelta(seconds=30))
    dt = ot = None
    try:
        assert (dist.get_rank(), dist.get_world_size(), dist.get_backend()) == (0, 1, "gloo")
        e, t = _twin()
        de = ember.nn.parallel.DistributedDataParallel(e)
        dt = torch.nn.parallel.DistributedDataParallel(t)
        assert list(de.state_dict()) == list(dt.state_dict())
        oe, ot = ember.optim.SGD(de.parameters(), lr=0.1), torch.optim.SGD(dt.parameters(), lr=0.1)
        x = np.random.default_rng(1).standard_normal((5, 3, 4)).astype(np.float32)
        for i in range(5):
            oe.zero_grad()
            ot.zero_grad()
            de(ember.tensor(x[i])).pow(2).mean().backward()
            dt(torch.tensor(x[i])).pow(2).mean().backward()
            oe.step()
            ot.step()
        for (k, a), b in zip(de.state_dict().items(), dt.state_dict().values()):
            np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-5, atol=1e-6, err_msg=k)
    finally:
        # torch's DDP Reducer goes before its gloo group: a ProcessGroupGloo destroyed from the
        # Reducer's destructor after destroy_process_group can hang joining its threads
        del dt, ot
        gc.collect()
        dist.destroy_process_group()
        tdist.destroy_process_group()
    assert not dist.is_initialized()
