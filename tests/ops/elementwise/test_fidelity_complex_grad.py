"""Gradients of real-valued losses of complex graphs match torch 2.13 (conjugate Wirtinger convention):
mul/div conjugate, and real/imag/conj are differentiable."""
import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")

Z = [1 + 2j, 3 - 1j, -0.5 + 0.25j]
W = [0.5 - 1j, 2 + 2j, -1 - 3j]
R = [0.3, -1.2, 2.0]

LOSSES = {
    "mul_abs": lambda z, w, r: (z * w).abs().sum(),
    "square_abs": lambda z, w, r: (z * z * w).abs().sum(),
    "div_real": lambda z, w, r: (z / w).real.sum(),
    "div_imag": lambda z, w, r: (w / z).imag.sum(),
    "conj_imag": lambda z, w, r: z.conj().imag.sum() + z.real.sum(),
    "conj_mul": lambda z, w, r: (z.conj() * w).real.pow(2).sum(),
    "real_times_complex": lambda z, w, r: (r * z).abs().sum() + (z / r).imag.sum(),
    "complex_over_real_tensor": lambda z, w, r: (r / z).real.sum(),
    "complex_scalar": lambda z, w, r: (z * (2 - 3j)).imag.sum() + (z / (1 + 1j)).real.sum() + ((0.5j) / z).abs().sum(),
    "chain": lambda z, w, r: ((z * w + z) / (w - 1)).abs().pow(2).sum() + (z * w).real.mul(r).sum(),
}


@pytest.mark.parametrize("dtype", ["complex64", "complex128"])
@pytest.mark.parametrize("name", list(LOSSES))
def test_complex_graph_gradients(name, dtype):
    res = []
    for m in (torch, ember):
        cdt = getattr(m, dtype)
        rdt = m.float32 if dtype == "complex64" else m.float64
        z = m.tensor(Z, dtype=cdt, requires_grad=True)
        w = m.tensor(W, dtype=cdt, requires_grad=True)
        r = m.tensor(R, dtype=rdt, requires_grad=True)
        loss = LOSSES[name](z, w, r)
        loss.backward()
        res.append([loss.detach().numpy()] + [t.grad.resolve_conj().numpy() if t.grad is not None else None for t in (z, w, r)])
    tol = 1e-5 if dtype == "complex64" else 1e-12
    for e, t in zip(res[1], res[0]):
        if t is None:
            assert e is None
        else:
            assert e.dtype == t.dtype
            np.testing.assert_allclose(e, t, rtol=tol, atol=tol)


def test_real_imag_conj_grad_fn_names():
    z = ember.tensor(Z, requires_grad=True)
    tz = torch.tensor(Z, requires_grad=True)
    for f in (lambda t: t.real, lambda t: t.imag, lambda t: t.conj().abs()):
        assert f(z).grad_fn.name() == f(tz).grad_fn.name()
