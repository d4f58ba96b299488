"""PyTorch's type promotion, checked against torch exhaustively over pairs of dtypes, for
tensors with dims, 0-d tensors and Python scalars (bool/int/float) on add/mul/div and
comparisons; plus int / int is float, integer sum/prod/cumsum give int64, comparisons bool."""
import operator

import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")

BASE = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "float32", "float64"]
NAMES = BASE + (["bfloat16"] if ember.bfloat16 is not None else [])
SCALARS = [True, 2, 2.5]
OPS = {"add": operator.add, "sub": operator.sub, "mul": operator.mul, "div": operator.truediv,
       "eq": operator.eq, "lt": operator.lt, "remainder": operator.mod, "floor_divide": operator.floordiv}
# functions taking tensors only (no Python scalars): ember and torch spell them the same
FUNCS = ["maximum", "minimum", "atan2", "where"]


def _func(name, lib, a, b):
    if name == "where":
        cond = lib.tensor([True, False]) if a.dim() or b.dim() else lib.tensor(True)
        return lib.where(cond, a, b)
    return getattr(lib, name)(a, b)


# Known bugs (predicate on the operand names and exception, reason); the tests xfail while only
# these remain, and fail on anything else. None are known now.
KNOWN = []


def _finish(bad):
    """Fail on unknown mismatches; xfail (naming them) when only known bugs remain."""
    unknown = [m for m, a, b, exc in bad if not any(k(a, b, exc) for k, _ in KNOWN)]
    assert not unknown, "\n".join(unknown)
    if bad:
        reasons = {r for _, a, b, exc in bad for k, r in KNOWN if k(a, b, exc)}
        pytest.xfail("known bugs: " + "; ".join(sorted(reasons)) + "\n" + "\n".join(m for m, *_ in bad))


def _pair(name, shape):
    e = ember.ones(shape, dtype=getattr(ember, name))
    t = torch.ones(shape, dtype=getattr(torch, name))
    return e, t


def _tensor(name, kind):
    return _pair(name, (2,) if kind == "dim" else ())


def _dt(x):
    return str(x.dtype) if hasattr(x, "dtype") else type(x).__name__


def test_promote_types_exhaustive():
    bad = []
    for a in NAMES:
        for b in NAMES:
            e = ember.promote_types(getattr(ember, a), getattr(ember, b))
            t = torch.promote_types(getattr(torch, a), getattr(torch, b))
            if repr(e) != str(t):
                bad.append(f"promote_types({a}, {b}) = {e}, torch {t}")
    assert not bad, "\n".join(bad)


KINDS = [("dim", "dim"), ("dim", "0d"), ("0d", "dim"), ("0d", "0d")]


@pytest.mark.parametrize("op", sorted(OPS) + FUNCS)
@pytest.mark.parametrize("kinds", KINDS)
def test_tensor_tensor_promotion(op, kinds):
    _tensor_tensor(op, kinds, BASE, BASE)


@pytest.mark.skipif(ember.bfloat16 is None, reason="bfloat16 needs ml_dtypes")
@pytest.mark.parametrize("op", sorted(OPS) + FUNCS)
def test_tensor_tensor_promotion_bfloat16(op):
    for kinds in KINDS:
        _tensor_tensor(op, kinds, ["bfloat16"], NAMES, both_ways=True)


def _tensor_tensor(op, kinds, names_a, names_b, both_ways=False):
    if op in FUNCS and not hasattr(ember, op):
        pytest.skip(f"ember.{op} not implemented")
    f = OPS.get(op)
    if f is None:
        def f(a, b):
            return _func(op, torch if isinstance(a, torch.Tensor) else ember, a, b)
    bad = []
    pairs = [(a, b) for a in names_a for b in names_b]
    if both_ways:
        pairs += [(b, a) for a, b in pairs if a != b]
    for a, b in pairs:
        (ea, ta), (eb, tb) = _tensor(a, kinds[0]), _tensor(b, kinds[1])
        try:
            tr = f(ta, tb)
        except (RuntimeError, TypeError, NotImplementedError):
            continue  # torch does not support this combination on CPU
        try:
            er = f(ea, eb)
        except Exception as exc:  # noqa: BLE001 - reported below
            bad.append((f"{op}({a} {kinds[0]}, {b} {kinds[1]}): raised {type(exc).__name__}: "
                        f"{str(exc)[:80]}, torch gives {tr.dtype}", f"{a} {kinds[0]}",
                        f"{b} {kinds[1]}", exc))
            continue
        if repr(er.dtype) != str(tr.dtype) or tuple(er.shape) != tuple(tr.shape):
            bad.append((f"{op}({a} {kinds[0]}, {b} {kinds[1]}) = {er.dtype}{list(er.shape)}, "
                        f"torch {tr.dtype}{list(tr.shape)}", a, b, None))
    _finish(bad)


