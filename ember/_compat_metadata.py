"""The ``torch`` distribution that :mod:`ember.compat` presents to packaging tools.

Libraries built on PyTorch ask ``importlib.metadata.version("torch")`` before they
import it. While :func:`ember.compat.install` is active, the alias finder answers
that question with this in-memory distribution (nothing is written to disk, and a
real ``torch`` installed beside ember is untouched: outside compat it is what
``importlib.metadata`` finds).

>>> from ember._compat_metadata import TorchDistribution
>>> dist = TorchDistribution()
>>> dist.metadata["Name"], dist.version
('torch', '2.13.0+ember')
"""
import importlib.metadata
import os
import re

from .version import __version__

__all__ = ["TorchDistribution", "find_distributions"]

_METADATA = f"""Metadata-Version: 2.1
Name: torch
Version: {__version__}
Summary: ember (PyTorch's programming model on NumPy) serving `import torch` through ember.compat
Requires-Python: >=3.10
"""


class TorchDistribution(importlib.metadata.Distribution):
    """An ``importlib.metadata`` distribution named ``torch`` whose files are ember's.

    >>> from ember._compat_metadata import *
    >>> TorchDistribution().read_text("top_level.txt")
    'torch\\n'
    """

    _FILES = {"METADATA": _METADATA, "top_level.txt": "torch\n", "INSTALLER": "ember.compat\n"}

    def read_text(self, filename):
        return self._FILES.get(filename)

    def locate_file(self, path):
        return os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), str(path))


def _normalize(name):
    return re.sub(r"[-_.]+", "_", name).lower()


def find_distributions(context):
    """Yield the ``torch`` distribution when ``context`` asks for it (or for every distribution).

    >>> from ember._compat_metadata import *
    >>> from importlib.metadata import DistributionFinder
    >>> [d.metadata["Name"] for d in find_distributions(DistributionFinder.Context(name="torch"))]
    ['torch']
    >>> list(find_distributions(DistributionFinder.Context(name="numpy")))
    []
    """
    name = getattr(context, "name", None)
    if name is None or _normalize(name) == "torch":
        yield TorchDistribution()
