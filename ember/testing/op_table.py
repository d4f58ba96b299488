"""The op table (OpInfo-lite): one entry per public op, driving the generic op tests.

An entry names the op, says how to call it (``call(lib, *args, **kwargs)`` where ``lib`` is
``ember`` or ``torch``, so the same entry runs both), gives sample inputs as NumPy arrays
(0-d, 1-d, n-d, broadcasting pairs, non-contiguous, empty), a NumPy reference, the dtypes
it supports, flags (differentiable, second derivatives, in-place variant) and error inputs.

The entries live in one file per op family (op_table_<family>.py), declared with the helpers
of :mod:`ember.testing.op_info`; this module imports them all, adds the error inputs and
0-d samples shared across families, and builds the active table: an entry whose op ember
does not have (yet) is kept out of ``OPS`` and listed in ``PENDING``. The meta-test
(tests/test_meta_coverage.py) fails when a public op has no entry. The checks the generic
tests run are in :mod:`ember.testing.op_checks`.

>>> from ember.testing.op_table import OPS_BY_NAME
>>> OPS_BY_NAME["exp"].needs
('exp',)
"""
from .._backend import np
from .op_info import (ALL, DT, FLOAT, INTS, NUM, SIGNED, ErrorInput, OpInfo, OPS_ALL, Sample,  # noqa: F401
                      _add_errors, _bad_dim, _convert, _np_reduce, _np_sum, entry, known_bug,
                      make_array, reduce_0d)
from .op_checks import (check_grad, forward_tol, leaf_arrays, numeric_grad, outputs,  # noqa: F401
                        quiet, ref_outputs, run_with)

# --------------------------------------------------------------------------- the family files
from . import op_table_elementwise  # noqa: E402,F401
from . import op_table_reduce  # noqa: E402,F401
from . import op_table_sort  # noqa: E402,F401
from . import op_table_shape  # noqa: E402,F401
from . import op_table_view_copies  # noqa: E402,F401
from . import op_table_index  # noqa: E402,F401
from . import op_table_linalg  # noqa: E402,F401
from . import op_table_linalg_legacy  # noqa: E402,F401
from . import op_table_nn  # noqa: E402,F401
from . import op_table_inplace  # noqa: E402,F401
from . import op_table_conversion  # noqa: E402,F401
from . import op_table_creation  # noqa: E402,F401
from . import op_table_signal  # noqa: E402,F401


# --------------------------------------------------------------------------- shared error inputs, 0-d reductions, known bugs
_add_errors({"amax", "amin", "argmax", "argmin", "var", "std", "logsumexp", "cumsum", "cumprod", "all",
             "any", "nansum", "nanmean", "median", "sort", "argsort", "count_nonzero", "cummax",
             "cummin", "var_mean", "std_mean"}, _bad_dim())
_add_errors({"unsqueeze", "flatten", "squeeze"}, lambda: [
    ErrorInput(Sample((np.ones((2, 3), np.float32), 7)), IndexError)])
_add_errors({"exp", "log", "sin", "sqrt", "sigmoid", "tanh"}, lambda: [
    ErrorInput(Sample(([1.0, 2.0],)), TypeError)])  # a list is not a tensor


reduce_0d("sum", _np_sum, dtypes=NUM)
reduce_0d("mean", _np_reduce(np.mean))
for _n in ("prod", "amax", "amin", "logsumexp", "nansum", "nanmean"):
    reduce_0d(_n, lambda x, dim, keepdim=False: x.copy())
for _n in ("all", "any"):
    reduce_0d(_n, lambda x, dim, keepdim=False: x.astype(bool), dtypes=ALL, grad=False)
for _n in ("max", "min", "median"):
    reduce_0d(_n, lambda x, dim, keepdim=False: (x.copy(), np.zeros((), np.int64)))
del _n


known_bug({"matrix_exp"}, "parity_float16",
          "divergence: torch 2.13's float16/bfloat16 matrix_exp overflows to inf/nan on this sample; "
          "ember computes in float32 and rounds (finite, matches float64 to half precision)")
known_bug({"matrix_exp"}, "parity_bfloat16", "see parity_float16: torch's half-precision matrix_exp gives nan")
known_bug({"unique", "unique_consecutive", "histogram"}, "parity_requires_grad",
          "divergence: torch marks this output requires_grad although its gradient is not implemented "
          "(unique, histogram); ember's output does not require grad")


# --------------------------------------------------------------------------- the active table

def _ember_has(name):
    import ember
    from .. import ops as _ops
    if "." in name:
        obj = ember
        for part in name.split("."):
            obj = getattr(obj, part, None)
            if obj is None:
                return False
        return True
    return name in _ops.public or hasattr(ember.Tensor, name) or hasattr(ember, name)


def _active():
    ops, pending = [], []
    for info in OPS_ALL:
        (ops if all(_ember_has(n) for n in info.needs) else pending).append(info)
    return ops, pending


_TABLES = []


def _tables():
    """``(OPS, PENDING, OPS_BY_NAME)``, built at first use: by then every family file has run
    to its end, even when one of them was imported before this module (its entries then
    come last)."""
    if not _TABLES:
        ops, pending = _active()
        by_name = {o.name: o for o in ops}
        assert len(by_name) == len(ops), "duplicate entry names in the op table"
        _TABLES.extend((ops, pending, by_name))
    return _TABLES


_TABLE_NAMES = {"OPS": 0, "PENDING": 1, "OPS_BY_NAME": 2}


def __getattr__(name):
    if name not in _TABLE_NAMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return _tables()[_TABLE_NAMES[name]]


def covered_names():
    """Public names and Tensor methods that the active entries stand for."""
    names = set()
    for o in _tables()[0]:
        names.update(o.needs)
        names.update(o.covers)
        if o.inplace:
            names.add(o.inplace)
    return names


def xfail_marks(info, check):
    import pytest
    reason = info.xfail.get(check) or info.xfail.get("*")
    return [pytest.mark.xfail(reason=reason, strict=False)] if reason else []


def params(check, ops=None):
    """pytest parameters over the table, with known failures marked xfail for ``check``."""
    import pytest
    return [pytest.param(o, id=o.name, marks=xfail_marks(o, check)) for o in (_tables()[0] if ops is None else ops)]
