"""Shared test configuration: markers and fixtures used across the suite."""
import os

# The suite runs as two pytest-xdist workers on two cores: one BLAS/OpenMP thread each,
# so their thread pools don't spin against each other (set before NumPy or torch loads).
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import numpy as np  # noqa: E402
import pytest


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: end-to-end tests that take more than a few seconds")


@pytest.fixture
def rng():
    """A NumPy Generator seeded per test, so failures reproduce."""
    return np.random.default_rng(1234)


@pytest.fixture
def torch_ref():
    """The real PyTorch (the reference oracle); skips the test when it is not installed."""
    return pytest.importorskip("torch")


@pytest.fixture
def parallel_for_calls(monkeypatch):
    """Counts the calls of ember's ``parallel_for`` during the test (a one-item list)."""
    from ember import _thread_pool
    n = [0]
    orig = _thread_pool.parallel_for

    def counting(fn, k):
        n[0] += 1
        return orig(fn, k)
    monkeypatch.setattr(_thread_pool, "parallel_for", counting)
    return n
