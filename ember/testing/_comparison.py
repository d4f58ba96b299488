"""``assert_close``: compare tensors, arrays, scalars and containers of them as PyTorch does.

Tolerances default per dtype (PyTorch's table); the failure message has PyTorch's form.

>>> import ember
>>> ember.testing.assert_close(ember.tensor([1., 2.]), ember.tensor([1., 2. + 1e-7]))
"""
import builtins
import collections.abc as _abc

from .._backend import np
from .. import _dtype as D
from .._tensor import Tensor

__all__ = ["assert_close", "default_tolerances"]

# dtype name -> (rtol, atol); everything not listed (integers, bool) compares exactly.
_TOLS = {"float16": (1e-3, 1e-5), "bfloat16": (1.6e-2, 1e-5), "float32": (1.3e-6, 1e-5),
         "float64": (1e-7, 1e-7), "complex64": (1.3e-6, 1e-5), "complex128": (1e-7, 1e-7)}


def default_tolerances(*dtypes):
    """The loosest ``(rtol, atol)`` of PyTorch's defaults over ``dtypes``.

    >>> default_tolerances(ember.float32)
    (1.3e-06, 1e-05)
    """
    rt, at = 0.0, 0.0
    for d in dtypes:
        r, a = _TOLS.get(d.name, (0.0, 0.0))
        rt, at = builtins.max(rt, r), builtins.max(at, a)
    return rt, at


def _fail(msg, path, user_msg):
    if user_msg is not None:
        msg = user_msg(msg) if callable(user_msg) else user_msg
    elif path:
        msg += "\n\nThe failure occurred for item " + "".join(f"[{p!r}]" for p in path)
    raise AssertionError(msg)


def _is_tensor_like(x):
    return isinstance(x, (Tensor, np.ndarray))


def _as_array(x):
    return x._data if isinstance(x, Tensor) else x


def _dtype_of(a):
    return D.NP2DT.get(a.dtype)


def _compare_arrays(actual, expected, rtol, atol, equal_nan, check_dtype, path, msg, scalar=False):
    a, e = _as_array(actual), _as_array(expected)
    if a.shape != e.shape:
        _fail(f"The values for attribute 'shape' do not match: torch.Size({list(a.shape)}) != "
              f"torch.Size({list(e.shape)}).", path, msg)
    ad, ed = _dtype_of(a), _dtype_of(e)
    if check_dtype and ad is not ed and not scalar:
        _fail(f"The values for attribute 'dtype' do not match: {ad} != {ed}.", path, msg)
    if rtol is None:
        rtol, atol = default_tolerances(*(d for d in (ad, ed) if d is not None))
    # compare in a common dtype that holds both exactly enough
    kind = "c" if "c" in (a.dtype.kind, e.dtype.kind) else "f"
    if a.dtype.kind in "biu" and e.dtype.kind in "biu":
        kind = "i"
    if kind == "i":
        a64, e64 = a.astype(np.int64), e.astype(np.int64)
        if a.dtype.kind == "u" and e.dtype.kind == "u":
            a64, e64 = a.astype(np.uint64), e.astype(np.uint64)
        a64, e64 = a64.astype(np.float64), e64.astype(np.float64)
    else:
        cdt = np.complex128 if kind == "c" else np.float64
        a64, e64 = np.asarray(a, dtype=cdt), np.asarray(e, dtype=cdt)
    if a64.size == 0:
        return
    with np.errstate(invalid="ignore", over="ignore"):
        diff = np.abs(a64 - e64)
        ok = diff <= atol + rtol * np.abs(e64)
    both_inf = np.isinf(a64) & np.isinf(e64) & (a64 == e64)
    ok |= both_inf
    if equal_nan:
        ok |= np.isnan(a64) & np.isnan(e64)
    if ok.all():
        return
    exact = rtol == 0 and atol == 0
    with np.errstate(divide="ignore", invalid="ignore"):
        rel = diff / np.abs(e64)
    # NaN wins in "greatest" (as PyTorch reports NaN differences)
    bad = ~ok
    d_show = np.where(bad, diff, -np.inf)
    r_show = np.where(bad, rel, -np.inf)
    ai = np.unravel_index(np.argmax(np.where(np.isnan(d_show), np.inf, d_show)), diff.shape)
    ri = np.unravel_index(np.argmax(np.where(np.isnan(r_show), np.inf, r_show)), diff.shape)
    dv, rv = diff[ai], rel[ri]
    if kind == "i":
        dv = builtins.int(dv)
    else:
        dv = builtins.float(dv)
    rv = builtins.float(rv)
    if scalar or a.ndim == 0:
        av, ev = a64.reshape(()).item(), e64.reshape(()).item()
        if kind == "i":
            av, ev = builtins.int(av), builtins.int(ev)
        head = "Scalars are not equal!" if exact else "Scalars are not close!"
        lines = [head, "", f"Expected {ev} but got {av}.",
                 f"Absolute difference: {dv}" + ("" if exact else f" (up to {atol} allowed)"),
                 f"Relative difference: {rv}" + ("" if exact else f" (up to {rtol} allowed)")]
    else:
        n_bad, n = builtins.int(bad.sum()), a64.size
        head = "Tensor-likes are not equal!" if exact else "Tensor-likes are not close!"
        lines = [head, "", f"Mismatched elements: {n_bad} / {n} ({100.0 * n_bad / n:.1f}%)",
                 f"Greatest absolute difference: {dv} at index {tuple(builtins.int(i) for i in ai)}"
                 + ("" if exact else f" (up to {atol} allowed)"),
                 f"Greatest relative difference: {rv} at index {tuple(builtins.int(i) for i in ri)}"
                 + ("" if exact else f" (up to {rtol} allowed)")]
    _fail("\n".join(lines), path, msg)


