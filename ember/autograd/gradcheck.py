"""Numerical gradient checks: ``gradcheck`` and ``gradgradcheck``.

``gradcheck`` compares the Jacobian autograd computes (one backward pass per output
element, with unit ``grad_outputs``) with one from central differences
``(f(x + eps) - f(x - eps)) / (2 eps)``, perturbing one input element at a time.
Run it in float64: with float32 inputs the finite differences are too noisy.

>>> x = ember.randn(3, dtype=ember.float64, requires_grad=True)
>>> ember.autograd.gradcheck(lambda t: (t * t.sin()).sum(), (x,))
True

Differences from PyTorch, by design: complex inputs and outputs are not supported
(``NotImplementedError``), and ``check_undefined_grad``, ``check_batched_grad``,
``check_batched_forward_grad``, ``check_forward_ad`` (ember has no forward-mode AD),
``masked`` and ``check_fwd_over_rev`` are accepted and ignored.
"""
import warnings

from .._backend import np

__all__ = ["gradcheck", "gradgradcheck", "GradcheckError"]


class GradcheckError(RuntimeError):
    """Raised by :func:`gradcheck` and :func:`gradgradcheck` when a check fails."""


def _as_tuple(x):
    return tuple(x) if isinstance(x, (tuple, list)) else (x,)


def _is_tensor(x):
    from .._tensor import Tensor
    return isinstance(x, Tensor)


def _check_inputs(inputs):
    """The differentiable inputs; warns on non-double, refuses overlapping memory."""
    found = False
    for idx, t in enumerate(inputs):
        if _is_tensor(t) and t.requires_grad:
            if t._data.dtype.kind == "c":
                raise NotImplementedError("ember's gradcheck does not support complex inputs yet")
            if t._data.dtype != np.float64:
                warnings.warn(f"Input #{idx} requires gradient and is not a double precision floating "
                              "point or complex. This check will likely fail if all the inputs are "
                              "not of double precision floating point or complex. ", stacklevel=3)
            d = t._data
            if d.size and any(st == 0 and sz > 1 for st, sz in zip(d.strides, d.shape)):
                raise RuntimeError(
                    f"The {idx}th input has a dimension with stride 0. gradcheck only supports "
                    "inputs that are non-overlapping to be able to compute the numerical gradients "
                    "correctly. You should call .contiguous on the input before passing it to "
                    "gradcheck.")
            found = True
    if not found:
        raise ValueError("gradcheck expects at least one input tensor to require gradient, "
                         "but none of them have requires_grad=True.")


def _outputs(func, inputs):
    out = _as_tuple(func(*inputs))
    for o in out:
        if _is_tensor(o) and o._data.dtype.kind == "c":
            raise NotImplementedError("ember's gradcheck does not support complex outputs yet")
    return out


def _numel(shape):
    n = 1
    for s in shape:
        n *= s
    return n


def _snap(o):
    """A private copy of an output's values (outputs may be views of the inputs)."""
    return np.array(o._data, copy=True) if _is_tensor(o) else None


def _analytical(outputs, out_pos, diff_inputs):
    """Rows of the Jacobian by backward passes with one-hot grad_outputs."""
    from . import grad as _grad
    from .._tensor import _wrap
    jac = [[np.zeros((t._data.size, outputs[p]._data.size), dtype=t._data.dtype) for p in out_pos]
           for t in diff_inputs]
    for jo, p in enumerate(out_pos):
        o = outputs[p]
        od = o._data
        for r in range(od.size):
            go = np.zeros(od.size, dtype=od.dtype)
            go[r] = 1
            gs = _grad(o, diff_inputs, _wrap(go.reshape(od.shape)), retain_graph=True, allow_unused=True)
            for ji, (g, t) in enumerate(zip(gs, diff_inputs)):
                if g is None:
                    continue
                if tuple(g._data.shape) != t._data.shape:
                    raise GradcheckError("Analytical gradient has incorrect size")
                jac[ji][jo][:, r] = g._data.reshape(-1)
    return jac