@pytest.mark.parametrize("op", sorted(OPS))
@pytest.mark.parametrize("kind", ["dim", "0d"])
@pytest.mark.parametrize("side", ["right", "left"])
def test_tensor_scalar_promotion(op, kind, side):
    _tensor_scalar(op, kind, side, BASE)


@pytest.mark.skipif(ember.bfloat16 is None, reason="bfloat16 needs ml_dtypes")
@pytest.mark.parametrize("op", sorted(OPS))
def test_tensor_scalar_promotion_bfloat16(op):
    for kind in ("dim", "0d"):
        for side in ("right", "left"):
            _tensor_scalar(op, kind, side, ["bfloat16"])


def _tensor_scalar(op, kind, side, names):
    f = OPS[op]
    bad = []
    for a in names:
        for s in SCALARS:
            ea, ta = _tensor(a, kind)
            args_t, args_e = ((ta, s), (ea, s)) if side == "right" else ((s, ta), (s, ea))
            try:
                tr = f(*args_t)
            except (RuntimeError, TypeError, NotImplementedError):
                continue
            try:
                er = f(*args_e)
            except Exception as exc:  # noqa: BLE001
                bad.append((f"{op}({side}: {a} {kind}, {s!r}): raised {type(exc).__name__}: "
                            f"{str(exc)[:80]}, torch gives {tr.dtype}", f"{a} {kind}", repr(s), exc))
                continue
            if repr(er.dtype) != str(tr.dtype):
                bad.append((f"{op}({side}: {a} {kind}, {s!r}) = {er.dtype}, torch {tr.dtype}", a,
                            repr(s), None))
    _finish(bad)


def test_result_type_exhaustive():
    bad = []
    operands = [(f"{n} {k}",) + _tensor(n, k) for n in NAMES for k in ("dim", "0d")]
    operands += [(repr(s), s, s) for s in SCALARS]
    for na, ea, ta in operands:
        for nb, eb, tb in operands:
            if not hasattr(ta, "dtype") and not hasattr(tb, "dtype"):
                continue
            if not hasattr(ta, "dtype"):
                continue  # torch.result_type needs a tensor first
            e = ember.result_type(ea, eb)
            t = torch.result_type(ta, tb)
            if repr(e) != str(t):
                bad.append(f"result_type({na}, {nb}) = {e}, torch {t}")
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize("a", ["bool", "uint8", "int8", "int16", "int32", "int64"])
def test_int_div_int_is_default_float(a):
    e = ember.ones(3, dtype=getattr(ember, a)) / ember.ones(3, dtype=getattr(ember, a))
    assert e.dtype is ember.float32
    assert (ember.ones(3, dtype=getattr(ember, a)) / 2).dtype is ember.float32
    ember.set_default_dtype(ember.float64)
    try:
        assert (ember.ones(3, dtype=getattr(ember, a)) / 2).dtype is ember.float64
    finally:
        ember.set_default_dtype(ember.float32)


@pytest.mark.parametrize("fn", ["sum", "prod", "cumsum"])
@pytest.mark.parametrize("a", ["bool", "uint8", "int8", "int16", "int32", "int64"])
def test_integer_reductions_give_int64(fn, a):
    if not hasattr(ember, fn):
        pytest.skip(f"ember.{fn} not implemented yet")
    e, t = _pair(a, (2, 3))
    kw = {"dim": 1} if fn == "cumsum" else {}
    er, tr = getattr(ember, fn)(e, **kw), getattr(torch, fn)(t, **kw)
    assert str(tr.dtype) == "torch.int64"
    assert repr(er.dtype) == "torch.int64", f"{fn}({a}) = {er.dtype}, torch {tr.dtype}"
    er = getattr(ember, fn)(e, dtype=ember.int32, **kw)
    assert er.dtype is ember.int32


