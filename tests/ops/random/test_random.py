"""Random sampling: shapes, dtypes, reproducibility, generator independence, loose
distribution checks, and errors matching PyTorch (ember's streams are not torch's)."""
import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")


def _gen(seed=0):
    return ember.Generator().manual_seed(seed)


def _same_error(fe, ft, message=True):
    with pytest.raises(Exception) as et:
        ft(torch)
    with pytest.raises(Exception) as ee:
        fe(ember)
    assert type(ee.value) is type(et.value), (ee.value, et.value)
    if message:
        assert str(ee.value) == str(et.value)


# ------------------------------------------------------------------ factories
@pytest.mark.parametrize("fn", ["rand", "randn"])
def test_rand_randn_shapes_dtypes(fn):
    f = getattr(ember, fn)
    assert f(2, 3).shape == (2, 3) and f(2, 3).dtype == ember.float32
    assert f((2, 3)).shape == (2, 3) and f([4]).shape == (4,) and f(size=(1, 2)).shape == (1, 2)
    assert f([]).shape == () and f(0).shape == (0,)
    for dt in (ember.float64, ember.float16, ember.bfloat16, ember.complex64, ember.complex128):
        assert f(5, dtype=dt).dtype is dt
    x = f(3, requires_grad=True)
    assert x.requires_grad and x.is_leaf
    assert repr(f(2, generator=_gen()).shape) == "torch.Size([2])"


def test_rand_range_and_float32_stream():
    x = ember.rand(10000, generator=_gen(3))
    assert x.dtype == ember.float32 and float(x.min()) >= 0 and float(x.max()) < 1
    assert abs(float(x.mean()) - 0.5) < 0.02 and abs(float(x.std()) - 12 ** -0.5) < 0.02
    z = ember.randn(10000, generator=_gen(4))
    assert abs(float(z.mean())) < 0.03 and abs(float(z.std()) - 1) < 0.03
    for dt in (ember.float16, ember.bfloat16):      # (rounded from float32 draws, as torch: 1.0 can occur)
        h = ember.rand(5000, dtype=dt, generator=_gen(1)).float()
        assert float(h.min()) >= 0 and float(h.max()) <= 1


def test_randn_moments_and_complex():
    z = ember.randn(20000, dtype=ember.float64, generator=_gen(5))
    assert abs(float(z.mean())) < 0.03 and abs(float(z.std()) - 1) < 0.03
    c = ember.randn(20000, dtype=ember.complex64, generator=_gen(6)).numpy()
    assert abs(np.mean(np.abs(c) ** 2) - 1) < 0.05  # unit variance split over the parts
    assert abs(np.std(c.real) - 0.5 ** 0.5) < 0.02


@pytest.mark.parametrize("call", [
    lambda T: T.rand(2, dtype=T.int64), lambda T: T.randn(2, dtype=T.int32),
    lambda T: T.rand(-1), lambda T: T.randn(2, -3),
    lambda T: T.randint(0, 5, (2,), requires_grad=True),
    lambda T: T.rand(2.5),
])
def test_factory_errors(call):
    _same_error(call, call, message=False)


def test_randint_overloads():
    g = _gen(1)
    a = ember.randint(5, (100,), generator=g)
    assert a.dtype == ember.int64 and a.shape == (100,) and 0 <= int(a.min()) and int(a.max()) < 5
    b = ember.randint(3, 8, (2, 50), generator=g)
    assert b.shape == (2, 50) and int(b.min()) >= 3 and int(b.max()) < 8
    assert ember.randint(low=1, high=3, size=(10,)).min() >= 1
    assert ember.randint(4, size=(3,)).shape == (3,)
    f = ember.randint(0, 10, (50,), dtype=ember.float32)
    assert f.dtype == ember.float32 and bool((f == f.round()).all())
    u = ember.randint(250, 256, (50,), dtype=ember.uint8)
    assert u.dtype == ember.uint8 and int(u.min()) >= 250
    assert set(ember.randint(0, 2, (200,), dtype=ember.bool).tolist()) == {False, True}
    assert ember.randint(-5, -4, (3,)).tolist() == [-5, -5, -5]
    assert ember.randint(0, 2 ** 62, (3,)).dtype == ember.int64


@pytest.mark.parametrize("call", [
    lambda T: T.randint(5, 5, (2,)), lambda T: T.randint(5, 2, (2,)),
    lambda T: T.randint(-3, 10, (2,), dtype=T.uint8), lambda T: T.randint(0, 300, (2,), dtype=T.uint8),
    lambda T: T.randint(0, 200, (2,), dtype=T.int8),
])
def test_randint_errors(call):
    _same_error(call, call)


