"""``functional_call``: run a module with some of its parameters and buffers replaced by
given tensors for the duration of one call (``torch.func.functional_call``).

>>> lin = ember.nn.Linear(2, 1, bias=False)
>>> ember.func.functional_call(lin, {"weight": ember.ones(1, 2)}, (ember.tensor([[1., 2.]]),))
tensor([[3.]])
"""
import warnings
from contextlib import contextmanager

__all__ = ["functional_call"]


def _locate(module, name):
    *path, attr = name.split(".")
    sub = module
    for p in path:
        sub = getattr(sub, p)
    return sub, attr


def _tied_names(module):
    """For each parameter/buffer name, the other names that refer to the same tensor."""
    by_id = {}
    for n, t in list(module.named_parameters(remove_duplicate=False)) + \
            list(module.named_buffers(remove_duplicate=False)):
        by_id.setdefault(id(t), []).append(n)
    return {n: [m for m in names if m != n] for names in by_id.values() for n in names}


@contextmanager
def _reparametrize(module, tensors, tie_weights, strict):
    if tie_weights:
        tied = _tied_names(module)
        extra = {}
        for n, t in tensors.items():
            for other in tied.get(n, ()):
                if other in tensors and tensors[other] is not t:
                    raise ValueError(f"functional_call got multiple values for keys ['{n}', '{other}'], which are "
                                     "tied. Consider using tie_weights=False")
                extra.setdefault(other, t)
        tensors = {**extra, **tensors}
    if strict:
        expected = {n for n, _ in module.named_parameters(remove_duplicate=False)}
        expected |= {n for n, _ in module.named_buffers(remove_duplicate=False)}
        missing = sorted(expected - set(tensors))
        unexpected = sorted(set(tensors) - expected)
        msgs = []
        if unexpected:
            msgs.append("Unexpected key(s): {}.".format(", ".join(map(repr, unexpected))))
        if missing:
            msgs.append("Missing key(s): {}.".format(", ".join(map(repr, missing))))
        if msgs:
            raise RuntimeError("Error(s) in reparametrizing for {}:\n\t{}".format(module._get_name(),
                                                                                   "\n\t".join(msgs)))
    saved = []
    try:
        for name, t in tensors.items():
            sub, attr = _locate(module, name)
            for store in (sub._parameters, sub._buffers):
                if attr in store:
                    saved.append((store, attr, store[attr]))
                    store[attr] = t
                    break
            else:
                saved.append((sub.__dict__, attr, sub.__dict__.get(attr, _MISSING)))
                sub.__dict__[attr] = t
        yield
    finally:
        for store, attr, old in reversed(saved):
            if old is _MISSING:
                store.pop(attr, None)
            else:
                store[attr] = old


_MISSING = object()


def _call(module, dicts, args, kwargs, tie_weights, strict):
    if isinstance(dicts, dict):
        tensors = dicts
    elif isinstance(dicts, (list, tuple)):
        tensors = {}
        seen = set()
        for d in dicts:
            rep = seen & set(d)
            if rep:
                raise ValueError(f"{sorted(rep)} appeared in multiple dictionaries; behavior of functional call "
                                 "is ambiguous")
            seen |= set(d)
            tensors.update(d)
    else:
        raise ValueError(f"Expected parameter_and_buffer_dicts to be a dict, or a list/tuple of dicts, but got "
                         f"{type(dicts)}")
    if kwargs is None:
        kwargs = {}
    if args is None:
        args = ()
    elif not isinstance(args, tuple):
        args = (args,)
    with _reparametrize(module, tensors, tie_weights, strict):
        return module(*args, **kwargs)


def _functional_call(module, parameter_and_buffer_dicts, args=None, kwargs=None, *, tie_weights=True,
                     strict=False):
    """Call ``module(*args, **kwargs)`` with the named parameters/buffers swapped for the
    given tensors (a dict, or a tuple of dicts with disjoint keys), restoring them after.
    Gradients flow to the given tensors. ``tie_weights`` also replaces names tied to a given
    one; ``strict`` requires exactly the module's names. Public as ``ember.func.functional_call``.

    >>> lin = ember.nn.Linear(1, 1)
    >>> ember.func.functional_call(lin, ({"weight": ember.ones(1, 1)}, {"bias": ember.zeros(1)}), ember.tensor([[5.]]))
    tensor([[5.]])
    """
    return _call(module, parameter_and_buffer_dicts, args, kwargs, tie_weights, strict)


def functional_call(module, parameters_and_buffers, args=None, kwargs=None, *, tie_weights=True, strict=False):
    """The deprecated spelling of ``torch.func.functional_call`` (warns, then calls it).

    >>> import warnings; warnings.simplefilter("ignore", FutureWarning)
    >>> ember.nn.utils.stateless.functional_call(ember.nn.Linear(1, 1, bias=False), {"weight": ember.ones(1, 1)},
    ...                                          ember.tensor([[5.]]))
    tensor([[5.]])
    """
    warnings.warn("This API is deprecated as of PyTorch 2.0 and will be removed in a future version of PyTorch. "
                  "Please use torch.func.functional_call instead which is a drop-in replacement.",
                  FutureWarning, stacklevel=2)
    return _call(module, parameters_and_buffers, args, kwargs, tie_weights, strict)
