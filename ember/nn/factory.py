"""``torch.nn.factory_kwargs``: the ``device``/``dtype``/``memory_format`` keyword arguments a
layer passes on to the tensors it creates, merged from ``**kwargs`` and a ``factory_kwargs`` dict.

>>> ember.nn.factory_kwargs({"device": "cpu", "dtype": None})
{'device': 'cpu', 'dtype': None}
"""

_FACTORY_KEYS = {"device", "dtype", "memory_format", "factory_kwargs"}


def factory_kwargs(kwargs):
    """Canonicalise ``kwargs`` (``device``, ``dtype``, ``memory_format``, plus a nested
    ``factory_kwargs`` dict) into one dict; a key given twice or an unknown key is a TypeError.

    >>> ember.nn.factory_kwargs({"factory_kwargs": {"dtype": ember.float64}, "device": "cpu"})
    {'dtype': torch.float64, 'device': 'cpu'}
    """
    if kwargs is None:
        return {}
    if not isinstance(kwargs, dict):
        raise TypeError(f"Expected kwargs to be a dict but got {type(kwargs).__name__}")
    unexpected = set(kwargs) - _FACTORY_KEYS
    if unexpected:
        raise TypeError(f"unexpected kwargs {unexpected}")
    result = dict(kwargs.get("factory_kwargs", {}))
    for k in ("device", "dtype", "memory_format"):
        if k in kwargs:
            if k in result:
                raise TypeError(f"{k} specified twice, in **kwargs and in factory_kwargs")
            result[k] = kwargs[k]
    return result
