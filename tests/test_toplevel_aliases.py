"""Top-level NN functions (torch.conv2d, torch.batch_norm, torch.kl_div, torch.lstm_cell ...):
forward and gradients against PyTorch with the same inputs and torch's top-level signatures."""
import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")

R = np.random.default_rng(0)


def a(*shape, lo=-2.0, hi=2.0):
    return R.uniform(lo, hi, size=shape)


class I:
    """An array argument without gradient (integer unless it is given as floats)."""

    def __init__(self, v):
        v = np.asarray(v)
        self.v = v if v.dtype.kind == "f" else v.astype(np.int64)


def _conv(lib, x, grad, leaves):
    if isinstance(x, I):
        return lib.from_numpy(x.v.copy()) if lib is torch else ember.from_numpy(x.v.copy())
    if isinstance(x, np.ndarray):
        t = (torch.from_numpy(x.copy()) if lib is torch else ember.from_numpy(x.copy()))
        if grad:
            t.requires_grad_(True)
            leaves.append(t)
        return t
    if isinstance(x, (list, tuple)) and any(isinstance(v, (np.ndarray, I)) for v in x):
        return type(x)(_conv(lib, v, grad, leaves) for v in x)
    return x


def _flat(out):
    if isinstance(out, (tuple, list)):
        return [o for x in out for o in _flat(x)]
    return [out]


def check(name, *args, grad=True, rtol=1e-6, atol=1e-7, **kwargs):
    results = {}
    for lib in (ember, torch):
        leaves = []
        cargs = [_conv(lib, x, grad, leaves) for x in args]
        out = getattr(lib, name)(*cargs, **kwargs)
        outs = _flat(out)
        grads = []
        if grad and leaves:
            diff = [o for o in outs if o.requires_grad]
            assert diff, name
            total = sum((o * lib.from_numpy(np.cos(np.arange(o.numel(), dtype=np.float64))
                                            .reshape(tuple(o.shape)))).sum() for o in diff)
            gs = lib.autograd.grad(total, leaves, allow_unused=True)
            grads = [None if g is None else g.detach().numpy() for g in gs]
        results[lib] = ([o.detach().numpy() for o in outs], grads)
    (eo, eg), (to, tg) = results[ember], results[torch]
    assert len(eo) == len(to)
    for e, t in zip(eo, to):
        assert e.shape == t.shape and e.dtype == t.dtype, (name, e.shape, t.shape, e.dtype, t.dtype)
        np.testing.assert_allclose(e, t, rtol=rtol, atol=atol, err_msg=name)
    for e, t in zip(eg, tg):
        if t is None:
            assert e is None or not np.any(e), name
        else:
            np.testing.assert_allclose(e, t, rtol=1e-5, atol=1e-6, err_msg=f"{name} grad")


