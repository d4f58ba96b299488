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


class _FuzzNotBuilt:
    def __init__(self, *args, **kwargs):
        raise NotImplementedError(f"torch.utils.benchmark.{type(self).__name__}: ember has no "
                                  "benchmark fuzzers yet")


class Fuzzer(_FuzzNotBuilt):
    """Not built yet: raises NotImplementedError.

    >>> from ember.utils.benchmark import Fuzzer
    >>> Fuzzer()
    Traceback (most recent call last):
    NotImplementedError: torch.utils.benchmark.Fuzzer: ember has no benchmark fuzzers yet
    """


class FuzzedParameter(_FuzzNotBuilt):
    """Not built yet: raises NotImplementedError.

    >>> from ember.utils.benchmark import FuzzedParameter
    >>> FuzzedParameter("n")
    Traceback (most recent call last):
    NotImplementedError: torch.utils.benchmark.FuzzedParameter: ember has no benchmark fuzzers yet
    """


class FuzzedTensor(_FuzzNotBuilt):
    """Not built yet: raises NotImplementedError.

    >>> from ember.utils.benchmark import FuzzedTensor
    >>> FuzzedTensor("x", size=(2,))
    Traceback (most recent call last):
    NotImplementedError: torch.utils.benchmark.FuzzedTensor: ember has no benchmark fuzzers yet
    """


class ParameterAlias(_FuzzNotBuilt):
    """Not built yet: raises NotImplementedError.

    >>> from ember.utils.benchmark import ParameterAlias
    >>> ParameterAlias("n")
    Traceback (most recent call last):
    NotImplementedError: torch.utils.benchmark.ParameterAlias: ember has no benchmark fuzzers yet
    """
