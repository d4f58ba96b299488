"""``torch.compile`` in ember: the model or function runs eagerly, unchanged.

This is what PyTorch itself does with ``backend="eager"`` (same results, no kernels
generated). ``compile`` validates its arguments as PyTorch does and works as a call or a
decorator, with or without arguments. One difference: PyTorch wraps a Module in an
``OptimizedModule`` whose ``state_dict`` keys gain an ``_orig_mod.`` prefix; ember returns the
Module itself, so its keys stay as they are.

>>> @ember.compile(mode="max-autotune", fullgraph=True)
... def f(x):
...     return x * 2
>>> f(ember.ones(2))
tensor([2., 2.])
"""
__all__ = ["compile"]

_MODES = ("default", "lite", "reduce-overhead", "max-autotune-no-cudagraphs", "max-autotune")


def compile(model=None, *, fullgraph=False, dynamic=None, backend="inductor", mode=None, options=None,
            disable=False, **kwargs):
    """Return ``model`` unchanged (run eagerly); without ``model``, a decorator that does.

    >>> net = ember.nn.Linear(2, 2); ember.compile(net) is net
    True
    """
    if mode is not None and options is not None:
        raise RuntimeError("Either mode or options can be specified, but both can't be specified at the same time.")
    if mode is not None and mode not in _MODES:
        raise RuntimeError(f"Unrecognized mode={mode}, should be one of: {', '.join(_MODES)}")
    if model is None:
        return lambda m: compile(m, fullgraph=fullgraph, dynamic=dynamic, backend=backend, mode=mode,
                                 options=options, disable=disable, **kwargs)
    if not callable(model):
        raise AssertionError(f"A callable function is expected, but {type(model)} is provided.")
    return model
