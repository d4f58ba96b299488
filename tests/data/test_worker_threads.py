"""DataLoader workers run single-threaded, as PyTorch's do (the workers are the parallelism)."""
import pytest

import ember
from ember.utils.data import DataLoader, Dataset


class _Threads(Dataset):
    def __len__(self):
        return 2

    def __getitem__(self, i):
        return ember.get_num_threads()


def test_workers_use_one_thread_and_the_parent_keeps_its_setting():
    before = ember.get_num_threads()
    ember.set_num_threads(2)
    try:
        got = [int(b) for b in DataLoader(_Threads(), num_workers=1)]
        assert got == [1, 1]
        assert ember.get_num_threads() == 2
    finally:
        ember.set_num_threads(before)


def test_same_as_torch():
    torch = pytest.importorskip("torch")
    from torch.utils.data import DataLoader as TL, Dataset as TD

    class T(TD):
        def __len__(self):
            return 2

        def __getitem__(self, i):
            return torch.get_num_threads()

    assert [int(b) for b in TL(T(), num_workers=1)] == [int(b) for b in DataLoader(_Threads(), num_workers=1)]
