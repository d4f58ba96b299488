"""Higher-level autograd: ``vjp``, ``jvp``, ``jacobian``, ``hessian``, ``vhp``, ``hvp``,
as ``torch.autograd.functional``, built on ``autograd.grad``.

``inputs`` is a Tensor or a tuple of Tensors, and results follow the same structure.
``jvp`` uses the double-backward trick (ember has no forward-mode AD), and
``vectorize=True`` / ``strategy="forward-mode"`` are accepted but computed row by row
in reverse mode.

>>> f = lambda x: (x ** 3).sum()
>>> ember.autograd.functional.hessian(f, ember.tensor([1., 2.]))
tensor([[ 6.,  0.],
        [ 0., 12.]])
"""
from .._backend import np
from .._tensor import Tensor, _wrap
from . import grad_mode

__all__ = ["vjp", "jvp", "jacobian", "hessian", "vhp", "hvp"]


def _as_tuple(x, arg_name, fn_name):
    """(tuple of tensors, whether the user passed a tuple)."""
    if isinstance(x, tuple):
        is_tuple, xs = True, x
    elif isinstance(x, list):
        is_tuple, xs = True, tuple(x)
    else:
        is_tuple, xs = False, (x,)
    for i, t in enumerate(xs):
        if not isinstance(t, Tensor):
            if is_tuple:
                raise TypeError(f"The {arg_name} given to {fn_name} must be either a Tensor or a "
                                f"tuple of Tensors but the value at index {i} has type {type(t)}.")
            raise TypeError(f"The {arg_name} given to {fn_name} must be either a Tensor or a tuple "
                            f"of Tensors but the given {arg_name} has type {type(t)}.")
    return is_tuple, xs


def _prepare(inputs, create_graph, need_graph):
    """Fresh graph leaves for the inputs (views when the caller's graph must be kept)."""
    out = []
    for t in inputs:
        if create_graph and t.requires_grad:
            out.append(t.view_as(t))
        else:
            out.append(t.detach().requires_grad_(need_graph))
    return tuple(out)


def _finish(xs, create_graph):
    """Detach results unless the caller asked for a differentiable graph."""
    if create_graph:
        return xs
    return tuple(None if x is None else x.detach() for x in xs)


def _grad(outputs, inputs, grad_outputs, create_graph, retain_graph=None):
    from . import grad
    outs, ins, gos = [], [], []
    for o, g in zip(outputs, grad_outputs):
        if o is not None and o.requires_grad:
            outs.append(o)
            gos.append(g)
    if not outs:
        return (None,) * len(inputs)
    return grad(outs, inputs, gos, retain_graph=retain_graph, create_graph=create_graph,
                allow_unused=True)


def _fill_zeros(grads, refs, strict, stage):
    from .. import zeros_like
    out = []
    for i, (g, r) in enumerate(zip(grads, refs)):
        if g is None:
            if strict:
                raise RuntimeError(f"The {stage} of the user-provided function is independent of "
                                   f"input {i}. This is not allowed in strict mode.")
            g = zeros_like(r)
        out.append(g)
    return tuple(out)


def _unwrap(is_tuple, xs):
    return xs if is_tuple else xs[0]


def _check_outputs(outs, fn_name):
    for i, o in enumerate(outs):
        if not isinstance(o, Tensor):
            raise TypeError(f"The outputs of the user-provided function given to {fn_name} must be "
                            f"either a Tensor or a tuple of Tensors but the value at index {i} has "
                            f"type {type(o)}.")


def vjp(func, inputs, v=None, create_graph=False, strict=False):
    """``(func(inputs), v^T J)``: the vector-Jacobian product at ``inputs``.

    >>> out, g = ember.autograd.functional.vjp(lambda x: x ** 2, ember.tensor([1., 3.]), ember.ones(2))
    >>> g
    tensor([2., 6.])
    """
    with grad_mode.enable_grad():
        in_tuple, ins = _as_tuple(inputs, "inputs", "vjp")
        ins = _prepare(ins, create_graph, True)
        out_tuple, outs = _as_tuple(func(*ins), "outputs of the user-provided function", "vjp")
        _check_outputs(outs, "vjp")
        if v is None:
            if len(outs) != 1 or outs[0].numel() != 1:
                raise RuntimeError("The vector v can only be None if the user-provided function "
                                   "returns a single Tensor with a single element.")
            vs = (None,)
        else:
            _, vs = _as_tuple(v, "v", "vjp")
            _check_shapes(vs, outs, "v", "outputs of the user-provided function")
        gos = tuple(_ones_like(o) if g is None else g for g, o in zip(vs, outs))
        res = _grad(outs, ins, gos, create_graph)
        res = _fill_zeros(res, ins, strict, "outputs")
    return _unwrap(out_tuple, _finish(outs, create_graph)), _unwrap(in_tuple, _finish(res, create_graph))


