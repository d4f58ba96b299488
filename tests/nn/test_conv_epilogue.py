"""The block-by-block epilogue of eval convolutions (``conv_bn_eval.Epilogue``: batch norm,
residual add, activation on each finished block of the output) in every forward kernel and
thread split: the same bits as the plain convolution followed by the same passes on the whole
output; and ResNet's fused residual tail against the layers one by one and against torch."""
import importlib

import numpy as np
import pytest

import ember

CBE = importlib.import_module("ember.ops.nn.conv_bn_eval")
CD = importlib.import_module("ember.ops.nn.conv_dispatch")
K = importlib.import_module("ember.ops.nn.conv_kernels")
WG = importlib.import_module("ember.ops.nn.conv_winograd")
HA = importlib.import_module("ember.ops.nn.hard_activations")


@pytest.fixture(params=[1, 2])
def threads(request, monkeypatch):
    """One thread, and two with the size thresholds at zero so that every split runs."""
    old = ember.get_num_threads()
    ember.set_num_threads(request.param)
    if request.param > 1:
        monkeypatch.setattr(K, "_PAR_FLOPS", 0)
        monkeypatch.setattr(K, "_MIN_BAND", 1)
        monkeypatch.setattr(WG, "_PAR_FLOPS", 0)
    yield request.param
    ember.set_num_threads(old)


CASES = [  # (N, C, H, W), (O, C/g, kh, kw), stride, padding, groups, what runs it
    ((2, 16, 12, 11), (16, 16, 3, 3), 1, 1, 1, "winograd"),
    ((1, 16, 13, 12), (16, 16, 3, 3), 1, 1, 1, "winograd"),
    ((3, 5, 12, 11), (7, 5, 3, 3), 1, 1, 1, "images"),
    ((1, 5, 13, 11), (7, 5, 3, 3), 2, 1, 1, "bands"),
    ((3, 6, 5, 4), (8, 6, 3, 3), 1, 1, 1, "columns"),
    ((3, 8, 9, 10), (6, 8, 1, 1), 1, 0, 1, "1x1"),
    ((1, 8, 9, 10), (6, 8, 1, 1), 1, 0, 1, "1x1"),
    ((2, 6, 11, 9), (6, 1, 3, 3), 1, 1, 6, "depthwise"),
]


def _parts(ys, O, dtype, rng, residual):
    scale = rng.uniform(0.5, 2.0, O).astype(dtype)
    shift = rng.standard_normal(O).astype(dtype)
    res = rng.standard_normal(ys).astype(dtype) if residual else None
    return scale, shift, res


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("residual", [False, True])
@pytest.mark.parametrize("xs,ws,s,p,g,path", CASES)
def test_epilogue_has_the_bits_of_the_passes_after_the_conv(xs, ws, s, p, g, path, residual, dtype, threads,
                                                            monkeypatch):
    monkeypatch.setattr(WG, "_MIN_SAVING", 0)
    monkeypatch.setattr(WG, "_MIN_H", 1)
    monkeypatch.setattr(WG, "_MIN_H_ONE_THREAD", 1)
    monkeypatch.setattr(WG, "_FEW_IMAGES_IM2COL", False)
    monkeypatch.setattr(WG, "_ENABLED", path == "winograd")
    seen = []
    for mod, name in ((WG, "winograd_conv"), (K, "_by_bands"), (CD, "_pointwise_blocks")):
        real = getattr(mod, name)
        monkeypatch.setattr(mod, name, lambda *a, _r=real, _n=name, **k: seen.append(_n) or _r(*a, **k))
    rng = np.random.default_rng(sum(xs) + sum(ws))
    x = rng.standard_normal(xs).astype(dtype)
    w = rng.standard_normal(ws).astype(dtype)
    b = rng.standard_normal(ws[0]).astype(dtype)
    pads = ((p, p), (p, p))
    plain = CD.conv_fwd(x, w, (s, s), pads, (1, 1), g, b)
    scale, shift, res = _parts(plain.shape, ws[0], dtype, rng, residual)
    expect = plain * scale.reshape(-1, 1, 1) + shift.reshape(-1, 1, 1)
    if residual:
        expect += res
    HA.relu_array_(expect)
    post = CBE.Epilogue(scale, shift, None if res is None else res.reshape(res.shape[:2] + (-1,)), HA.relu_array_)
    got = CD.conv_fwd(x, w, (s, s), pads, (1, 1), g, b, post=post)
    assert got.dtype == dtype and got.shape == plain.shape
    np.testing.assert_array_equal(got, expect)
    if path == "winograd":
        assert "winograd_conv" in seen
    if path == "bands" and threads > 1:
        assert "_by_bands" in seen
    if path == "1x1" and threads > 1:
        assert "_pointwise_blocks" in seen


