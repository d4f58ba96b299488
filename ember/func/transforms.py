"""Function transforms of ``torch.func``: ``grad``, ``grad_and_value``, ``vjp``, ``jvp``,
``jacrev``, ``jacfwd`` and ``hessian``, built on ember's reverse-mode autograd. They compose
(``grad(grad(f))``, ``vmap(grad(f))``, ``jacrev(jacrev(f))``): an inner transform keeps its
graph whenever its inputs are differentiated by an outer one. ``jvp`` and ``jacfwd`` give
the exact forward-mode results through reverse mode (the double-vjp trick).

>>> ember.func.grad(lambda x: (x ** 3).sum())(ember.tensor([1., 2.]))
tensor([ 3., 12.])
"""
import functools

from .. import _tensor
from ..autograd import grad as _autograd_grad
from ..autograd.grad_mode import enable_grad
from ._pytree import flatten, unflatten

__all__ = ["grad", "grad_and_value", "vjp", "jvp", "jacrev", "jacfwd", "hessian"]


def _check_leaves(leaves):
    Tensor = _tensor.Tensor
    for x in leaves:
        if not isinstance(x, Tensor):
            raise ValueError(f"Thing passed to transform API must be Tensor, got {type(x)}")


def _track(tree):
    """``(tracked tree, flat tracked leaves, whether an outer level differentiates them)``:
    tensors that already require grad are used as they are (so an outer transform sees
    through), others become fresh leaves that require grad."""
    leaves, spec = flatten(tree)
    _check_leaves(leaves)
    outer = any(x.requires_grad for x in leaves)
    tracked = [x if x.requires_grad else x.detach().requires_grad_(True) for x in leaves]
    return unflatten(tracked, spec), tracked, outer


def _argnums(argnums, nargs, name):
    if isinstance(argnums, int):
        if not -nargs <= argnums < nargs:
            raise RuntimeError(f"Got argnums={argnums}, but only {nargs} positional inputs")
        return argnums % nargs
    if not isinstance(argnums, tuple) or not argnums:
        raise RuntimeError(f"{name}: argnums must be int or a non-empty Tuple[int, ...], got {argnums!r}")
    return tuple(_argnums(a, nargs, name) for a in argnums)


def _select(args, argnums):
    return tuple(args[i] for i in argnums) if isinstance(argnums, tuple) else args[argnums]


def _replace(args, argnums, new):
    args = list(args)
    if isinstance(argnums, tuple):
        for i, v in zip(argnums, new):
            args[i] = v
    else:
        args[argnums] = new
    return tuple(args)


def _split_aux(out, has_aux, name):
    if not has_aux:
        return out, None
    if not (isinstance(out, tuple) and len(out) == 2):
        raise RuntimeError(f"{name}(f, ...)(*args): output of function f should be a tuple: (output, aux) "
                           "if has_aux is True")
    return out


def _detach_tree(tree, keep):
    if keep:
        return tree
    leaves, spec = flatten(tree)
    return unflatten([x.detach() if isinstance(x, _tensor.Tensor) else x for x in leaves], spec)


def grad_and_value(func, argnums=0, has_aux=False):
    """Like :func:`grad`, returning ``(gradient, value)`` (``(gradient, (value, aux))`` with
    ``has_aux``).

    >>> g, v = ember.func.grad_and_value(lambda x: (x * x).sum())(ember.tensor([3.]))
    >>> g, v
    (tensor([6.]), tensor(9.))
    """
    @functools.wraps(func)
    def wrapped(*args, **kwargs):
        an = _argnums(argnums, len(args), "grad_and_value")
        with enable_grad():
            tracked, leaves, outer = _track(_select(args, an))
            out = func(*_replace(args, an, tracked), **kwargs)
            out, aux = _split_aux(out, has_aux, "grad_and_value")
            if not isinstance(out, _tensor.Tensor) or out.dim() != 0:
                nd = out.dim() if isinstance(out, _tensor.Tensor) else None
                raise RuntimeError("grad_and_value(f)(*args): Expected f(*args) to return a scalar Tensor, got "
                                   f"tensor with {nd} dims. Maybe you wanted to use the vjp or jacrev APIs "
                                   "instead?")
            if out.requires_grad:
                gs = _autograd_grad(out, leaves, create_graph=outer, allow_unused=True)
            else:
                gs = (None,) * len(leaves)
        gs = [g if g is not None else x.new_zeros(x.shape) for g, x in zip(gs, leaves)]
        if not outer:
            gs = [g.detach() for g in gs]
        g = unflatten(gs, flatten(_select(args, an))[1])
        value = out if outer else out.detach()
        return (g, (value, _detach_tree(aux, outer))) if has_aux else (g, value)
    return wrapped