def test_randint_missing_size():
    _same_error(lambda T: T.randint(5), lambda T: T.randint(5), message=False)


def test_randperm():
    p = ember.randperm(50, generator=_gen(2))
    assert p.dtype == ember.int64 and sorted(p.tolist()) == list(range(50))
    assert p.tolist() != list(range(50))
    assert ember.randperm(0).shape == (0,) and ember.randperm(0).dtype == ember.int64
    assert ember.randperm(4, dtype=ember.float32).dtype == ember.float32
    assert sorted(ember.randperm(6, dtype=ember.uint8).tolist()) == list(range(6))
    _same_error(lambda T: T.randperm(-1), lambda T: T.randperm(-1))


def test_like():
    x = ember.zeros(2, 3, dtype=ember.float64)
    for f in (ember.rand_like, ember.randn_like):
        y = f(x)
        assert y.shape == (2, 3) and y.dtype == ember.float64
        assert f(x, dtype=ember.float32).dtype == ember.float32
        assert f(x, requires_grad=True).requires_grad
    r = ember.randint_like(x, 5)
    assert r.dtype == ember.float64 and float(r.max()) < 5
    r = ember.randint_like(ember.zeros(100, dtype=ember.int32), 2, 4)
    assert r.dtype == ember.int32 and set(r.tolist()) <= {2, 3}
    for call in (lambda T: T.rand_like(T.zeros(2, dtype=T.int32)),
                 lambda T: T.randn_like(T.zeros(2, dtype=T.int64))):
        _same_error(call, call)


# ------------------------------------------------------------------ normal
def test_normal_overloads_shapes_dtypes():
    g = _gen(7)
    m, s = ember.zeros(2, 3), ember.ones(3)
    assert ember.normal(m, s, generator=g).shape == (2, 3)
    assert ember.normal(m, 2.0).shape == (2, 3)
    assert ember.normal(1.0, ember.ones(4, dtype=ember.float64)).dtype == ember.float64
    assert ember.normal(2.0, 3.0, (5,)).shape == (5,) and ember.normal(2.0, 3.0, size=(5,)).dtype == ember.float32
    assert ember.normal(0.0, 1.0, (2,), dtype=ember.float64).dtype == ember.float64
    assert ember.normal(0.0, 1.0, (2,), requires_grad=True).requires_grad
    x = ember.normal(3.0, 2.0, (20000,), generator=g)
    assert abs(float(x.mean()) - 3) < 0.06 and abs(float(x.std()) - 2) < 0.06
    y = ember.normal(ember.full((20000,), -1.0), ember.full((20000,), 0.5), generator=g)
    assert abs(float(y.mean()) + 1) < 0.02 and abs(float(y.std()) - 0.5) < 0.02
    # std = 0 gives the mean exactly
    assert ember.normal(ember.arange(3.), 0.0).tolist() == [0.0, 1.0, 2.0]


@pytest.mark.parametrize("make", [
    lambda T, m, s: T.normal(m, s), lambda T, m, s: T.normal(m, 1.5), lambda T, m, s: T.normal(0.5, s)])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_normal_backward_matches_torch(make, dtype):
    res = {}
    for T in (torch, ember):
        dt = getattr(T, dtype)
        m = T.zeros(2, 3, dtype=dt, requires_grad=True)
        s = T.ones(3, dtype=dt, requires_grad=True)
        y = make(T, m, s)
        (y * 3).sum().backward()
        res[T.__name__] = (type(y.grad_fn).__name__ if T is torch else y.grad_fn.name(), y.dtype,
                           None if m.grad is None else m.grad.tolist(),
                           None if s.grad is None else s.grad.tolist())
    assert res["ember"][0] == res["torch"][0]
    assert str(res["ember"][1]) == str(res["torch"][1])
    assert res["ember"][2:] == res["torch"][2:]


@pytest.mark.parametrize("call", [
    lambda T: T.normal(0., -1., (2,)), lambda T: T.normal(T.zeros(2), -1.),
    lambda T: T.normal(T.zeros(2), T.tensor([1., -1.])),
    lambda T: T.normal(T.zeros(2, 3), T.ones(4)),
    lambda T: T.normal(T.zeros(2, dtype=T.int64), 1.),
])
def test_normal_errors(call):
    _same_error(call, call)


