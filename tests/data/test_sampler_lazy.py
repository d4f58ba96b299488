"""RandomSampler draws lazily: a huge num_samples with replacement costs nothing until iterated."""
import itertools
import time

import numpy as np
import pytest

import ember
from ember.utils.data import RandomSampler


def test_huge_num_samples_with_replacement_is_lazy():
    s = RandomSampler(range(10), replacement=True, num_samples=10 ** 10)
    assert len(s) == 10 ** 10
    t = time.perf_counter()
    first = list(itertools.islice(iter(s), 100))
    assert time.perf_counter() - t < 1.0
    assert len(first) == 100 and all(0 <= i < 10 for i in first)


@pytest.mark.parametrize("num_samples", [1, 31, 32, 33, 100])
def test_replacement_counts_and_range(num_samples):
    out = list(RandomSampler(range(7), replacement=True, num_samples=num_samples))
    assert len(out) == num_samples and all(0 <= i < 7 for i in out)


def test_replacement_distribution_is_uniform():
    out = np.array(list(RandomSampler(range(5), replacement=True, num_samples=50000)))
    counts = np.bincount(out, minlength=5) / 50000
    np.testing.assert_allclose(counts, 0.2, atol=0.01)


def test_generator_makes_draws_reproducible():
    def draw():
        g = ember.Generator().manual_seed(7)
        return list(RandomSampler(range(100), replacement=True, num_samples=70, generator=g))
    assert draw() == draw()
    ember.manual_seed(3)
    a = list(RandomSampler(range(100), replacement=True, num_samples=70))
    ember.manual_seed(3)
    assert a == list(RandomSampler(range(100), replacement=True, num_samples=70))


def test_without_replacement_epochs_are_permutations():
    out = list(RandomSampler(range(4), num_samples=10))
    assert sorted(out[:4]) == sorted(out[4:8]) == [0, 1, 2, 3] and len(set(out[8:])) == 2


def test_errors_match_torch():
    torch = pytest.importorskip("torch")
    from torch.utils.data import RandomSampler as T
    for kw, exc in ((dict(replacement=1), TypeError), (dict(num_samples=0), ValueError),
                    (dict(num_samples=1.5), ValueError)):
        with pytest.raises(exc):
            T(range(3), **kw)
        with pytest.raises(exc):
            RandomSampler(range(3), **kw)