def _scalar_array(x):
    if isinstance(x, builtins.bool):
        return np.asarray(x, dtype=np.bool_)
    if isinstance(x, builtins.int):
        return np.asarray(x, dtype=np.int64)
    if isinstance(x, builtins.float):
        return np.asarray(x, dtype=np.float64)
    if isinstance(x, builtins.complex):
        return np.asarray(x, dtype=np.complex128)
    return np.asarray(x)


_SCALARS = (builtins.bool, builtins.int, builtins.float, builtins.complex, np.generic)


def _compare(actual, expected, rtol, atol, equal_nan, check_dtype, path, msg):
    if _is_tensor_like(actual) and _is_tensor_like(expected):
        return _compare_arrays(actual, expected, rtol, atol, equal_nan, check_dtype, path, msg)
    if isinstance(actual, _SCALARS) and isinstance(expected, _SCALARS):
        if check_dtype and type(actual) is not type(expected) and not (
                isinstance(actual, np.generic) or isinstance(expected, np.generic)):
            _fail(f"The values for attribute 'dtype' do not match: {type(actual)} != "
                  f"{type(expected)}.", path, msg)
        return _compare_arrays(_scalar_array(actual), _scalar_array(expected), rtol, atol,
                               equal_nan, False, path, msg, scalar=True)
    if actual is None and expected is None:
        return
    if isinstance(actual, _abc.Mapping) and isinstance(expected, _abc.Mapping):
        ka, ke = set(actual), set(expected)
        if ka != ke:
            _fail(f"The keys of the mappings do not match:\nMissing keys in the actual mapping: "
                  f"{sorted(map(str, ke - ka))}\nExtra keys in the actual mapping: "
                  f"{sorted(map(str, ka - ke))}", path, msg)
        for k in expected:
            _compare(actual[k], expected[k], rtol, atol, equal_nan, check_dtype, path + [k], msg)
        return
    seq = (_abc.Sequence,)
    if (isinstance(actual, seq) and isinstance(expected, seq)
            and not isinstance(actual, str) and not isinstance(expected, str)):
        if len(actual) != len(expected):
            _fail(f"The length of the sequences mismatch: {len(actual)} != {len(expected)}", path, msg)
        for i, (x, y) in enumerate(zip(actual, expected)):
            _compare(x, y, rtol, atol, equal_nan, check_dtype, path + [i], msg)
        return
    raise TypeError(f"No comparison pair was able to handle inputs of type {type(actual)} "
                    f"and {type(expected)}.")


def assert_close(actual, expected, *, allow_subclasses=True, rtol=None, atol=None, equal_nan=False,
                 check_device=True, check_dtype=True, check_layout=True, check_stride=False,
                 msg=None):
    """Raise AssertionError unless ``actual`` and ``expected`` are close.

    Close means ``|actual - expected| <= atol + rtol * |expected|`` elementwise, with
    PyTorch's default ``rtol``/``atol`` for the inputs' dtype when both are omitted
    (exact for integers and bool). Shapes must match, and dtypes too when ``check_dtype``.
    Tensors, NumPy arrays, Python scalars, and sequences/mappings of them are accepted.

    >>> ember.testing.assert_close(ember.tensor([1., 2.]), ember.tensor([1., 3.]))
    Traceback (most recent call last):
    ...
    AssertionError: Tensor-likes are not close!
    <BLANKLINE>
    Mismatched elements: 1 / 2 (50.0%)
    Greatest absolute difference: 1.0 at index (1,) (up to 1e-05 allowed)
    Greatest relative difference: 0.3333333333333333 at index (1,) (up to 1.3e-06 allowed)
    """
    if (rtol is None) != (atol is None):
        raise ValueError(f"Both 'rtol' and 'atol' must be either specified or omitted, but got no "
                         f"{'rtol' if rtol is None else 'atol'}.")
    _compare(actual, expected, rtol, atol, equal_nan, check_dtype, [], msg)

