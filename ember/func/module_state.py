"""``torch.func`` helpers for modules: :func:`stack_module_state` (an ensemble's parameters
as stacked tensors, for ``vmap`` over ``functional_call``) and
:func:`replace_all_batch_norm_modules_` (batch norms that keep no running statistics).

>>> params, buffers = ember.func.stack_module_state([ember.nn.Linear(2, 3) for _ in range(4)])
>>> params["weight"].shape
torch.Size([4, 3, 2])
"""
__all__ = ["stack_module_state", "replace_all_batch_norm_modules_"]


def _stack(tensors, name):
    from .. import stack
    rg = {t.requires_grad for t in tensors}
    if len(rg) != 1:
        raise RuntimeError(f"Expected {name} from each model to have the same .requires_grad")
    out = stack([t.detach() for t in tensors])
    return out.requires_grad_(True) if rg.pop() else out


def stack_module_state(models):
    """``(params, buffers)``: dicts from each parameter/buffer name to the stack (new leading
    dimension) of that tensor over ``models``; stacked parameters are fresh leaves that
    require grad when the originals do.

    >>> ms = [ember.nn.BatchNorm1d(2) for _ in range(3)]
    >>> params, buffers = ember.func.stack_module_state(ms)
    >>> sorted(buffers), buffers["running_mean"].shape, params["weight"].is_leaf
    (['num_batches_tracked', 'running_mean', 'running_var'], torch.Size([3, 2]), True)
    """
    models = list(models)
    if not models:
        raise RuntimeError("stack_module_state: Expected at least one model, got 0.")
    if not (all(m.training for m in models) or not any(m.training for m in models)):
        raise RuntimeError("stack_module_state: Expected all models to have the same training/eval mode.")
    if len({type(m) for m in models}) != 1:
        raise RuntimeError("stack_module_state: Expected all models to be of the same class.")
    all_params = [dict(m.named_parameters()) for m in models]
    all_buffers = [dict(m.named_buffers()) for m in models]
    params = {k: _stack([p[k] for p in all_params], k) for k in all_params[0]}
    buffers = {k: _stack([b[k] for b in all_buffers], k) for k in all_buffers[0]}
    return params, buffers


def replace_all_batch_norm_modules_(root):
    """In place, make every batch norm under ``root`` (and ``root`` itself) use batch
    statistics only: no running mean/var, ``track_running_stats=False``. Returns ``root``.

    >>> net = ember.nn.Sequential(ember.nn.BatchNorm1d(3))
    >>> _ = ember.func.replace_all_batch_norm_modules_(net)
    >>> net[0].running_mean is None, net[0].track_running_stats
    (True, False)
    """
    from ..nn.modules.normalization import _BatchNorm
    for m in root.modules():
        if isinstance(m, _BatchNorm):
            m.running_mean = None
            m.running_var = None
            m.num_batches_tracked = None
            m.track_running_stats = False
    return root
