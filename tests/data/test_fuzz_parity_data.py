"""Parity with PyTorch on ``torch.utils.data`` edge cases found by differential fuzzing:
collating mixed numbers and tuples of strings, and DataLoader attributes frozen after init."""
import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")


def _plain(x, lib):
    if isinstance(x, lib.Tensor):
        return ("T", str(x.dtype), x.tolist())
    if isinstance(x, (list, tuple)):
        return (type(x).__name__, [_plain(v, lib) for v in x])
    if isinstance(x, dict):
        return {k: _plain(v, lib) for k, v in x.items()}
    return x


@pytest.mark.parametrize("batch", [
    [1, 2.5], [1.5, 2], [1, True], [True, False], [(1, "a"), (2, "b")], [[1, "a"], [2, "b"]],
    [{"s": "x", "v": (1, 2)}, {"s": "y", "v": (3, 4)}], [np.int32(1), np.int32(2)], ["a", "b"],
])
def test_default_collate(batch):
    assert _plain(ember.utils.data.default_collate(batch), ember) == \
        _plain(torch.utils.data.default_collate(batch), torch)


def test_dataloader_batches_of_tuples_with_strings():
    data = [(i, "s%d" % i, float(i)) for i in range(5)]
    e = [_plain(b, ember) for b in ember.utils.data.DataLoader(data, batch_size=2)]
    t = [_plain(b, torch) for b in torch.utils.data.DataLoader(data, batch_size=2)]
    assert e == t


@pytest.mark.parametrize("attr", ["batch_size", "batch_sampler", "sampler", "drop_last", "dataset",
                                  "persistent_workers"])
def test_dataloader_attributes_frozen_after_init(attr):
    msgs = []
    for lib in (torch, ember):
        dl = lib.utils.data.DataLoader(list(range(4)), batch_size=2)
        with pytest.raises(ValueError) as e:
            setattr(dl, attr, None)
        msgs.append(str(e.value))
        dl.num_workers = 0          # the others may change
    assert msgs[0] == msgs[1]