CASES = [
    ("conv1d", (a(2, 3, 7), a(4, 3, 3), a(4)), dict(stride=2, padding=1)),
    ("conv1d", (a(2, 4, 7), a(4, 2, 3)), dict(groups=2, dilation=2)),
    ("conv2d", (a(1, 2, 5, 5), a(3, 2, 3, 3), a(3), 1, 1), {}),
    ("conv3d", (a(1, 2, 4, 4, 4), a(2, 2, 2, 2, 2)), dict(stride=2)),
    ("conv_transpose1d", (a(1, 2, 4), a(2, 3, 3), a(3), 2, 1, 1), {}),
    ("conv_transpose2d", (a(1, 2, 3, 3), a(2, 2, 2, 2)), dict(stride=2)),
    ("conv_transpose3d", (a(1, 1, 2, 2, 2), a(1, 2, 2, 2, 2)), {}),
    ("convolution", (a(1, 2, 5, 5), a(3, 2, 3, 3), a(3), [1, 1], [1, 1], [1, 1], False, [0, 0], 1), {}),
    ("convolution", (a(1, 2, 4), a(2, 3, 3), None, [2], [1], [1], True, [1], 1), {}),
    ("conv_tbc", (a(6, 2, 3), a(3, 3, 4), a(4), 1), {}),
    ("batch_norm", (a(4, 3, 2), a(3), a(3), None, None, True, 0.1, 1e-5, False), {}),
    ("batch_norm", (a(4, 3), None, None, I(np.full(3, 0.5)),
                    I(np.full(3, 2.0)), False, 0.1, 1e-5, False), {}),
    ("instance_norm", (a(2, 3, 5), a(3), a(3), None, None, True, 0.1, 1e-5, False), {}),
    ("layer_norm", (a(2, 3, 4), [3, 4], a(3, 4), a(3, 4)), {}),
    ("layer_norm", (a(2, 4), (4,)), dict(eps=1e-3)),
    ("group_norm", (a(2, 4, 3), 2, a(4), a(4)), {}),
    ("native_layer_norm", (a(2, 3, 4), [4], a(4), a(4), 1e-5), {}),
    ("native_group_norm", (a(2, 4, 3), a(4), a(4), 2, 4, 3, 2, 1e-5), {}),
    ("embedding", (a(5, 3), I([[0, 4], [2, 2]])), {}),
    ("embedding", (a(5, 3), I([0, 4, 2, 2]), 2), {}),
    ("bilinear", (a(2, 3), a(2, 4), a(5, 3, 4), a(5)), {}),
    ("pixel_shuffle", (a(1, 8, 2, 3), 2), {}),
    ("pixel_unshuffle", (a(1, 2, 4, 6), 2), {}),
    ("max_pool1d", (a(2, 3, 8), 3, 2, 1), {}),
    ("max_pool1d_with_indices", (a(2, 3, 8), 2), {}),
    ("max_pool2d", (a(1, 2, 5, 5), 2), dict(ceil_mode=True)),
    ("max_pool3d", (a(1, 1, 4, 4, 4), 2, (), 0, 1, False), {}),
    ("avg_pool1d", (a(2, 3, 7), 3, 2, 1), dict(count_include_pad=False)),
    ("adaptive_avg_pool1d", (a(2, 3, 7), 3), {}),
    ("adaptive_max_pool1d", (a(2, 3, 7), 3), {}),
    ("celu", (a(3, 4), 0.7), {}),
    ("selu", (a(3, 4),), {}),
    ("rrelu", (a(3, 4), 0.1, 0.3), {}),
    ("threshold", (a(3, 4), 0.2, -1.0), {}),
    ("binary_cross_entropy_with_logits", (a(3, 4), a(3, 4, lo=0, hi=1), I(a(4)), I(a(4, lo=0.5, hi=2)), 1), {}),
    ("binary_cross_entropy_with_logits", (a(3, 4), a(3, 4, lo=0, hi=1)), dict(reduction=0)),
    ("cosine_embedding_loss", (a(3, 4), a(3, 4), np.array([1., -1., 1.]), 0.1, 2), {}),
    ("hinge_embedding_loss", (a(3, 4), np.sign(a(3, 4)), 0.5, 0), {}),
    ("kl_div", (a(3, 4), a(3, 4, lo=0.1, hi=1)), dict(reduction=2)),
    ("kl_div", (a(3, 4), a(3, 4)), dict(log_target=True)),
    ("margin_ranking_loss", (a(5), a(5), np.array([1., -1., 1., 1., -1.]), 0.3), {}),
    ("poisson_nll_loss", (a(3, 4), a(3, 4, lo=0, hi=3), True, True, 1e-8, 1), {}),
    ("poisson_nll_loss", (a(3, 4, lo=0.1, hi=3), a(3, 4, lo=0, hi=3), False, False, 1e-8, 2), {}),
    ("triplet_margin_loss", (a(3, 4), a(3, 4), a(3, 4), 1.0, 2.0, 1e-6, True, 1), {}),
    ("cosine_similarity", (a(3, 4), a(3, 4), 0), {}),
    ("pairwise_distance", (a(3, 4), a(3, 4), 1.0), dict(keepdim=True)),
    ("constant_pad_nd", (a(2, 3), [1, 2, 0, 1], 0.5), {}),
    ("lstm_cell", (a(2, 3), (a(2, 4), a(2, 4)), a(16, 3), a(16, 4), a(16), a(16)), {}),
    ("gru_cell", (a(2, 3), a(2, 4), a(12, 3), a(12, 4), a(12), a(12)), {}),
    ("rnn_tanh_cell", (a(2, 3), a(2, 4), a(4, 3), a(4, 4), a(4), a(4)), {}),
    ("rnn_relu_cell", (a(2, 3), a(2, 4), a(4, 3), a(4, 4)), {}),
]