def _fmt(a, shape):
    from .._tensor import _wrap
    return repr(_wrap(a.reshape(shape) if a.size else a))


def gradcheck(func, inputs, *, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True, nondet_tol=0.0,
              check_undefined_grad=True, check_grad_dtypes=False, check_batched_grad=False,
              check_batched_forward_grad=False, check_forward_ad=False, check_backward_ad=True,
              fast_mode=False, masked=None):
    """Check autograd's gradients of ``func`` against central finite differences.

    Returns True, or raises :class:`GradcheckError` (returns False with
    ``raise_exception=False``) naming the output and input whose Jacobians differ.
    ``fast_mode=True`` compares random projections ``v^T J u`` instead of full Jacobians.

    >>> x = ember.tensor([0.5, 1.5], dtype=ember.float64, requires_grad=True)
    >>> ember.autograd.gradcheck(ember.exp, x)
    True
    """
    try:
        return _gradcheck(func, _as_tuple(inputs), eps, atol, rtol, nondet_tol, check_grad_dtypes,
                          check_backward_ad, fast_mode)
    except GradcheckError:
        if raise_exception:
            raise
        return False


def _gradcheck(func, inputs, eps, atol, rtol, nondet_tol, check_grad_dtypes, check_backward_ad,
               fast_mode):
    _check_inputs(inputs)
    if not check_backward_ad:
        return True
    outputs = _outputs(func, inputs)
    diff_idx = [i for i, t in enumerate(inputs) if _is_tensor(t) and t.requires_grad]
    diff_inputs = [inputs[i] for i in diff_idx]
    out_pos = [p for p, o in enumerate(outputs) if _is_tensor(o) and o.requires_grad]
    if not out_pos:
        _check_no_differentiable_outputs(func, inputs, outputs, diff_idx, eps)
        return True
    if fast_mode:
        _fast_check(func, inputs, outputs, diff_idx, out_pos, eps, atol, rtol, nondet_tol)
    else:
        _slow_check(func, inputs, outputs, diff_idx, out_pos, eps, atol, rtol, nondet_tol,
                    check_grad_dtypes)
    _check_mul_by_grad_output(outputs, out_pos, diff_inputs)
    return True


def _check_no_differentiable_outputs(func, inputs, outputs, diff_idx, eps):
    pos = [p for p, o in enumerate(outputs) if _is_tensor(o) and o._data.dtype.kind == "f"]
    if not pos:
        return
    meta = [(p, outputs[p]._data.shape) for p in pos]
    for cols in _numerical_cols(func, inputs, diff_idx, meta, eps):
        for c in cols:
            if np.any(c != 0):
                raise GradcheckError("Numerical gradient for function expected to be zero")


def _numerical_cols(func, inputs, diff_idx, meta, eps):
    """Numerical Jacobians: for each input, one (numel_in, numel_out) array per output in meta."""
    res = []
    for i in diff_idx:
        d = inputs[i]._data
        cols = [None] * len(meta)
        for k, idx in enumerate(np.ndindex(*d.shape)):
            orig = d[idx].copy()
            d[idx] = orig - eps
            lo = _as_tuple(func(*inputs))
            lo = [_snap(lo[p]) for p, _ in meta]
            d[idx] = orig + eps
            hi = _as_tuple(func(*inputs))
            hi = [_snap(hi[p]) for p, _ in meta]
            d[idx] = orig
            for m, (a, b) in enumerate(zip(hi, lo)):
                col = ((a - b) / (2 * eps)).reshape(-1)
                if cols[m] is None:
                    cols[m] = np.zeros((d.size, col.size), dtype=col.dtype)
                cols[m][k] = col
        for m, (p, shape) in enumerate(meta):
            if cols[m] is None:  # an empty input
                cols[m] = np.zeros((0, _numel(shape)), dtype=np.float64)
        res.append(cols)
    return res


