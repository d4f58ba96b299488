"""``torch.random``: the default generator's seeding and state, and ``fork_rng``.

>>> with ember.random.fork_rng():
...     _ = ember.rand(3)   # draws inside do not advance the stream outside
>>> s = ember.random.get_rng_state(); a = ember.rand(2); ember.random.set_rng_state(s)
>>> bool((a == ember.rand(2)).all())
True
"""
import contextlib

from ._random import (manual_seed, seed, initial_seed, get_rng_state, set_rng_state,  # noqa: F401
                      default_generator, Generator)

__all__ = ["manual_seed", "seed", "initial_seed", "get_rng_state", "set_rng_state", "fork_rng", "thread_safe_generator",
           "default_generator", "Generator"]


@contextlib.contextmanager
def fork_rng(devices=None, enabled=True, _caller="fork_rng", _devices_kw="devices", device_type="cpu"):
    """Run a block with the default generator's state saved and restored afterwards.

    >>> _ = ember.manual_seed(0)
    >>> with ember.random.fork_rng():
    ...     _ = ember.manual_seed(123); _ = ember.randn(5)
    >>> _ = ember.manual_seed(0); x = ember.rand(1); _ = ember.manual_seed(0)
    >>> with ember.random.fork_rng():
    ...     _ = ember.rand(10)
    >>> bool(ember.rand(1) == x)
    True
    """
    if not enabled:
        yield
        return
    state = default_generator.get_state()
    try:
        yield
    finally:
        default_generator.set_state(state)


def thread_safe_generator():
    """The generator a DataLoader *thread* worker should draw from, or None (the default
    generator) in the main process and in process workers; ember's DataLoader workers are
    processes, so this is None (``torch.random.thread_safe_generator``).

    >>> ember.random.thread_safe_generator() is None
    True
    """
    return None
