"""The checks the generic op tests run on an op-table entry: outputs and their reference
values, forward tolerances per dtype, and gradients and second derivatives against central
differences in float64.

>>> from ember.testing.op_checks import numeric_grad
>>> numeric_grad(lambda xs: float((xs[0] ** 2).sum()), [np.array([1.0, 2.0])])[0].round(4)
array([2., 4.])
"""
import builtins
import contextlib
import warnings

from .._backend import np
from .op_info import Sample, _Pre


@contextlib.contextmanager
def quiet():
    """Silence NumPy floating point warnings in reference computations."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        yield


def outputs(out):
    """An op's output as a flat list (tuples, lists and namedtuples are unpacked)."""
    if isinstance(out, (tuple, list)):
        r = []
        for o in out:
            r += outputs(o)
        return r
    return [out]


def ref_outputs(out):
    if isinstance(out, (tuple, list)):
        r = []
        for o in out:
            r += ref_outputs(o)
        return r
    return [np.asarray(out)]


def forward_tol(info, dtype, out_dtype=None):
    """(rtol, atol) for comparing an output of dtype ``out_dtype`` (a NumPy dtype) computed from
    ``dtype`` inputs; exact for integer and bool outputs."""
    if info.tol and dtype in info.tol:
        return info.tol[dtype]
    if out_dtype is not None:
        kind = np.dtype(out_dtype).kind
        if kind in "biu":
            return (0, 0)
        dtype = np.dtype(out_dtype).name if kind == "f" else dtype
    return {"float32": (1e-5, 1e-5), "float64": (1e-7, 1e-7), "float16": (1e-3, 1e-3),
            "bfloat16": (1.6e-2, 1e-2)}.get(dtype, (0, 0))


def _ember():
    import ember
    return ember


def _diff_outputs(out):
    return [o for o in outputs(out) if getattr(o, "requires_grad", False)]


def _weighted(outs, vs):
    """sum_i <out_i, v_i> as a float (NumPy)."""
    return builtins.sum(float(np.sum(np.asarray(o._data, dtype=np.float64) * v)) for o, v in zip(outs, vs))


def run_with(info, sample, values, idx):
    """Run ``info`` on ember (no grad) with the float inputs replaced by ``values``; returns the
    outputs at positions ``idx``."""
    em = _ember()
    it = iter(values)

    def sub(x):
        if isinstance(x, np.ndarray) and x.dtype.kind == "f":
            return next(it)
        if isinstance(x, (list, tuple)) and any(isinstance(v, np.ndarray) for v in x):
            return type(x)(sub(v) for v in x)
        return x
    args = tuple(sub(a) if info._grad_arg(i) else a for i, a in enumerate(sample.args))
    kwargs = {k: (sub(v) if info.grad_args is None else v) for k, v in sample.kwargs.items()}
    with em.no_grad():
        out, _ = info.run(em, Sample(args, kwargs))
    outs = outputs(out)
    return [outs[i] for i in idx]


def numeric_grad(fn, xs, eps=1e-6):
    """Central differences of the scalar function ``fn(list_of_arrays)`` w.r.t. each array."""
    grads = []
    for k, x in enumerate(xs):
        g = np.zeros(x.shape)
        for j in range(x.size):
            xp = [a.copy() for a in xs]
            xm = [a.copy() for a in xs]
            xp[k].flat[j] += eps
            xm[k].flat[j] -= eps
            g.flat[j] = (fn(xp) - fn(xm)) / (2 * eps)
        grads.append(g)
    return grads


def leaf_arrays(leaves):
    return [np.array(t._data, dtype=np.float64) for t in leaves]


def check_grad(info, sample, rng, *, second=False, rtol=1e-3, atol=1e-5):
    """Compare autograd gradients (or second derivatives) with central differences in float64.

    Returns False when the sample has nothing to differentiate."""
    from ._comparison import assert_close
    em = _ember()
    out, leaves = info.run(em, sample, requires_grad=True)
    if not leaves:
        return False
    all_outs = outputs(out)
    idx = [i for i, o in enumerate(all_outs) if getattr(o, "requires_grad", False)]
    outs = [all_outs[i] for i in idx]
    if not outs:
        raise AssertionError(f"{info.name}{sample!r}: no output requires grad although inputs do")
    x0 = leaf_arrays(leaves)
    vs = [rng.standard_normal(o.shape) for o in outs]
    if not second:
        g = em.autograd.grad(outs, leaves, [em.tensor(v) for v in vs], allow_unused=True)
        analytic = [np.zeros(x.shape) if gi is None else np.asarray(gi._data) for gi, x in zip(g, x0)]
        numeric = numeric_grad(lambda xs: _weighted(run_with(info, sample, xs, idx), vs), x0)
        for i, (a, n) in enumerate(zip(analytic, numeric)):
            assert_close(a, n, rtol=rtol, atol=atol, check_dtype=False,
                         msg=lambda m, i=i: f"{info.name}{sample!r}: gradient of input {i} differs "
                                            f"from finite differences\n{m}")
        return True
    vt = [em.tensor(v, requires_grad=True) for v in vs]
    g = em.autograd.grad(outs, leaves, vt, create_graph=True, allow_unused=True)
    us = [rng.standard_normal(x.shape) for x in x0]
    terms = [(gi * em.tensor(u)).sum() for gi, u in zip(g, us) if gi is not None and gi.requires_grad]
    if not terms:
        return False  # the gradient does not depend on inputs or grad_output
    total = terms[0]
    for t in terms[1:]:
        total = total + t
    gg = em.autograd.grad(total, list(leaves) + vt, allow_unused=True)
    analytic = [np.zeros(x.shape) if gi is None else np.asarray(gi._data)
                for gi, x in zip(gg, x0 + vs)]
    nx = len(x0)

    def first(arrs):
        xs, v = arrs[:nx], arrs[nx:]
        ts = [em.tensor(a, requires_grad=True) for a in xs]
        it = iter(ts)
        o, _ = info.run(em, _substitute(info, sample, it))
        os_ = [outputs(o)[i] for i in idx]
        gs = em.autograd.grad(os_, ts, [em.tensor(a) for a in v], allow_unused=True)
        return builtins.sum(float(np.sum(np.asarray(gi._data) * u)) for gi, u in zip(gs, us)
                            if gi is not None)
    numeric = numeric_grad(first, x0 + vs)
    for i, (a, n) in enumerate(zip(analytic, numeric)):
        what = f"input {i}" if i < nx else f"grad_output {i - nx}"
        assert_close(a, n, rtol=rtol, atol=atol, check_dtype=False,
                     msg=lambda m, w=what: f"{info.name}{sample!r}: second derivative w.r.t. {w} "
                                           f"differs from finite differences\n{m}")
    return True


def _substitute(info, sample, it):
    def sub(x):
        if isinstance(x, np.ndarray) and x.dtype.kind == "f":
            return _Pre(next(it))
        if isinstance(x, (list, tuple)) and any(isinstance(v, np.ndarray) for v in x):
            return type(x)(sub(v) for v in x)
        return x
    args = tuple(sub(a) if info._grad_arg(i) else a for i, a in enumerate(sample.args))
    kwargs = {k: (sub(v) if info.grad_args is None else v) for k, v in sample.kwargs.items()}
    return Sample(args, kwargs)