def grad(func, argnums=0, has_aux=False):
    """The gradient of the scalar-valued ``func`` with respect to argument ``argnums`` (an
    int or a tuple; the argument may be a tuple/list/dict of tensors). With ``has_aux``,
    ``func`` returns ``(output, aux)`` and the result is ``(gradient, aux)``.

    >>> ember.func.grad(ember.func.grad(lambda x: x ** 3))(ember.tensor(2.))
    tensor(12.)
    """
    gv = grad_and_value(func, argnums, has_aux)

    @functools.wraps(func)
    def wrapped(*args, **kwargs):
        g, value = gv(*args, **kwargs)
        return (g, value[1]) if has_aux else g
    return wrapped


def vjp(func, *primals, has_aux=False):
    """``(output, vjp_fn)``: ``func(*primals)`` and a function mapping cotangents (shaped like
    the output) to the tuple of vector-Jacobian products, one per primal.

    >>> out, fn = ember.func.vjp(lambda x: x * 2, ember.tensor([1., 2.]))
    >>> fn(ember.tensor([1., 1.]))
    (tensor([2., 2.]),)
    """
    with enable_grad():
        tracked, leaves, outer = _track(primals)
        out = func(*tracked)
        out, aux = _split_aux(out, has_aux, "vjp")
    out_leaves, out_spec = flatten(out)
    _check_leaves(out_leaves)

    def vjp_fn(cotangents):
        ct, ct_spec = flatten(cotangents)
        if len(ct) != len(out_leaves):
            raise RuntimeError("Expected pytree structure of cotangents to be the same as pytree structure of "
                               "outputs to the function")
        for c, o in zip(ct, out_leaves):
            if tuple(c.shape) != tuple(o.shape):
                raise RuntimeError(f"Mismatch in shape: grad_output[0] has a shape of {c.shape} and output[0] "
                                   f"has a shape of {o.shape}.")
        pairs = [(o, c) for o, c in zip(out_leaves, ct) if o.requires_grad]
        create = outer or any(c.requires_grad for c in ct)
        if pairs:
            with enable_grad():
                gs = _autograd_grad([o for o, _ in pairs], leaves, [c for _, c in pairs], retain_graph=True,
                                    create_graph=create, allow_unused=True)
        else:
            gs = (None,) * len(leaves)
        gs = [g if g is not None else x.new_zeros(x.shape) for g, x in zip(gs, leaves)]
        if not create:
            gs = [g.detach() for g in gs]
        return unflatten(gs, flatten(primals)[1])
    value = _detach_tree(out, outer)
    return (value, vjp_fn, _detach_tree(aux, outer)) if has_aux else (value, vjp_fn)


