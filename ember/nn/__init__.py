"""Neural networks, ``torch.nn``: Module, Parameter, layers, ``functional`` and ``init``.

>>> net = ember.nn.Sequential(ember.nn.Linear(4, 8), ember.nn.ReLU(), ember.nn.Linear(8, 1))
>>> net(ember.randn(2, 4)).shape
torch.Size([2, 1])
"""
from .parameter import Parameter, Buffer, UninitializedParameter
from .parameter import UninitializedBuffer  # noqa: F401
from .modules import *  # noqa: F401,F403
from .modules import Module
from .attention import sdpa_kernel as _sdpa_kernel  # noqa: E402,F401  (binds nn.attention to the package)
from . import functional, init, utils
from .factory import factory_kwargs  # noqa: F401
from . import common_types  # noqa: F401
from . import parallel  # noqa: F401
from .parallel import DataParallel  # noqa: F401