def test_normal_needs_size():
    _same_error(lambda T: T.normal(0., 1.), lambda T: T.normal(0., 1.), message=False)


# ------------------------------------------------------------------ bernoulli, multinomial, poisson
def test_bernoulli():
    p = ember.tensor([0., 1., 0.5, 1.])
    assert ember.bernoulli(p).tolist()[:2] == [0.0, 1.0]
    x = ember.bernoulli(ember.full((20000,), 0.3), generator=_gen(1))
    assert x.dtype == ember.float32 and abs(float(x.mean()) - 0.3) < 0.02
    assert ember.bernoulli(ember.zeros(3, dtype=ember.float64)).dtype == ember.float64
    assert ember.bernoulli(ember.zeros(3), 1.0).tolist() == [1.0, 1.0, 1.0]
    assert ember.bernoulli(ember.zeros(3), p=0.0).tolist() == [0.0, 0.0, 0.0]
    assert ember.tensor([0., 1.]).bernoulli().tolist() == [0.0, 1.0]
    for T in (torch, ember):  # zero gradient, as torch
        q = T.full((3,), 0.5, requires_grad=True)
        y = T.bernoulli(q)
        y.sum().backward()
        assert q.grad.tolist() == [0.0, 0.0, 0.0]
    assert y.grad_fn.name() == "BernoulliBackward0"


@pytest.mark.parametrize("call", [
    lambda T: T.bernoulli(T.tensor([0., 1., 1.5])), lambda T: T.bernoulli(T.zeros(3), p=1.5),
    lambda T: T.bernoulli(T.zeros(3, dtype=T.int64)), lambda T: T.zeros(3).bernoulli_(-0.1),
])
def test_bernoulli_errors(call):
    _same_error(call, call)


def test_multinomial():
    g = _gen(3)
    w = ember.tensor([1., 0., 3.])
    s = ember.multinomial(w, 4000, replacement=True, generator=g)
    assert s.dtype == ember.int64 and s.shape == (4000,)
    c = np.bincount(s.numpy(), minlength=3)
    assert c[1] == 0 and abs(c[2] / 4000 - 0.75) < 0.03
    nr = ember.multinomial(ember.ones(2, 10), 10, generator=g)
    assert nr.shape == (2, 10) and all(sorted(r) == list(range(10)) for r in nr.tolist())
    assert ember.multinomial(ember.tensor([0., 1., 0.]), 1).tolist() == [1]
    assert ember.multinomial(ember.ones(0, 3), 2).shape == (0, 2)
    assert ember.multinomial(ember.tensor([0., 0., 5., 0.]), 3, True).tolist() == [2, 2, 2]
    # without replacement, heavier categories come first more often
    first = [ember.multinomial(ember.tensor([1., 9.]), 2, generator=g).tolist()[0] for _ in range(300)]
    assert sum(first) > 240
    assert ember.ones(3).multinomial(2).shape == (2,)


@pytest.mark.parametrize("call", [
    lambda T: T.multinomial(T.tensor([1., 2.]), 3), lambda T: T.multinomial(T.tensor([1., -2.]), 1),
    lambda T: T.multinomial(T.tensor([0., 0.]), 1), lambda T: T.multinomial(T.tensor([1., float("nan")]), 1),
    lambda T: T.multinomial(T.zeros(2, 2, 2), 1), lambda T: T.multinomial(T.tensor([1, 2]), 1),
    lambda T: T.multinomial(T.tensor([1., 2.]), 0), lambda T: T.multinomial(T.tensor(1.), 1),
    lambda T: T.multinomial(T.ones(2, 0), 2),
])
def test_multinomial_errors(call):
    _same_error(call, call)


def test_poisson():
    x = ember.poisson(ember.full((20000,), 4.0), generator=_gen(2))
    assert x.dtype == ember.float32 and abs(float(x.mean()) - 4) < 0.08
    assert bool((x == x.round()).all())
    assert ember.poisson(ember.zeros(3, dtype=ember.float64)).dtype == ember.float64
    for call in (lambda T: T.poisson(T.tensor([1, 2])), lambda T: T.poisson(T.tensor([-1., 2.]))):
        _same_error(call, call)