def _slow_check(func, inputs, outputs, diff_idx, out_pos, eps, atol, rtol, nondet_tol,
                check_grad_dtypes):
    diff_inputs = [inputs[i] for i in diff_idx]
    if check_grad_dtypes:
        _check_grad_dtypes(outputs, out_pos, diff_inputs)
    ana1 = _analytical(outputs, out_pos, diff_inputs)
    ana2 = _analytical(outputs, out_pos, diff_inputs)
    meta = [(p, outputs[p]._data.shape) for p in out_pos]
    num = _numerical_cols(func, inputs, diff_idx, meta, eps)
    for jo, p in enumerate(out_pos):
        for ji, i in enumerate(diff_idx):
            a, n = ana1[ji][jo], num[ji][jo]
            if not np.allclose(a, n, rtol=rtol, atol=atol):
                raise GradcheckError(
                    f"Jacobian mismatch for output {jo:d} with respect to input {ji:d},\n"
                    f"numerical:{_fmt(n, n.shape)}\nanalytical:{_fmt(a, a.shape)}\n")
    for x, y in zip(ana1, ana2):
        for a, b in zip(x, y):
            if not np.allclose(a, b, rtol=0, atol=nondet_tol):
                raise GradcheckError(
                    "Backward is not reentrant, i.e., running backward with same input and "
                    "grad_output multiple times gives different values, although analytical "
                    "gradient matches numerical gradient.The tolerance for nondeterminism was "
                    f"{nondet_tol}.")


def _check_grad_dtypes(outputs, out_pos, diff_inputs):
    from . import grad as _grad
    for p in out_pos:
        o = outputs[p]
        gs = _grad(o, diff_inputs, _ones_like(o), retain_graph=True, allow_unused=True)
        for g, t in zip(gs, diff_inputs):
            if g is not None and g._data.dtype != t._data.dtype:
                raise GradcheckError("Gradient has dtype mismatch")


def _ones_like(o):
    from .._tensor import _wrap
    return _wrap(np.ones(o._data.shape, dtype=o._data.dtype))


def _fast_check(func, inputs, outputs, diff_idx, out_pos, eps, atol, rtol, nondet_tol):
    """Compare ``v^T J u`` (random unit u per input, v per output) numerically and by autograd."""
    from . import grad as _grad
    from .._tensor import _wrap
    gen = np.random.default_rng(0)
    diff_inputs = [inputs[i] for i in diff_idx]
    us = []
    for t in diff_inputs:
        u = gen.standard_normal(t._data.shape)
        nrm = np.linalg.norm(u)
        us.append(u / nrm if nrm else u)
    vs = []
    for p in out_pos:
        od = outputs[p]._data
        v = gen.standard_normal(od.shape)
        nrm = np.linalg.norm(v)
        vs.append((v / nrm if nrm else v).astype(od.dtype))
    for jo, p in enumerate(out_pos):
        o = outputs[p]
        gs = _grad(o, diff_inputs, _wrap(vs[jo]), retain_graph=True, allow_unused=True)
        gs2 = _grad(o, diff_inputs, _wrap(vs[jo]), retain_graph=True, allow_unused=True)
        for ji, i in enumerate(diff_idx):
            d = inputs[i]._data
            orig = d.copy()
            u = us[ji].astype(d.dtype)
            d[...] = orig - eps * u
            lo = _snap(_as_tuple(func(*inputs))[p])
            d[...] = orig + eps * u
            hi = _snap(_as_tuple(func(*inputs))[p])
            d[...] = orig
            n = np.sum(vs[jo] * ((hi - lo) / (2 * eps)))
            g, g2 = gs[ji], gs2[ji]
            a = 0.0 if g is None else np.sum(g._data * u)
            a2 = 0.0 if g2 is None else np.sum(g2._data * u)
            # tolerances scale with the projections, as for the full Jacobian check
            tol = atol * np.abs(vs[jo]).sum() * np.abs(u).sum() + rtol * abs(n)
            if not abs(a - n) <= tol:
                raise GradcheckError(
                    f"Jacobian mismatch for output {jo:d} with respect to input {ji:d},\n"
                    f"numerical:{_fmt(np.asarray(n), ())}\nanalytical:{_fmt(np.asarray(a), ())}\n\n"
                    "The above quantities relating the numerical and analytical jacobians are "
                    "computed in fast mode. Rerun with fast_mode=False to see the full Jacobians.")
            if abs(a - a2) > nondet_tol:
                raise GradcheckError(
                    "Backward is not reentrant, i.e., running backward with same input and "
                    "grad_output multiple times gives different values, although analytical "
                    "gradient matches numerical gradient.The tolerance for nondeterminism was "
                    f"{nondet_tol}.")


