"""Parity with PyTorch on edge cases of ``torch.nn.functional`` found by differential fuzzing:
integer inputs, 0-d inputs, the implicit softmax dim, error types of conv/pool/dropout/one_hot."""
import warnings

import numpy as np
import pytest

import ember
import ember.nn.functional as EF

torch = pytest.importorskip("torch")
TF = torch.nn.functional


def _x(*shape, seed=0):
    return np.random.default_rng(seed).uniform(-1, 1, shape).astype(np.float32)


def _same_error(fn_torch, fn_ember):
    with pytest.raises(Exception) as te:
        fn_torch()
    with pytest.raises(type(te.value)):
        fn_ember()
    return te.value


@pytest.mark.parametrize("name", ["elu", "selu", "celu", "gelu", "silu", "mish", "hardswish", "hardsigmoid",
                                  "logsigmoid", "softplus", "softshrink", "hardshrink"])
def test_activation_refuses_integers_like_torch(name):
    e = _same_error(lambda: getattr(TF, name)(torch.tensor([1, 2, -3])),
                    lambda: getattr(EF, name)(ember.tensor([1, 2, -3])))
    assert isinstance(e, NotImplementedError)


@pytest.mark.parametrize("name", ["relu6", "hardtanh"])
def test_clamping_activation_keeps_integer_dtype(name):
    t = getattr(TF, name)(torch.tensor([1, 2, -3, 9]))
    e = getattr(EF, name)(ember.tensor([1, 2, -3, 9]))
    assert str(e.dtype) == str(t.dtype)
    np.testing.assert_array_equal(e.numpy(), t.numpy())


@pytest.mark.parametrize("name", ["hardswish", "hardsigmoid"])
@pytest.mark.parametrize("inplace", [False, True])
def test_hard_activation_zero_dim(name, inplace):
    t = getattr(TF, name)(torch.tensor(0.5), inplace=inplace)
    e = getattr(EF, name)(ember.tensor(0.5), inplace=inplace)
    assert e.shape == () and float(e) == pytest.approx(float(t))


def test_glu_scalar_and_celu_zero_alpha_errors():
    _same_error(lambda: TF.glu(torch.tensor(1.0)), lambda: EF.glu(ember.tensor(1.0)))
    _same_error(lambda: TF.celu(torch.ones(2), alpha=0.0), lambda: EF.celu(ember.ones(2), alpha=0.0))


@pytest.mark.parametrize("fn", ["softmax", "log_softmax", "softmin"])
@pytest.mark.parametrize("shape", [(4,), (2, 3), (2, 3, 4), (2, 3, 4, 5)])
def test_softmax_implicit_dim_warns_and_matches(fn, shape):
    x = _x(*shape)
    with warnings.catch_warnings(record=True) as tw:
        warnings.simplefilter("always")
        t = getattr(TF, fn)(torch.tensor(x))
    with warnings.catch_warnings(record=True) as ew:
        warnings.simplefilter("always")
        e = getattr(EF, fn)(ember.tensor(x))
    assert [str(w.message) for w in ew] == [str(w.message) for w in tw]
    np.testing.assert_allclose(e.numpy(), t.numpy(), rtol=1e-5, atol=1e-6)


def test_softmax_explicit_dim_does_not_warn():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        EF.softmax(ember.ones(2, 3), dim=1)


def test_pairwise_dtype_and_shape_errors():
    _same_error(lambda: TF.cosine_similarity(torch.tensor([1, 2]), torch.tensor([1, 3]), dim=0),
                lambda: EF.cosine_similarity(ember.tensor([1, 2]), ember.tensor([1, 3]), dim=0))
    _same_error(lambda: TF.pdist(torch.ones(2, 4, 3)), lambda: EF.pdist(ember.ones(2, 4, 3)))
    _same_error(lambda: TF.pdist(torch.ones(4, 3).long()), lambda: EF.pdist(ember.ones(4, 3).long()))


def test_one_hot_errors():
    _same_error(lambda: TF.one_hot(torch.tensor([], dtype=torch.long)),
                lambda: EF.one_hot(ember.tensor([], dtype=ember.long)))
    _same_error(lambda: TF.one_hot(torch.tensor([0, 1], dtype=torch.int32)),
                lambda: EF.one_hot(ember.tensor([0, 1], dtype=ember.int32)))
    assert EF.one_hot(ember.tensor([], dtype=ember.long), 3).shape == (0, 3)


