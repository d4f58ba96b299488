"""Children of a program run under ``ember.compat``: multiprocessing's ``spawn`` and
``forkserver`` start a fresh interpreter that re-runs the program's ``__main__`` (so its
``import torch`` runs again there). While compat is installed, the preparation data multiprocessing
sends to such a child carries one object whose unpickling installs compat in the child, before
the child re-runs ``__main__``: ``import torch`` then gives ember there as well, as in the parent.

>>> from ember import _compat_spawn
>>> _compat_spawn.InstallCompat().__reduce__()[0].__name__
'install'
"""
import multiprocessing.spawn as _mp_spawn

__all__ = ["InstallCompat", "enable", "disable"]

_original = []


class InstallCompat:
    """Pickles as a call of ``ember.compat.install`` (run when a child unpickles it).

    >>> import pickle; from ember._compat_spawn import InstallCompat
    >>> b"install" in pickle.dumps(InstallCompat())
    True
    """

    def __reduce__(self):
        from . import compat
        return (compat.install, ())


def _preparation_data(name):
    data = _original[0](name)
    data["ember_compat"] = InstallCompat()
    return data


def enable():
    """Make spawned children install compat (idempotent).

    >>> from ember import _compat_spawn
    >>> _compat_spawn.enable(); _compat_spawn.disable()
    """
    if not _original:
        _original.append(_mp_spawn.get_preparation_data)
        _mp_spawn.get_preparation_data = _preparation_data


def disable():
    """Undo :func:`enable`.

    >>> from ember import _compat_spawn
    >>> _compat_spawn.disable()
    """
    if _original:
        _mp_spawn.get_preparation_data = _original.pop()
