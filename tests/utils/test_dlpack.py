"""torch.utils.dlpack: capsules round-trip and share memory with ember, NumPy and torch."""
import numpy as np
import pytest

import ember
from ember.utils import dlpack as edl

torch = pytest.importorskip("torch")
import torch.utils.dlpack as tdl  # noqa: E402


@pytest.mark.parametrize("dtype", ["float32", "float64", "int64", "bool", "int8"])
def test_roundtrip_shares_memory(dtype):
    a = ember.tensor(np.arange(6).reshape(2, 3).astype(dtype))
    b = edl.from_dlpack(edl.to_dlpack(a))
    assert b.dtype == a.dtype and b.shape == a.shape and b.data_ptr() == a.data_ptr()
    b[0, 0] = 1
    assert a[0, 0].item() == b[0, 0].item()


def test_exchange_with_torch_both_ways():
    a = ember.arange(6.).reshape(2, 3).t()          # non-contiguous: strides travel
    t = tdl.from_dlpack(edl.to_dlpack(a))
    assert t.stride() == a.stride() and t.tolist() == a.tolist()
    t[0, 1] = 42.0
    assert a[0, 1].item() == 42.0
    tt = torch.ones(2, 2)
    e = edl.from_dlpack(tdl.to_dlpack(tt))            # a raw capsule from torch
    e[1, 1] = 5.0
    assert tt[1, 1].item() == 5.0
    e2 = edl.from_dlpack(torch.arange(4))             # an object with __dlpack__
    assert e2.tolist() == [0, 1, 2, 3] and e2.dtype == ember.int64


def test_numpy_producer_and_device_type():
    arr = np.arange(3.0)
    t = edl.from_dlpack(arr)
    t[0] = 7.0
    assert arr[0] == 7.0
    assert [(m.name, int(m)) for m in edl.DLDeviceType] == [(m.name, int(m)) for m in tdl.DLDeviceType]
