"""The channels-last einsum depthwise kernel (ember/ops/nn/conv_depthwise_einsum.py) against
PyTorch: forward, input gradient and weight gradient in float32 and float64 over kernel sizes
3 and 5 (and uneven ones), strides 1/2/3, padding, dilation, channel multipliers, 1d/2d/3d,
serially and split over two threads (whole images per block, and channels split when there
are fewer images than threads), in both einsum forms (along output rows, along channels);
the automatic choice on MobileNet's deep layers."""
import importlib

import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")
from test_conv_depthwise import _check  # noqa: E402  (the shared parity check: both kernels, same contract)

D = importlib.import_module("ember.ops.nn.conv_depthwise")
E = importlib.import_module("ember.ops.nn.conv_depthwise_einsum")

CASES = [  # (N, C, *sp), multiplier, kernel, stride, padding, dilation
    ((2, 5, 9, 10), 1, (3, 3), 1, 1, 1),
    ((1, 4, 12, 11), 1, (5, 5), 1, 2, 1),
    ((2, 6, 11, 9), 1, (3, 3), 2, 1, 1),
    ((2, 3, 13, 12), 1, (5, 5), 2, 2, 1),
    ((1, 4, 14, 13), 1, (3, 3), 3, 0, 1),
    ((2, 4, 11, 9), 1, (3, 3), 1, 2, 2),
    ((2, 4, 12, 12), 1, (5, 5), 2, 2, 2),
    ((2, 3, 10, 9), 2, (3, 3), 1, 1, 1),
    ((1, 3, 11, 10), 3, (3, 2), 2, (1, 0), (1, 2)),
    ((2, 5, 9, 10), 1, (2, 4), (1, 2), (0, 1), (2, 1)),
    ((2, 3, 6, 5), 1, (3, 3), 1, 0, 1),
    ((2, 3, 13), 1, (3,), 2, 1, 1),
    ((2, 4, 9), 2, (5,), 1, 2, 2),
    ((1, 3, 6, 7, 5), 1, (3, 3, 3), (2, 1, 1), 1, 1),
]


@pytest.fixture(params=["serial", "serial-channels-inner", "threads", "threads-one-image"])
def mode(request, monkeypatch):
    """Serial, and on two threads with tiny blocks (one image each) or whole images with the
    channels split; "channels-inner": the einsum runs along the channels even where the last
    dimension is unstrided (by default it runs along output rows there)."""
    monkeypatch.setattr(D, "_LAYOUT", "einsum")
    if request.param == "serial-channels-inner":
        monkeypatch.setattr(E, "_ROWS", False)
    old = ember.get_num_threads()
    if request.param.startswith("serial"):
        ember.set_num_threads(1)
    else:
        ember.set_num_threads(2)
        monkeypatch.setattr(D, "_PAR_BYTES", 0)
        if request.param == "threads":
            monkeypatch.setattr(D, "_TASK_BYTES", 16)
    yield request.param
    ember.set_num_threads(old)


@pytest.mark.parametrize("dtype,tol", [(np.float32, 3e-4), (np.float64, 1e-10)])
@pytest.mark.parametrize("xs,mult,k,s,p,d", CASES)
def test_einsum_depthwise_matches_torch(xs, mult, k, s, p, d, dtype, tol, mode):
    _check(xs, mult, k, s, p, d, dtype, tol, bias=(sum(xs) % 2 == 0))


def test_einsum_is_chosen_for_many_channels_and_matches_torch(monkeypatch):
    """MobileNet's deep layers (many channels on 7x7 and 14x14 planes) take the einsum kernel
    by default, at one and two threads."""
    assert E.einsum_wins(672, (5, 5), (2, 2), (7, 7)) and not E.einsum_wins(16, (3, 3), (1, 1), (112, 112))
    calls = []
    real = E.depthwise_einsum
    monkeypatch.setattr(D, "depthwise_einsum", lambda *a, **k: calls.append(1) or real(*a, **k))
    old = ember.get_num_threads()
    try:
        for threads in (1, 2):
            ember.set_num_threads(threads)
            for xs, k, s in (((1, 200, 7, 7), (5, 5), 1), ((3, 136, 8, 8), (3, 3), 2)):
                _check(xs, 1, k, s, k[0] // 2, 1, np.float32, 3e-4)
    finally:
        ember.set_num_threads(old)
    assert len(calls) == 4
