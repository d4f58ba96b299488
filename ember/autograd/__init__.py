"""Reverse-mode automatic differentiation: ``backward``, ``grad``, grad modes, ``Function``.

>>> x = ember.tensor(3.0, requires_grad=True)
>>> ember.autograd.grad(x ** 2, x)
(tensor(6.),)
"""
from .grad_mode import (no_grad, enable_grad, set_grad_enabled, inference_mode, is_grad_enabled,
                        is_inference_mode_enabled)
from .function import Function, once_differentiable
from . import function, grad_mode
# (imported here, not in the functions below: an import statement in a function costs each call)
from .._tensor import Tensor as _Tensor, _wrap
from .._backend import np as _np
from .engine import run_backward as _run_backward


def _make_grads(outputs, grads, is_grads_batched=False):
    Tensor, np = _Tensor, _np
    out = []
    for t, g in zip(outputs, grads):
        if g is None:
            if t._rg:
                if t._data.size != 1:
                    raise RuntimeError("grad can be implicitly created only for scalar outputs")
                if t._data.dtype.kind not in "fcV":
                    raise RuntimeError(f"grad can be implicitly created only for real scalar outputs but got {t.dtype}")
                g = _wrap(_np.ones(t._data.shape, dtype=t._data.dtype))
            out.append(g)
        else:
            if not isinstance(g, _Tensor):
                g = _wrap(_np.asarray(g, dtype=t._data.dtype))
            if g._data.shape != t._data.shape:
                raise RuntimeError(f"Mismatch in shape: grad_output[0] has a shape of {g.shape} and "
                                   f"output[0] has a shape of {t.shape}.")
            out.append(g)
    return out


def _as_tuple(x):
    if x is None:
        return None
    if isinstance(x, _Tensor):
        return (x,)
    return tuple(x)


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False, grad_variables=None,
             inputs=None):
    """Sum the gradients of ``tensors`` w.r.t. graph leaves into their ``.grad``.

    >>> x = ember.ones(2, requires_grad=True)
    >>> ember.autograd.backward([(x * 3).sum()]); x.grad
    tensor([3., 3.])
    """
    tensors = _as_tuple(tensors)
    gt = _as_tuple(grad_tensors) if grad_tensors is not None else (None,) * len(tensors)
    if len(gt) != len(tensors):
        raise RuntimeError(f"got {len(gt)} tensors and {len(tensors)} gradients")
    for t in tensors:
        if not t._rg:
            raise RuntimeError("element 0 of tensors does not require grad and does not have a grad_fn")
    grads = _make_grads(tensors, gt)
    if retain_graph is None:
        retain_graph = create_graph
    inputs = _as_tuple(inputs)
    if inputs is not None and len(inputs) == 0:
        raise RuntimeError("`inputs` argument to `backward()` cannot be empty.")
    _run_backward(tensors, grads, retain_graph, create_graph, inputs=inputs, accumulate=True)


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False, only_inputs=True,
         allow_unused=None, is_grads_batched=False, materialize_grads=False):
    """Gradients of ``outputs`` w.r.t. ``inputs``, returned (``.grad`` is left alone).

    >>> x = ember.tensor([1., 2.], requires_grad=True)
    >>> ember.autograd.grad((x ** 3).sum(), x, create_graph=True)[0]
    tensor([ 3., 12.], grad_fn=<MulBackward0>)
    """
    from .engine import run_backward
    outputs = _as_tuple(outputs)
    inputs = _as_tuple(inputs)
    if materialize_grads and allow_unused is False:
        raise ValueError("Expected allow_unused to be True or not passed when materialize_grads=True, "
                         "but got: allow_unused=False.")
    if is_grads_batched:
        return _batched_grad(outputs, inputs, _as_tuple(grad_outputs), retain_graph, create_graph,
                             allow_unused, materialize_grads)
    go = _as_tuple(grad_outputs) if grad_outputs is not None else (None,) * len(outputs)
    for t in outputs:
        if not t._rg:
            raise RuntimeError("element 0 of tensors does not require grad and does not have a grad_fn")
    if allow_unused is None:
        allow_unused = materialize_grads
    grads = _make_grads(outputs, go)
    if retain_graph is None:
        retain_graph = create_graph
    res = run_backward(outputs, grads, retain_graph, create_graph, inputs=inputs,
                       allow_unused=allow_unused, accumulate=False)
    if materialize_grads:
        res = tuple(_wrap(_np.zeros_like(i._data)) if r is None else r for r, i in zip(res, inputs))
    return res


def _batched_grad(outputs, inputs, grad_outputs, retain_graph, create_graph, allow_unused,
                  materialize_grads):
    """``is_grads_batched``: one backward pass per row of the grad_outputs, stacked."""
    from .. import stack
    n = grad_outputs[0].shape[0]
    rows = []
    for i in range(n):
        keep = True if i < n - 1 else retain_graph
        rows.append(grad(outputs, inputs, tuple(g[i] for g in grad_outputs), retain_graph=keep,
                         create_graph=create_graph, allow_unused=allow_unused,
                         materialize_grads=materialize_grads))
    return tuple(None if any(r[k] is None for r in rows) else stack([r[k] for r in rows])
                 for k in range(len(inputs)))


from .anomaly_mode import detect_anomaly, set_detect_anomaly  # noqa: E402
from . import functional  # noqa: E402
from .variable import Variable  # noqa: E402
from .gradcheck import gradcheck, gradgradcheck  # noqa: E402

__all__ = ["backward", "grad", "Function", "no_grad", "enable_grad", "set_grad_enabled",
           "inference_mode", "detect_anomaly", "set_detect_anomaly", "gradcheck", "gradgradcheck"]


from .engine_settings import (is_multithreading_enabled, set_multithreading_enabled,  # noqa: E402,F401
                              is_view_replay_enabled, enforce_grad_layout_policy, DeviceType, ProfilerActivity,
                              ProfilerState, kineto_available)
from .nested_io import NestedIOFunction  # noqa: E402,F401
from ..overrides import handle_torch_function, has_torch_function, is_tensor_like  # noqa: E402,F401
from . import profiler  # noqa: E402,F401  (torch.autograd.profiler)
from . import graph  # noqa: E402,F401  (torch.autograd.graph)
from .saved_hooks import SavedTensor  # noqa: E402,F401  (torch.autograd.SavedTensor)
from .profiler_records import ProfilerConfig, ProfilerEvent  # noqa: E402,F401
from . import forward_ad  # noqa: E402,F401  (torch.autograd.forward_ad)
