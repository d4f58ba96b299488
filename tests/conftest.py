"""Shared test configuration: markers and fixtures used across the suite."""
import numpy as np
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
