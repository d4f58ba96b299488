"""Numerical gradient checks (float64 central differences)."""


def gradcheck(func, inputs, *, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True, **kwargs):
    raise NotImplementedError("ember.autograd.gradcheck is not built yet")


def gradgradcheck(func, inputs, grad_outputs=None, *, eps=1e-6, atol=1e-5, rtol=1e-3, **kwargs):
    raise NotImplementedError("ember.autograd.gradgradcheck is not built yet")