def test_conv_padding_string_errors():
    x, w = _x(1, 2, 6, 6), _x(3, 2, 3, 3)
    for kw in ({"stride": 2, "padding": "same"}, {"padding": "full"}):
        e = _same_error(lambda: TF.conv2d(torch.tensor(x), torch.tensor(w), **kw),
                        lambda: EF.conv2d(ember.tensor(x), ember.tensor(w), **kw))
        assert isinstance(e, RuntimeError)
    wt = _x(2, 3, 3, 3)
    _same_error(lambda: TF.conv_transpose2d(torch.tensor(x), torch.tensor(wt), padding="same"),
                lambda: EF.conv_transpose2d(ember.tensor(x), ember.tensor(wt), padding="same"))


def test_pool_errors():
    x = _x(1, 2, 4, 4)
    _same_error(lambda: TF.avg_pool2d(torch.tensor(x), 2, divisor_override=0),
                lambda: EF.avg_pool2d(ember.tensor(x), 2, divisor_override=0))
    _same_error(lambda: TF.adaptive_avg_pool2d(torch.tensor(x).long(), 2),
                lambda: EF.adaptive_avg_pool2d(ember.tensor(x).long(), 2))


def test_dropout_dims_and_probabilities():
    x = _x(2, 3, 4, 5)
    _same_error(lambda: TF.dropout1d(torch.tensor(x), 0.5), lambda: EF.dropout1d(ember.tensor(x), 0.5))
    _same_error(lambda: TF.dropout1d(torch.tensor(x), 1.5), lambda: EF.dropout1d(ember.tensor(x), 1.5))
    _same_error(lambda: TF.alpha_dropout(torch.tensor(x), 1.5), lambda: EF.alpha_dropout(ember.tensor(x), 1.5))
    t = TF.alpha_dropout(torch.tensor(x), 1.0, training=True)
    e = EF.alpha_dropout(ember.tensor(x), 1.0, training=True)
    np.testing.assert_array_equal(e.numpy(), t.numpy())


def test_dropout2d_reads_3d_input_as_batched_channels():
    # PyTorch drops whole (sample, channel) rows of a 3-D input, and warns
    with pytest.warns(UserWarning, match="dropout2d: Received a 3D input"):
        y = EF.dropout2d(ember.ones(64, 8, 5), 0.5)
    rows = y.numpy()
    assert np.all((rows == rows[..., :1]))                     # a row is kept or dropped whole
    assert 0 < (rows[..., 0] == 0).mean() < 1
    assert len({tuple(r[:, 0]) for r in rows}) > 1             # the mask differs between samples
    with pytest.warns(UserWarning, match="dropout3d: Received a 3-D input"):
        EF.dropout3d(ember.ones(2, 3, 4), 0.5)


def test_instance_norm_num_features_mismatch():
    x = _x(2, 4, 6)
    with pytest.warns(UserWarning, match="does not match num_features"):
        ember.nn.InstanceNorm1d(3)(ember.tensor(x))
    _same_error(lambda: torch.nn.InstanceNorm1d(3, affine=True)(torch.tensor(x)),
                lambda: ember.nn.InstanceNorm1d(3, affine=True)(ember.tensor(x)))


@pytest.mark.parametrize("mode", ["reflect", "replicate", "circular"])
@pytest.mark.parametrize("pads", [(-1, 1), (2, -1), (-1, -1, 2, 0), (1, -2, -1, 1)])
def test_pad_negative_with_non_constant_modes(mode, pads):
    x = _x(3, 4, 5)
    t = torch.tensor(x, requires_grad=True)
    e = ember.tensor(x, requires_grad=True)
    yt, ye = TF.pad(t, pads, mode=mode), EF.pad(e, pads, mode=mode)
    np.testing.assert_array_equal(ye.detach().numpy(), yt.detach().numpy())
    (yt * yt).sum().backward()
    (ye * ye).sum().backward()
    np.testing.assert_allclose(e.grad.numpy(), t.grad.numpy(), rtol=1e-6)


