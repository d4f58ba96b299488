"""Op-table entries for the tensor-level activations of the nn family (ember/ops/nn/activation.py):
softmax, log_softmax, prelu and hardshrink.
Imported by :mod:`ember.testing.op_table`."""

from .._backend import np
from .op_info import DT, Sample, UNARY_SHAPES, entry, _m, _err


# --------------------------------------------------------------------------- activation
def _softmax_ref(x, dim, dtype=None):
    x = x.astype(dtype) if dtype is not None else x
    if x.ndim == 0:
        return np.ones_like(x)
    e = np.exp(x - x.max(axis=dim, keepdims=True))
    return e / e.sum(axis=dim, keepdims=True)


def _log_softmax_ref(x, dim, dtype=None):
    x = x.astype(dtype) if dtype is not None else x
    if x.ndim == 0:
        return np.zeros_like(x)
    s = x - x.max(axis=dim, keepdims=True)
    return s - np.log(np.exp(s).sum(axis=dim, keepdims=True))


def _softmax_samples(dt, rng):
    return [Sample((_m(rng, (3, 4), dt), 1)), Sample((_m(rng, (3, 4), dt, layout="T"), 0)),
            Sample((_m(rng, (2, 3, 2), dt, layout="s"), -1)), Sample((_m(rng, (), dt), 0)),
            Sample((_m(rng, (0, 3), dt), 1)), Sample((_m(rng, (3, 4), dt), -1), dict(dtype=DT("float64")))]


for _n, _f in (("softmax", _softmax_ref), ("log_softmax", _log_softmax_ref)):
    entry(_n, _f, _softmax_samples,
          errors=lambda: [_err(np.ones(3, np.int64), 0, exc=NotImplementedError),
                          _err(np.ones(3, np.float32), 0, dtype=DT("int64"), exc=NotImplementedError),
                          _err(np.ones((2, 3), np.float32), 2, exc=IndexError)])


def _prelu_ref(x, w):
    wb = w.reshape((1, -1) + (1,) * (x.ndim - 2)) if x.ndim >= 2 and w.size > 1 else w.reshape(())
    return np.where(x > 0, x, x * wb)


entry("prelu", _prelu_ref, lambda dt, rng: [
    Sample((_m(rng, (2, 3, 4), dt), _m(rng, (3,), dt, 0.1, 0.9))),
    Sample((_m(rng, (3, 4), dt, layout="T"), _m(rng, (4,), dt, 0.1, 0.9))),
    Sample((_m(rng, (5,), dt), _m(rng, (1,), dt, 0.1, 0.9))),
    Sample((_m(rng, (), dt), _m(rng, (), dt, 0.1, 0.9))),
    Sample((_m(rng, (2, 3, 2), dt, layout="s"), _m(rng, (), dt, 0.1, 0.9)))],
      errors=lambda: [_err(np.ones((2, 3), np.float32), np.ones((1, 3), np.float32)),
                      _err(np.ones((2, 3), np.float32), np.ones(2, np.float32)),
                      _err(np.ones(3, np.int64), np.ones(1, np.int64), exc=NotImplementedError)])
entry("hardshrink", lambda x, lambd=0.5: np.where(np.abs(x) > lambd, x, 0).astype(x.dtype), lambda dt, rng: [
    Sample((_m(rng, s, dt, layout=l),)) for s, l in UNARY_SHAPES] + [Sample((_m(rng, (3, 4), dt),), dict(lambd=1.5))],
      errors=lambda: [_err(np.ones(3, np.int64), exc=NotImplementedError)])
