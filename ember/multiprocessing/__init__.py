"""``torch.multiprocessing``: Python's ``multiprocessing`` with tensors sent through shared
memory, and ``spawn``/``start_processes`` (MPI ranks when MPI is installed, so
``init_process_group`` works inside them).

>>> import ember.multiprocessing as mp
>>> mp.get_all_sharing_strategies()
{'file_system'}
"""
import multiprocessing
from multiprocessing import *  # noqa: F401,F403

from .spawn import (spawn, start_processes, ProcessContext, ProcessRaisedException,  # noqa: F401
                    ProcessExitedException)
from .shared_memory import register_reducers as _register_reducers

__all__ = list(multiprocessing.__all__) + ["spawn", "start_processes", "ProcessContext",
                                          "ProcessRaisedException", "ProcessExitedException",
                                          "get_sharing_strategy", "set_sharing_strategy",
                                          "get_all_sharing_strategies"]

_register_reducers()
_strategy = ["file_system"]


def get_all_sharing_strategies():
    """The ways tensors can be shared: ember maps files under ``/dev/shm``.

    >>> ember.multiprocessing.get_all_sharing_strategies()
    {'file_system'}
    """
    return {"file_system"}


def get_sharing_strategy():
    """The current sharing strategy.

    >>> ember.multiprocessing.get_sharing_strategy()
    'file_system'
    """
    return _strategy[0]


def set_sharing_strategy(new_strategy):
    """Set the sharing strategy (``"file_descriptor"`` is accepted and served by ``file_system``).

    >>> ember.multiprocessing.set_sharing_strategy("file_system")
    """
    if new_strategy not in ("file_system", "file_descriptor"):
        raise ValueError(f"invalid sharing strategy {new_strategy!r}")
    _strategy[0] = "file_system"