def test_pad_errors():
    x = _x(2, 3, 4, 5)
    _same_error(lambda: TF.pad(torch.tensor(x), (-3, -3)), lambda: EF.pad(ember.tensor(x), (-3, -3)))
    e = _same_error(lambda: TF.pad(torch.tensor(x), (1, 1, 1, 1), mode="reflect", value=1.0),
                    lambda: EF.pad(ember.tensor(x), (1, 1, 1, 1), mode="reflect", value=1.0))
    assert isinstance(e, RuntimeError)
    assert EF.pad(ember.tensor(x), (1, 1, 1, 1), mode="reflect", value=0.0).shape == (2, 3, 6, 7)


def test_embedding_padding_idx_out_of_range():
    for p in (10, -11):
        _same_error(lambda: TF.embedding(torch.tensor([1]), torch.ones(10, 3), padding_idx=p),
                    lambda: EF.embedding(ember.tensor([1]), ember.ones(10, 3), padding_idx=p))


def test_interpolate_errors():
    x = _x(1, 2, 3, 3)
    for kw in ({"size": (4, 4, 4)}, {"scale_factor": (2, 2, 2)}):
        e = _same_error(lambda: TF.interpolate(torch.tensor(x), **kw), lambda: EF.interpolate(ember.tensor(x), **kw))
        assert isinstance(e, ValueError)
    for dt in ("int32", "int64", "bool"):
        for shape, mode in (((1, 2, 3), "nearest"), ((1, 2, 3, 3), "nearest"), ((1, 2, 3, 3), "bilinear"),
                            ((1, 2, 3), "linear"), ((1, 2, 3, 3), "area")):
            _same_error(lambda: TF.interpolate(torch.ones(shape, dtype=getattr(torch, dt)), size=2, mode=mode),
                        lambda: EF.interpolate(ember.ones(shape, dtype=getattr(ember, dt)), size=2, mode=mode))
    _same_error(lambda: TF.interpolate(torch.ones(1, 2, 3, 3).long(), size=1, mode="area"),
                lambda: EF.interpolate(ember.ones(1, 2, 3, 3).long(), size=1, mode="area"))
    u8 = np.arange(18, dtype=np.uint8).reshape(1, 2, 3, 3)
    np.testing.assert_array_equal(EF.interpolate(ember.tensor(u8), size=5).numpy(),
                                  TF.interpolate(torch.tensor(u8), size=5).numpy())
    with pytest.warns(UserWarning, match="upsample` is deprecated"):
        EF.upsample(ember.tensor(x), scale_factor=2)


def test_pixel_shuffle_needs_3d():
    for name in ("pixel_shuffle", "pixel_unshuffle"):
        _same_error(lambda: getattr(TF, name)(torch.ones(8, 4), 2), lambda: getattr(EF, name)(ember.ones(8, 4), 2))


def test_unfold_fold_unbatched_and_errors():
    x = _x(3, 5, 6)
    np.testing.assert_allclose(EF.unfold(ember.tensor(x), 2, padding=1).numpy(),
                               TF.unfold(torch.tensor(x), 2, padding=1).numpy())
    c = _x(12, 12)
    np.testing.assert_allclose(EF.fold(ember.tensor(c), (4, 5), 2).numpy(), TF.fold(torch.tensor(c), (4, 5), 2).numpy(),
                               rtol=1e-6)
    _same_error(lambda: TF.unfold(torch.ones(1, 2, 3, 4, 5), 2), lambda: EF.unfold(ember.ones(1, 2, 3, 4, 5), 2))
    _same_error(lambda: TF.fold(torch.ones(2, 11, 12), (4, 5), 2), lambda: EF.fold(ember.ones(2, 11, 12), (4, 5), 2))
    _same_error(lambda: TF.fold(torch.ones(1, 2, 12, 12), (4, 5), 2),
                lambda: EF.fold(ember.ones(1, 2, 12, 12), (4, 5), 2))


def test_linear_with_vector_weight():
    x, w = _x(3, 4), _x(4, seed=1)
    np.testing.assert_allclose(EF.linear(ember.tensor(x), ember.tensor(w)).numpy(),
                               TF.linear(torch.tensor(x), torch.tensor(w)).numpy(), rtol=1e-6)


