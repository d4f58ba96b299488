"""Samplers: which indices a DataLoader visits, and in which order.

>>> list(ember.utils.data.BatchSampler(ember.utils.data.SequentialSampler(range(5)), 2, drop_last=False))
[[0, 1], [2, 3], [4]]
"""
import math

from ...ops.random import torch_draws as _td
from ..._backend import np
from ..._tensor import Tensor

__all__ = ["Sampler", "SequentialSampler", "RandomSampler", "SubsetRandomSampler", "WeightedRandomSampler",
           "BatchSampler", "DistributedSampler"]


class Sampler:
    """Base class: iterate over indices (or batches of indices)."""

    def __init__(self, data_source=None):
        pass

    def __iter__(self):
        raise NotImplementedError


def _seed_from(generator):
    """A fresh seed drawn from an ember Generator (or the default one), as PyTorch draws one:
    ``empty((), dtype=int64).random_(generator=generator)``."""
    from ...ops.random.torch_draws import integers
    return int(integers(generator, 0, 1 << 63, ()))


def _own_generator(generator):
    """The generator a shuffling sampler draws from, as PyTorch's: the given one, else a new one
    seeded from the default generator."""
    if generator is not None:
        return generator
    from ..._random import Generator
    return Generator().manual_seed(_seed_from(None))


class SequentialSampler(Sampler):
    """0, 1, ..., len(data_source) - 1.

    >>> list(ember.utils.data.SequentialSampler("abc"))
    [0, 1, 2]
    """

    def __init__(self, data_source):
        self.data_source = data_source

    def __iter__(self):
        return iter(range(len(self.data_source)))

    def __len__(self):
        return len(self.data_source)


