"""Bad input raises PyTorch's exception type and message instead of leaking NumPy's
(ZeroDivisionError, ValueError, MemoryError) or giving a silent wrong answer."""
import pytest

import ember

torch = pytest.importorskip("torch")


def _cases(L):
    F = L.nn.functional
    x4, w = L.ones(1, 1, 4, 4), L.ones(1, 1, 2, 2)
    return {
        "conv stride 0": lambda: F.conv2d(x4, w, stride=0),
        "conv stride -1": lambda: F.conv2d(x4, w, stride=(1, -1)),
        "conv dilation 0": lambda: F.conv2d(x4, w, dilation=0),
        "conv1d dilation 0": lambda: F.conv1d(L.ones(1, 1, 4), L.ones(1, 1, 2), dilation=0),
        "conv negative padding": lambda: F.conv2d(x4, w, padding=-1),
        "conv bias size": lambda: F.conv2d(x4, L.ones(2, 1, 2, 2), bias=L.ones(3)),
        "conv 2-d bias": lambda: F.conv2d(x4, L.ones(2, 1, 2, 2), bias=L.ones(2, 1)),
        "conv dtype": lambda: F.conv2d(x4.double(), w),
        "conv bias dtype": lambda: F.conv2d(x4, w, L.ones(1, dtype=L.float64)),
        "conv_transpose stride 0": lambda: F.conv_transpose2d(x4, w, stride=0),
        "conv_transpose negative padding": lambda: F.conv_transpose2d(x4, w, padding=-1),
        "conv_transpose bias size": lambda: F.conv_transpose2d(x4, L.ones(1, 2, 2, 2), bias=L.ones(3)),
        "conv_transpose dilation 0": lambda: F.conv_transpose2d(x4, w, dilation=0),
        "linear dtype": lambda: F.linear(L.ones(2, 3, dtype=L.float64), L.ones(4, 3)),
        "linear bias dtype": lambda: F.linear(L.ones(2, 3), L.ones(4, 3), L.ones(4, dtype=L.float64)),
        "linear bias size": lambda: F.linear(L.ones(2, 3), L.ones(4, 3), L.ones(5)),
        "linear bias size 3-d": lambda: F.linear(L.ones(2, 2, 3), L.ones(4, 3), L.ones(5)),
        "max_pool kernel 0": lambda: F.max_pool2d(x4, 0),
        "max_pool stride 0": lambda: F.max_pool2d(x4, 2, stride=0),
        "max_pool dilation 0": lambda: F.max_pool2d(x4, 2, dilation=0),
        "max_pool negative padding": lambda: F.max_pool2d(x4, 2, padding=-1),
        "max_pool1d kernel 0": lambda: F.max_pool1d(L.ones(1, 1, 4), 0),
        "max_pool3d stride 0": lambda: F.max_pool3d(L.ones(1, 1, 4, 4, 4), 2, stride=0),
        "avg_pool kernel 0": lambda: F.avg_pool2d(x4, 0),
        "avg_pool stride 0": lambda: F.avg_pool2d(x4, 2, stride=0),
        "avg_pool negative padding": lambda: F.avg_pool2d(x4, 2, padding=-1),
        "avg_pool1d stride 0": lambda: F.avg_pool1d(L.ones(1, 1, 4), 2, stride=0),
        "avg_pool3d kernel 0": lambda: F.avg_pool3d(L.ones(1, 1, 4, 4, 4), 0),
        "interpolate scale 0": lambda: F.interpolate(x4, scale_factor=0.0),
        "interpolate size 0": lambda: F.interpolate(x4, size=(0, 2)),
        "interpolate negative scale": lambda: F.interpolate(x4, scale_factor=-1.0),
        "interpolate 1-d size 0": lambda: F.interpolate(L.ones(1, 1, 4), size=0),
        "unfold kernel 0": lambda: F.unfold(x4, 0),
        "unfold stride 0": lambda: F.unfold(x4, 2, stride=0),
        "unfold dilation 0": lambda: F.unfold(x4, 2, dilation=0),
        "unfold negative padding": lambda: F.unfold(x4, 2, padding=-1),
        "fold stride 0": lambda: F.fold(L.ones(1, 4, 9), (4, 4), 2, stride=0),
        "pixel_shuffle 0": lambda: F.pixel_shuffle(x4, 0),
        "pixel_unshuffle 0": lambda: F.pixel_unshuffle(x4, 0),
        "adaptive_avg_pool negative": lambda: F.adaptive_avg_pool2d(x4, -1),
        "adaptive_avg_pool 0": lambda: F.adaptive_avg_pool2d(x4, 0),
        "smooth_l1 negative beta": lambda: F.smooth_l1_loss(L.ones(3), L.zeros(3), beta=-1.0),
        "huber zero delta": lambda: F.huber_loss(L.ones(3), L.zeros(3), delta=0.0),
        "HuberLoss negative delta": lambda: L.nn.HuberLoss(delta=-1.0)(L.ones(3), L.zeros(3)),
        "SmoothL1Loss negative beta": lambda: L.nn.SmoothL1Loss(beta=-1.0)(L.ones(3), L.zeros(3)),
    }


@pytest.mark.parametrize("name", list(_cases(torch)))
def test_error_matches_torch(name):
    try:
        want = _cases(torch)[name]()
    except Exception as e:  # noqa: BLE001 - compared below
        with pytest.raises(type(e)) as got:
            _cases(ember)[name]()
        assert str(got.value) == str(e)
        return
    got = _cases(ember)[name]()
    assert tuple(got.shape) == tuple(want.shape)


@pytest.mark.parametrize("make", [
    lambda L: L.empty(10 ** 7, 10 ** 7), lambda L: L.zeros(10 ** 12), lambda L: L.ones(10 ** 12),
    lambda L: L.randn(10 ** 12), lambda L: L.arange(10 ** 13), lambda L: L.full((10 ** 12,), 1.0),
    lambda L: L.ones(10 ** 6).repeat(10 ** 7), lambda L: L.ones(1).expand(10 ** 12).contiguous(),
    lambda L: L.ones(10 ** 6, 1) @ L.ones(1, 10 ** 6), lambda L: L.ones(10 ** 6, 1) * L.ones(1, 10 ** 6),
])
def test_impossible_allocation_raises_runtime_error(make):
    with pytest.raises(RuntimeError, match="can't allocate memory"):
        make(ember)
