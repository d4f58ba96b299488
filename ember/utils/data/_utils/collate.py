"""``torch.utils.data._utils.collate``: the default batch collation.

>>> from ember.utils.data._utils.collate import default_convert
>>> default_convert([1, 2])
[1, 2]
"""
from .._collate import default_collate, default_convert

__all__ = ["default_collate", "default_convert"]
