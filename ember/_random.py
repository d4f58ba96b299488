"""Random number generation: ``manual_seed``, ``Generator`` and the default generator.

A generator is PyTorch's CPU generator: a Mersenne Twister (NumPy's ``MT19937``) seeded as
PyTorch seeds it, with PyTorch's state layout (``get_state`` gives the 5056 bytes
``torch.get_rng_state()`` gives, and takes them back). ``rand``, ``randn``, ``randint``,
``randperm`` and the ``uniform_``/``normal_``/``random_`` fills draw from it as PyTorch's CPU
kernels do (``ember.ops.random.torch_draws``), so a seed gives PyTorch's numbers (``randn``
of 16 or more float32 values within an ulp: its log/sin/cos are the C library's); the other
distributions draw NumPy's algorithms from the same stream.

>>> _ = ember.manual_seed(0); a = ember.rand(3); _ = ember.manual_seed(0)
>>> bool((a == ember.rand(3)).all())
True
"""
import math
import struct
import time

from ._backend import np

_DEFAULT_SEED = 67280421310721
_STATE_BYTES = 5056  # PyTorch's CPUGeneratorImplState: seed, left, seeded, next, 624 words, the
                     # cached normals (double and float)
_N = 624
_M64 = (1 << 64) - 1


def _seed_int(seed):
    if hasattr(seed, "item") and not isinstance(seed, (int, np.integer)):
        seed = seed.item()
    seed = int(seed)
    if not -(1 << 63) <= seed <= _M64:
        raise ValueError("Overflow when unpacking long long")
    return seed & _M64


def _twister(seed):
    """NumPy's MT19937 seeded as PyTorch seeds its Mersenne Twister (the seed's low 32 bits)."""
    key = np.random.RandomState(seed & 0xFFFFFFFF).get_state()[1]
    bg = np.random.MT19937()
    bg.state = {"bit_generator": "MT19937", "state": {"key": key, "pos": _N}}
    return bg


class Generator:
    """A random stream, as ``torch.Generator``: PyTorch's Mersenne Twister, seeded as PyTorch
    seeds it (the same numbers as PyTorch's CPU generator for ``rand``, ``randn``, ``randint``,
    ``randperm`` and the ``uniform_``/``normal_`` fills).

    >>> g = ember.Generator().manual_seed(0)
    >>> ember.rand(2, generator=g).shape
    torch.Size([2])
    >>> g.initial_seed()
    0
    """

    __slots__ = ("_device", "_seed", "_rng", "_bg", "_normal")
    __module__ = "ember"   # printed and pickled as the top-level name (PyTorch: torch._C.Generator)

    def __init__(self, device="cpu"):
        from ._tensor import device as _device, _check_device
        _check_device(device)
        self._device = _device("cpu")
        self.manual_seed(_DEFAULT_SEED)

    @property
    def device(self):
        return self._device

    def manual_seed(self, seed):
        """Seed this generator (negative seeds wrap modulo 2**64); returns ``self``."""
        seed = _seed_int(seed)
        self._seed = seed
        self._set(_twister(seed), None)
        return self

    def _set(self, bg, normal):
        self._bg = bg
        self._rng = np.random.Generator(bg)
        self._normal = normal       # PyTorch's cached second double normal (or None)

    def seed(self):
        """Seed from the clock and OS entropy; returns the seed chosen."""
        s = (int(time.time_ns()) ^ int.from_bytes(np.random.SeedSequence().generate_state(2, np.uint32)
                                                   .tobytes(), "little")) & _M64
        self.manual_seed(s)
        return s

    def initial_seed(self):
        """The seed this generator was last seeded with."""
        return self._seed

    def get_state(self):
        """The full stream state as a uint8 tensor, in PyTorch's layout (restore it with
        :meth:`set_state`; PyTorch's ``set_rng_state`` takes it too)."""
        from ._tensor import _wrap
        st = self._bg.state["state"]
        pos = int(st["pos"])
        raw = bytearray(_STATE_BYTES)
        struct.pack_into("<QiiQ", raw, 0, self._seed, _N + 1 - pos, 1, pos if pos < _N else 0)
        raw[24:24 + 8 * _N] = np.asarray(st["key"], np.uint64).tobytes()
        normal = self._normal
        struct.pack_into("<dddi", raw, 24 + 8 * _N, 0.0, 0.0 if normal is None else normal, 0.0,
                         int(normal is not None))
        return _wrap(np.frombuffer(bytes(raw), dtype=np.uint8).copy())

    def set_state(self, new_state):
        """Restore a state from :meth:`get_state` (or PyTorch's ``get_rng_state``); returns
        ``self``."""
        from ._tensor import Tensor
        if not isinstance(new_state, Tensor) or new_state._data.dtype != np.uint8:
            raise TypeError("RNG state must be a torch.ByteTensor")
        raw = new_state._data.tobytes()
        if len(raw) != _STATE_BYTES:
            raise RuntimeError(f"Expected a CPUGeneratorImplState of size {_STATE_BYTES} but found the "
                               f"input RNG state size to be {len(raw)}")
        seed, left, _, nxt = struct.unpack_from("<QiiQ", raw, 0)
        key = np.frombuffer(raw, np.uint64, _N, 24).astype(np.uint32)
        _, normal, _, valid = struct.unpack_from("<dddi", raw, 24 + 8 * _N)
        bg = np.random.MT19937()
        bg.state = {"bit_generator": "MT19937", "state": {"key": key, "pos": _N if left <= 1 else int(nxt)}}
        self._seed = seed
        self._set(bg, normal if valid else None)
        return self

    def __repr__(self):
        return f"<torch._C.Generator object at {hex(id(self))}>"