class RandomSampler(Sampler):
    """A random permutation (or ``num_samples`` draws with ``replacement``, drawn lazily in chunks).

    >>> sorted(ember.utils.data.RandomSampler(range(4)))
    [0, 1, 2, 3]
    """

    def __init__(self, data_source, replacement=False, num_samples=None, generator=None):
        self.data_source = data_source
        self.replacement = replacement
        self._num_samples = num_samples
        self.generator = generator
        if not isinstance(replacement, bool):
            raise TypeError(f"replacement should be a boolean value, but got replacement={replacement}")
        if not isinstance(self.num_samples, int) or self.num_samples <= 0:
            raise ValueError(f"num_samples should be a positive integer value, but got num_samples={self.num_samples}")

    @property
    def num_samples(self):
        return len(self.data_source) if self._num_samples is None else self._num_samples

    def __iter__(self):
        n = len(self.data_source)
        g = _own_generator(self.generator)      # (PyTorch's draws: the same order for a seed)
        if self.replacement:  # drawn 32 at a time, as PyTorch: num_samples may be huge
            for _ in range(self.num_samples // 32):
                yield from _td.integers(g, 0, n, (32,)).tolist()
            yield from _td.integers(g, 0, n, (self.num_samples % 32,)).tolist()
        else:
            for _ in range(self.num_samples // n):
                yield from _td.permutation(g, n).tolist()
            yield from _td.permutation(g, n)[: self.num_samples % n].tolist()

    def __len__(self):
        return self.num_samples


class SubsetRandomSampler(Sampler):
    """The given indices in random order.

    >>> sorted(ember.utils.data.SubsetRandomSampler([5, 7]))
    [5, 7]
    """

    def __init__(self, indices, generator=None):
        self.indices = indices
        self.generator = generator

    def __iter__(self):
        for i in _td.permutation(self.generator, len(self.indices)).tolist():   # (as PyTorch: the
            yield self.indices[i]                                                # default generator)

    def __len__(self):
        return len(self.indices)


class WeightedRandomSampler(Sampler):
    """``num_samples`` indices drawn with probability proportional to ``weights``.

    >>> list(ember.utils.data.WeightedRandomSampler([0., 1., 0.], 3))
    [1, 1, 1]
    """

    def __init__(self, weights, num_samples, replacement=True, generator=None):
        if not isinstance(num_samples, int) or isinstance(num_samples, bool) or num_samples <= 0:
            raise ValueError(f"num_samples should be a positive integer value, but got num_samples={num_samples}")
        w = weights._data if isinstance(weights, Tensor) else np.asarray(weights, dtype=np.float64)
        if w.ndim != 1:
            raise ValueError(f"weights should be a 1d sequence but given weights have shape {tuple(w.shape)}")
        self.weights = w.astype(np.float64)
        self.num_samples = num_samples
        self.replacement = replacement
        self.generator = generator

    def __iter__(self):
        rng = np.random.Generator(np.random.PCG64(_seed_from(self.generator)))
        if (self.weights < 0).any():
            raise RuntimeError("invalid multinomial distribution (encountering probability entry < 0)")
        p = self.weights / self.weights.sum()
        if not self.replacement and self.num_samples > np.count_nonzero(p):
            raise RuntimeError("cannot sample n_sample > prob_dist.size(-1) samples without replacement")
        yield from rng.choice(len(p), self.num_samples, replace=self.replacement, p=p).tolist()

    def __len__(self):
        return self.num_samples


class BatchSampler(Sampler):
    """Group another sampler's indices into lists of ``batch_size``.

    >>> len(ember.utils.data.BatchSampler(range(10), 3, drop_last=True))
    3
    """

    def __init__(self, sampler, batch_size, drop_last):
        if not isinstance(batch_size, int) or isinstance(batch_size, bool) or batch_size <= 0:
            raise ValueError(f"batch_size should be a positive integer value, but got batch_size={batch_size}")
        if not isinstance(drop_last, bool):
            raise ValueError(f"drop_last should be a boolean value, but got drop_last={drop_last}")
        self.sampler, self.batch_size, self.drop_last = sampler, batch_size, drop_last

    def __iter__(self):
        batch = []
        for idx in self.sampler:
            batch.append(idx)
            if len(batch) == self.batch_size:
                yield batch
                batch = []
        if batch and not self.drop_last:
            yield batch

    def __len__(self):
        n = len(self.sampler)
        return n // self.batch_size if self.drop_last else (n + self.batch_size - 1) // self.batch_size


class DistributedSampler(Sampler):
    """This replica's share of the indices (padded or trimmed to divide evenly); call
    ``set_epoch`` each epoch so shuffling differs per epoch but agrees across replicas.

    >>> list(ember.utils.data.DistributedSampler(range(5), num_replicas=2, rank=1, shuffle=False))
    [1, 3, 0]
    """

    __module__ = "ember.utils.data.distributed"   # torch.utils.data.distributed, where programs import it

    def __init__(self, dataset, num_replicas=None, rank=None, shuffle=True, seed=0, drop_last=False):
        if num_replicas is None or rank is None:
            try:
                from ... import distributed as dist
                num_replicas = dist.get_world_size() if num_replicas is None else num_replicas
                rank = dist.get_rank() if rank is None else rank
            except Exception:  # noqa: BLE001 - no process group: a clear error as in PyTorch
                raise RuntimeError("Requires distributed package to be available") from None
        if rank >= num_replicas or rank < 0:
            raise ValueError(f"Invalid rank {rank}, rank should be in the interval [0, {num_replicas - 1}]")
        self.dataset, self.num_replicas, self.rank = dataset, num_replicas, rank
        self.epoch = 0
        self.drop_last = drop_last
        n = len(dataset)
        if drop_last and n % num_replicas:
            self.num_samples = math.ceil((n - num_replicas) / num_replicas)
        else:
            self.num_samples = math.ceil(n / num_replicas)
        self.total_size = self.num_samples * num_replicas
        self.shuffle, self.seed = shuffle, seed

    def __iter__(self):
        n = len(self.dataset)
        if self.shuffle:
            from ..._random import Generator
            indices = _td.permutation(Generator().manual_seed(self.seed + self.epoch), n).tolist()
        else:
            indices = list(range(n))
        if not self.drop_last:
            pad = self.total_size - len(indices)
            if pad <= len(indices):
                indices += indices[:pad]
            else:
                indices += (indices * math.ceil(pad / len(indices)))[:pad]
        else:
            indices = indices[: self.total_size]
        return iter(indices[self.rank:self.total_size:self.num_replicas])

    def __len__(self):
        return self.num_samples

    def set_epoch(self, epoch):
        """Use ``epoch`` in the shuffle seed."""
        self.epoch = epoch
