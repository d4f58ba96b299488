"""``torch.utils.benchmark``: :class:`Timer`, :class:`Measurement` and :class:`Compare`.

>>> import ember.utils.benchmark as benchmark
>>> m = benchmark.Timer("x.sum()", setup="x = torch.ones(8)", label="sum").timeit(100)
>>> m.title
'sum'
"""
from .utils.common import (TaskSpec, Measurement, select_unit, unit_to_english,  # noqa: F401
                           trim_sigfig, ordered_unique, set_torch_threads)
from .utils.timer import Timer, timer, Language  # noqa: F401
from .utils.compare import Colorize, Compare  # noqa: F401

from .utils.fuzzer import Fuzzer, FuzzedParameter, FuzzedTensor, ParameterAlias  # noqa: F401