@pytest.mark.parametrize("op", ["eq", "ne", "lt", "le", "gt", "ge"])
def test_comparisons_give_bool(op):
    for a in NAMES:
        e, _ = _pair(a, (3,))
        assert getattr(ember, op)(e, e).dtype is ember.bool
        assert getattr(ember, op)(e, 1).dtype is ember.bool
        assert getattr(ember, op)(e, 1.5).dtype is ember.bool


def test_inplace_cannot_move_up_a_category():
    """``int_tensor += float`` is an error in torch (RuntimeError), ``float_tensor += int`` is fine."""
    x = ember.ones(3, dtype=ember.int64)
    with pytest.raises(RuntimeError):
        x += 1.5
    with pytest.raises(RuntimeError):
        x.add_(ember.ones(3))
    y = ember.ones(3)
    y += ember.ones(3, dtype=ember.int64)
    assert y.dtype is ember.float32


# ------------------------------------------------------------- Python ints outside a dtype's range
# PyTorch casts a Python int meeting an integer tensor to the tensor's dtype: binary ops and
# comparisons wrap it modulo 2**bits (uint8 < -1 compares with 255), clamp/where/fill_/pow/alpha
# check it ("value cannot be converted to type uint8_t without overflow"), and ints beyond 64 bits
# raise OverflowError.
_OUT_OF_RANGE = {"uint8": [-1, 256, 300, -300, -255, -256, 2 ** 63 - 1, 2 ** 64, -2 ** 63 - 1],
                 "int8": [200, -200, 128, -129], "int16": [70000, -70000],
                 "int32": [2 ** 31, -2 ** 31 - 1], "int64": [2 ** 63, -2 ** 63 - 1, 2 ** 64],
                 "bool": [2, -1]}
_BINOPS = [operator.lt, operator.le, operator.gt, operator.ge, operator.eq, operator.ne,
           operator.add, operator.sub, operator.mul, operator.truediv, operator.floordiv,
           operator.mod, operator.and_, operator.or_, operator.xor]
_FUNCS = ["eq", "ne", "lt", "le", "gt", "ge", "add", "sub", "mul", "fmod", "remainder",
          "bitwise_and", "floor_divide", "clamp_min", "clamp_max", "pow"]


def _outcome(f):
    import warnings
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            r = f()
    except Exception as e:  # noqa: BLE001 - compared with torch's
        return type(e).__name__, str(e).split("\n")[0]
    return str(r.dtype).replace("torch.", ""), r.tolist()


def _calls(lib, dt, v):
    x = lib.tensor([1, 2], dtype=getattr(lib, dt)) if dt != "bool" else lib.tensor([True, False])
    z = lib.tensor(1, dtype=getattr(lib, dt))
    calls = {}
    for f in _BINOPS:
        n = f.__name__
        calls[n] = lambda f=f: f(x, v)
        calls["r" + n] = lambda f=f: f(v, x)
        calls["0d" + n] = lambda f=f: f(z, v)
    for n in _FUNCS:
        calls[n] = lambda n=n: getattr(lib, n)(x, v)
    calls.update({
        "clamp": lambda: lib.clamp(x, v), "clamp(max=)": lambda: lib.clamp(x, max=v),
        "clamp(0, v)": lambda: lib.clamp(x, 0, v),
        "where(c, x, v)": lambda: lib.where(x > 1, x, v), "where(c, v, x)": lambda: lib.where(x > 1, v, x),
        "fill_": lambda: x.clone().fill_(v), "add_": lambda: x.clone().add_(v),
        "masked_fill": lambda: x.masked_fill(x > 1, v), "masked_fill_": lambda: x.clone().masked_fill_(x > 1, v),
        "mul_": lambda: x.clone().mul_(v), "lt_": lambda: x.clone().lt_(v),
        "add(alpha=)": lambda: lib.add(x, x, alpha=v)})
    if -2 ** 63 <= v < 2 ** 63:
        calls["x + tensor(v)"] = lambda: x + lib.tensor(v)
        calls["x < tensor(v)"] = lambda: x < lib.tensor(v)
        calls["maximum"] = lambda: lib.maximum(x, lib.tensor(v))
        calls["minimum"] = lambda: lib.minimum(x, lib.tensor(v))
    return calls


