"""``torch.__future__``: opt in to how ``nn.Module`` conversions (``.to``, ``.float``, ``.cpu``
...) and ``load_state_dict`` treat existing parameters.

- overwrite (``set_overwrite_module_params_on_conversion(True)``): a conversion puts a *new*
  Parameter (and a new ``.grad``) in the module; the old objects are left as they were.
- swap (``set_swap_module_params_on_conversion(True)``, wins over overwrite): the converted
  tensor is swapped into the existing Parameter object with :func:`ember.utils.swap_tensors`
  (so ``m.weight`` stays the same object), and ``load_state_dict(..., assign=True)`` swaps
  the checkpoint's tensor into it.

>>> import ember.__future__
>>> ember.__future__.get_overwrite_module_params_on_conversion()
False
"""
_OVERWRITE = [False]
_SWAP = [False]

__all__ = ["set_overwrite_module_params_on_conversion", "get_overwrite_module_params_on_conversion",
           "set_swap_module_params_on_conversion", "get_swap_module_params_on_conversion"]


def set_overwrite_module_params_on_conversion(value):
    """Make module conversions assign new Parameter objects (``value=True``) instead of
    changing the existing ones in place.

    >>> import ember.__future__ as future
    >>> future.set_overwrite_module_params_on_conversion(True)
    >>> m = ember.nn.Linear(2, 2); w = m.weight
    >>> m.double().weight is w, w.dtype
    (False, torch.float32)
    >>> future.set_overwrite_module_params_on_conversion(False)
    """
    _OVERWRITE[0] = bool(value)


def get_overwrite_module_params_on_conversion():
    """Whether module conversions assign new Parameter objects (default False).

    >>> import ember.__future__ as future
    >>> future.get_overwrite_module_params_on_conversion()
    False
    """
    return _OVERWRITE[0]


def set_swap_module_params_on_conversion(value):
    """Make module conversions and ``load_state_dict`` swap new contents into the existing
    Parameter objects with :func:`ember.utils.swap_tensors`.

    >>> import ember.__future__ as future
    >>> future.set_swap_module_params_on_conversion(True)
    >>> m = ember.nn.Linear(2, 2); w = m.weight
    >>> m.double().weight is w, w.dtype
    (True, torch.float64)
    >>> future.set_swap_module_params_on_conversion(False)
    """
    _SWAP[0] = bool(value)


def get_swap_module_params_on_conversion():
    """Whether module conversions swap contents into the existing Parameters (default False).

    >>> import ember.__future__ as future
    >>> future.get_swap_module_params_on_conversion()
    False
    """
    return _SWAP[0]
