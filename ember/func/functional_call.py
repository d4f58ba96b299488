"""``functional_call``: run a module with some of its parameters and buffers replaced by
given tensors, leaving the module as it was afterwards (the entry point for using
``torch.func`` transforms on models)."""
from .. import _tensor

__all__ = ["functional_call"]


def _owner(module, name):
    *path, leaf = name.split(".")
    m = module
    for p in path:
        m = getattr(m, p)
    return m, leaf


def functional_call(module, parameter_and_buffer_dicts, args=None, kwargs=None, *, tie_weights=True, strict=False):
    """Call ``module(*args, **kwargs)`` with the parameters/buffers named in
    ``parameter_and_buffer_dicts`` (a dict, or a tuple of dicts) replaced by the given tensors.
    Names not given keep the module's own values (``strict=True`` requires all of them).

    >>> lin = ember.nn.Linear(2, 1, bias=False)
    >>> ember.func.functional_call(lin, {"weight": ember.ones(1, 2)}, (ember.tensor([1., 2.]),))
    tensor([3.])
    """
    dicts = parameter_and_buffer_dicts
    if isinstance(dicts, dict):
        dicts = (dicts,)
    merged = {}
    for d in dicts:
        for k, v in d.items():
            if k in merged:
                raise ValueError(f"{k} appeared in multiple dictionaries; behavior of functional call is ambiguous")
            merged[k] = v
    if args is None:
        args = ()
    elif not isinstance(args, tuple):
        args = (args,)
    kwargs = {} if kwargs is None else kwargs
    own = dict(module.named_parameters(remove_duplicate=False)) if _accepts_remove_dup(module) else \
        dict(module.named_parameters())
    own.update(dict(module.named_buffers()))
    if strict:
        missing = sorted(set(own) - set(merged))
        unexpected = sorted(set(merged) - set(own))
        if missing or unexpected:
            raise RuntimeError(f"Error(s) in reparametrizing for {type(module).__name__}:\n\t"
                               + (f"Unexpected key(s): {', '.join(repr(k) for k in unexpected)}.\n\t"
                                  if unexpected else "")
                               + (f"Missing key(s): {', '.join(repr(k) for k in missing)}." if missing else ""))
    if tie_weights:  # a replaced tensor also replaces every other name of the same parameter
        by_id = {}
        for k, v in own.items():
            by_id.setdefault(id(v), []).append(k)
        for k in list(merged):
            if k in own:
                for other in by_id[id(own[k])]:
                    merged.setdefault(other, merged[k])
    saved = []
    try:
        for name, value in merged.items():
            m, leaf = _owner(module, name)
            store = m._parameters if leaf in m._parameters else m._buffers if leaf in m._buffers else None
            if store is None:
                raise AttributeError(f"{type(m).__name__} has no parameter or buffer named {leaf!r}")
            if not isinstance(value, _tensor.Tensor):
                raise TypeError(f"functional_call: expected a Tensor for {name!r}, got {type(value).__name__}")
            saved.append((store, leaf, store[leaf]))
            store[leaf] = value
        return module(*args, **kwargs)
    finally:
        for store, leaf, old in reversed(saved):
            store[leaf] = old


def _accepts_remove_dup(module):
    import inspect
    try:
        return "remove_duplicate" in inspect.signature(module.named_parameters).parameters
    except (TypeError, ValueError):
        return False
