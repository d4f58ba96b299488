"""Random number generation: ``manual_seed``, ``Generator`` and the default generator."""
import time

from ._backend import np


class Generator:
    """A random stream (NumPy's PCG64 underneath), as ``torch.Generator``.

    >>> g = ember.Generator().manual_seed(0)
    >>> ember.rand(2, generator=g).shape
    torch.Size([2])
    """

    def __init__(self, device="cpu"):
        self.device = device
        self._seed = 67280421310721
        self._rng = np.random.Generator(np.random.PCG64(self._seed))

    def manual_seed(self, seed):
        seed = int(seed)
        self._seed = seed
        self._rng = np.random.Generator(np.random.PCG64(seed & 0xFFFFFFFFFFFFFFFF))
        return self

    def seed(self):
        s = int(time.time_ns()) & 0xFFFFFFFFFFFFFFFF
        self.manual_seed(s)
        return s

    def initial_seed(self):
        return self._seed

    def get_state(self):
        from ._creation import tensor
        import json
        st = json.dumps(self._rng.bit_generator.state).encode()
        return tensor(list(st), dtype="uint8")

    def set_state(self, new_state):
        import json
        st = json.loads(bytes(new_state._data.tolist()).decode())
        self._rng.bit_generator.state = st
        return self


default_generator = Generator()


def manual_seed(seed):
    """Seed the default generator (and return it).

    >>> _ = ember.manual_seed(0); a = ember.rand(1); _ = ember.manual_seed(0); bool(a == ember.rand(1))
    True
    """
    return default_generator.manual_seed(seed)


def seed():
    """Seed the default generator non-deterministically; returns the seed."""
    return default_generator.seed()


def initial_seed():
    """The seed the default generator was last seeded with."""
    return default_generator.initial_seed()


def get_rng_state():
    """The default generator's state as a uint8 tensor."""
    return default_generator.get_state()


def set_rng_state(new_state):
    """Restore the default generator's state."""
    default_generator.set_state(new_state)


def rng(generator=None):
    """The NumPy Generator behind ``generator`` (or the default one)."""
    return (generator or default_generator)._rng