def jvp(func, inputs, v=None, create_graph=False, strict=False):
    """``(func(inputs), J v)``: the Jacobian-vector product (by double backward).

    >>> out, t = ember.autograd.functional.jvp(lambda x: x ** 2, ember.tensor([1., 3.]), ember.ones(2))
    >>> t
    tensor([2., 6.])
    """
    with grad_mode.enable_grad():
        in_tuple, ins = _as_tuple(inputs, "inputs", "jvp")
        ins = _prepare(ins, create_graph, True)
        if v is None:
            if len(ins) != 1 or ins[0].numel() != 1:
                raise RuntimeError("The vector v can only be None if the input to the user-provided "
                                   "function is a single Tensor with a single element.")
            vs = (_ones_like(ins[0]),)
        else:
            _, vs = _as_tuple(v, "v", "jvp")
            _check_shapes(vs, ins, "v", "inputs")
        out_tuple, outs = _as_tuple(func(*ins), "outputs of the user-provided function", "jvp")
        _check_outputs(outs, "jvp")
        # J v = d/du (u^T J) v, with u a dummy cotangent that requires grad
        us = tuple(_zeros_like(o).requires_grad_(True) for o in outs)
        g = _grad(outs, ins, us, create_graph=True, retain_graph=True)
        g = _fill_zeros(g, ins, strict, "outputs")
        res = _grad(g, us, vs, create_graph)
        res = _fill_zeros(res, outs, strict, "backward")
    return _unwrap(out_tuple, _finish(outs, create_graph)), _unwrap(out_tuple, _finish(res, create_graph))


def jacobian(func, inputs, create_graph=False, strict=False, vectorize=False, strategy="reverse-mode"):
    """The Jacobian of ``func`` at ``inputs``: shape ``output.shape + input.shape``
    (tuples of these for tuple inputs/outputs).

    >>> ember.autograd.functional.jacobian(lambda x: x ** 2, ember.tensor([1., 3.]))
    tensor([[2., 0.],
            [0., 6.]])
    """
    if strategy not in ("reverse-mode", "forward-mode"):
        raise ValueError('Expected strategy to be either "forward-mode" or "reverse-mode". Hint: If '
                         'your function has more outputs than inputs, "forward-mode" tends to be more '
                         'performant. Otherwise, prefer to use "reverse-mode".')
    from .. import stack, zeros
    with grad_mode.enable_grad():
        in_tuple, ins = _as_tuple(inputs, "inputs", "jacobian")
        ins = _prepare(ins, create_graph, True)
        out_tuple, outs = _as_tuple(func(*ins), "outputs of the user-provided function", "jacobian")
        _check_outputs(outs, "jacobian")
        jac = []
        for o in outs:
            rows = [[] for _ in ins]
            flat = o.reshape(-1)
            n = flat.numel()
            for k in range(n):
                go = np.zeros(n, dtype=o._data.dtype)
                go[k] = 1
                gs = _grad((flat,), ins, (_wrap(go),), create_graph, retain_graph=True)
                for j, (g, t) in enumerate(zip(gs, ins)):
                    if g is None:
                        if strict:
                            raise RuntimeError(f"Output {len(jac)} of the user-provided function is "
                                               f"independent of input {j}. This is not allowed in "
                                               "strict mode.")
                        g = zeros(t.shape, dtype=t.dtype)
                    rows[j].append(g)
            per_in = []
            for j, t in enumerate(ins):
                if rows[j]:
                    J = stack(rows[j]).reshape(tuple(o.shape) + tuple(t.shape))
                else:
                    J = zeros(tuple(o.shape) + tuple(t.shape), dtype=t.dtype)
                per_in.append(J if create_graph else J.detach())
            jac.append(tuple(per_in))
    if not out_tuple and not in_tuple:
        return jac[0][0]
    if not out_tuple:
        return jac[0]
    if not in_tuple:
        return tuple(j[0] for j in jac)
    return tuple(jac)