def jvp(func, primals, tangents, *, strict=False, has_aux=False):
    """``(output, jvp_out)``: ``func(*primals)`` and its Jacobian applied to ``tangents``
    (exact, computed as the vjp of a vjp).

    >>> ember.func.jvp(lambda x: x ** 2, (ember.tensor([3.]),), (ember.tensor([1.]),))
    (tensor([9.]), tensor([6.]))
    """
    if not isinstance(primals, tuple) or not isinstance(tangents, tuple):
        raise RuntimeError("jvp(f, primals, tangents): Expected primals and tangents to be tuples")
    p_leaves, p_spec = flatten(primals)
    t_leaves, t_spec = flatten(tangents)
    if len(p_leaves) != len(t_leaves):
        raise RuntimeError("jvp(f, primals, tangents): Expected primals and tangents to have the same python "
                           "structure")
    for p, t in zip(p_leaves, t_leaves):
        if tuple(p.shape) != tuple(t.shape):
            raise RuntimeError(f"jvp(f, primals, tangents): Expected primals and tangents to have the same "
                               f"shape, got {tuple(p.shape)} and {tuple(t.shape)}")
    with enable_grad():
        tracked, leaves, outer = _track(primals)
        out = func(*tracked)
        out, aux = _split_aux(out, has_aux, "jvp")
        o_leaves, o_spec = flatten(out)
        _check_leaves(o_leaves)
        us = [o.detach().new_zeros(o.shape).requires_grad_(True) for o in o_leaves]
        diff = [(o, u) for o, u in zip(o_leaves, us) if o.requires_grad]
        if diff:
            g = _autograd_grad([o for o, _ in diff], leaves, [u for _, u in diff], create_graph=True,
                               allow_unused=True)
            terms = [(gi * t).sum() for gi, t in zip(g, t_leaves) if gi is not None and gi.requires_grad]
        else:
            terms = []
        if terms:
            total = terms[0]
            for t in terms[1:]:
                total = total + t
            js = _autograd_grad(total, [u for _, u in diff], create_graph=outer, allow_unused=True)
            jmap = {id(u): j for (_, u), j in zip(diff, js)}
        else:
            jmap = {}
    res = []
    for o, u in zip(o_leaves, us):
        j = jmap.get(id(u))
        j = o.detach().new_zeros(o.shape) if j is None else j
        res.append(j if outer else j.detach())
    value = _detach_tree(out, outer)
    jv = unflatten(res, o_spec)
    return (value, jv, _detach_tree(aux, outer)) if has_aux else (value, jv)


def jacrev(func, argnums=0, *, has_aux=False, chunk_size=None, _name="jacrev"):
    """The Jacobian of ``func`` with respect to argument ``argnums`` by reverse mode, shaped
    ``output.shape + input.shape`` (nested per output and per argument for tuples).

    >>> ember.func.jacrev(lambda x: x ** 2)(ember.tensor([1., 2.]))
    tensor([[2., 0.],
            [0., 4.]])
    """
    @functools.wraps(func)
    def wrapped(*args, **kwargs):
        from .. import stack
        an = _argnums(argnums, len(args), _name)
        with enable_grad():
            tracked, leaves, outer = _track(_select(args, an))
            out = func(*_replace(args, an, tracked), **kwargs)
            out, aux = _split_aux(out, has_aux, _name)
            o_leaves, o_spec = flatten(out)
            _check_leaves(o_leaves)
            in_spec = flatten(_select(args, an))[1]
            per_out = []
            for o in o_leaves:
                rows = []
                flat = o.reshape(-1)
                for k in range(flat.shape[0]):
                    if flat.requires_grad:
                        gs = _autograd_grad(flat[k], leaves, retain_graph=True, create_graph=outer,
                                            allow_unused=True)
                    else:
                        gs = (None,) * len(leaves)
                    rows.append([g if g is not None else x.new_zeros(x.shape) for g, x in zip(gs, leaves)])
                blocks = []
                for i, x in enumerate(leaves):
                    if rows:
                        J = stack([r[i] for r in rows]).reshape(tuple(o.shape) + tuple(x.shape))
                    else:
                        J = x.new_zeros(tuple(o.shape) + tuple(x.shape))
                    blocks.append(J if outer else J.detach())
                per_out.append(unflatten(blocks, in_spec))
        jac = unflatten(per_out, o_spec)
        return (jac, _detach_tree(aux, outer)) if has_aux else jac
    return wrapped


def jacfwd(func, argnums=0, has_aux=False, *, randomness="error"):
    """The Jacobian of ``func`` (the same values as forward mode; ember computes it by
    reverse mode).

    >>> ember.func.jacfwd(lambda x: x.sin())(ember.tensor([0.]))
    tensor([[1.]])
    """
    return jacrev(func, argnums, has_aux=has_aux, _name="jacfwd")


def hessian(func, argnums=0):
    """The Hessian of the scalar-valued ``func`` (the Jacobian of its gradient).

    >>> ember.func.hessian(lambda x: (x ** 3).sum())(ember.tensor([1., 2.]))
    tensor([[ 6.,  0.],
            [ 0., 12.]])
    """
    return jacfwd(jacrev(func, argnums), argnums)
