"""Op-table entries for the creation family (ember/ops/creation/): ``range`` and ``vander``.
Imported by :mod:`ember.testing.op_table`."""
import warnings

from .._backend import np
from .op_info import known_bug, DT, ErrorInput, NUM, Sample, make_array, entry


# --------------------------------------------------------------------------- sequence_builders


def _range_call(lib, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return lib.range(*args, **kwargs)


def _range_ref(start, end, step=1, dtype=None):
    n = int(np.floor((end - start) / step)) + 1
    return (start + np.arange(n) * step).astype(dtype or np.float32)


entry("range", _range_ref, lambda dt, rng: [Sample((0, 3)), Sample((0, 1, 0.25)), Sample((5, 1, -2)),
                                             Sample((1, 4), dict(dtype=DT(dt))), Sample((0.5, 3))],
      call=_range_call, dtypes=("float64", "int64"), grad=False, gradgrad=False,
      errors=lambda: [ErrorInput(Sample((0, 3, 0)), RuntimeError), ErrorInput(Sample((0, 3, -1)), RuntimeError)])


def _vander_ref(x, N=None, increasing=False):
    if x.dtype.kind in "biu":
        x = x.astype(np.int64)
    return np.vander(x, N, increasing)


entry("vander", _vander_ref, lambda dt, rng: [
    Sample((make_array(rng, (4,), dt, -2, 2),)), Sample((make_array(rng, (3,), dt, -2, 2), 5, True)),
    Sample((make_array(rng, (3,), dt, -2, 2),), dict(N=2))],
    dtypes=NUM + ("bool",), method=False,
    errors=lambda: [ErrorInput(Sample((np.ones((2, 2), np.float32),)), RuntimeError),
                    ErrorInput(Sample((np.ones(2, np.float32), -1)), RuntimeError)])


known_bug({"vander"}, "parity_grad",
          "divergence: torch 2.13's vander backward raises (a tensor it saved was modified in place); "
          "ember's gradient matches finite differences (test_op_table grad)")
