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


@pytest.mark.parametrize("make", [
    lambda lib: [np.str_("a"), np.str_("b")],
    lambda lib: [lib.tensor([1]), lib.tensor([2.0])],
    lambda lib: [lib.tensor([1], dtype=lib.uint8), lib.tensor([2], dtype=lib.int8)],
    lambda lib: [__import__("collections").defaultdict(int, a=1)] * 2,
    lambda lib: [1 + 2j, 3j],
])
def test_default_collate_more(make):
    def run(lib):
        try:
            out = lib.utils.data.default_collate(make(lib))
        except Exception as e:  # noqa: BLE001 - compared below
            return type(e), str(e)
        return type(out).__name__, _plain(out, lib) if not isinstance(out, dict) else _plain(dict(out), lib)
    assert run(ember) == run(torch)


def test_default_convert_keeps_mapping_type():
    import collections
    d = collections.defaultdict(int, a=np.ones(1))
    assert type(ember.utils.data.default_convert(d)) is type(torch.utils.data.default_convert(d))


def test_sampler_and_loader_errors():
    for call in (lambda lib: list(lib.utils.data.WeightedRandomSampler([1.0, -2.0], 3)),
                 lambda lib: lib.utils.data.DataLoader(list(range(5)), multiprocessing_context="spawn")):
        with pytest.raises(Exception) as te:
            call(torch)
        with pytest.raises(type(te.value)) as ee:
            call(ember)
        assert str(ee.value) == str(te.value)


def test_distributed_submodule_reachable():
    s = ember.utils.data.distributed.DistributedSampler(range(10), num_replicas=3, rank=1, shuffle=False)
    assert list(s) == list(torch.utils.data.distributed.DistributedSampler(range(10), num_replicas=3, rank=1,
                                                                             shuffle=False))


@pytest.mark.parametrize("call", [
    lambda lib: list(lib.utils.data.ChainDataset([lib.utils.data.TensorDataset(lib.ones(2))])),
    lambda lib: lib.utils.data.StackDataset(),
])
def test_dataset_errors(call):
    with pytest.raises(Exception) as te:
        call(torch)
    with pytest.raises(type(te.value)) as ee:
        call(ember)
    assert str(ee.value) == str(te.value)


@pytest.mark.parametrize("named", [False, True])
def test_stack_dataset_getitems(named):
    def run(lib):
        a, b = lib.arange(4), lib.utils.data.TensorDataset(lib.arange(4) * 2)
        s = lib.utils.data.StackDataset(x=a, y=b) if named else lib.utils.data.StackDataset(a, b)
        return _plain(s.__getitems__([0, 3]) if not named else [dict(r) for r in s.__getitems__([0, 3])], lib)
    assert run(ember) == run(torch)
