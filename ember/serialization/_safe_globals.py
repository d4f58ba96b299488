"""Globals a user vouches for: ``add_safe_globals``, ``safe_globals`` and friends, as in PyTorch.

A registered class may be constructed by the unpickler (REDUCE / NEWOBJ) and may have
state set (BUILD) on the instances created in that same load, never on any other
object; a registered function may be called. Registration names a global
``"{module}.{qualname}"`` unless a ``(obj, "module.name")`` pair gives the name.

>>> from ember.serialization import add_safe_globals, get_safe_globals, clear_safe_globals
>>> import collections
>>> add_safe_globals([collections.Counter]); get_safe_globals()
[<class 'collections.Counter'>]
>>> clear_safe_globals(); get_safe_globals()
[]
"""
import threading

__all__ = ["add_safe_globals", "get_safe_globals", "clear_safe_globals", "safe_globals"]

_LOCK = threading.Lock()
_ENTRIES = []  # what the user passed, in order


def _name_of(entry):
    if isinstance(entry, tuple):
        if len(entry) != 2 or not isinstance(entry[1], str):
            raise TypeError(f"a safe global is a callable or a (callable, 'module.name') pair, got {entry!r}")
        return entry[1], entry[0]
    if not callable(entry):
        raise TypeError(f"a safe global must be a class or function, got {entry!r}")
    return f"{entry.__module__}.{entry.__qualname__}", entry


def add_safe_globals(safe_globals):
    """Mark classes/functions (or ``(obj, "module.name")`` pairs) as allowed in ``weights_only`` loads.

    >>> import collections
    >>> from ember.serialization import add_safe_globals, clear_safe_globals
    >>> add_safe_globals([(collections.Counter, "collections.Counter")]); clear_safe_globals()
    """
    for e in safe_globals:
        _name_of(e)
    with _LOCK:
        _ENTRIES.extend(safe_globals)


def get_safe_globals():
    """The user-added safe globals, as they were given.

    >>> from ember.serialization import get_safe_globals
    >>> get_safe_globals()
    []
    """
    with _LOCK:
        return list(_ENTRIES)


def clear_safe_globals():
    """Forget every user-added safe global.

    >>> from ember.serialization import clear_safe_globals
    >>> clear_safe_globals()
    """
    with _LOCK:
        _ENTRIES.clear()


def user_globals():
    """``{"module.name": obj}`` of the user-added safe globals (what the unpickler consults)."""
    with _LOCK:
        return dict(_name_of(e) for e in _ENTRIES)


class safe_globals:
    """Context manager: the given globals are safe inside the ``with`` block only.

    >>> import collections
    >>> from ember.serialization import safe_globals, get_safe_globals
    >>> with safe_globals([collections.Counter]):
    ...     len(get_safe_globals())
    1
    >>> get_safe_globals()
    []
    """

    def __init__(self, safe_globals):
        for e in safe_globals:
            _name_of(e)
        self.safe_globals = list(safe_globals)
        self._saved = None

    def __enter__(self):
        with _LOCK:
            self._saved = list(_ENTRIES)
            _ENTRIES.extend(self.safe_globals)
        return self

    def __exit__(self, *exc):
        with _LOCK:
            _ENTRIES[:] = self._saved
        return False