# max_pool1d_with_indices and adaptive_max_pool1d live in ember/nn/functional_native.py (another
# branch); their cases run once ember has them
_ELSEWHERE = {"max_pool1d_with_indices", "adaptive_max_pool1d"}


@pytest.mark.parametrize("name,args,kwargs", CASES, ids=[c[0] for c in CASES])
def test_parity(name, args, kwargs):
    if name in _ELSEWHERE and not hasattr(ember, name):
        pytest.skip(f"ember.{name} comes from another branch")
    check(name, *args, **kwargs)


def _rnn_params(gates, I_, H, layers, dirs, bias):
    ps = []
    for layer in range(layers):
        for _ in range(dirs):
            ins = I_ if layer == 0 else H * dirs
            ps += [a(gates * H, ins), a(gates * H, H)]
            if bias:
                ps += [a(gates * H), a(gates * H)]
    return ps


@pytest.mark.parametrize("bidir,batch_first,bias", [(False, False, True), (True, True, False)])
def test_multilayer_rnns(bidir, batch_first, bias):
    dirs = 2 if bidir else 1
    x = a(2, 5, 3) if batch_first else a(5, 2, 3)
    check("lstm", x, (a(2 * dirs, 2, 4), a(2 * dirs, 2, 4)), _rnn_params(4, 3, 4, 2, dirs, bias), bias, 2,
          0.0, False, bidir, batch_first)
    check("gru", x, a(2 * dirs, 2, 4), _rnn_params(3, 3, 4, 2, dirs, bias), bias, 2, 0.0, False, bidir,
          batch_first)
    for name in ("rnn_tanh", "rnn_relu"):
        check(name, x, a(dirs, 2, 4), _rnn_params(1, 3, 4, 1, dirs, bias), bias, 1, 0.0, True, bidir,
              batch_first)


def test_packed_overload():
    data = a(6, 3)  # batch sizes 3, 2, 1
    check("gru", data, I([3, 2, 1]), a(1, 3, 4), _rnn_params(3, 3, 4, 1, 1, True), True, 1, 0.0, False, False)


