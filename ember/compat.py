"""Run an unmodified PyTorch program on ember: ``python -m ember.compat train.py [args]``.

Installs an import alias so that ``import torch`` (and ``torch.<sub>`` modules)
import ember (``ember.<sub>``), and ``torchvision`` imports ``ember.vision`` where it
exists, then runs the script as ``__main__``.

>>> from ember import compat
>>> compat.ALIASES["torch"]
'ember'

In a process that has not imported PyTorch, ``compat.install()`` does the same without
running a script.
"""
import importlib
import importlib.abc
import importlib.util
import runpy
import sys

ALIASES = {"torch": "ember", "torchvision": "ember.vision"}


class _AliasLoader(importlib.abc.Loader):
    def __init__(self, target):
        self.target = target

    def create_module(self, spec):
        return _attr_module(self.target) or importlib.import_module(self.target)

    def exec_module(self, module):
        pass


class AliasFinder(importlib.abc.MetaPathFinder):
    """Resolve ``torch[.x]`` to ``ember[.x]`` (and ``torchvision`` to ``ember.vision``)."""

    def find_spec(self, fullname, path=None, target=None):
        head, _, rest = fullname.partition(".")
        if head not in ALIASES:
            return None
        real = ALIASES[head] + ("." + rest if rest else "")
        try:
            found = importlib.util.find_spec(real)
        except ModuleNotFoundError:
            found = None
        if found is None and _attr_module(real) is None:
            raise ModuleNotFoundError(f"No module named {fullname!r} (ember has no {real!r} yet)",
                                      name=fullname)
        return importlib.util.spec_from_loader(fullname, _AliasLoader(real))

    def find_distributions(self, context=None):
        """``importlib.metadata`` sees a ``torch`` distribution (ember's) while compat is installed."""
        from ._compat_metadata import find_distributions
        import importlib.metadata
        return find_distributions(context or importlib.metadata.DistributionFinder.Context())


def _attr_module(name):
    """A module object kept as an attribute of its parent (``ember.backends.cudnn``), or None."""
    import types
    parent, _, leaf = name.rpartition(".")
    if not parent:
        return None
    try:
        m = getattr(importlib.import_module(parent), leaf, None)
    except ImportError:
        return None
    return m if isinstance(m, types.ModuleType) else None


_FINDER = AliasFinder()


def install():
    """Make ``import torch`` import ember for the rest of this process.

    Raises RuntimeError if the real PyTorch is already imported (it would shadow ember).
    """
    real = [n for n in ("torch", "torchvision") if n in sys.modules
            and not sys.modules[n].__name__.startswith("ember")]
    if real:
        raise RuntimeError(f"{real[0]} is already imported in this process; call "
                           "ember.compat.install() before anything imports it")
    if _FINDER not in sys.meta_path:
        sys.meta_path.insert(0, _FINDER)
    from . import _compat_spawn
    _compat_spawn.enable()  # children started by multiprocessing's spawn import ember for torch too


def uninstall():
    """Undo :func:`install` (modules already imported as ``torch`` are forgotten)."""
    if _FINDER in sys.meta_path:
        sys.meta_path.remove(_FINDER)
    from . import _compat_spawn
    _compat_spawn.disable()
    for name in list(sys.modules):
        if name.partition(".")[0] in ALIASES and sys.modules[name].__name__.startswith("ember"):
            del sys.modules[name]


def main(argv=None):
    """Entry point of ``python -m ember.compat script.py [args...]``."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help"):
        print("usage: python -m ember.compat script.py [args...]\n"
              "       python -m ember.compat -m module [args...]")
        return 0 if argv else 2
    install()
    if argv[0] == "-m":
        sys.argv = argv[1:]
        runpy.run_module(argv[1], run_name="__main__", alter_sys=True)
    else:
        sys.argv = argv
        import os
        sys.path[0] = os.path.dirname(os.path.realpath(argv[0]))  # the script's folder, as `python script.py`
        runpy.run_path(argv[0], run_name="__main__")
    return 0


if __name__ == "__main__":
    sys.exit(main())
