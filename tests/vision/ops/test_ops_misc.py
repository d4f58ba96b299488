"""ember.vision.ops misc layers, stochastic depth and DropBlock: state_dict keys and outputs vs
torchvision's Python modules (where its sources are available) and torch formulas."""
import numpy as np
import pytest

import ember
from ember.vision import ops
from ember.vision.models import _blocks


def _load_into_torch(e_mod, t_mod, torch):
    sd = {k: torch.tensor(v.numpy()) for k, v in e_mod.state_dict().items()}
    assert list(sd) == list(t_mod.state_dict()), (list(sd), list(t_mod.state_dict()))
    t_mod.load_state_dict(sd)


def test_same_classes_as_models():
    assert ops.Conv2dNormActivation is _blocks.Conv2dNormActivation
    assert ops.SqueezeExcitation is _blocks.SqueezeExcitation
    assert ops.StochasticDepth is _blocks.StochasticDepth and ops.Permute is _blocks.Permute
    assert ops.MLP is _blocks.MLP
    import importlib
    s3d = importlib.import_module("ember.vision.models.video.s3d")   # the package attribute is the builder
    assert ops.Conv3dNormActivation is s3d.Conv3dNormActivation


def test_frozen_batchnorm(rng, torch):
    e = ops.FrozenBatchNorm2d(3, eps=1e-3)
    e.weight.copy_(ember.tensor([1.0, 2.0, -1.0]))
    e.bias.copy_(ember.tensor([0.5, 0.0, 1.0]))
    e.running_mean.copy_(ember.tensor([0.1, -0.2, 0.3]))
    e.running_var.copy_(ember.tensor([1.0, 4.0, 0.25]))
    t = torch.nn.BatchNorm2d(3, eps=1e-3).eval()
    t.load_state_dict({**{k: torch.tensor(v.numpy()) for k, v in e.state_dict().items()},
                       "num_batches_tracked": torch.tensor(0)})
    x = rng.standard_normal((2, 3, 4, 5)).astype(np.float32)
    np.testing.assert_allclose(e(ember.tensor(x)).numpy(), t(torch.tensor(x)).detach().numpy(), rtol=1e-5, atol=1e-6)
    assert list(e.state_dict()) == ["weight", "bias", "running_mean", "running_var"]
    assert not list(e.parameters())
    sd = dict(e.state_dict(), num_batches_tracked=ember.tensor(3))
    f = ops.FrozenBatchNorm2d(3)
    f.load_state_dict(sd)                                    # the extra key is dropped, strict passes
    assert repr(f) == "FrozenBatchNorm2d(3, eps=1e-05)"
    xg = ember.tensor(x, requires_grad=True)
    e(xg).sum().backward()
    np.testing.assert_allclose(xg.grad.numpy()[0, :, 0, 0], (e.weight / (e.running_var + 1e-3).sqrt()).numpy(),
                               rtol=1e-6)


def test_conv_norm_activation_shapes_and_padding():
    m = ops.Conv3dNormActivation(2, 4, kernel_size=(1, 3, 5), dilation=2)
    assert m[0].padding == (0, 2, 4) and m[0].bias is None
    assert type(m[1]).__name__ == "BatchNorm3d" and m[2].inplace
    m = ops.Conv2dNormActivation(2, 4, norm_layer=None, activation_layer=ember.nn.SiLU, inplace=None)
    assert m[0].bias is not None and len(m) == 2
    with pytest.warns(UserWarning, match="Don't use ConvNormActivation directly"):
        ops.misc.ConvNormActivation(2, 3)


def test_mlp_structure_and_forward(rng, torch):
    m = ops.MLP(4, [8, 6, 3], norm_layer=ember.nn.LayerNorm, activation_layer=ember.nn.GELU, dropout=0.0)
    assert [type(c).__name__ for c in m] == ["Linear", "LayerNorm", "GELU", "Dropout", "Linear", "LayerNorm",
                                             "GELU", "Dropout", "Linear", "Dropout"]
    t = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.LayerNorm(8), torch.nn.GELU(), torch.nn.Dropout(0.0),
                            torch.nn.Linear(8, 6), torch.nn.LayerNorm(6), torch.nn.GELU(), torch.nn.Dropout(0.0),
                            torch.nn.Linear(6, 3), torch.nn.Dropout(0.0))
    _load_into_torch(m, t, torch)
    x = rng.standard_normal((5, 4)).astype(np.float32)
    np.testing.assert_allclose(m(ember.tensor(x)).detach().numpy(), t(torch.tensor(x)).detach().numpy(),
                               rtol=1e-5, atol=1e-6)
    assert ops.MLP(2, [3], inplace=True, bias=False)[1].inplace