def test_native_batch_norm_and_dropout_shapes():
    x = a(4, 3, 2)
    for lib in (ember, torch):
        rm, rv = lib.zeros(3, dtype=lib.float64), lib.ones(3, dtype=lib.float64)
        out = lib.native_batch_norm(lib.from_numpy(x.copy()), None, None, rm, rv, True, 0.1, 1e-5)
        ev = lib.native_batch_norm(lib.from_numpy(x.copy()), None, None, rm, rv, False, 0.1, 1e-5)
        if lib is ember:
            e = [o.numpy() for o in out] + [rm.numpy(), rv.numpy()] + [tuple(o.shape) for o in ev]
        else:
            t = [o.numpy() for o in out] + [rm.numpy(), rv.numpy()] + [tuple(o.shape) for o in ev]
    for u, v in zip(e, t):
        if isinstance(u, tuple):
            assert u == v
        else:
            np.testing.assert_allclose(u, v, rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("name", ["dropout", "alpha_dropout", "feature_dropout", "feature_alpha_dropout"])
def test_dropouts(name):
    x = np.ones((200, 50, 3), np.float32)
    for lib in (ember, torch):
        out = getattr(lib, name)(lib.from_numpy(x.copy()), 0.3, True)
        o = out.numpy()
        assert o.dtype == np.float32
        if lib is torch:
            ref = o
        else:
            em = o
        assert np.array_equal(getattr(lib, name)(lib.from_numpy(x.copy()), 0.3, False).numpy(), x)
        with pytest.raises(RuntimeError):
            getattr(lib, name)(lib.ones(3), 1.5, True)
        with pytest.raises(TypeError):
            getattr(lib, name)(lib.ones(3), 0.5)
        y = lib.from_numpy(x.copy())
        assert getattr(lib, name + "_")(y, 0.3, True) is y
        assert not np.array_equal(y.numpy(), x)
    # same set of values and the same rate of dropped elements (up to sampling)
    assert np.allclose(np.unique(em), np.unique(ref), rtol=1e-6)
    assert abs((em == em.min()).mean() - (ref == ref.min()).mean()) < 0.05
    if name.startswith("feature"):
        assert np.all(em == em[:, :, :1]), "one mask value per (N, C)"
        with pytest.raises(RuntimeError):
            getattr(ember, name)(ember.ones(3), 0.5, True)


def test_loss_reduction_codes():
    """At the top level torch 2.13 reduces nothing unless ``reduction`` is given (1 mean, 2 sum);
    other codes reduce nothing either."""
    x, y = a(3, 4), a(3, 4, lo=0.1, hi=1)
    for args in ((), (1,), (2,), (5,)):
        check("kl_div", x, y, *args)
        check("hinge_embedding_loss", x, np.sign(y - 0.5), 1.0, *args)


def test_native_dropout():
    out, mask = ember.native_dropout(ember.ones(1000), 0.25, True)
    tout, tmask = torch.native_dropout(torch.ones(1000), 0.25, True)
    assert mask.dtype == ember.bool and tmask.dtype == torch.bool
    assert set(np.unique(out.numpy())) <= {0.0, np.float32(1 / 0.75)}
    assert abs(mask.float().mean().item() - 0.75) < 0.06


def test_embedding_renorm_():
    w = a(5, 3) * 3
    i = np.array([0, 2, 2, 4])
    ew, tw = ember.from_numpy(w.copy()), torch.from_numpy(w.copy())
    assert ember.embedding_renorm_(ew, ember.from_numpy(i), 1.5, 2.0) is ew
    torch.embedding_renorm_(tw, torch.from_numpy(i), 1.5, 2.0)
    np.testing.assert_allclose(ew.numpy(), tw.numpy(), rtol=1e-6)


def test_inplace_activations():
    for name in ("celu_", "selu_", "relu_", "rrelu_"):
        x = a(3, 4)
        e, t = ember.from_numpy(x.copy()), torch.from_numpy(x.copy())
        assert getattr(ember, name)(e) is e
        getattr(torch, name)(t)
        np.testing.assert_allclose(e.numpy(), t.numpy(), rtol=1e-6, err_msg=name)
    x = a(3, 4)
    e, t = ember.from_numpy(x.copy()), torch.from_numpy(x.copy())
    ember.threshold_(e, 0.5, 9.0)
    torch.threshold_(t, 0.5, 9.0)
    np.testing.assert_allclose(e.numpy(), t.numpy())


@pytest.mark.parametrize("call", [
    lambda L: L.conv_tbc(L.ones(3, 2), L.ones(2, 2, 2), L.ones(2)),
    lambda L: L.constant_pad_nd(L.ones(2), [1]),
    lambda L: L.constant_pad_nd(L.ones(2), [1, 1, 1, 1]),
    lambda L: L.lstm_cell(L.ones(2, 3), (L.ones(2, 4),), L.ones(16, 3), L.ones(16, 4)),
    lambda L: L.lstm_cell(L.ones(3), (L.ones(4), L.ones(4)), L.ones(16, 3), L.ones(16, 4)),
    lambda L: L.rnn_tanh_cell(L.ones(2, 3), L.ones(3, 4), L.ones(4, 3), L.ones(4, 4)),
    lambda L: L.gru_cell(L.ones(2, 5), L.ones(2, 4), L.ones(12, 3), L.ones(12, 4)),
])
def test_errors(call):
    with pytest.raises(Exception) as te:
        call(torch)
    with pytest.raises(type(te.value)):
        call(ember)


@pytest.mark.parametrize("name", ["abs_", "cos_", "sin_", "exp_", "log_", "neg_", "sqrt_", "rsqrt_", "sigmoid_",
                                  "tanh_", "square_", "reciprocal_", "zero_"])
def test_toplevel_inplace(name):
    x = a(3, 4, lo=0.1, hi=2).astype(np.float32)
    e, t = ember.from_numpy(x.copy()), torch.from_numpy(x.copy())
    assert getattr(ember, name)(e) is e
    getattr(torch, name)(t)
    np.testing.assert_allclose(e.numpy(), t.numpy(), rtol=1e-6)
    leaf = ember.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError):  # as torch: a leaf that requires grad
        getattr(ember, name)(leaf)


def test_fill_and_detach_grad():
    for lib in (ember, torch):
        x = lib.ones(3, requires_grad=True)
        v = lib.tensor(2.0, requires_grad=True)
        out = lib.fill(x, v)
        (out * lib.tensor([1.0, 2.0, 3.0])).sum().backward()
        assert v.grad.item() == 6.0
        assert x.grad is None or not x.grad.any()
        y = x * 2
        assert lib.detach_(y) is y and not y.requires_grad