@pytest.mark.parametrize("call", [
    lambda F, lib, x: F.layer_norm(x, (3,)), lambda F, lib, x: F.batch_norm(x, None, None, training=True),
    lambda F, lib, x: F.group_norm(x, 2), lambda F, lib, x: F.instance_norm(x),
    lambda F, lib, x: F.rms_norm(x, (3,)),
])
def test_normalization_refuses_integers(call):
    e = _same_error(lambda: call(TF, torch, torch.ones(2, 4, 3).long()),
                    lambda: call(EF, ember, ember.ones(2, 4, 3).long()))
    assert isinstance(e, NotImplementedError)


def test_normalize_out():
    x = _x(4, 3)
    out = ember.empty(4, 3)
    r = EF.normalize(ember.tensor(x), out=out)
    np.testing.assert_allclose(out.numpy(), TF.normalize(torch.tensor(x)).numpy(), rtol=1e-6)
    assert r is out


@pytest.mark.parametrize("call", [
    lambda lib: lib.nn.Linear(3, 2)(lib.ones(2, 3, dtype=lib.float64)),
    lambda lib: lib.nn.functional.linear(lib.ones(2, 3, dtype=lib.float64), lib.ones(2, 3)),
    lambda lib: lib.nn.Conv1d(3, 2, 1)(lib.ones(1, 3, 2, dtype=lib.float64)),
    lambda lib: lib.nn.functional.conv1d(lib.ones(1, 3, 2, dtype=lib.float64), lib.ones(2, 3, 1)),
    lambda lib: lib.nn.functional.local_response_norm(lib.ones(2, 3), 2),
    lambda lib: lib.nn.functional.affine_grid(lib.ones(1, 3, 3), [1, 1, 3, 3], align_corners=False),
])
def test_error_messages(call):
    with pytest.raises(Exception) as te:
        call(torch)
    with pytest.raises(type(te.value)) as ee:
        call(ember)
    assert str(ee.value) == str(te.value)


@pytest.mark.parametrize("name", ["max_pool1d_with_indices", "max_pool2d_with_indices", "max_pool3d_with_indices"])
def test_with_indices_signatures(name):
    import inspect

    def params(f):
        return [(p.name, p.default) for p in inspect.signature(f).parameters.values()]
    assert params(getattr(EF, name)) == params(getattr(TF, name))


@pytest.mark.parametrize("name,args", [("relu6", ()), ("elu", ()), ("selu", ()), ("celu", ()), ("silu", ()),
                                       ("mish", ()), ("hardswish", ()), ("hardsigmoid", ()), ("hardtanh", ()),
                                       ("leaky_relu", ()), ("rrelu", ()), ("threshold", (0.1, 0.2))])
def test_inplace_activation_on_leaf_that_requires_grad(name, args):
    x = _x(3)
    _same_error(lambda: getattr(TF, name)(torch.tensor(x, requires_grad=True), *args, inplace=True),
                lambda: getattr(EF, name)(ember.tensor(x, requires_grad=True), *args, inplace=True))
    with torch.no_grad():
        t = getattr(TF, name)(torch.tensor(x, requires_grad=True), *args, inplace=True)
    with ember.no_grad():
        e = getattr(EF, name)(ember.tensor(x, requires_grad=True), *args, inplace=True)
    if name != "rrelu":
        np.testing.assert_allclose(e.detach().numpy(), t.detach().numpy(), rtol=1e-6)


@pytest.mark.parametrize("name", ["dropout", "alpha_dropout", "dropout2d", "feature_alpha_dropout"])
@pytest.mark.parametrize("p", [0.0, 0.5, 1.0])
def test_dropout_integer_input(name, p):
    def run(lib):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                return str(getattr(lib.nn.functional, name)(lib.ones(2, 3, 4).long(), p, training=True).dtype)
            except RuntimeError as e:
                return str(e)
    assert run(ember) == run(torch)


