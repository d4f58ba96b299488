"""Small torch behaviours transformers relies on, checked against PyTorch."""
import os

import numpy as np
import pytest

import ember


def test_expand_adding_dims_is_writable_true_broadcast_is_not(torch_ref):
    for lib in (ember, torch_ref):
        base = lib.zeros(4, dtype=lib.long)
        v = base.expand((1, -1))
        v.copy_(lib.arange(4).expand((1, -1)))
        assert base.tolist() == [0, 1, 2, 3]
    with pytest.raises((RuntimeError, ValueError)):
        ember.zeros(3).expand(2, 3).copy_(ember.ones(2, 3))


def test_view_dtype_keyword_and_contains(torch_ref):
    for lib in (ember, torch_ref):
        assert lib.zeros(2).view(dtype=lib.int32).dtype == lib.int32
        assert lib.zeros(4).view(size=(2, 2)).shape == (2, 2)
        t = lib.tensor([[1, 2], [3, 4]])
        assert (2 in t, 5 in t, lib.tensor(3) in t) == (True, False, True)
        with pytest.raises(RuntimeError):
            [1] in t


def test_storage_from_file_and_asarray_read_like_safetensors(torch_ref, tmp_path):
    path = str(tmp_path / "w.bin")
    np.arange(6, dtype=np.float32).tofile(path)
    for lib in (ember, torch_ref):
        st = lib.UntypedStorage.from_file(path, shared=False, nbytes=os.path.getsize(path))
        t = lib.asarray(st[4:20], dtype=lib.uint8).view(dtype=lib.float32).reshape((2, 2))
        assert t.tolist() == [[1.0, 2.0], [3.0, 4.0]]
    with pytest.raises(RuntimeError):
        ember.UntypedStorage.from_file(path, nbytes=1000)


def test_distributed_tensor_names(torch_ref):
    from ember.distributed.tensor import DTensor, Shard, Replicate, Partial, distribute_tensor
    from ember.distributed.tensor.placement_types import _StridedShard
    tpt = pytest.importorskip("torch.distributed.tensor.placement_types")
    for n, c, r in [(10, 3, 0), (10, 3, 2), (2, 4, 3), (7, 7, 6)]:
        assert Shard.local_shard_size_and_offset(n, c, r) == tpt.Shard.local_shard_size_and_offset(n, c, r)
    assert [str(p) for p in (Shard(1), Replicate(), Partial())] == \
        [str(p) for p in (tpt.Shard(1), tpt.Replicate(), tpt.Partial())]
    assert repr(_StridedShard(0, split_factor=2)) == repr(tpt._StridedShard(0, split_factor=2))
    assert not isinstance(ember.ones(1), DTensor)
    with pytest.raises(NotImplementedError):
        distribute_tensor(ember.ones(2))


def test_sdpa_kernel_and_flex_attention_names():
    from ember.nn.attention import SDPBackend, sdpa_kernel
    from ember.nn.attention import flex_attention as fa
    with sdpa_kernel([SDPBackend.MATH]):
        pass
    with pytest.raises(ValueError):
        with sdpa_kernel(["math"]):
            pass
    assert fa.create_mask(lambda b, h, q, kv: kv <= q, 1, 1, 3, 3).sum().item() == 6
    with pytest.raises(NotImplementedError):
        fa.create_block_mask(lambda b, h, q, kv: kv <= q, 1, 1, 3, 3)