def hessian(func, inputs, create_graph=False, strict=False, vectorize=False,
            outer_jacobian_strategy="reverse-mode"):
    """The Hessian of a scalar-valued ``func`` at ``inputs``.

    >>> ember.autograd.functional.hessian(lambda x: (x * x).sum(), ember.tensor([1., 2.]))
    tensor([[2., 0.],
            [0., 2.]])
    """
    in_tuple, ins = _as_tuple(inputs, "inputs", "hessian")

    def scalar_func(*xs):
        out = func(*xs)
        o_tuple, os_ = _as_tuple(out, "outputs of the user-provided function", "hessian")
        if len(os_) != 1 or os_[0].numel() != 1:
            raise RuntimeError("The function given to hessian should return a single Tensor")
        return os_[0].reshape(())

    def jac_func(*xs):
        return jacobian(scalar_func, xs, create_graph=True, strict=strict)

    res = jacobian(jac_func, ins, create_graph=create_graph, strict=strict)
    # res[i][j]: d(grad_i)/d(input_j)
    if not in_tuple:
        return res[0][0]
    return res


def vhp(func, inputs, v=None, create_graph=False, strict=False):
    """``(func(inputs), v^T H)`` for a scalar-valued ``func``.

    >>> out, r = ember.autograd.functional.vhp(lambda x: (x ** 3).sum(), ember.tensor([1., 2.]), ember.ones(2))
    >>> r
    tensor([ 6., 12.])
    """
    return _hessian_product(func, inputs, v, create_graph, strict, "vhp")


def hvp(func, inputs, v=None, create_graph=False, strict=False):
    """``(func(inputs), H v)`` for a scalar-valued ``func`` (equal to ``vhp``: H is symmetric).

    >>> out, r = ember.autograd.functional.hvp(lambda x: (x ** 3).sum(), ember.tensor([1., 2.]), ember.ones(2))
    >>> r
    tensor([ 6., 12.])
    """
    return _hessian_product(func, inputs, v, create_graph, strict, "hvp")


def _hessian_product(func, inputs, v, create_graph, strict, name):
    with grad_mode.enable_grad():
        in_tuple, ins = _as_tuple(inputs, "inputs", name)
        ins = _prepare(ins, create_graph, True)
        if v is None:
            if len(ins) != 1 or ins[0].numel() != 1:
                raise RuntimeError("The vector v can only be None if the input to the user-provided "
                                   "function is a single Tensor with a single element.")
            vs = (_ones_like(ins[0]),)
        else:
            _, vs = _as_tuple(v, "v", name)
            _check_shapes(vs, ins, "v", "inputs")
        out_tuple, outs = _as_tuple(func(*ins), "outputs of the user-provided function", name)
        if len(outs) != 1 or outs[0].numel() != 1:
            raise RuntimeError(f"The function given to {name} should return a single Tensor")
        out = outs[0]
        g = _grad((out,), ins, (_ones_like(out),), create_graph=True, retain_graph=True)
        g = _fill_zeros(g, ins, strict, "outputs")
        res = _grad(g, ins, vs, create_graph)
        res = _fill_zeros(res, ins, strict, "backward")
    out = out if create_graph else out.detach()
    return out, _unwrap(in_tuple, _finish(res, create_graph))


def _check_shapes(vs, refs, v_name, ref_name):
    if len(vs) != len(refs):
        raise RuntimeError(f"{v_name} is a tuple of invalid length: should be {len(refs)} but got "
                           f"{len(vs)}.")
    for i, (a, b) in enumerate(zip(vs, refs)):
        if tuple(a.shape) != tuple(b.shape):
            raise RuntimeError(f"Entry {i} in {v_name} has invalid size: should be {b.shape} but got "
                               f"{a.shape}.")


def _ones_like(t):
    return _wrap(np.ones(t._data.shape, dtype=t._data.dtype))


def _zeros_like(t):
    return _wrap(np.zeros(t._data.shape, dtype=t._data.dtype))
