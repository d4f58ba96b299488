"""nn.init: gains, fans and the distributions each initialiser draws from (vs PyTorch)."""
import math

import numpy as np
import pytest

import ember
import ember.nn.init as init

torch = pytest.importorskip("torch")


@pytest.mark.parametrize("nl,param", [("linear", None), ("conv2d", None), ("sigmoid", None), ("tanh", None),
                                      ("relu", None), ("leaky_relu", None), ("leaky_relu", 0.2), ("selu", None)])
def test_calculate_gain(nl, param):
    assert init.calculate_gain(nl, param) == pytest.approx(torch.nn.init.calculate_gain(nl, param))


def test_fans_match():
    for shape in [(3, 4), (8, 3, 5, 5), (2, 6, 3)]:
        ours = init._calculate_fan_in_and_fan_out(ember.empty(shape))
        theirs = torch.nn.init._calculate_fan_in_and_fan_out(torch.empty(shape))
        assert ours == theirs
    with pytest.raises(ValueError):
        init._calculate_fan_in_and_fan_out(ember.empty(3))


def _stats(t):
    a = t.numpy().ravel()
    return a.min(), a.max(), a.mean(), a.std()


@pytest.mark.parametrize("fn,kw,bound,std", [
    ("uniform_", dict(a=-2.0, b=3.0), (-2.0, 3.0), 5 / math.sqrt(12)),
    ("normal_", dict(mean=1.0, std=0.5), None, 0.5),
    ("xavier_uniform_", dict(gain=2.0), (-2 * math.sqrt(6 / 600), 2 * math.sqrt(6 / 600)), None),
    ("xavier_normal_", {}, None, math.sqrt(2 / 600)),
    ("kaiming_uniform_", dict(a=math.sqrt(5)), (-1 / math.sqrt(200), 1 / math.sqrt(200)), None),
    ("kaiming_normal_", dict(mode="fan_out", nonlinearity="relu"), None, math.sqrt(2 / 400)),
    ("trunc_normal_", dict(std=0.02, a=-0.04, b=0.04), (-0.04, 0.04), None),
])
def test_distributions(fn, kw, bound, std):
    t = ember.empty(400, 200)
    getattr(init, fn)(t, **kw)
    lo, hi, mean, sd = _stats(t)
    if bound is not None:
        assert bound[0] - 1e-7 <= lo and hi <= bound[1] + 1e-7
        assert hi - lo > 0.9 * (bound[1] - bound[0])
    if std is not None:
        assert sd == pytest.approx(std, rel=0.03)
    assert t.dtype == ember.float32


def test_deterministic_fills_and_orthogonal():
    assert init.ones_(ember.empty(3)).tolist() == [1.0, 1.0, 1.0]
    assert init.zeros_(ember.empty(2)).tolist() == [0.0, 0.0]
    assert init.constant_(ember.empty(2), 0.25).tolist() == [0.25, 0.25]
    np.testing.assert_array_equal(init.eye_(ember.empty(2, 3)).numpy(), torch.nn.init.eye_(torch.empty(2, 3)).numpy())
    np.testing.assert_array_equal(init.dirac_(ember.empty(4, 2, 3, 3), groups=2).numpy(),
                                  torch.nn.init.dirac_(torch.empty(4, 2, 3, 3), groups=2).numpy())
    w = init.orthogonal_(ember.empty(5, 8), gain=2.0).numpy()
    np.testing.assert_allclose(w @ w.T, 4 * np.eye(5), atol=1e-5)
    s = init.sparse_(ember.empty(10, 4), 0.3)
    assert ((s.numpy() == 0).sum(0) >= 3).all()


def test_generator_argument_is_reproducible():
    g1, g2 = ember.Generator().manual_seed(7), ember.Generator().manual_seed(7)
    a = init.normal_(ember.empty(5), generator=g1)
    b = init.normal_(ember.empty(5), generator=g2)
    assert a.tolist() == b.tolist()


def test_init_outside_the_graph():
    w = ember.nn.Parameter(ember.empty(3, 3))
    init.xavier_uniform_(w)
    assert w.is_leaf and w.requires_grad and w.grad_fn is None


def test_every_layer_initialised_like_pytorch():
    cases = [("Linear", (30, 20)), ("Conv2d", (3, 8, 3)), ("Conv1d", (4, 6, 5)), ("ConvTranspose2d", (6, 4, 3)),
             ("Bilinear", (5, 6, 7)), ("Embedding", (50, 8)), ("BatchNorm2d", (5,)), ("LayerNorm", (6,)),
             ("GroupNorm", (2, 6)), ("PReLU", ())]
    for name, args in cases:
        ours = getattr(ember.nn, name)(*args)
        theirs = getattr(torch.nn, name)(*args)
        for (n1, p1), (n2, p2) in zip(ours.named_parameters(), theirs.named_parameters()):
            a, b = p1.detach().numpy(), p2.detach().numpy()
            assert n1 == n2 and a.shape == b.shape and a.dtype == b.dtype
            # same distribution: same range and spread (values differ: different random streams)
            if b.std() == 0:
                np.testing.assert_array_equal(a, b)
            elif b.size >= 50:  # same range and spread as torch's draw (a normal draw's range: 5 sigma)
                assert abs(a).max() <= max(abs(b).max() * 1.5, 5 * b.std()) + 1e-6, (name, n1)
                assert a.std() == pytest.approx(b.std(), rel=0.5), (name, n1)
            else:  # a handful of bias values: check PyTorch's bound U(-1/sqrt(fan_in), 1/sqrt(fan_in))
                w = theirs.weight
                fan_in = w.shape[1] if name == "Bilinear" else w[0].numel()
                assert abs(a).max() <= 1 / np.sqrt(fan_in) + 1e-6, (name, n1)
