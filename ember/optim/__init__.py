"""Optimizers, ``torch.optim``.

>>> opt = ember.optim.Adam(ember.nn.Linear(2, 1).parameters(), lr=1e-3)
>>> len(opt.param_groups[0]["params"])
2
"""
from .optimizer import Optimizer
from .sgd import SGD
from .adam import Adam
from .adamw import AdamW
from .rmsprop import RMSprop
from .adagrad import Adagrad
from .adadelta import Adadelta
from .adamax import Adamax
from .nadam import NAdam
from .radam import RAdam
from .lbfgs import LBFGS
from . import lr_scheduler

__all__ = ["Optimizer", "SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "Adadelta", "Adamax", "NAdam", "RAdam", "LBFGS"]
from .rprop import Rprop  # noqa: E402
from .asgd import ASGD  # noqa: E402
from .sparse_adam import SparseAdam  # noqa: E402
from .adafactor import Adafactor  # noqa: E402

__all__ += ["Rprop", "ASGD", "SparseAdam", "Adafactor"]
from .muon import Muon  # noqa: E402

__all__ += ["Muon"]
from .swap_state import swap_in_optimizer_params_and_state  # noqa: E402

__all__ += ["swap_in_optimizer_params_and_state"]
from . import swa_utils  # noqa: E402,F401
