"""repr/str of tensors must be byte-identical to PyTorch 2.13's (golden parity)."""
import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")

_DTYPES = ["float32", "float64", "float16", "bfloat16", "int64", "int32", "int16", "int8", "uint8",
           "bool", "complex64", "complex128"]
_OPTS = [dict(precision=2), dict(sci_mode=True), dict(sci_mode=False), dict(linewidth=120),
         dict(profile="short"), dict(threshold=10), dict(edgeitems=1, threshold=5), dict(precision=6),
         dict(linewidth=40), dict(edgeitems=0, threshold=3), dict(profile="full")]


@pytest.fixture(autouse=True)
def _reset_printoptions():
    yield
    torch.set_printoptions(profile="default")
    ember.set_printoptions(profile="default")


def _values(rs, n):
    k = rs.integers(0, 9)
    if k == 0:
        return rs.standard_normal(n)
    if k == 1:
        return rs.integers(-100, 100, n).astype(float)
    if k == 2:
        return rs.standard_normal(n) * 10.0 ** rs.integers(-12, 12)
    if k == 3:
        return np.exp(rs.uniform(-20, 20, n)) * rs.choice([-1, 1], n)
    if k == 4:
        return rs.integers(-10 ** 9, 10 ** 9, n).astype(float)
    if k == 5:
        v, m = rs.standard_normal(n), rs.random(n)
        v[m < .2], v[(m > .2) & (m < .3)], v[(m > .3) & (m < .4)] = np.nan, np.inf, -np.inf
        v[(m > .4) & (m < .5)], v[(m > .5) & (m < .6)] = 0.0, -0.0
        return v
    if k == 6:
        return rs.choice([0., -0., 1., -1., np.nan, np.inf, 1e-5, 12345.], n)
    if k == 7:
        return np.round(rs.standard_normal(n) * 1000, rs.integers(0, 3))
    return rs.uniform(0, 1e-3, n)


def _case(rs):
    nd = int(rs.integers(0, 5))
    r = rs.random()
    hi = 4 if r < 0.15 else 40 if r < 0.3 else 7
    lo = 0 if r < 0.15 else 1
    shape = tuple(int(x) for x in rs.integers(lo, hi, nd))
    if rs.random() < 0.05:
        shape = (int(rs.integers(900, 1200)),)
    dt = _DTYPES[rs.integers(0, len(_DTYPES))]
    n = int(np.prod(shape))
    v = _values(rs, n).reshape(shape)
    with np.errstate(all="ignore"):
        if dt == "bool":
            a = np.asarray(v > 0)
        elif dt.startswith("int") or dt == "uint8":
            info = np.iinfo(dt)
            a = np.clip(np.round(np.nan_to_num(v, nan=0, posinf=0, neginf=0)), info.min, info.max).astype(dt)
        elif dt.startswith("complex"):
            a = (v + 1j * _values(rs, n).reshape(shape)).astype(dt)
        elif dt == "bfloat16":
            a = v.astype(np.float32)
        else:
            a = v.astype(dt)
    a = np.asarray(a)
    tt, et = torch.from_numpy(a.copy()), ember.from_numpy(a.copy())
    if dt == "bfloat16":
        tt, et = tt.to(torch.bfloat16), et.to(ember.bfloat16)
    if rs.random() < 0.25 and a.ndim >= 2:  # a non-contiguous view
        tt, et = tt.transpose(0, -1), et.transpose(0, -1)
    if dt.startswith(("float", "complex", "bfloat")):
        rg = rs.integers(0, 3)
        if rg:
            tt.requires_grad_()
            et.requires_grad_()
            if rg == 2 and dt != "bfloat16":  # an op's grad_fn name
                tt, et = tt * 2, et * 2
    opts = _OPTS[rs.integers(0, len(_OPTS))] if rs.random() < 0.4 else {}
    return tt, et, opts


@pytest.mark.parametrize("seed", range(6))
def test_golden_random_tensors(seed):
    rs = np.random.default_rng(1000 + seed)
    for i in range(120):
        tt, et, opts = _case(rs)
        torch.set_printoptions(**opts)
        ember.set_printoptions(**opts)
        want, got = repr(tt), repr(et)
        torch.set_printoptions(profile="default")
        ember.set_printoptions(profile="default")
        assert got == want, f"case {i} opts={opts}\nwant:\n{want}\ngot:\n{got}"


