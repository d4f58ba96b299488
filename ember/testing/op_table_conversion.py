"""Op-table entries for the conversion family (ember/ops/conversion/): clone, contiguous, ``to``
and the questions about a tensor (tensor_info).
Imported by :mod:`ember.testing.op_table`."""

from .._backend import np
from .op_info import (ALL, DT, NUM, Sample, UNARY_SHAPES, make_array, method_call, entry, unary,
                      _inplace_copy, _m, _err)


# --------------------------------------------------------------------------- conversion / copies

unary("clone", lambda x: x.copy(), dtypes=ALL, inplace=None)
unary("contiguous", lambda x: np.array(x, order="C"), dtypes=ALL, inplace=None,
      call=method_call("contiguous"))
entry("to", lambda x, d: x.astype(d), lambda dt, rng: [
    Sample((make_array(rng, s, dt, layout=l), DT("float64"))) for (s, l) in UNARY_SHAPES],
      call=method_call("to"), dtypes=NUM)
entry("to_lower", lambda x, d: x.astype(d), lambda dt, rng: [
    Sample((make_array(rng, s, dt, layout=l), DT(t))) for (s, l) in UNARY_SHAPES
    for t in ("float32", "float16")], call=method_call("to"), needs=("to",), dtypes=NUM, grad=False)
entry("to_int", lambda x, d: x.astype(d), lambda dt, rng: [
    Sample((make_array(rng, s, dt, layout=l, ints=True), DT("int64"))) for (s, l) in UNARY_SHAPES],
      call=method_call("to"), needs=("to",), dtypes=ALL, grad=False)


entry("copy_", lambda x, s: np.broadcast_to(s, x.shape).astype(x.dtype),
      lambda dt, rng: [Sample((make_array(rng, (3, 4), dt), make_array(rng, (3, 4), dt, layout="T"))),
                       Sample((make_array(rng, (3, 4), dt), make_array(rng, (4,), dt))),
                       Sample((make_array(rng, (), dt), make_array(rng, (), dt)))],
      call=_inplace_copy("copy_"), needs=("copy_", "clone"), dtypes=NUM)
entry("fill_", lambda x, v: np.full_like(x, v),
      lambda dt, rng: [Sample((make_array(rng, s, dt, layout=l), 2)) for s, l in UNARY_SHAPES],
      call=_inplace_copy("fill_"), needs=("fill_", "clone"), dtypes=NUM)
entry("zero_", np.zeros_like,
      lambda dt, rng: [Sample((make_array(rng, s, dt, layout=l),)) for s, l in UNARY_SHAPES],
      call=_inplace_copy("zero_"), needs=("zero_", "clone"), dtypes=ALL)


# --------------------------------------------------------------------------- tensor_info
def _info(name, ref, samples, call=None, **kw):
    return entry(name, ref, samples, dtypes=kw.pop("dtypes", ALL), grad=False, gradgrad=False,
                 call=call, **kw)


_info("is_same_size", lambda a, b: a.shape == b.shape, lambda dt, rng: [
    Sample((_m(rng, (2, 3), dt), _m(rng, (2, 3), dt, layout="T"))), Sample((_m(rng, (2, 3), dt), _m(rng, (3, 2), dt)))])
_info("is_signed", lambda x: x.dtype.kind in "fi", lambda dt, rng: [Sample((_m(rng, (2,), dt),))])
_info("is_nonzero", lambda x: bool(x.reshape(())), lambda dt, rng: [
    Sample((_m(rng, (1,), dt),)), Sample((np.zeros((), dt),)), Sample((np.ones((1, 1), dt),))],
      errors=lambda: [_err(np.ones(2)), _err(np.ones(0))])
for _n in ("is_inference", "is_conj", "is_neg"):
    _info(_n, lambda x: False, lambda dt, rng: [Sample((_m(rng, (2,), dt),))])
_info("is_meta", lambda x: False, lambda dt, rng: [Sample((_m(rng, (2,), dt),))], call=lambda lib, x: x.is_meta)
_info("itemsize", lambda x: x.itemsize, lambda dt, rng: [Sample((_m(rng, (2,), dt),))],
      call=lambda lib, x: x.itemsize)
_info("nbytes", lambda x: x.nbytes, lambda dt, rng: [Sample((_m(rng, s, dt, layout=l),)) for s, l in UNARY_SHAPES],
      call=lambda lib, x: x.nbytes)
_info("new", lambda x: (np.array([1, 2]).astype(x.dtype), (2, 3), (0,), x),
      lambda dt, rng: [Sample((_m(rng, (2,), dt),))],
      call=lambda lib, x: (x.new([1, 2]), tuple(x.new(2, 3).shape), tuple(x.new().shape), x.new(x)))

del _n
