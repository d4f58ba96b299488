"""Weight averaging, ``torch.optim.swa_utils``: ``AveragedModel`` (a running SWA or EMA copy
of a model), ``SWALR`` (anneal each group's lr to a fixed ``swa_lr``), ``update_bn`` (recompute
BatchNorm statistics for the averaged weights) and the averaging functions.

    SWA:  avg <- avg + (p - avg) / (n + 1)        EMA:  avg <- decay * avg + (1 - decay) * p

>>> net = ember.nn.Linear(2, 1)
>>> swa = ember.optim.swa_utils.AveragedModel(net)
>>> swa.update_parameters(net); int(swa.n_averaged)
1
"""
import copy
import itertools
import math

from .. import _creation, _dtype as D
from .._tensor import Tensor
from ..autograd.grad_mode import no_grad
from ..nn.modules.module import Module
from ..nn.modules.batchnorm import _BatchNorm
from .lr_scheduler.scheduler import LRScheduler, within_step

__all__ = ["AveragedModel", "update_bn", "SWALR", "get_ema_multi_avg_fn", "get_swa_multi_avg_fn",
           "get_ema_avg_fn", "get_swa_avg_fn"]


def get_ema_multi_avg_fn(decay=0.999):
    """In-place EMA of lists of tensors: ``avg = decay * avg + (1 - decay) * p``.

    >>> f = ember.optim.swa_utils.get_ema_multi_avg_fn(0.5); a = [ember.zeros(1)]; f(a, [ember.ones(1)], 1); a
    [tensor([0.5000])]
    """
    if decay < 0.0 or decay > 1.0:
        raise ValueError(f"Invalid decay value {decay} provided. Please provide a value in [0,1] range.")

    @no_grad()
    def ema_update(ema_param_list, current_param_list, _):
        for e, p in zip(ema_param_list, current_param_list):
            if e.is_floating_point() or e.is_complex():
                e.lerp_(p, 1 - decay)
            else:                                   # (integers: computed in float, then truncated)
                e.copy_(e * decay + p * (1 - decay))
    return ema_update


def get_swa_multi_avg_fn():
    """In-place running mean of lists of tensors: ``avg += (p - avg) / (n + 1)``.

    >>> f = ember.optim.swa_utils.get_swa_multi_avg_fn(); a = [ember.zeros(1)]; f(a, [ember.ones(1)], 1); a
    [tensor([0.5000])]
    """
    @no_grad()
    def swa_update(averaged_param_list, current_param_list, num_averaged):
        if averaged_param_list and not (averaged_param_list[0].is_floating_point()
                                        or averaged_param_list[0].is_complex()):
            if isinstance(num_averaged, Tensor):   # PyTorch's integer addcdiv refusal
                raise RuntimeError("Integer division with addcdiv is no longer supported, and in a future  release "
                                   "addcdiv will perform a true division of tensor1 and tensor2. The historic addcdiv "
                                   "behavior can be implemented as (input + value * torch.trunc(tensor1 / tensor2))."
                                   "to(input.dtype) for integer inputs and as (input + value * tensor1 / tensor2) for "
                                   "float inputs. The future addcdiv behavior is just the latter implementation: "
                                   "(input + value * tensor1 / tensor2), for all dtypes.")
            for a, p in zip(averaged_param_list, current_param_list):
                a.add_(p - a, alpha=1.0 / (num_averaged + 1))
            return
        w = 1.0 / (float(num_averaged) + 1)
        for a, p in zip(averaged_param_list, current_param_list):
            a.lerp_(p, w)
    return swa_update


def get_ema_avg_fn(decay=0.999):
    """``(ema, p, n) -> decay * ema + (1 - decay) * p``.

    >>> ember.optim.swa_utils.get_ema_avg_fn(0.9)(ember.zeros(1), ember.ones(1), 3)
    tensor([0.1000])
    """
    if decay < 0.0 or decay > 1.0:
        raise ValueError(f"Invalid decay value {decay} provided. Please provide a value in [0,1] range.")

    @no_grad()
    def ema_update(ema_param, current_param, num_averaged):
        return decay * ema_param + (1 - decay) * current_param
    return ema_update


def get_swa_avg_fn():
    """``(avg, p, n) -> avg + (p - avg) / (n + 1)``.

    >>> ember.optim.swa_utils.get_swa_avg_fn()(ember.zeros(1), ember.ones(1), 3)
    tensor([0.2500])
    """
    @no_grad()
    def swa_update(averaged_param, current_param, num_averaged):
        return averaged_param + (current_param - averaged_param) / (num_averaged + 1)
    return swa_update