def _check_mul_by_grad_output(outputs, out_pos, diff_inputs):
    """Zero grad_outputs must give zero gradients."""
    from . import grad as _grad
    from .._tensor import _wrap
    outs = [outputs[p] for p in out_pos]
    zeros = [_wrap(np.zeros(o._data.shape, dtype=o._data.dtype)) for o in outs]
    gs = _grad(outs, diff_inputs, zeros, retain_graph=True, allow_unused=True)
    for g, t in zip(gs, diff_inputs):
        if g is None:
            continue
        if np.any(g._data != 0):
            raise GradcheckError("backward not multiplied by grad_output")
        if g._data.dtype != t._data.dtype:
            raise GradcheckError("grad is incorrect type")


def gradgradcheck(func, inputs, grad_outputs=None, *, eps=1e-6, atol=1e-5, rtol=1e-3,
                  gen_non_contig_grad_outputs=False, raise_exception=True, nondet_tol=0.0,
                  check_undefined_grad=True, check_grad_dtypes=False, check_batched_grad=False,
                  check_fwd_over_rev=False, check_rev_over_rev=True, fast_mode=False, masked=False):
    """Check second derivatives: gradcheck the function ``(inputs, v) -> v^T J``.

    The backward pass is built with ``create_graph=True``; ``grad_outputs`` default to
    random tensors in [-1, 1) that require grad.

    >>> x = ember.tensor([0.5, 1.5], dtype=ember.float64, requires_grad=True)
    >>> ember.autograd.gradgradcheck(lambda t: t ** 3, x)
    True
    """
    from .._tensor import _wrap
    from . import grad as _grad
    inputs = _as_tuple(inputs)
    if not check_rev_over_rev:
        return True
    if grad_outputs is None:
        gen = np.random.default_rng(0)
        outs = [o for o in _as_tuple(func(*inputs)) if _is_tensor(o) and o.requires_grad]
        grad_outputs = []
        for o in outs:
            dt = o._data.dtype if o._data.dtype.kind in "fc" else np.float64
            a = gen.uniform(-1, 1, o._data.shape).astype(dt)
            if gen_non_contig_grad_outputs and a.ndim:
                a = np.repeat(a, 2, axis=-1)[..., ::2]
            g = _wrap(a)
            g._rg = True
            grad_outputs.append(g)
        grad_outputs = tuple(grad_outputs)
    else:
        grad_outputs = _as_tuple(grad_outputs)
    n_go = len(grad_outputs)

    def new_func(*args):
        ins, gos = args[:-n_go] if n_go else args, args[len(args) - n_go:]
        outs = [o for o in _as_tuple(func(*ins)) if _is_tensor(o) and o.requires_grad]
        diff = [t for t in ins if _is_tensor(t) and t.requires_grad]
        gs = _grad(outs, diff, gos, create_graph=True, allow_unused=True)
        return tuple(g for g in gs if g is not None)

    return gradcheck(new_func, inputs + grad_outputs, eps=eps, atol=atol, rtol=rtol,
                     raise_exception=raise_exception, nondet_tol=nondet_tol,
                     check_grad_dtypes=check_grad_dtypes, fast_mode=fast_mode)


# ``ember.autograd.gradcheck`` names the function (as in PyTorch), so reach the error
# class from there too: ``ember.autograd.gradcheck.GradcheckError``.
gradcheck.GradcheckError = GradcheckError
gradgradcheck.GradcheckError = GradcheckError
