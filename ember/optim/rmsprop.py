"""RMSprop, Adagrad and Adadelta: per-parameter steps scaled by running squared gradients.

RMSprop, for gradient g::

    v = alpha * v + (1 - alpha) * g^2
    m = alpha * m + (1 - alpha) * g                (centered; then v_hat = v - m^2)
    b = momentum * b + g / (sqrt(v_hat) + eps)     (momentum > 0; p -= lr * b)
    p = p - lr * g / (sqrt(v_hat) + eps)           (otherwise)

>>> w = ember.nn.Parameter(ember.tensor([1.0]))
>>> opt = ember.optim.RMSprop([w], lr=0.01)
>>> (w * w).sum().backward(); opt.step(); w
Parameter containing:
tensor([0.9000], requires_grad=True)
"""
from .._backend import np
from .._tensor import _wrap
from .optimizer import Optimizer, blocked

__all__ = ["RMSprop", "Adagrad", "Adadelta"]


def _step_tensor():
    return _wrap(np.zeros((), dtype=np.float32))


class RMSprop(Optimizer):
    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0, centered=False,
                 capturable=False, foreach=None, maximize=False, differentiable=False):
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if not 0.0 <= momentum:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if not 0.0 <= alpha:
            raise ValueError(f"Invalid alpha value: {alpha}")
        super().__init__(params, dict(lr=lr, momentum=momentum, alpha=alpha, eps=eps, centered=centered,
                                      weight_decay=weight_decay, capturable=capturable, foreach=foreach,
                                      maximize=maximize, differentiable=differentiable))

    def _init_state(self, state, p, group):
        d = p._data
        state["step"] = _step_tensor()
        state["square_avg"] = _wrap(np.zeros_like(d))
        if group["momentum"] > 0:
            state["momentum_buffer"] = _wrap(np.zeros_like(d))
        if group["centered"]:
            state["grad_avg"] = _wrap(np.zeros_like(d))

    def _update(self, p, g, state, group):
        dt = p.dtype.type
        if group["maximize"]:
            g = -g
        state["step"]._data += 1
        if group["weight_decay"] != 0:
            g = g + dt(group["weight_decay"]) * p
        alpha, a1, eps, lr = dt(group["alpha"]), dt(1 - group["alpha"]), dt(group["eps"]), dt(group["lr"])
        mom = dt(group["momentum"])
        centered, use_mom = group["centered"], group["momentum"] > 0

        def update(p, g, v, *rest):
            v *= alpha
            v += a1 * (g * g)
            if centered:
                m = rest[0]
                m += a1 * (g - m)
                avg = np.sqrt(v - m * m)
            else:
                avg = np.sqrt(v)
            avg += eps
            if use_mom:
                b = rest[-1]
                b *= mom
                b += g / avg
                p -= lr * b
            else:
                p -= lr * (g / avg)

        arrays = (p, g, state["square_avg"]._data)
        if centered:
            arrays += (state["grad_avg"]._data,)
        if use_mom:
            arrays += (state["momentum_buffer"]._data,)
        blocked(update, *arrays)


class Adagrad(Optimizer):
    """Adagrad: ``s += g^2; p -= lr / (1 + (t - 1) * lr_decay) * g / (sqrt(s) + eps)``.

    >>> w = ember.nn.Parameter(ember.tensor([1.0]))
    >>> opt = ember.optim.Adagrad([w], lr=0.1)
    >>> (w * w).sum().backward(); opt.step(); w
    Parameter containing:
    tensor([0.9000], requires_grad=True)
    """

    def __init__(self, params, lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0, eps=1e-10,
                 foreach=None, *, maximize=False, differentiable=False, fused=None):
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 <= lr_decay:
            raise ValueError(f"Invalid lr_decay value: {lr_decay}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if not 0.0 <= initial_accumulator_value:
            raise ValueError(f"Invalid initial_accumulator_value value: {initial_accumulator_value}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        super().__init__(params, dict(lr=lr, lr_decay=lr_decay, eps=eps, weight_decay=weight_decay,
                                      initial_accumulator_value=initial_accumulator_value, foreach=foreach,
                                      maximize=maximize, differentiable=differentiable, fused=fused))
        for group in self.param_groups:  # Adagrad creates its state up front, as PyTorch does
            for p in group["params"]:
                st = self.state[p]
                self._init_state(st, p, group)

    def _init_state(self, state, p, group):
        state["step"] = _step_tensor()
        state["sum"] = _wrap(np.full_like(p._data, group["initial_accumulator_value"]))

    def _update(self, p, g, state, group):
        dt = p.dtype.type
        if group["maximize"]:
            g = -g
        step_t = state["step"]._data
        step_t += 1
        step = float(step_t)
        if group["weight_decay"] != 0:
            g = g + dt(group["weight_decay"]) * p
        clr = dt(group["lr"] / (1 + (step - 1) * group["lr_decay"]))
        eps = dt(group["eps"])

        def update(p, g, s):
            s += g * g
            std = np.sqrt(s)
            std += eps
            p -= clr * (g / std)

        blocked(update, p, g, state["sum"]._data)


class Adadelta(Optimizer):
    """Adadelta: step sizes from running averages of squared gradients and squared steps.

    >>> w = ember.nn.Parameter(ember.tensor([1.0]))
    >>> opt = ember.optim.Adadelta([w])
    >>> (w * w).sum().backward(); opt.step(); round(w.item(), 4)
    0.9968
    """

    def __init__(self, params, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0, foreach=None, *, capturable=False,
                 maximize=False, differentiable=False):
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 <= rho <= 1.0:
            raise ValueError(f"Invalid rho value: {rho}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        super().__init__(params, dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay, maximize=maximize,
                                      capturable=capturable, foreach=foreach, differentiable=differentiable))

    def _init_state(self, state, p, group):
        state["step"] = _step_tensor()
        state["square_avg"] = _wrap(np.zeros_like(p._data))
        state["acc_delta"] = _wrap(np.zeros_like(p._data))

    def _update(self, p, g, state, group):
        dt = p.dtype.type
        if group["maximize"]:
            g = -g
        state["step"]._data += 1
        if group["weight_decay"] != 0:
            g = g + dt(group["weight_decay"]) * p
        rho, a1, eps, lr = dt(group["rho"]), dt(1 - group["rho"]), dt(group["eps"]), dt(group["lr"])

        def update(p, g, v, u):
            v *= rho
            v += a1 * (g * g)
            std = np.sqrt(v + eps)
            delta = np.sqrt(u + eps) / std * g
            u *= rho
            u += a1 * (delta * delta)
            p -= lr * delta

        blocked(update, p, g, state["square_avg"]._data, state["acc_delta"]._data)
