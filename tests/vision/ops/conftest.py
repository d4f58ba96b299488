"""Fixtures for the torchvision.ops parity tests: real torch (the oracle) and, where its
pure-Python sources are available (``TORCHVISION_SRC``, default /tmp/tvsrc), torchvision's own
Python implementations of the ops that do not need its C++ kernels."""
import os
import sys

import pytest


@pytest.fixture
def torch():
    return pytest.importorskip("torch")


@pytest.fixture
def tv():
    """``torchvision`` imported from its pure-Python sources (its C++ ops do not load)."""
    pytest.importorskip("torch")
    src = os.environ.get("TORCHVISION_SRC", "/tmp/tvsrc")
    if not os.path.isdir(os.path.join(src, "torchvision")):
        pytest.skip("torchvision's Python sources are not available (set TORCHVISION_SRC)")
    if src not in sys.path:
        sys.path.append(src)
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import torchvision
        import torchvision.ops
    if not torchvision.__file__.startswith(os.path.abspath(src)) and "ember" in torchvision.__name__:
        pytest.skip("torchvision resolves to ember here")
    return torchvision