default_generator = Generator()


def manual_seed(seed):
    """Seed the default generator and return it.

    >>> _ = ember.manual_seed(0); a = ember.rand(1); _ = ember.manual_seed(0); bool(a == ember.rand(1))
    True
    """
    return default_generator.manual_seed(seed)


def seed():
    """Seed the default generator non-deterministically; returns the seed.

    >>> isinstance(ember.seed(), int)
    True
    """
    return default_generator.seed()


def initial_seed():
    """The seed the default generator was last seeded with.

    >>> _ = ember.manual_seed(7); ember.initial_seed()
    7
    """
    return default_generator.initial_seed()


def get_rng_state():
    """The default generator's state as a uint8 tensor.

    >>> s = ember.get_rng_state(); a = ember.rand(2); _ = ember.set_rng_state(s)
    >>> bool((a == ember.rand(2)).all())
    True
    """
    return default_generator.get_state()


def set_rng_state(new_state):
    """Restore the default generator's state (from :func:`get_rng_state`).

    >>> s = ember.get_rng_state(); ember.set_rng_state(s)
    """
    default_generator.set_state(new_state)


def generator_of(generator=None):
    """``generator`` checked, or the default one."""
    if generator is None:
        return default_generator
    if not isinstance(generator, Generator):
        raise TypeError(f"expected a torch.Generator, but got {type(generator).__name__}")
    return generator


def rng(generator=None):
    """The NumPy Generator behind ``generator`` (or the default one)."""
    if generator is None:
        return default_generator._rng
    if not isinstance(generator, Generator):
        raise TypeError(f"expected a torch.Generator, but got {type(generator).__name__}")
    return generator._rng


def keep_mask(shape, p):
    """Bool array, each element True with probability ``1 - p`` (for dropout), drawn as
    PyTorch's CPU ``bernoulli_(1 - p)`` draws it: a double uniform (53 bits of two words) below
    ``1 - p`` (PyTorch's MKL stream on Intel processors differs).

    >>> ember._random.keep_mask((2, 3), 0.0).all()
    np.True_
    """
    n = math.prod(shape)
    if p >= 1:
        return np.zeros(shape, bool)
    w = default_generator._bg.random_raw(2 * n)
    m = ((w[0::2] << np.uint64(32)) | w[1::2]) & np.uint64((1 << 53) - 1)
    return (m < np.uint64(math.ceil((1.0 - p) * 2.0 ** 53))).reshape(shape)    # (u = m 2**-53 < 1 - p)


def dropout_mask(shape, p, dtype):
    """Dropout's multiplier: :func:`keep_mask` as ``dtype``, scaled by ``1 / (1 - p)``.

    >>> ember._random.dropout_mask((3,), 0.0, np.dtype(np.float32))
    array([1., 1., 1.], dtype=float32)
    """
    if p >= 1:
        return np.zeros(shape, dtype)
    t = dtype.type
    return keep_mask(shape, p).astype(dtype) * (t(1) / t(1.0 - p))    # (1 / (1 - p) as torch: in dtype)
