"""The deprecated torch.testing.assert_allclose: same passes, failures, messages and warning."""
import warnings

import pytest

import ember

torch = pytest.importorskip("torch")
NAN = float("nan")

CASES = [  # (actual, expected, kwargs)
    ([1.0, 2.0], [1.0, 2.1], {}),
    ([1.0, 2.0], [1.0, 2.00001], {}),
    (1.0, 1.0 + 1e-9, {}),
    ("int", [1.0, 2.0], {}),
    ([1.0, NAN], [1.0, NAN], {}),
    ([1.0, NAN], [1.0, NAN], {"equal_nan": False}),
    ([1.0, 2.0], [[1.0, 2.0]], {}),
    ([1.0, 2.0], [1.0, 2.5], {"msg": "custom"}),
    ([1.0, 2.0], [1.0, 2.5], {"rtol": 0.5}),
    ([1.0, 2.0], [1.0, 2.5], {"atol": 0.5}),
    ([1.0, 2.0], [1.0, 2.5], {"rtol": 0.0, "atol": 0.6}),
    ("f64", [1.0, 2.0 + 1e-6], {}),
]


def _run(lib, actual, expected, kw):
    if actual == "int":
        a = lib.tensor([1, 2])
    elif actual == "f64":
        a = lib.tensor([1.0, 2.0], dtype=lib.float64)
    elif isinstance(actual, list):
        a = lib.tensor(actual)
    else:
        a = actual
    e = lib.tensor(expected) if isinstance(expected, list) else expected
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        try:
            lib.testing.assert_allclose(a, e, **kw)
            out = None
        except (AssertionError, ValueError) as err:
            out = (type(err).__name__, str(err).splitlines()[0], len(str(err).splitlines()))
    return out, [x.category.__name__ for x in w]


@pytest.mark.parametrize("i", range(len(CASES)))
def test_assert_allclose_matches_torch(i):
    assert _run(ember, *CASES[i]) == _run(torch, *CASES[i])