class AveragedModel(Module):
    """A copy of ``model`` whose parameters (and with ``use_buffers`` its buffers) are a running
    average of the model's, updated by ``update_parameters``; SWA unless ``avg_fn`` /
    ``multi_avg_fn`` say otherwise. ``n_averaged`` (a buffer) counts the updates.

    >>> net = ember.nn.Linear(1, 1, bias=False)
    >>> ema = ember.optim.swa_utils.AveragedModel(net, multi_avg_fn=ember.optim.swa_utils.get_ema_multi_avg_fn(0.5))
    >>> with ember.no_grad():
    ...     _ = net.weight.fill_(0.0); ema.update_parameters(net); _ = net.weight.fill_(1.0); ema.update_parameters(net)
    >>> ema.module.weight
    Parameter containing:
    tensor([[0.5000]], requires_grad=True)
    """

    def __init__(self, model, device=None, avg_fn=None, multi_avg_fn=None, use_buffers=False):
        super().__init__()
        if avg_fn is not None and multi_avg_fn is not None:
            raise AssertionError("Only one of avg_fn and multi_avg_fn should be provided")
        self.module = copy.deepcopy(model)
        if device is not None:
            self.module = self.module.to(device)
        self.register_buffer("n_averaged", _creation.tensor(0, dtype=D.long))
        self.avg_fn = avg_fn
        self.multi_avg_fn = multi_avg_fn
        self.use_buffers = use_buffers

    def forward(self, *args, **kwargs):
        return self.module(*args, **kwargs)

    def update_parameters(self, model):
        """Fold ``model``'s current parameters into the average (the first call copies them)."""
        own = itertools.chain(self.module.parameters(), self.module.buffers()) if self.use_buffers \
            else self.parameters()
        theirs = itertools.chain(model.parameters(), model.buffers()) if self.use_buffers else model.parameters()
        own_list, their_list = [], []
        for a, p in zip(own, theirs):
            p = p.detach().to(a.device)
            own_list.append(a.detach())
            their_list.append(p)
            if self.n_averaged == 0:
                a.detach().copy_(p)
        if self.n_averaged > 0:
            if self.multi_avg_fn is not None:          # one call per dtype, as PyTorch groups them
                groups = {}
                for a, p in zip(own_list, their_list):
                    ga, gp = groups.setdefault(a.dtype, ([], []))
                    ga.append(a)
                    gp.append(p)
                for ga, gp in groups.values():
                    self.multi_avg_fn(ga, gp, self.n_averaged)
            else:                                      # (the cpu path: one tensor at a time)
                fn = self.avg_fn if self.avg_fn is not None else get_swa_avg_fn()
                with no_grad():
                    for a, p in zip(own_list, their_list):
                        a.copy_(fn(a, p, self.n_averaged))
        if not self.use_buffers:     # the buffers follow the model
            with no_grad():
                for b, mb in zip(self.module.buffers(), model.buffers()):
                    b.detach().copy_(mb.detach().to(b.device))
        with no_grad():
            self.n_averaged += 1


@no_grad()
def update_bn(loader, model, device=None):
    """Recompute the BatchNorm running statistics of ``model`` with one pass over ``loader``
    (cumulative averages; each batch's first element is the input when it is a list or tuple).

    >>> net = ember.nn.Sequential(ember.nn.Linear(2, 2), ember.nn.BatchNorm1d(2))
    >>> ember.optim.swa_utils.update_bn([ember.randn(4, 2)], net); int(net[1].num_batches_tracked)
    1
    """
    momenta = {}
    for m in model.modules():
        if isinstance(m, _BatchNorm) and m.running_mean is not None:
            m.reset_running_stats()
            momenta[m] = m.momentum
    if not momenta:
        return
    was_training = model.training
    model.train()
    for m in momenta:
        m.momentum = None
    for input in loader:
        if isinstance(input, (list, tuple)):
            input = input[0]
        if device is not None:
            input = input.to(device)
        model(input)
    for m, mom in momenta.items():
        m.momentum = mom
    model.train(was_training)


class SWALR(LRScheduler):
    """Anneal each group's lr to ``swa_lr`` over ``anneal_epochs`` epochs ('cos' or 'linear'),
    then hold it.

    >>> opt = ember.optim.SGD([ember.nn.Parameter(ember.ones(1))], lr=0.1)
    >>> s = ember.optim.swa_utils.SWALR(opt, swa_lr=0.05, anneal_epochs=2, anneal_strategy="linear")
    >>> [round((opt.step(), s.step(), s.get_last_lr()[0])[2], 4) for _ in range(3)]
    [0.075, 0.05, 0.05]
    """

    def __init__(self, optimizer, swa_lr, anneal_epochs=10, anneal_strategy="cos", last_epoch=-1):
        n = len(optimizer.param_groups)
        if isinstance(swa_lr, (list, tuple)):
            if len(swa_lr) != n:
                raise ValueError(f"swa_lr must have the same length as optimizer.param_groups. swa_lr has "
                                 f"{len(swa_lr)} values, param_groups has {n}.")
            swa_lrs = list(swa_lr)
        else:
            swa_lrs = [swa_lr] * n
        for lr, group in zip(swa_lrs, optimizer.param_groups):
            group["swa_lr"] = lr
        if anneal_strategy not in ("cos", "linear"):
            raise ValueError(f"anneal_strategy must be one of 'cos' or 'linear', instead got {anneal_strategy}")
        self._anneal_strategy = anneal_strategy
        if not isinstance(anneal_epochs, int) or anneal_epochs < 0:
            raise ValueError(f"anneal_epochs must be equal or greater than 0, got {anneal_epochs}")
        self.anneal_epochs = anneal_epochs
        super().__init__(optimizer, last_epoch)

    def _anneal(self, t):
        return (1 - math.cos(math.pi * t)) / 2 if self._anneal_strategy == "cos" else t

    @staticmethod
    def _start_lr(lr, swa_lr, alpha):
        # the lr the schedule started from, given where it stands now
        return swa_lr if alpha == 1 else (lr - alpha * swa_lr) / (1 - alpha)

    @within_step
    def get_lr(self):
        step = self._step_count - 1
        if self.anneal_epochs == 0:
            step = max(1, step)
        prev = self._anneal(max(0, min(1, (step - 1) / max(1, self.anneal_epochs))))
        starts = [self._start_lr(g["lr"], g["swa_lr"], prev) for g in self.optimizer.param_groups]
        alpha = self._anneal(max(0, min(1, step / max(1, self.anneal_epochs))))
        return [g["swa_lr"] * alpha + lr * (1 - alpha) for g, lr in zip(self.optimizer.param_groups, starts)]
