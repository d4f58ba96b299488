"""``torch.utils.benchmark.utils``: the modules behind ``torch.utils.benchmark``.

>>> from ember.utils.benchmark.utils.common import Measurement
"""
from . import common, timer, compare, fuzzer  # noqa: F401