# ------------------------------------------------------------------ in-place samplers
def test_inplace_samplers_distributions():
    g = _gen(11)
    n = 20000
    u = ember.empty(n).uniform_(-2, 3, generator=g)
    assert float(u.min()) >= -2 and float(u.max()) < 3 and abs(float(u.mean()) - 0.5) < 0.05
    z = ember.empty(n, dtype=ember.float64).normal_(1.0, 0.5, generator=g)
    assert abs(float(z.mean()) - 1) < 0.02 and abs(float(z.std()) - 0.5) < 0.02
    b = ember.empty(n).bernoulli_(0.25, generator=g)
    assert set(b.tolist()) == {0.0, 1.0} and abs(float(b.mean()) - 0.25) < 0.02
    bt = ember.empty(2, 3).bernoulli_(ember.tensor([0., 1., 1.]))
    assert bt.tolist() == [[0.0, 1.0, 1.0]] * 2
    e = ember.empty(n).exponential_(2.0, generator=g)
    assert float(e.min()) >= 0 and abs(float(e.mean()) - 0.5) < 0.02
    ge = ember.empty(n).geometric_(0.25, generator=g)
    assert float(ge.min()) >= 1 and abs(float(ge.mean()) - 4) < 0.15
    gi = ember.zeros(5, dtype=ember.int64).geometric_(0.5)
    assert gi.dtype == ember.int64 and int(gi.min()) >= 1
    c = ember.empty(n).cauchy_(1.0, 2.0, generator=g)
    assert abs(float(c.median()) - 1) < 0.1 if hasattr(c, "median") else True
    ln = ember.empty(n, dtype=ember.float64).log_normal_(0.0, 0.5, generator=g)
    assert float(ln.min()) > 0 and abs(float(ln.log().mean())) < 0.02


def test_random_():
    f = ember.zeros(1000).random_()
    assert float(f.min()) >= 0 and float(f.max()) <= 2 ** 24 and bool((f == f.round()).all())
    assert set(ember.zeros(100, dtype=ember.bool).random_().tolist()) == {False, True}
    u = ember.zeros(1000, dtype=ember.uint8).random_()
    assert int(u.max()) > 200
    r = ember.zeros(100).random_(5)
    assert set(r.tolist()) <= {0., 1., 2., 3., 4.}
    r = ember.zeros(100, dtype=ember.int32).random_(2, 5)
    assert set(r.tolist()) <= {2, 3, 4} and r.dtype == ember.int32
    assert ember.zeros(10, dtype=ember.int64).random_(0, to=3).max() < 3
    i = ember.zeros(1000, dtype=ember.int64).random_()
    assert int(i.min()) >= 0 and int(i.max()) > 2 ** 60


@pytest.mark.parametrize("call", [
    lambda T: T.zeros(3).uniform_(2, 1), lambda T: T.zeros(3, dtype=T.int64).uniform_(0, 1),
    lambda T: T.zeros(3).normal_(0, -1), lambda T: T.zeros(3, dtype=T.int64).normal_(),
    lambda T: T.zeros(3).exponential_(-1), lambda T: T.zeros(3).exponential_(0),
    lambda T: T.zeros(3, dtype=T.int64).exponential_(),
    lambda T: T.zeros(3).geometric_(0), lambda T: T.zeros(3).geometric_(1.5), lambda T: T.zeros(3).geometric_(1),
    lambda T: T.zeros(3).cauchy_(0, -1), lambda T: T.zeros(3).log_normal_(1, -1),
    lambda T: T.zeros(3, dtype=T.int64).log_normal_(),
    lambda T: T.zeros(3).random_(5, 2), lambda T: T.zeros(3, dtype=T.uint8).random_(0, 300),
    lambda T: T.zeros(3, requires_grad=True).uniform_(),
    lambda T: T.zeros(3, requires_grad=True).normal_(),
])
def test_inplace_errors(call):
    _same_error(call, call)


def test_inplace_version_and_views():
    x = ember.zeros(4, 4)
    v0 = x._version
    x.uniform_()
    assert x._version == v0 + 1
    row = x[1]
    row.normal_()
    assert not bool((x[1] == 0).all()) and x[0].tolist() != [0.0] * 4
    x = ember.zeros(4, 4)
    x[:, 0].fill_(0).exponential_()
    assert bool((x[:, 0] > 0).all()) and bool((x[:, 1:] == 0).all())


@pytest.mark.parametrize("method,args", [("uniform_", ()), ("normal_", ()), ("bernoulli_", (0.5,)),
                                         ("exponential_", ()), ("cauchy_", ()), ("log_normal_", ()),
                                         ("geometric_", (0.5,)), ("random_", (0, 5))])
