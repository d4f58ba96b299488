"""Op-table entries for the inplace family (ember/ops/inplace/): the in-place comparisons, the
in-place aliases and the top-level in-place functions.
Imported by :mod:`ember.testing.op_table`."""

from .._backend import np
from .op_info import (ALL, ErrorInput, FLOAT, NUM, SIGNED, Sample, UNARY_SHAPES, make_array, entry,
                      _inplace_copy, _m, _ip, _err)
from .op_table_view_copies import _copy, _s


# --------------------------------------------------------------------------- in-place comparisons
def _cmp_samples(dt, rng):
    m = lambda s, l="c": _m(rng, s, dt, -2, 2, layout=l, ints=True)  # noqa: E731
    out = [Sample((m((5,)), m((5,)))), Sample((m((3, 4)), m((4,)))), Sample((m((2, 3)), m(()))),
           Sample((m(()), m(()))), Sample((m((3, 4), "T"), m((3, 4), "s"))), Sample((m((0, 3)), m((3,))))]
    out += [Sample((m((3, 4)), 1))] + ([Sample((m((3, 4)), 1.0))] if dt.startswith("float") else [])
    return out


for _n, _f, _al in (("eq", np.equal, ()), ("ne", np.not_equal, ("not_equal_",)), ("lt", np.less, ("less_",)),
                    ("le", np.less_equal, ("less_equal_",)), ("gt", np.greater, ("greater_",)),
                    ("ge", np.greater_equal, ("greater_equal_",))):
    entry(_n + "_", lambda a, b, _f=_f: _f(a, b).astype(a.dtype), _cmp_samples, call=_ip(_n + "_"),
          needs=(_n + "_", "clone"), covers=_al, dtypes=ALL, grad=False, gradgrad=False,
          errors=lambda: [_err(np.ones(2, np.float32), np.ones((3, 2), np.float32)),
                          _err(np.ones(2, np.float32), np.ones(3, np.float32))])
    for _a in _al:
        entry(_a, lambda a, b, _f=_f: _f(a, b).astype(a.dtype), lambda dt, rng: _cmp_samples(dt, rng)[:2],
              call=_ip(_a), needs=(_a, "clone"), dtypes=FLOAT, grad=False, gradgrad=False)
entry("absolute_", np.abs, lambda dt, rng: [Sample((_m(rng, s, dt, layout=l, nonzero=True),)) for s, l in UNARY_SHAPES],
      call=_ip("absolute_"), needs=("absolute_", "clone"), dtypes=NUM)
entry("negative_", np.negative, lambda dt, rng: [Sample((_m(rng, s, dt, layout=l),)) for s, l in UNARY_SHAPES],
      call=_ip("negative_"), needs=("negative_", "clone"),
      dtypes=FLOAT + SIGNED, errors=lambda: [_err(np.ones(2, bool))])
entry("negative_fn", np.negative, lambda dt, rng: [Sample((_m(rng, (3, 4), dt),))],
      call=lambda lib, x: lib.negative_(x.clone()), needs=("negative_", "clone"), dtypes=FLOAT)


# --------------------------------------------------------------------------- inplace_functions

entry("fill", lambda x, v: np.full_like(x, v), lambda dt, rng: [
    Sample((make_array(rng, (3, 4), dt, layout="T"), 2)), Sample((make_array(rng, (), dt), 1)),
    Sample((make_array(rng, (2, 3), dt), np.array(1.5, dtype=np.float64)))], dtypes=NUM, grad=False,
    errors=lambda: [ErrorInput(Sample((np.ones(2, np.float32), np.ones(2, np.float32))), RuntimeError)])
entry("detach", _copy, _s(((3, 4), "T"), ((), "c")), dtypes=ALL, grad=False, gradgrad=False)
entry("detach_", _copy, _s(((3, 4), "T"), ((), "c")), dtypes=ALL, grad=False, gradgrad=False,
      call=_inplace_copy("detach_"), needs=("detach_", "clone"))
entry("rsub_function", lambda x, o, alpha=1: np.asarray(o - alpha * x).astype(np.result_type(x, o))
      if isinstance(o, np.ndarray) else np.asarray(o - alpha * x).astype(x.dtype), lambda dt, rng: [
    Sample((make_array(rng, (3, 4), dt), make_array(rng, (3, 4), dt))),
    Sample((make_array(rng, (3, 4), dt, layout="T"), make_array(rng, (4,), dt)), dict(alpha=2)),
    Sample((make_array(rng, (3,), dt), 5))], dtypes=("float32", "float64", "int64", "int32"),
    errors=lambda: [ErrorInput(Sample((np.ones(3, np.float32), np.ones(4, np.float32))), RuntimeError)],
    call=lambda lib, *a, **k: lib.rsub(*a, **k), needs=("rsub",))