@pytest.mark.parametrize("call", [
    lambda F, lib: F.conv_transpose2d(lib.ones(1, 1, 3, 3), lib.ones(1, 1, 2, 3), stride=(1, 2), padding=2),
    lambda F, lib: F.conv_transpose1d(lib.ones(1, 1, 3), lib.ones(1, 1, 2), padding=2),
    lambda F, lib: F.conv_transpose3d(lib.ones(1, 1, 3, 3, 3), lib.ones(1, 1, 2, 2, 2), padding=(2, 0, 0)),
    lambda F, lib: F.conv_transpose2d(lib.ones(1, 1, 1, 1), lib.ones(1, 1, 1, 1), stride=2, padding=1),
    lambda F, lib: F.avg_pool3d(lib.ones(1, 1, 2, 5, 5), (4, 2, 4), (3, 3, 1), (2, 1, 0)),
    lambda F, lib: F.max_pool2d(lib.ones(1, 1, 6, 5), 3, 3, (1, 2), (1, 2)),
    lambda F, lib: F.max_pool2d(lib.ones(1, 1, 6, 5), 3, 3, (1, 2), (1, 2), return_indices=True),
    lambda F, lib: F.max_pool1d(lib.ones(1, 1, 4), 3, 2, 2, 2),
    lambda F, lib: F.max_pool1d(lib.ones(1, 1, 4), 3, 2, 2, 2, return_indices=True),
    lambda F, lib: F.max_pool3d(lib.ones(1, 1, 5, 6, 6), (4, 3, 1), (3, 2, 2), (1, 2, 0), (1, 2, 2)),
])
def test_window_size_errors(call):
    e = _same_error(lambda: call(TF, torch), lambda: call(EF, ember))
    with pytest.raises(RuntimeError, match=str(e).split(",")[0].replace("(", r"\(").replace(")", r"\)")):
        call(EF, ember)


def test_conv_transpose_empty_output_from_unit_input():
    t = TF.conv_transpose2d(torch.ones(2, 1, 1, 1), torch.ones(1, 1, 3, 2), stride=(2, 3), padding=(1, 2),
                            output_padding=(0, 1), dilation=(1, 2))
    e = EF.conv_transpose2d(ember.ones(2, 1, 1, 1), ember.ones(1, 1, 3, 2), stride=(2, 3), padding=(1, 2),
                            output_padding=(0, 1), dilation=(1, 2))
    assert tuple(e.shape) == tuple(t.shape) == (2, 1, 1, 0)


@pytest.mark.parametrize("args", [lambda lib: (lib.ones(3), None, None, None, None, True),
                                  lambda lib: (lib.ones(3), lib.zeros(3), lib.ones(3)),
                                  lambda lib: (lib.ones(3), None, None, lib.ones(3), None, True),
                                  lambda lib: (lib.ones(3), None, None, None, lib.ones(2), True),
                                  lambda lib: (lib.tensor(1.0), None, None, None, None, True)])
def test_batch_norm_without_channel_dim(args):
    e = _same_error(lambda: TF.batch_norm(*args(torch)), lambda: EF.batch_norm(*args(ember)))
    with pytest.raises(type(e)) as ee:
        EF.batch_norm(*args(ember))
    assert str(ee.value) == str(e)


@pytest.mark.parametrize("offsets", [lambda lib: lib.tensor([0]), lambda lib: [0]])
def test_embedding_bag_2d_input_with_offsets_message(offsets):
    e = _same_error(lambda: TF.embedding_bag(torch.tensor([[1]]), torch.ones(3, 2), offsets(torch)),
                    lambda: EF.embedding_bag(ember.tensor([[1]]), ember.ones(3, 2), offsets(ember)))
    with pytest.raises(ValueError) as ee:
        EF.embedding_bag(ember.tensor([[1]]), ember.ones(3, 2), offsets(ember))
    assert str(ee.value) == str(e)


def test_layer_norm_shape_must_be_a_sequence():
    e = _same_error(lambda: TF.layer_norm(torch.ones(2, 5), 5), lambda: EF.layer_norm(ember.ones(2, 5), 5))
    assert isinstance(e, TypeError)
    _same_error(lambda: torch.layer_norm(torch.ones(2, 5), 5), lambda: ember.layer_norm(ember.ones(2, 5), 5))
    assert EF.layer_norm(ember.ones(2, 5), [5]).shape == (2, 5)