def test_act_and_post_are_exclusive():
    x, w = np.ones((1, 1, 3, 3), np.float32), np.ones((1, 1, 1, 1), np.float32)
    with pytest.raises(ValueError, match="act or post"):
        CD.conv_fwd(x, w, (1, 1), ((0, 0), (0, 0)), (1, 1), 1, act=HA.relu_array_, post=CBE.Epilogue())


def _seeded(net):
    for m in net.modules():
        if isinstance(m, ember.nn.BatchNorm2d):
            with ember.no_grad():
                m.running_mean.normal_(0, 0.1)
                m.running_var.uniform_(0.5, 2.0)
                m.weight.uniform_(0.5, 1.5)
                m.bias.normal_(0, 0.1)
    return net.eval()


@pytest.mark.parametrize("block", ["BasicBlock", "Bottleneck"])
@pytest.mark.parametrize("downsample", [False, True])
def test_residual_tail_matches_the_layers_and_torch(block, downsample, threads):
    torch = pytest.importorskip("torch")
    R = importlib.import_module("ember.vision.models.resnet")
    ember.manual_seed(0)
    cls = getattr(R, block)
    cin = 8 if downsample else 4 * cls.expansion
    ds = None
    if downsample:
        ds = ember.nn.Sequential(ember.nn.Conv2d(cin, 4 * cls.expansion, 1, 2, bias=False),
                                 ember.nn.BatchNorm2d(4 * cls.expansion))
    net = _seeded(cls(cin, 4, stride=2 if downsample else 1, downsample=ds))
    x = ember.randn(2, cin, 9, 10)
    with ember.no_grad():
        fused = net(x)
        tail = R._residual_tail
        R._residual_tail = lambda *a: None
        try:
            plain = net(x)
        finally:
            R._residual_tail = tail
    np.testing.assert_array_equal(fused.numpy(), plain.numpy())
    # against torch: the same block built from torch's layers with the same weights
    tnet = _torch_block(torch, net, block, downsample)
    with torch.no_grad():
        yt = tnet(torch.from_numpy(x.numpy()))
    np.testing.assert_allclose(fused.numpy(), yt.numpy(), rtol=1e-5, atol=1e-5)


def _torch_block(torch, net, block, downsample):
    tn = torch.nn

    class TBlock(tn.Module):
        def __init__(self):
            super().__init__()
            for name, m in net.named_children():
                if isinstance(m, ember.nn.Conv2d):
                    setattr(self, name, tn.Conv2d(m.in_channels, m.out_channels, m.kernel_size, m.stride,
                                                  m.padding, bias=False))
                elif isinstance(m, ember.nn.BatchNorm2d):
                    setattr(self, name, tn.BatchNorm2d(m.num_features))
            self.downsample = None
            if downsample:
                c, b = net.downsample
                self.downsample = tn.Sequential(tn.Conv2d(c.in_channels, c.out_channels, 1, c.stride, bias=False),
                                                tn.BatchNorm2d(b.num_features))

        def forward(self, x):
            convs = [n for n in ("conv1", "conv2", "conv3") if hasattr(self, n)]
            out = x
            for i, n in enumerate(convs):
                out = getattr(self, "bn" + n[-1])(getattr(self, n)(out))
                if i < len(convs) - 1:
                    out = torch.relu(out)
            identity = x if self.downsample is None else self.downsample(x)
            return torch.relu(out + identity)

    t = TBlock()
    t.load_state_dict({k: torch.from_numpy(v.numpy()) for k, v in net.state_dict().items()})
    return t.eval()


def test_residual_tail_keeps_the_order_hooks_see_and_torch_errors():
    """A hook anywhere under the downsample: the layers one by one, in torchvision's order;
    a residual of the wrong shape: torch's error from the add."""
    R = importlib.import_module("ember.vision.models.resnet")
    ember.manual_seed(1)
    ds = ember.nn.Sequential(ember.nn.Conv2d(4, 8, 1, 2, bias=False), ember.nn.BatchNorm2d(8))
    net = _seeded(R.BasicBlock(4, 8, stride=2, downsample=ds))
    order = []
    hooks = [net.bn2.register_forward_hook(lambda *a: order.append("bn2")),
             ds[0].register_forward_hook(lambda *a: order.append("downsample"))]
    with ember.no_grad():
        y = net(ember.randn(1, 4, 8, 8))
    assert order == ["bn2", "downsample"] and tuple(y.shape) == (1, 8, 4, 4)
    for h in hooks:
        h.remove()
    bad = _seeded(R.BasicBlock(8, 8))            # no downsample: x (8 channels, 9x9) is the residual
    bad.conv1.stride = (2, 2)                    # the main path now gives 5x5
    with ember.no_grad(), pytest.raises(RuntimeError, match="size of tensor a"):
        bad(ember.randn(1, 8, 9, 9))