_NAMED = [
    ("0-d float", lambda T: T.tensor(3.5)),
    ("0-d int", lambda T: T.tensor(-7)),
    ("0-d bool", lambda T: T.tensor(True)),
    ("0-d nan", lambda T: T.tensor(float("nan"))),
    ("0-d float64", lambda T: T.tensor(1e-20, dtype=T.float64)),
    ("empty", lambda T: T.tensor([])),
    ("empty 0x3", lambda T: T.zeros(0, 3)),
    ("empty int", lambda T: T.zeros(0, dtype=T.int64)),
    ("empty 2x0 int32", lambda T: T.zeros(2, 0, dtype=T.int32)),
    ("empty float64 rg", lambda T: T.zeros(0, dtype=T.float64, requires_grad=True)),
    ("ints", lambda T: T.tensor([[1, -20], [300, 4]])),
    ("bools", lambda T: T.tensor([True, False, True])),
    ("all true", lambda T: T.tensor([True, True])),
    ("int-valued floats", lambda T: T.tensor([1., 2., -3.])),
    ("neg zero", lambda T: T.tensor([-0., 1.])),
    ("zeros only", lambda T: T.zeros(2, 2)),
    ("nan inf", lambda T: T.tensor([1.5, float("nan"), float("inf"), -float("inf")])),
    ("sci large", lambda T: T.tensor([1e10, 1.])),
    ("sci small", lambda T: T.tensor([1e-5, 1.])),
    ("ratio", lambda T: T.tensor([0.1, 1000.])),
    ("exp 3 digits", lambda T: T.tensor([1e-200, 1e200], dtype=T.float64)),
    ("float16", lambda T: T.tensor([1.5, 2.25], dtype=T.float16)),
    ("uint8", lambda T: T.arange(5, dtype=T.uint8)),
    ("int8 neg", lambda T: T.tensor([-128, 127], dtype=T.int8)),
    ("complex", lambda T: T.tensor([1 + 2j, 3 - 4.5j])),
    ("complex128", lambda T: T.tensor([1e-6 + 2j], dtype=T.complex128)),
    ("complex zero imag", lambda T: T.tensor([1 + 0j, 2 + 0j])),
    ("wrap", lambda T: T.arange(40.) / 3),
    ("wrap 2d", lambda T: T.arange(60.).reshape(3, 20) / 7),
    ("summarize 1d", lambda T: T.arange(2000)),
    ("summarize 3d", lambda T: T.arange(2400.).reshape(10, 12, 20)),
    ("requires_grad", lambda T: T.ones(3, requires_grad=True)),
    ("grad_fn", lambda T: T.ones(3, requires_grad=True) * 2),
    ("grad_fn sum", lambda T: (T.ones(3, requires_grad=True) * 2).sum()),
    ("suffix wraps", lambda T: T.ones(2, 17, dtype=T.float64, requires_grad=True)),
    ("4-d", lambda T: T.arange(24).reshape(1, 2, 3, 4)),
]


@pytest.mark.parametrize("name,make", _NAMED, ids=[n for n, _ in _NAMED])
def test_named_cases(name, make):
    assert repr(make(ember)) == repr(make(torch))
    assert str(make(ember)) == str(make(torch))


def test_default_dtype_float64():
    try:
        torch.set_default_dtype(torch.float64)
        ember.set_default_dtype(ember.float64)
        for make in (lambda T: T.tensor([1.5, 2.]), lambda T: T.tensor([1.5], dtype=T.float32),
                     lambda T: T.tensor([1j]), lambda T: T.tensor([1j], dtype=T.complex64),
                     lambda T: T.zeros(0), lambda T: T.zeros(0, dtype=T.float32)):
            assert repr(make(ember)) == repr(make(torch))
    finally:
        torch.set_default_dtype(torch.float32)
        ember.set_default_dtype(ember.float32)


@pytest.mark.parametrize("opts", [dict(precision=1), dict(precision=0), dict(profile="bogus", precision=3), dict(threshold=5), dict(edgeitems=1, threshold=3),
                                  dict(linewidth=30), dict(sci_mode=True), dict(profile="short"),
                                  dict(profile="full"), dict(edgeitems=0, threshold=2)])
def test_printoptions(opts):
    torch.set_printoptions(**opts)
    ember.set_printoptions(**opts)
    for make in (lambda T: T.arange(12.).reshape(3, 4) / 3, lambda T: T.arange(30),
                 lambda T: T.tensor([[1.5, -2.25], [1e-3, 7.]])):
        assert repr(make(ember)) == repr(make(torch))


def test_sci_mode_reset_by_each_call():
    ember.set_printoptions(sci_mode=True)
    ember.set_printoptions(precision=4)
    assert repr(ember.tensor([1.5])) == "tensor([1.5000])"


def test_get_printoptions_and_context():
    from ember._tensor_str import get_printoptions, printoptions
    assert get_printoptions() == torch._tensor_str.get_printoptions()
    with printoptions(precision=1):
        assert repr(ember.tensor([0.25, 1.5])) == "tensor([0.2, 1.5])"
    assert get_printoptions()["precision"] == 4


def test_size_and_dtype_repr():
    for s in ([], [2], [2, 3], [0, 1]):
        assert repr(ember.Size(s)) == repr(torch.Size(s))
        assert str(ember.Size(s)) == str(torch.Size(s))
    for name in ("float32", "float64", "int64", "bool", "uint8", "complex64", "bfloat16", "float16"):
        assert repr(getattr(ember, name)) == repr(getattr(torch, name))
    assert repr(ember.zeros(2, 3).shape) == "torch.Size([2, 3])"


def test_parameter_repr():
    want = repr(torch.nn.Parameter(torch.ones(2)))
    assert repr(ember.nn.Parameter(ember.ones(2))) == want


def test_format_0d():
    assert f"{ember.tensor(2.5):.2f}" == f"{torch.tensor(2.5):.2f}"
    assert f"{ember.tensor([1.5, 2.0])}" == f"{torch.tensor([1.5, 2.0])}"
