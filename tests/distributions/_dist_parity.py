"""Helpers for the distribution parity tests: build the same distribution in ember and in
PyTorch from the same float64 parameters and compare any method's values and gradients."""
import numpy as np

import ember


def make_params(torch, params):
    """(ember params, torch params) dicts; float arrays become float64 leaves requiring grad."""
    e, t = {}, {}
    for k, v in params.items():
        if isinstance(v, (list, tuple, np.ndarray)):
            a = np.asarray(v)
            grad = a.dtype.kind == "f"
            e[k] = ember.tensor(a, requires_grad=grad)
            t[k] = torch.tensor(a, requires_grad=grad)
        else:
            e[k] = t[k] = v
    return e, t


def to_np(x):
    if hasattr(x, "detach"):
        x = x.detach()
    return np.asarray(x.numpy() if hasattr(x, "numpy") else x)


def compare(torch, ev, tv, e_leaves, t_leaves, what, rtol=1e-6, atol=1e-8):
    """Values equal (NaN/inf in the same places) and, where torch has a gradient, gradients too."""
    a, b = to_np(ev), to_np(tv)
    assert a.shape == b.shape, f"{what}: shape {a.shape} vs {b.shape}"
    np.testing.assert_allclose(a, b, rtol=rtol, atol=atol, equal_nan=True, err_msg=what)
    if not getattr(tv, "requires_grad", False):
        return
    finite = np.isfinite(b)
    if not finite.any():
        return
    w = np.random.default_rng(0).uniform(0.5, 1.5, b.shape) * finite
    t_out = (tv.nan_to_num(0.0, 0.0, 0.0) * torch.tensor(w)).sum()
    names = [k for k, v in t_leaves.items() if getattr(v, "requires_grad", False)]
    e_out = (ember.where(ember.tensor(finite), ev, ember.zeros_like(ev)) * ember.tensor(w)).sum()
    for k in names:
        try:
            (gt,) = torch.autograd.grad(t_out, [t_leaves[k]], allow_unused=True, retain_graph=True)
        except NotImplementedError:
            # torch lacks this derivative (Gamma.cdf in the concentration); ember has it
            # (tested against finite differences in test_sampling_grads.py)
            continue
        (ge,) = ember.autograd.grad(e_out, [e_leaves[k]], allow_unused=True, retain_graph=True)
        if gt is None:
            assert ge is None or not np.any(to_np(ge)), f"{what}: grad {k} should be zero"
            continue
        ge = np.zeros(gt.shape) if ge is None else to_np(ge)
        np.testing.assert_allclose(ge, to_np(gt), rtol=max(rtol, 1e-5), atol=max(atol, 1e-7),
                                   equal_nan=True, err_msg=f"{what}: d/d{k}")