def test_against_torchvision_modules(rng, tv):
    import torch
    x = rng.standard_normal((2, 4, 6, 6)).astype(np.float32)
    for ctor in [lambda M: M.Conv2dNormActivation(4, 8, stride=2),
                 lambda M: M.SqueezeExcitation(4, 2),
                 lambda M: M.MLP(6, [5, 3], norm_layer=(torch.nn.LayerNorm if M is tv.ops else ember.nn.LayerNorm)),
                 lambda M: M.FrozenBatchNorm2d(4)]:
        e, t = ctor(ops), ctor(tv.ops)
        for v in e.state_dict().values():
            if v.is_floating_point():
                v.copy_(ember.tensor(rng.uniform(0.5, 1.5, tuple(v.shape)).astype(np.float32)))
        _load_into_torch(e, t, torch)
        e.eval(), t.eval()
        np.testing.assert_allclose(e(ember.tensor(x)).detach().numpy(), t(torch.tensor(x)).detach().numpy(),
                                   rtol=1e-4, atol=1e-5)
    x3 = rng.standard_normal((1, 2, 3, 4, 4)).astype(np.float32)
    e, t = ops.Conv3dNormActivation(2, 3), tv.ops.Conv3dNormActivation(2, 3)
    _load_into_torch(e, t, torch)
    e.eval(), t.eval()
    np.testing.assert_allclose(e(ember.tensor(x3)).detach().numpy(), t(torch.tensor(x3)).detach().numpy(),
                               rtol=1e-4, atol=1e-5)
    assert repr(ops.DropBlock3d(0.2, 5, True)) == repr(tv.ops.DropBlock3d(0.2, 5, True))
    assert repr(ops.StochasticDepth(0.2, "row")) == repr(tv.ops.StochasticDepth(0.2, "row"))


@pytest.mark.parametrize("nd", [2, 3])
def test_drop_block_masks(nd):
    ember.manual_seed(3)
    shape = (2, 3) + (9,) * nd
    bs = 3
    x = ember.ones(shape)
    y = (ops.drop_block2d if nd == 2 else ops.drop_block3d)(x, 0.2, bs).numpy()
    kept = y != 0
    assert 0 < kept.sum() < kept.size
    scale = kept.size / (1e-6 + kept.sum())
    np.testing.assert_allclose(y[kept], scale, rtol=1e-6)
    # every dropped element lies in an all-dropped block that fits inside the input
    from numpy.lib.stride_tricks import sliding_window_view
    full = sliding_window_view(~kept, (bs,) * nd, axis=tuple(range(2, 2 + nd))).all(axis=tuple(range(-nd, 0)))
    covered = np.zeros_like(kept)
    for off in np.ndindex(*(bs,) * nd):
        sl = (slice(None), slice(None)) + tuple(slice(o, o + full.shape[2 + i]) for i, o in enumerate(off))
        covered[sl] |= full
    assert np.array_equal(covered, ~kept)


def test_drop_block_modes_and_errors():
    x = ember.ones(1, 1, 4, 4)
    assert ops.drop_block2d(x, 0.5, 3, training=False) is x
    assert ops.drop_block2d(x, 0.0, 3) is x
    z = ember.ones(1, 1, 5, 5)
    ember.manual_seed(0)
    out = ops.drop_block2d(z, 0.5, 3, inplace=True)
    assert out is z
    with pytest.raises(ValueError, match="drop probability has to be between 0 and 1, but got 1.5."):
        ops.drop_block2d(x, 1.5, 3)
    with pytest.raises(ValueError, match="input should be 4 dimensional. Got 3 dimensions."):
        ops.drop_block2d(ember.ones(1, 4, 4), 0.5, 3)
    with pytest.raises(ValueError, match="input should be 5 dimensional. Got 4 dimensions."):
        ops.drop_block3d(x, 0.5, 3)
    with pytest.raises(ValueError, match="block size should be odd. Got 4 which is even."):
        ops.drop_block2d(ember.ones(1, 1, 6, 6), 0.5, 4)
    m = ops.DropBlock2d(0.5, 3).eval()
    assert m(x) is x


def test_stochastic_depth():
    x = ember.ones(1000, 2)
    ember.manual_seed(0)
    y = ops.stochastic_depth(x, 0.3, "row").numpy()
    np.testing.assert_allclose(np.unique(y), [0.0, 1 / 0.7], rtol=1e-6)
    assert (y[:, 0] == y[:, 1]).all() and 0.6 < (y[:, 0] > 0).mean() < 0.8
    yb = ops.stochastic_depth(x, 0.5, "batch").numpy()
    assert len(np.unique(yb)) == 1
    with pytest.raises(ValueError, match="mode has to be either 'batch' or 'row', but got col"):
        ops.stochastic_depth(x, 0.5, "col")


def test_split_normalization_params(tv):
    import torch
    from ember.vision.ops._utils import split_normalization_params

    def build(nn):
        return nn.Sequential(nn.Conv2d(2, 3, 1), nn.BatchNorm2d(3), nn.Sequential(nn.Linear(3, 3), nn.LayerNorm(3)),
                             nn.GroupNorm(1, 3), nn.Linear(3, 1, bias=False))
    e, t = build(ember.nn), build(torch.nn)
    e[0].bias.requires_grad_(False)
    t[0].bias.requires_grad_(False)
    names = lambda m, ps: [next(k for k, v in m.named_parameters() if v is p) for p in ps]  # noqa: E731
    for classes in (None, [ember.nn.LayerNorm]):
        tclasses = None if classes is None else [torch.nn.LayerNorm]
        en, eo = split_normalization_params(e, classes)
        tn, to = tv.ops._utils.split_normalization_params(t, tclasses)
        assert names(e, en) == names(t, tn) and names(e, eo) == names(t, to)