# ember's message differs from PyTorch's here (same error type)
_MSG_ONLY = {"lshift", "rlshift"}


@pytest.mark.parametrize("dt", sorted(_OUT_OF_RANGE))
def test_out_of_range_python_int(dt):
    bad = []
    for v in _OUT_OF_RANGE[dt]:
        ce, ct = _calls(ember, dt, v), _calls(torch, dt, v)
        for name in ct:
            if dt == "bool" and name == "add(alpha=)":
                continue  # torch keeps bool for bool + bool * alpha; ember promotes
            if v < -2 ** 63 and name == "pow":
                continue  # torch: OverflowError; ember: negative-power RuntimeError first
            e, t = _outcome(ce[name]), _outcome(ct[name])
            if "Promotion for uint" in str(t[1]):
                continue  # torch: no uint64 promotion (2**63 with two int bounds); ember: overflow
            if e != t and not (e[0] == t[0] == "OverflowError"):
                bad.append(f"{dt} {name} {v}: ember {e}, torch {t}")
    assert not bad, "\n".join(bad)


_FILLS = {"fill_": lambda lib, x, v: x.clone().fill_(v),
          "masked_fill": lambda lib, x, v: x.masked_fill(lib.tensor([True, False]), v),
          "masked_fill_": lambda lib, x, v: x.clone().masked_fill_(lib.tensor([True, False]), v),
          "clamp(max=)": lambda lib, x, v: lib.clamp(x, max=v),
          "clamp(min=)": lambda lib, x, v: lib.clamp(x, min=v),
          "clamp_(max=)": lambda lib, x, v: x.clone().clamp_(max=v),
          "clamp_(min=)": lambda lib, x, v: x.clone().clamp_(min=v)}


@pytest.mark.parametrize("dt", ["uint8", "int8", "int32", "int64", "bool", "float16", "bfloat16", "float32"])
def test_fill_values_out_of_a_dtypes_range(dt):
    """Finite numbers beyond a floating dtype's range, and nan/inf/out-of-range floats into an
    integer dtype, raise PyTorch's overflow error in fill_/masked_fill/clamp (not inf or garbage)."""
    bad = []
    for v in (70000.0, 65519.0, 1e39, -1e39, float("inf"), float("nan"), 2 ** 40, -1.0, -0.5, 255.9, 256.0,
              -256.0, 1e10, 9.3e18, 3, 2.5):
        for name, f in _FILLS.items():
            if dt == "bool" and name.startswith("clamp"):
                continue
            e = _outcome(lambda: f(ember, ember.zeros(2, dtype=getattr(ember, dt)), v))
            t = _outcome(lambda: f(torch, torch.zeros(2, dtype=getattr(torch, dt)), v))
            if str(e) != str(t):                       # (str: nan == nan)
                bad.append(f"{dt} {name} {v}: ember {e}, torch {t}")
    assert not bad, "\n".join(bad)


def test_fill_values_given_as_numpy_scalars_are_checked():
    for lib in (ember, torch):
        for f in (lambda: lib.zeros(2, dtype=lib.float16).fill_(np.float64(1e6)),
                  lambda: lib.zeros(2).clamp(max=np.float64(1e39)),
                  lambda: lib.zeros(2, dtype=lib.uint8).fill_(np.int64(300))):
            with pytest.raises(RuntimeError, match="without overflow"):
                f()
        assert lib.zeros(1).fill_(np.float32(0.1)).item() == float(np.float32(0.1))


def test_uint8_less_than_negative_int_wraps():
    x = ember.tensor([1, 2], dtype=ember.uint8)
    assert (x < -1).tolist() == [True, True]   # -1 is 255 in uint8, as in torch
    assert (x > -1).tolist() == [False, False]
    assert (x == -1).tolist() == [False, False]
    assert (x != 300).tolist() == [True, True]
    assert (x + 300).tolist() == [45, 46]
    with pytest.raises(RuntimeError, match="value cannot be converted to type uint8_t without overflow"):
        ember.clamp(x, 256)
