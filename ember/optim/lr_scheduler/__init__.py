"""Learning-rate schedules, ``torch.optim.lr_scheduler``, with PyTorch's recursive
(chainable) update rules so that LR trajectories match step for step.

>>> w = ember.nn.Parameter(ember.ones(1))
>>> opt = ember.optim.SGD([w], lr=1.0)
>>> sched = ember.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
>>> lrs = []
>>> for _ in range(5):
...     opt.step(); sched.step(); lrs.append(sched.get_last_lr()[0])
>>> lrs
[1.0, 0.5, 0.5, 0.25, 0.25]
"""
from math import inf  # noqa: F401  (names torch.optim.lr_scheduler also has)
from typing import TYPE_CHECKING  # noqa: F401

from ..._tensor import Tensor  # noqa: F401
from ..optimizer import Optimizer  # noqa: F401
from .scheduler import EPOCH_DEPRECATION_WARNING, LRScheduler, _LRScheduler  # noqa: F401
from .factor import (LambdaLR, MultiplicativeLR, StepLR, MultiStepLR, ConstantLR, LinearLR, ExponentialLR,
                     PolynomialLR)
from .cosine import CosineAnnealingLR, CosineAnnealingWarmRestarts
from .cyclic import CyclicLR, OneCycleLR
from .composite import SequentialLR, ChainedScheduler
from .plateau import ReduceLROnPlateau

__all__ = ["LRScheduler", "LambdaLR", "MultiplicativeLR", "StepLR", "MultiStepLR", "ConstantLR", "LinearLR",
           "ExponentialLR", "PolynomialLR", "CosineAnnealingLR", "CosineAnnealingWarmRestarts", "CyclicLR",
           "OneCycleLR", "SequentialLR", "ChainedScheduler", "ReduceLROnPlateau"]
