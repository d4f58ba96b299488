"""``swap_in_optimizer_params_and_state``: run an optimizer on other parameters and state for a while.

>>> w = ember.nn.Parameter(ember.ones(1)); w.grad = ember.ones(1)
>>> opt = ember.optim.SGD([w], lr=0.5, momentum=0.9); opt.step()
>>> other = ember.ones(1, requires_grad=True); other.grad = ember.ones(1)
>>> with ember.optim.swap_in_optimizer_params_and_state(opt, {"w": other}, {"state": {}, "param_groups": [
...         {"params": [0], "lr": 0.25, "momentum": 0.0, "dampening": 0, "weight_decay": 0, "nesterov": False,
...          "maximize": False, "foreach": None, "differentiable": False, "fused": None}]}):
...     opt.step()
>>> w.item(), other.item(), opt.param_groups[0]["lr"]
(0.5, 0.75, 0.5)
"""
import contextlib
from collections import defaultdict

__all__ = ["swap_in_optimizer_params_and_state"]


@contextlib.contextmanager
def swap_in_optimizer_params_and_state(optimizer, swapin_parameters, swapin_optim_state):
    """Inside the ``with``, ``optimizer`` steps ``swapin_parameters`` (a dict, in the order of the
    optimizer's parameters) with the per-parameter state and group options of ``swapin_optim_state``
    (a ``state_dict()``-shaped dict whose state tensors are used, and so updated, in place)."""
    params = list(swapin_parameters.values()) if isinstance(swapin_parameters, dict) else list(swapin_parameters)
    groups = optimizer.param_groups
    n = sum(len(g["params"]) for g in groups)
    if len(params) != n:
        raise ValueError(f"swap_in_optimizer_params_and_state: expected {n} parameters, got {len(params)}")
    saved_groups = [dict(g) for g in groups]
    saved_state = optimizer.state
    by_id = {}
    new_state = defaultdict(dict)
    it = iter(params)
    for g, sg in zip(groups, swapin_optim_state["param_groups"]):
        for k, v in sg.items():
            if k != "params":
                g[k] = v
        ps = [next(it) for _ in g["params"]]
        by_id.update(zip(sg["params"], ps))
        g["params"] = ps
    for i, st in swapin_optim_state["state"].items():
        if i in by_id:
            new_state[by_id[i]] = st
    optimizer.state = new_state
    try:
        yield
    finally:
        for g, sg in zip(groups, saved_groups):
            g.clear()
            g.update(sg)
        optimizer.state = saved_state
