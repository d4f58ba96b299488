"""Two-operand einsums run as one batched GEMM: same values as NumPy's einsum and torch's, with
gradients, over batch / kept / contracted / outer-product subscripts and the cases that must
fall back (repeated subscripts, size-1 broadcasting, single-operand sums)."""
import numpy as np
import pytest

import ember
from ember.ops.linalg.contractions import _matmul_plan

torch = pytest.importorskip("torch")

EQS = [("bij,bjk->bik", (4, 5, 6), (4, 6, 7)), ("ij,jk->ik", (9, 10), (10, 11)),
       ("bghid,bghjd->bghij", (1, 3, 2, 9, 8), (1, 3, 2, 9, 8)), ("bghij,bghjd->bghid", (1, 3, 2, 9, 9), (1, 3, 2, 9, 8)),
       ("bij,jbk->bki", (8, 16, 32), (32, 8, 5)), ("i,j->ij", (70,), (80,)), ("bi,bi->b", (12, 30), (12, 30)),
       ("nchw,oc->nohw", (2, 8, 5, 5), (6, 8)), ("abc,cd->dba", (3, 4, 10), (10, 6)),
       ("bqhd,bkhd->bhqk", (2, 7, 3, 8), (2, 9, 3, 8)), ("ij,ij->", (10, 10), (10, 10))]
FALLBACK = [("ii,ij->j", (9, 9), (9, 12)), ("bij,bjk->bik", (1, 5, 6), (4, 6, 7)), ("ij,jk->k", (9, 10), (10, 11))]


@pytest.mark.parametrize("eq,sa,sb", EQS + FALLBACK)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_matches_numpy_and_torch(eq, sa, sb, dtype):
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal(sa).astype(dtype), rng.standard_normal(sb).astype(dtype)
    x, y = ember.tensor(a, requires_grad=True), ember.tensor(b, requires_grad=True)
    r = ember.einsum(eq, x, y)
    tol = 1e-4 if dtype == np.float32 else 1e-10
    np.testing.assert_allclose(r.detach().numpy(), np.einsum(eq, a.astype(np.float64), b.astype(np.float64)),
                               rtol=tol, atol=tol)
    g = rng.standard_normal(r.shape).astype(dtype)
    r.backward(ember.tensor(g))
    tx, ty = torch.tensor(a, requires_grad=True), torch.tensor(b, requires_grad=True)
    torch.einsum(eq, tx, ty).backward(torch.tensor(g))
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=tol, atol=tol)
    np.testing.assert_allclose(y.grad.numpy(), ty.grad.numpy(), rtol=tol, atol=tol)
    assert r.dtype == x.dtype


def test_which_equations_take_the_gemm():
    assert all(_matmul_plan(eq, sa, sb) is not None for eq, sa, sb in EQS)
    assert all(_matmul_plan(eq, sa, sb) is None for eq, sa, sb in FALLBACK)
