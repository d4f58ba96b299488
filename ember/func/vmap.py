"""``vmap``: map a function over a dimension of its inputs. ember runs the function once per
index of the mapped dimension and stacks the results (PyTorch batches the ops instead); the
results, nesting (``vmap(vmap(f))``), composition with ``grad`` and gradients through the
slices and the stack are the same.

>>> ember.vmap(lambda x: x.sum())(ember.arange(6.).reshape(2, 3))
tensor([ 3., 12.])
"""
import builtins
import functools

from .. import _tensor
from ._pytree import broadcast_prefix, flatten, unflatten

__all__ = ["vmap"]


def _fname(func):
    return getattr(func, "__name__", repr(func))


def _batch_size(flat_args, flat_dims, func, in_dims):
    Tensor = _tensor.Tensor
    sizes = []
    for a, d in zip(flat_args, flat_dims):
        if d is None:
            continue
        if not isinstance(d, int):
            raise ValueError(f"vmap({_fname(func)}, in_dims={in_dims}, ...)(<inputs>): in_dims must be int or "
                             f"None for each input, got {d!r}")
        if not isinstance(a, Tensor):
            raise ValueError(f"vmap({_fname(func)}, in_dims={in_dims}, ...)(<inputs>): Got in_dim={d} for an input "
                             f"but the input is of type {type(a)}. We cannot vmap over non-Tensor arguments, please "
                             "use None as the respective in_dim")
        nd = a.dim()
        if not -nd <= d < nd:
            raise ValueError(f"vmap({_fname(func)}, in_dims={in_dims}, ...)(<inputs>): Got in_dim={d} for some "
                             f"input, but that input is a Tensor of dimensionality {nd} so expected in_dim to "
                             f"satisfy {-nd} <= in_dim < {nd}.")
        sizes.append(a.shape[d])
    if not sizes:
        raise ValueError(f"vmap({_fname(func)}, in_dims={in_dims}, ...)(<inputs>): at least one input must be a "
                         "Tensor mapped over a dimension (got in_dims None for every Tensor, or no Tensor)")
    if builtins.any(s != sizes[0] for s in sizes):
        raise ValueError("vmap: Expected all tensors to have the same size in the mapped dimension, got sizes "
                         f"{sizes} for the mapped dimension")
    return sizes[0]


def _stack(outs, out_dims, func):
    """Stack the per-index outputs (each a pytree) along ``out_dims``."""
    from .. import stack
    Tensor = _tensor.Tensor
    flat0, spec = flatten(outs[0])
    dims = broadcast_prefix(out_dims, outs[0])
    if dims is None:
        raise ValueError(f"vmap({_fname(func)}, ..., out_dims={out_dims})(<inputs>): out_dims is not compatible "
                         "with the structure of `outputs`.")
    columns = [flatten(o)[0] for o in outs]
    result = []
    for j, d in enumerate(dims):
        vals = [c[j] for c in columns]
        if d is None:
            result.append(vals[0])
            continue
        if not isinstance(vals[0], Tensor):
            raise ValueError(f"vmap({_fname(func)}, ...): `{_fname(func)}` must only return Tensors, got type "
                             f"{type(vals[0])}. Did you mean to set out_dims= to None for output?")
        nd = vals[0].dim() + 1
        if not -nd <= d < nd:
            raise IndexError(f"Dimension out of range (expected to be in range of [{-nd}, {nd - 1}], but got {d})")
        result.append(stack(vals, d))
    return unflatten(result, spec)


def vmap(func, in_dims=0, out_dims=0, randomness="error", *, chunk_size=None):
    """A function that maps ``func`` over dimension ``in_dims`` of its inputs (an int, None for
    not mapped, or a nested tuple matching the arguments) and stacks the results along
    ``out_dims``. ``randomness``: ``"error"`` (random ops raise), ``"different"`` (each index
    draws its own numbers) or ``"same"`` (every index draws the same numbers).
    ``chunk_size`` is accepted (ember maps one index at a time anyway).

    >>> ember.vmap(ember.dot)(ember.ones(2, 3), ember.arange(6.).reshape(2, 3))
    tensor([ 3., 12.])
    >>> ember.vmap(lambda x, y: x * y, in_dims=(0, None))(ember.tensor([1., 2.]), ember.tensor(3.))
    tensor([3., 6.])
    """
    if randomness not in ("error", "different", "same"):
        raise RuntimeError(f"Only allowed values for randomness are 'error', 'different', or 'same'. Got "
                           f"{randomness}")
    if chunk_size is not None and (not isinstance(chunk_size, int) or chunk_size <= 0):
        raise ValueError(f"vmap: chunk_size should be None or greater than 0. (got {chunk_size})")

    @functools.wraps(func)
    def wrapped(*args, **kwargs):
        from .._random import get_rng_state, set_rng_state
        if not isinstance(in_dims, (int, tuple)) or isinstance(in_dims, bool):
            raise ValueError(f"vmap({_fname(func)}, in_dims={in_dims}, ...)(<inputs>): expected `in_dims` to be "
                             f"int or a (potentially nested) tuple matching the structure of inputs, got: "
                             f"{type(in_dims)}.")
        flat_args, spec = flatten(args)
        flat_dims = broadcast_prefix(in_dims, args) if isinstance(in_dims, tuple) else [in_dims] * len(flat_args)
        if flat_dims is None:
            raise ValueError(f"vmap({_fname(func)}, in_dims={in_dims}, ...)(<inputs>): in_dims is not compatible "
                             "with the structure of `inputs`.")
        n = _batch_size(flat_args, flat_dims, func, in_dims)
        outs = []
        start_state = get_rng_state() if randomness != "different" else None
        for b in range(n):
            if randomness == "same":
                set_rng_state(start_state)
            sliced = [a.select(d, b) if d is not None else a for a, d in zip(flat_args, flat_dims)]
            outs.append(func(*unflatten(sliced, spec), **kwargs))
            if randomness == "error" and not _same_state(start_state, get_rng_state()):
                set_rng_state(start_state)
                raise RuntimeError("vmap: called random operation while in randomness error mode. Please either "
                                   "use the 'same' or 'different' randomness flags on vmap or perform the "
                                   "randomness operation out of vmap")
        if n == 0:
            raise NotImplementedError("vmap: mapping over a dimension of size 0 needs the output shape, which "
                                      "ember (running the function per index) cannot know")
        return _stack(outs, out_dims, func)
    return wrapped


def _same_state(a, b):
    return bool((a == b).all())