def test_inplace_on_nonleaf_gives_zero_grad(method, args):
    out = {}
    for T in (torch, ember):
        x = T.ones(3, requires_grad=True)
        y = x * 2
        getattr(y, method)(*args)
        name = type(y.grad_fn).__name__ if T is torch else y.grad_fn.name()
        (y * y).sum().backward()
        out[T.__name__] = (name, x.grad.tolist())
    assert out["ember"] == out["torch"]


# ------------------------------------------------------------------ generators and seeding
def test_manual_seed_reproducible():
    ember.manual_seed(123)
    a = (ember.rand(5), ember.randn(3), ember.randint(0, 100, (4,)), ember.randperm(6),
         ember.empty(3).normal_(), ember.multinomial(ember.ones(5), 3))
    ember.manual_seed(123)
    b = (ember.rand(5), ember.randn(3), ember.randint(0, 100, (4,)), ember.randperm(6),
         ember.empty(3).normal_(), ember.multinomial(ember.ones(5), 3))
    for x, y in zip(a, b):
        assert x.tolist() == y.tolist()
    assert ember.initial_seed() == 123
    assert ember.manual_seed(5) is ember.default_generator


def test_generator_independence():
    g1, g2 = _gen(0), _gen(0)
    a = ember.rand(4, generator=g1)
    ember.rand(100)  # the default generator does not disturb g2
    ember.rand(7, generator=_gen(9))
    assert ember.rand(4, generator=g2).tolist() == a.tolist()
    assert ember.rand(4, generator=g1).tolist() != a.tolist()
    ember.manual_seed(1)
    d1 = ember.rand(3)
    ember.manual_seed(1)
    ember.rand(3, generator=g1)  # a private generator leaves the default stream alone
    assert ember.rand(3).tolist() == d1.tolist()
    assert _gen(1).initial_seed() == 1 and ember.rand(3, generator=_gen(1)).tolist() != \
        ember.rand(3, generator=_gen(2)).tolist()


def test_generator_state_round_trip():
    g = _gen(42)
    ember.rand(3, generator=g)
    st = g.get_state()
    assert st.dtype == ember.uint8 and st.dim() == 1
    seq = lambda: (ember.rand(5, generator=g).tolist(), ember.randn(5, generator=g).tolist(),  # noqa: E731
                   ember.randint(0, 9, (5,), generator=g).tolist(),
                   ember.empty(5, dtype=ember.float64).uniform_(generator=g).tolist())
    a = seq()
    g.set_state(st)
    assert seq() == a
    h = ember.Generator().set_state(st)  # a state moves between generators
    assert (ember.rand(5, generator=h).tolist() == a[0]) and h.initial_seed() == 42
    s = ember.get_rng_state()
    x = ember.randn(10)
    ember.set_rng_state(s)
    assert ember.randn(10).tolist() == x.tolist()
    st.add_(0)  # get_state returns a copy: changing it does nothing to the generator
    _same_error(lambda T: T.Generator().set_state(T.zeros(3)), lambda T: T.Generator().set_state(T.zeros(3)))
    with pytest.raises(RuntimeError):
        ember.Generator().set_state(ember.zeros(3, dtype=ember.uint8))


def test_generator_api():
    g = ember.Generator()
    assert g.device == ember.device("cpu") and str(g.device) == "cpu"
    assert g.manual_seed(3) is g and g.initial_seed() == 3
    assert g.manual_seed(-1).initial_seed() == torch.Generator().manual_seed(-1).initial_seed()
    s = g.seed()
    assert isinstance(s, int) and g.initial_seed() == s
    assert isinstance(ember.seed(), int)
    assert ember.Generator().initial_seed() == torch.Generator().initial_seed()
    with pytest.raises(ValueError):
        ember.manual_seed(2 ** 64)
    with pytest.raises(TypeError):
        ember.rand(2, generator=5)


def test_torch_random_module():
    assert ember.random.manual_seed(4) is ember.default_generator and ember.random.initial_seed() == 4
    x = ember.rand(3)
    ember.random.manual_seed(4)
    with ember.random.fork_rng():
        ember.random.manual_seed(99)
        ember.randn(10)
    assert ember.rand(3).tolist() == x.tolist()
    with ember.random.fork_rng(enabled=False):
        ember.rand(1)
    for name in ("manual_seed", "seed", "initial_seed", "get_rng_state", "set_rng_state", "fork_rng"):
        assert hasattr(torch.random, name) and hasattr(ember.random, name)
