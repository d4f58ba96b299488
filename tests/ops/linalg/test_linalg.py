"""Parity with PyTorch for the products (matmul family, einsum, ...) and ember.linalg."""
import math

import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")

RNG = np.random.default_rng(0)
DTYPES = [np.float32, np.float64]
TOL = {np.float32: dict(rtol=2e-4, atol=2e-4), np.float64: dict(rtol=1e-9, atol=1e-9)}


def _pair(arr, rg=True):
    """An ember tensor and a torch tensor with the same data (both leaves)."""
    e = ember.tensor(arr, requires_grad=rg)
    t = torch.tensor(arr, requires_grad=rg)
    return e, t


def _close(e, t, dt=np.float64):
    t = t.detach()
    assert tuple(e.shape) == tuple(t.shape), (e.shape, t.shape)
    assert str(e.dtype) == str(t.dtype), (e.dtype, t.dtype)
    np.testing.assert_allclose(e.detach().numpy(), t.numpy(), **TOL.get(dt, TOL[np.float64]))


def check(fn_e, fn_t, *arrays, dt=np.float64, grad=True, tfn=None):
    """Forward and backward of ``fn_e`` on ember against ``fn_t`` on torch."""
    es, ts = zip(*[_pair(a, grad) for a in arrays])
    oe, ot = fn_e(*es), fn_t(*ts)
    _close(oe, ot, dt)
    if grad:
        g = RNG.standard_normal(ot.shape).astype(dt)
        oe.backward(ember.tensor(g))
        ot.backward(torch.tensor(g))
        for e, t in zip(es, ts):
            if t.grad is None:
                assert e.grad is None or not np.any(e.grad.numpy())
            elif e.grad is None:
                assert not np.any(t.grad.numpy())
            else:
                _close(e.grad, t.grad, dt)
    return oe, ot


def rand(*shape, dt=np.float64):
    return RNG.standard_normal(shape).astype(dt)


def same_error(fe, ft):
    with pytest.raises(Exception) as te:
        ft()
    etype = type(te.value)
    if issubclass(etype, torch.linalg.LinAlgError):
        etype = ember.linalg.LinAlgError
    with pytest.raises(etype) as ee:
        fe()
    assert str(ee.value) == str(te.value)


# ----------------------------------------------------------------------------- matmul
def _matmul_shapes():
    m, k, n = 2, 3, 4
    batches = {0: [()], 1: [(5,)], 2: [(2, 5), (1, 5)]}
    out = []
    for na in range(1, 5):
        for nb in range(1, 5):
            la = (k,) if na == 1 else None
            lb = (k,) if nb == 1 else None
            bas = batches[max(na - 2, 0)]
            bbs = batches[max(nb - 2, 0)]
            for ba in bas:
                for bb in bbs:
                    sa = la if la else ba + (m, k)
                    sb = lb if lb else bb + (k, n)
                    out.append((sa, sb))
    out += [((3, 1, 2, 3), (4, 3, 4)), ((1, 2, 3), (6, 3, 4)), ((6, 2, 3), (1, 3, 4)), ((2, 1, 2, 3), (1, 5, 3, 4))]
    return out


@pytest.mark.parametrize("dt", DTYPES)
@pytest.mark.parametrize("sa,sb", _matmul_shapes())
def test_matmul_ranks(sa, sb, dt):
    oe, _ = check(ember.matmul, torch.matmul, rand(*sa, dt=dt), rand(*sb, dt=dt), dt=dt)
    assert oe.dtype == (ember.float32 if dt == np.float32 else ember.float64)


def test_matmul_operator_and_noncontiguous():
    a, b = rand(4, 3), rand(5, 4)
    ea, ta = _pair(a)
    eb, tb = _pair(b)
    oe, ot = ea.t() @ eb.t(), ta.t() @ tb.t()
    _close(oe, ot)
    g = rand(3, 5)
    oe.backward(ember.tensor(g))
    ot.backward(torch.tensor(g))
    _close(ea.grad, ta.grad)
    _close(eb.grad, tb.grad)
    x = ember.ones(2, 3)
    with pytest.raises(TypeError):
        x @ 2
    with pytest.raises(TypeError):
        2 @ x
    y = x
    y @= ember.ones(3, 4)
    assert y.shape == (2, 4) and x.shape == (2, 3)


def test_matmul_grad_fn_names_and_int():
    a = ember.ones(2, 3, requires_grad=True)
    assert (a @ ember.ones(3, 4)).grad_fn.name() == "MmBackward0"
    assert (a @ ember.ones(3)).grad_fn.name() == "MvBackward0"
    assert ember.dot(ember.ones(3, requires_grad=True), ember.ones(3)).grad_fn.name() == "DotBackward0"
    r = ember.matmul(ember.tensor([[1, 2], [3, 4]]), ember.tensor([[1], [1]]))
    assert r.dtype == ember.int64 and r.tolist() == [[3], [7]]
    r = ember.mm(ember.ones(2, 2, dtype=ember.int32), ember.ones(2, 2, dtype=ember.int32))
    assert r.dtype == ember.int32
    assert ember.matmul(ember.zeros(0, 3), ember.zeros(3, 0)).shape == (0, 0)
    assert ember.matmul(ember.zeros(2, 0), ember.zeros(0, 3)).tolist() == [[0.0] * 3] * 2


def test_matmul_second_derivative():
    a = ember.tensor(rand(2, 3), requires_grad=True)
    b = ember.tensor(rand(3, 2), requires_grad=True)
    ta = torch.tensor(a.detach().numpy(), requires_grad=True)
    tb = torch.tensor(b.detach().numpy(), requires_grad=True)
    ga, = ember.autograd.grad((a @ b).pow(2).sum(), a, create_graph=True)
    tga, = torch.autograd.grad((ta @ tb).pow(2).sum(), ta, create_graph=True)
    ga.sum().backward()
    tga.sum().backward()
    _close(b.grad, tb.grad)


MATMUL_ERRORS = [
    lambda m, z: m.matmul(z(2, 3), z(4, 5)),
    lambda m, z: m.matmul(m.tensor(1.), z(2, 3)),
    lambda m, z: m.matmul(z(3), z(4)),
    lambda m, z: m.matmul(z(3), z(4, 5)),
    lambda m, z: m.matmul(z(3, 4), z(5)),
    lambda m, z: m.matmul(z(2, 3, 4), z(5)),
    lambda m, z: m.matmul(z(5), z(2, 3, 4)),
    lambda m, z: m.matmul(z(2, 3, 4), z(3, 5, 6)),
    lambda m, z: m.matmul(z(2, 3, 4), z(2, 5, 6)),
    lambda m, z: m.matmul(z(2, 3, 4), z(5, 6)),
    lambda m, z: m.matmul(z(3, 4), z(2, 5, 6)),
    lambda m, z: m.matmul(z(5, 2, 3, 4), z(3, 4, 5)),
    lambda m, z: m.matmul(z(2, 3, 4), z(4, dtype=m.float64)),
    lambda m, z: m.matmul(z(3, 4), z(4, 5, dtype=m.float64)),
    lambda m, z: m.matmul(z(3), z(3, dtype=m.float64)),
    lambda m, z: m.matmul(z(2, 3, 4), z(2, 4, 5, dtype=m.float64)),
    lambda m, z: m.matmul(z(3, dtype=m.long), z(3)),
    lambda m, z: m.mm(z(2, 3), z(4, 5)),
    lambda m, z: m.mm(z(2, 3, 1), z(4, 5)),
    lambda m, z: m.mm(z(2, 3), z(4)),
    lambda m, z: m.mm(z(2, 3), z(3, 5, dtype=m.float64)),
    lambda m, z: m.mm(z(2, 3, dtype=m.bool), z(3, 4, dtype=m.bool)),
    lambda m, z: m.bmm(z(2, 3), z(4, 5)),
    lambda m, z: m.bmm(z(2, 2, 3), z(2, 4, 5)),
    lambda m, z: m.bmm(z(2, 2, 3), z(3, 3, 5)),
    lambda m, z: m.bmm(z(2, 2, 3), z(2, 3, 5, 1)),
    lambda m, z: m.bmm(z(2, 2, 3), z(2, 3, 5, dtype=m.float64)),
    lambda m, z: m.mv(z(3, 4), z(5)),
    lambda m, z: m.mv(z(3), z(5)),
    lambda m, z: m.mv(z(3, 4), z(4, 1)),
    lambda m, z: m.dot(z(3), z(4)),
    lambda m, z: m.dot(z(3), z(3, dtype=m.float64)),
    lambda m, z: m.dot(z(3, 1), z(3)),
    lambda m, z: m.vdot(z(3), z(4)),
    lambda m, z: m.inner(z(2, 3), z(4, 5)),
    lambda m, z: m.outer(z(3), z(4, 1)),
    lambda m, z: m.addmm(z(2, 5), z(2, 3), z(4, 5)),
    lambda m, z: m.addmm(z(3, 5), z(2, 3), z(3, 5)),
    lambda m, z: m.addmv(z(3), z(2, 3), z(3)),
    lambda m, z: m.baddbmm(z(2, 2, 4), z(2, 2, 3), z(2, 3, 3)),
    lambda m, z: m.addbmm(z(2, 4), z(2, 2, 3), z(2, 3, 3)),
    lambda m, z: m.addbmm(z(2, 3), z(2, 2, 3), z(3, 3, 3)),
    lambda m, z: m.tensordot(z(2, 3), z(4, 5), dims=1),
    lambda m, z: m.tensordot(z(2, 3), z(4, 5), dims=-1),
    lambda m, z: m.tensordot(z(2, 3), z(3, 5), dims=([1, 0], [0])),
    lambda m, z: m.tensordot(z(2, 3), z(3, 5, dtype=m.float64), dims=1),
    lambda m, z: m.cross(z(4, 2), z(4, 2)),
    lambda m, z: m.cross(z(2, 3), z(3)),
    lambda m, z: m.cross(z(2, 3), z(2, 3, dtype=m.float64)),
    lambda m, z: m.linalg.cross(z(2, 2), z(2, 2)),
    lambda m, z: m.cdist(z(2, 3), z(4, 2)),
    lambda m, z: m.cdist(z(3), z(4, 3)),
    lambda m, z: m.cdist(z(2, 3), z(4, 3, dtype=m.float64)),
    lambda m, z: m.cdist(z(2, 3), z(4, 3), p=-1),
    lambda m, z: m.cdist(z(2, 3, dtype=m.long), z(4, 3, dtype=m.long)),
    lambda m, z: m.einsum('ij,jk', z(2, 3), z(3, 4, dtype=m.float64)),
    lambda m, z: m.einsum('ij,jk', z(2, 3)),
    lambda m, z: m.einsum('ij', z(2, 3), z(3)),
    lambda m, z: m.einsum('ijk', z(2, 3)),
    lambda m, z: m.einsum('ij,jk', z(2, 3), z(4, 4)),
    lambda m, z: m.einsum('ij->ik', z(2, 1)),
    lambda m, z: m.einsum('ii->i', z(2, 3)),
]


@pytest.mark.filterwarnings("ignore:Using torch.cross")
@pytest.mark.parametrize("i", range(len(MATMUL_ERRORS)))
def test_product_errors(i):
    f = MATMUL_ERRORS[i]
    same_error(lambda: f(ember, ember.zeros), lambda: f(torch, torch.zeros))


# ------------------------------------------------------------------- the mm family
@pytest.mark.parametrize("dt", DTYPES)
def test_mm_family(dt):
    r = lambda *s: rand(*s, dt=dt)  # noqa: E731
    check(ember.mm, torch.mm, r(2, 3), r(3, 4), dt=dt)
    check(ember.bmm, torch.bmm, r(5, 2, 3), r(5, 3, 4), dt=dt)
    check(ember.mv, torch.mv, r(2, 3), r(3), dt=dt)
    check(ember.dot, torch.dot, r(3), r(3), dt=dt)
    check(ember.vdot, torch.vdot, r(3), r(3), dt=dt)
    check(ember.inner, torch.inner, r(2, 3), r(4, 3), dt=dt)
    check(ember.inner, torch.inner, r(2, 5, 3), r(3), dt=dt)
    check(ember.inner, torch.inner, r(), r(2, 3), dt=dt)
    check(ember.outer, torch.outer, r(3), r(4), dt=dt)
    check(ember.ger, torch.ger, r(3), r(4), dt=dt)
    for beta, alpha in [(1, 1), (0.5, 2.0), (0, 1)]:
        kw = dict(beta=beta, alpha=alpha)
        check(lambda c, a, b: ember.addmm(c, a, b, **kw), lambda c, a, b: torch.addmm(c, a, b, **kw),
              r(4), r(2, 3), r(3, 4), dt=dt)
        check(lambda c, a, b: ember.addmv(c, a, b, **kw), lambda c, a, b: torch.addmv(c, a, b, **kw),
              r(2), r(2, 3), r(3), dt=dt)
        check(lambda c, a, b: ember.baddbmm(c, a, b, **kw), lambda c, a, b: torch.baddbmm(c, a, b, **kw),
              r(1, 2, 4), r(5, 2, 3), r(5, 3, 4), dt=dt)
        check(lambda c, a, b: ember.addbmm(c, a, b, **kw), lambda c, a, b: torch.addbmm(c, a, b, **kw),
              r(2, 4), r(5, 2, 3), r(5, 3, 4), dt=dt)
        check(lambda c, a, b: ember.addr(c, a, b, **kw), lambda c, a, b: torch.addr(c, a, b, **kw),
              r(2, 4), r(2), r(4), dt=dt)
    check(lambda a, b, c: ember.linalg.multi_dot([a, b, c]), lambda a, b, c: torch.linalg.multi_dot([a, b, c]),
          r(3), r(3, 4), r(4, 2), dt=dt)
    check(lambda a, b: a.mm(b), lambda a, b: a.mm(b), r(2, 3), r(3, 4), dt=dt)


def test_addmm_beta_zero_ignores_nan():
    c = ember.full((2, 2), float("nan"))
    r = ember.addmm(c, ember.eye(2), ember.eye(2), beta=0)
    assert r.tolist() == [[1.0, 0.0], [0.0, 1.0]]


def test_out_argument():
    out = ember.empty(2, 4)
    r = ember.matmul(ember.ones(2, 3), ember.ones(3, 4), out=out)
    assert r is out and out.tolist() == [[3.0] * 4] * 2


# -------------------------------------------------------------------------- einsum
EINSUMS = [
    ("ij,jk->ik", [(2, 3), (3, 4)]),
    ("ij,jk", [(2, 3), (3, 4)]),
    ("bij,bjk->bik", [(5, 2, 3), (5, 3, 4)]),
    ("bij,bjk->bik", [(5, 2, 3), (1, 3, 4)]),
    ("ii->i", [(3, 3)]),
    ("ii", [(3, 3)]),
    ("i,i", [(3,), (3,)]),
    ("i,j->ij", [(3,), (4,)]),
    ("...ij,...jk", [(5, 2, 3), (3, 4)]),
    ("...ij,...jk->...ik", [(2, 1, 2, 3), (5, 3, 4)]),
    ("ij->", [(2, 3)]),
    ("ijk->kji", [(2, 3, 4)]),
    ("ij,ij->i", [(2, 3), (2, 3)]),
    ("bn,anm,bm->ba", [(2, 3), (4, 3, 5), (2, 5)]),
    ("i,i,i", [(3,), (3,), (3,)]),
    ("ij,kl->ijkl", [(2, 3), (4, 2)]),
    ("iij->j", [(2, 2, 3)]),
    ("ij->j", [(2, 3)]),
    ("i...->...", [(2, 3, 4)]),
    ("ba,b->a", [(3, 2), (3,)]),
    (" ij , jk -> ik ", [(2, 3), (3, 4)]),
]


@pytest.mark.parametrize("dt", DTYPES)
@pytest.mark.parametrize("eq,shapes", EINSUMS)
def test_einsum(eq, shapes, dt):
    arrays = [rand(*s, dt=dt) for s in shapes]
    check(lambda *a: ember.einsum(eq, *a), lambda *a: torch.einsum(eq, *a), *arrays, dt=dt)


def test_einsum_list_and_sublist_forms():
    a, b = rand(2, 3), rand(3, 4)
    e = ember.einsum("ij,jk->ik", [ember.tensor(a), ember.tensor(b)])
    np.testing.assert_allclose(e.numpy(), a @ b)
    e = ember.einsum(ember.tensor(a), [0, 1], ember.tensor(b), [1, 2], [0, 2])
    np.testing.assert_allclose(e.numpy(), a @ b)
    e = ember.einsum(ember.tensor(a), [0, 1], ember.tensor(b), [1, 2])
    np.testing.assert_allclose(e.numpy(), a @ b)


def test_einsum_result_is_not_a_view():
    a = ember.ones(2, 3)
    r = ember.einsum("ij->ji", a)
    r.add_(1) if hasattr(r, "add_") else None
    assert a.tolist() == [[1.0] * 3] * 2


# ------------------------------------------------------- tensordot, kron, cross, cdist
@pytest.mark.parametrize("dt", DTYPES)
def test_tensordot_kron_cross(dt):
    r = lambda *s: rand(*s, dt=dt)  # noqa: E731
    check(lambda a, b: ember.tensordot(a, b, dims=2), lambda a, b: torch.tensordot(a, b, dims=2),
          r(2, 3, 4), r(3, 4, 5), dt=dt)
    check(lambda a, b: ember.tensordot(a, b, dims=([1, 0], [2, 0])),
          lambda a, b: torch.tensordot(a, b, dims=([1, 0], [2, 0])), r(3, 2, 4), r(3, 5, 2), dt=dt)
    check(lambda a, b: ember.tensordot(a, b, dims=0), lambda a, b: torch.tensordot(a, b, dims=0),
          r(2, 3), r(4), dt=dt)
    check(ember.kron, torch.kron, r(2, 3), r(4, 2), dt=dt)
    check(ember.kron, torch.kron, r(2, 3), r(4), dt=dt)
    check(ember.kron, torch.kron, r(2, 1, 3), r(4, 2), dt=dt)
    check(lambda a, b: ember.cross(a, b, dim=1), lambda a, b: torch.cross(a, b, dim=1), r(4, 3), r(4, 3), dt=dt)
    check(lambda a, b: ember.linalg.cross(a, b), lambda a, b: torch.linalg.cross(a, b), r(4, 3), r(1, 3), dt=dt)
    check(lambda a, b: ember.cross(a, b, dim=0), lambda a, b: torch.cross(a, b, dim=0),
          r(3, 4).T.copy().T, r(3, 4), dt=dt)


@pytest.mark.parametrize("dt", DTYPES)
@pytest.mark.parametrize("p", [2.0, 1.0, 3.0, 0.0, math.inf])
def test_cdist(p, dt):
    a, b = rand(5, 3, dt=dt), rand(4, 3, dt=dt)
    b[1] = a[2]  # a zero distance
    check(lambda x, y: ember.cdist(x, y, p=p), lambda x, y: torch.cdist(x, y, p=p), a, b, dt=dt)
    check(lambda x, y: ember.cdist(x, y, p=p), lambda x, y: torch.cdist(x, y, p=p),
          rand(2, 5, 3, dt=dt), rand(1, 4, 3, dt=dt), dt=dt)


def test_cdist_mm_path():
    a, b = rand(30, 4), rand(27, 4)
    check(ember.cdist, torch.cdist, a, b)


# -------------------------------------------------------------------------- linalg
def _spd(n, dt, batch=()):
    m = rand(*batch, n, n, dt=dt)
    return (m @ np.swapaxes(m, -1, -2) + n * np.eye(n)).astype(dt)


@pytest.mark.parametrize("dt", DTYPES)
def test_det_inv_slogdet(dt):
    a = rand(3, 3, dt=dt) + 2 * np.eye(3, dtype=dt)
    check(ember.linalg.det, torch.linalg.det, a, dt=dt)
    check(ember.det, torch.det, rand(4, 3, 3, dt=dt), dt=dt)
    check(ember.linalg.inv, torch.linalg.inv, a, dt=dt)
    check(ember.inverse, torch.inverse, rand(2, 3, 3, dt=dt) + 3 * np.eye(3, dtype=dt), dt=dt)
    check(lambda x: ember.linalg.slogdet(x).logabsdet, lambda x: torch.linalg.slogdet(x).logabsdet, a, dt=dt)
    check(lambda x: ember.linalg.slogdet(x).sign, lambda x: torch.linalg.slogdet(x).sign, a, dt=dt, grad=False)
    check(ember.logdet, torch.logdet, _spd(3, dt), dt=dt)


@pytest.mark.parametrize("m,adj", [([[1., 2.], [2., 4.]], [[4., -2.], [-2., 1.]]),
                                   ([[1., 0.], [0., 0.]], [[0., 0.], [0., 1.]])])
def test_det_grad_singular(m, adj):
    # the gradient of det is the transposed adjugate, also for singular matrices
    # (PyTorch 2.13 returns zeros here)
    a = ember.tensor(m, dtype=ember.float64, requires_grad=True)
    ember.linalg.det(a).backward()
    np.testing.assert_allclose(a.grad.numpy(), np.array(adj).T, atol=1e-12)


@pytest.mark.parametrize("dt", DTYPES)
def test_solve(dt):
    A = rand(3, 3, dt=dt) + 3 * np.eye(3, dtype=dt)
    check(ember.linalg.solve, torch.linalg.solve, A, rand(3, dt=dt), dt=dt)
    check(ember.linalg.solve, torch.linalg.solve, A, rand(3, 2, dt=dt), dt=dt)
    bA = rand(4, 3, 3, dt=dt) + 3 * np.eye(3, dtype=dt)
    check(ember.linalg.solve, torch.linalg.solve, bA, rand(4, 3, dt=dt), dt=dt)
    check(ember.linalg.solve, torch.linalg.solve, bA, rand(2, 1, 3, 5, dt=dt), dt=dt)
    check(ember.linalg.solve, torch.linalg.solve, A, rand(4, 3, 2, dt=dt), dt=dt)
    check(lambda a, b: ember.linalg.solve(a, b, left=False), lambda a, b: torch.linalg.solve(a, b, left=False),
          A, rand(2, 3, dt=dt), dt=dt)
    check(lambda a, b: ember.linalg.solve_triangular(a, b, upper=True),
          lambda a, b: torch.linalg.solve_triangular(a, b, upper=True), A, rand(3, 2, dt=dt), dt=dt)
    check(lambda a, b: ember.linalg.solve_triangular(a, b, upper=False, unitriangular=True),
          lambda a, b: torch.linalg.solve_triangular(a, b, upper=False, unitriangular=True),
          A, rand(3, 2, dt=dt), dt=dt)


@pytest.mark.parametrize("dt", DTYPES)
@pytest.mark.parametrize("upper", [False, True])
def test_cholesky(dt, upper):
    check(lambda a: ember.linalg.cholesky(a, upper=upper), lambda a: torch.linalg.cholesky(a, upper=upper),
          _spd(4, dt), dt=dt)
    check(lambda a: ember.linalg.cholesky(a, upper=upper), lambda a: torch.linalg.cholesky(a, upper=upper),
          _spd(3, dt, (2,)), dt=dt)
    assert int(ember.linalg.cholesky_ex(ember.tensor([[1., 2.], [2., 1.]])).info) == 2


@pytest.mark.parametrize("dt", DTYPES)
def test_decompositions(dt):
    a = rand(4, 3, dt=dt)
    for mode in ["reduced", "complete"]:
        Q, R = ember.linalg.qr(ember.tensor(a), mode=mode)
        tQ, tR = torch.linalg.qr(torch.tensor(a), mode=mode)
        assert Q.shape == tuple(tQ.shape) and R.shape == tuple(tR.shape) and Q.dtype == R.dtype
        np.testing.assert_allclose(np.abs(R.numpy()), np.abs(tR.numpy()), **TOL[dt])
        np.testing.assert_allclose((Q @ R).numpy(), a, **TOL[dt])
    U, S, Vh = ember.linalg.svd(ember.tensor(a), full_matrices=False)
    _close(S, torch.linalg.svdvals(torch.tensor(a)), dt)
    np.testing.assert_allclose(((U * S.unsqueeze(-2)) @ Vh).numpy(), a, **TOL[dt])
    assert ember.linalg.svd(ember.tensor(a)).U.shape == (4, 4)
    check(ember.linalg.svdvals, torch.linalg.svdvals, a, dt=dt)
    check(lambda x: ember.linalg.svd(x, full_matrices=False).S, lambda x: torch.linalg.svd(x, full_matrices=False).S,
          a, dt=dt)
    s = _spd(3, dt)
    check(lambda x: ember.linalg.eigh(x).eigenvalues, lambda x: torch.linalg.eigh(x).eigenvalues, s, dt=dt)
    check(ember.linalg.eigvalsh, torch.linalg.eigvalsh, s, dt=dt)
    # a loss invariant to the eigenvectors' signs
    check(lambda x: (ember.linalg.eigh(x).eigenvectors ** 2 * ember.tensor([1., 2., 3.], dtype=x.dtype)).sum(),
          lambda x: (torch.linalg.eigh(x).eigenvectors ** 2 * torch.tensor([1., 2., 3.], dtype=x.dtype)).sum(),
          s, dt=dt)
    w = ember.linalg.eigvals(ember.tensor(np.diag([2.0, 1.0]).astype(dt)))
    assert w.dtype == (ember.complex64 if dt == np.float32 else ember.complex128)


@pytest.mark.parametrize("dt", DTYPES)
def test_pinv_rank_power(dt):
    check(ember.linalg.pinv, torch.linalg.pinv, rand(4, 3, dt=dt), dt=dt)
    check(ember.linalg.pinv, torch.linalg.pinv, rand(2, 3, dt=dt), dt=dt)
    check(ember.pinverse, torch.pinverse, rand(3, 4, dt=dt), dt=dt)
    a = np.array([[1, 2], [2, 4], [0, 0]], dtype=dt)
    for kw in [{}, dict(atol=0.5), dict(rtol=0.9), dict(hermitian=False)]:
        assert ember.linalg.matrix_rank(ember.tensor(a), **kw).tolist() == \
            torch.linalg.matrix_rank(torch.tensor(a), **kw).tolist()
    assert ember.linalg.matrix_rank(ember.tensor(a)).dtype == ember.int64
    sq = rand(3, 3, dt=dt) + 3 * np.eye(3, dtype=dt)
    for n in [0, 1, 2, 3, 5, -1, -2]:
        check(lambda x: ember.linalg.matrix_power(x, n), lambda x: torch.linalg.matrix_power(x, n), sq, dt=dt,
              grad=n != 0)


@pytest.mark.parametrize("dt", DTYPES)
def test_norms(dt):
    x = rand(3, 4, dt=dt)
    x[0, 0] = 0
    vn, tvn = ember.linalg.vector_norm, torch.linalg.vector_norm
    for ord in [2, 1, 3, 0.5, math.inf, -math.inf, 0]:
        for dim, keep in [(None, False), (1, False), ((0, 1), True), (-2, True)]:
            check(lambda a: vn(a, ord, dim, keep), lambda a: tvn(a, ord, dim, keep), x, dt=dt)
    mn, tmn = ember.linalg.matrix_norm, torch.linalg.matrix_norm
    for ord in ["fro", "nuc", 1, -1, 2, -2, math.inf, -math.inf]:
        check(lambda a: mn(a, ord), lambda a: tmn(a, ord), x, dt=dt)
        check(lambda a: mn(a, ord, dim=(0, 2), keepdim=True), lambda a: tmn(a, ord, dim=(0, 2), keepdim=True),
              rand(3, 2, 4, dt=dt), dt=dt)
    n, tn = ember.linalg.norm, torch.linalg.norm
    for args in [(), (None, 1), (2,), ("fro",), ("nuc",), (1, 0), (math.inf, (0, 1))]:
        check(lambda a: n(a, *args), lambda a: tn(a, *args), x, dt=dt)
    check(lambda a: n(a), lambda a: tn(a), rand(2, 3, 4, dt=dt), dt=dt)
    check(lambda a: ember.norm(a), lambda a: torch.norm(a), x, dt=dt)
    check(lambda a: ember.norm(a, p=1, dim=1), lambda a: torch.norm(a, p=1, dim=1), x, dt=dt)
    check(lambda a: ember.norm(a, p="nuc"), lambda a: torch.norm(a, p="nuc"), x, dt=dt)
    check(lambda a: a.norm(dim=0, keepdim=True), lambda a: a.norm(dim=0, keepdim=True), x, dt=dt)
    check(lambda a, b: ember.dist(a, b, 3), lambda a, b: torch.dist(a, b, 3), x, rand(4, dt=dt), dt=dt)
    check(lambda a: ember.linalg.cond(a), lambda a: torch.linalg.cond(a), rand(3, 3, dt=dt), dt=dt, grad=False)


def test_norm_of_zero_has_zero_grad():
    check(lambda a: ember.linalg.vector_norm(a), lambda a: torch.linalg.vector_norm(a), np.zeros(3))


LINALG_ERRORS = [
    lambda m, z: m.linalg.inv(z(2, 2)),
    lambda m, z: m.linalg.inv(m.tensor([[1., 2.], [2., 4.]])),
    lambda m, z: m.linalg.inv(z(2, 3)),
    lambda m, z: m.linalg.inv(z(2)),
    lambda m, z: m.linalg.inv(m.eye(2, dtype=m.long)),
    lambda m, z: m.linalg.det(m.eye(2, dtype=m.long)),
    lambda m, z: m.linalg.det(z(2, 3)),
    lambda m, z: m.linalg.cholesky(m.tensor([[1., 2.], [2., 1.]])),
    lambda m, z: m.linalg.cholesky(m.tensor([[-1., 2.], [2., 1.]])),
    lambda m, z: m.linalg.cholesky(z(2, 2, 2)),
    lambda m, z: m.linalg.solve(z(2, 2), z(2)),
    lambda m, z: m.linalg.solve(m.eye(2), z(3)),
    lambda m, z: m.linalg.solve(m.eye(2), z(2, dtype=m.float64)),
    lambda m, z: m.linalg.vector_norm(z(2, dtype=m.long)),
    lambda m, z: m.linalg.vector_norm(z(2, 2), ord="fro"),
    lambda m, z: m.linalg.matrix_norm(z(2)),
    lambda m, z: m.linalg.matrix_norm(z(2, 2), ord=3),
    lambda m, z: m.linalg.norm(z(2, 2, 2), ord=2),
    lambda m, z: m.linalg.svdvals(z(2, 2, dtype=m.long)),
    lambda m, z: m.linalg.eigh(z(2, 3)),
    lambda m, z: m.linalg.qr(z(2, 3), mode="foo"),
    lambda m, z: m.linalg.multi_dot([z(2, 2)]),
    lambda m, z: m.linalg.vector_norm(z(2, 2), dim=3),
]


@pytest.mark.parametrize("i", range(len(LINALG_ERRORS)))
def test_linalg_errors(i):
    f = LINALG_ERRORS[i]
    same_error(lambda: f(ember, ember.zeros), lambda: f(torch, torch.zeros))


def test_linalg_error_class_and_qr_backward_errors():
    with pytest.raises(ember.linalg.LinAlgError):
        ember.linalg.inv(ember.zeros(2, 2))
    for mode, shape in [("r", (3, 2)), ("complete", (3, 2))]:
        a = ember.tensor(rand(*shape), requires_grad=True)
        ta = torch.tensor(a.detach().numpy(), requires_grad=True)
        same_error(lambda: ember.linalg.qr(a, mode=mode).R.sum().backward(),
                   lambda: torch.linalg.qr(ta, mode=mode).R.sum().backward())


@pytest.mark.parametrize("dt", DTYPES)
@pytest.mark.parametrize("shape", [(4, 3), (3, 4), (3, 3), (2, 5, 3)])
def test_svd_qr_backward(shape, dt):
    k = min(shape[-2:])
    W = rand(*shape[-2:], dt=dt)
    wq = rand(*shape, dt=dt)

    def svd_loss(lib, full):
        def f(x):
            U, S, Vh = lib.linalg.svd(x, full_matrices=full)
            wk = lib.tensor(np.arange(1, k + 1, dtype=dt))
            # invariant to the singular vectors' signs
            return ((U[..., :k] ** 2 * wk).sum() + (Vh[..., :k, :] ** 2 * wk.unsqueeze(-1)).sum() + S.sum()
                    + ((U[..., :k] @ Vh[..., :k, :]) ** 2 * lib.tensor(W)).sum())
        return f
    for full in (False, True):
        check(svd_loss(ember, full), svd_loss(torch, full), rand(*shape, dt=dt), dt=dt)

    def qr_loss(lib):
        def f(x):
            Q, R = lib.linalg.qr(x)
            return (Q * lib.tensor(wq[..., :, :Q.shape[-1]])).sum() + (R ** 2).sum()
        return f
    check(qr_loss(ember), qr_loss(torch), rand(*shape, dt=dt), dt=dt)
    check(lambda x: ember.svd(x).S, lambda x: torch.svd(x).S, rand(*shape, dt=dt), dt=dt)
    U, S, V = ember.svd(ember.tensor(rand(*shape, dt=dt)), some=False)
    tU, tS, tV = torch.svd(torch.tensor(rand(*shape, dt=dt)), some=False)
    assert U.shape == tuple(tU.shape) and V.shape == tuple(tV.shape)
    U, S, V = ember.svd(ember.tensor(rand(*shape, dt=dt)), compute_uv=False)
    tU, tS, tV = torch.svd(torch.tensor(rand(*shape, dt=dt)), compute_uv=False)
    assert U.shape == tuple(tU.shape) and V.shape == tuple(tV.shape) and not U.numpy().any()
    Q, R = ember.qr(ember.tensor(rand(*shape, dt=dt)), some=False)
    assert Q.shape == (*shape[:-2], shape[-2], shape[-2])


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("dt", DTYPES)
def test_lstsq_cholesky_solve_matrix_exp_pdist(dt):
    A = rand(5, 3, dt=dt)
    check(lambda a, b: ember.linalg.lstsq(a, b).solution, lambda a, b: torch.linalg.lstsq(a, b).solution,
          A, rand(5, 2, dt=dt), dt=dt)
    check(lambda a, b: ember.linalg.lstsq(a, b).solution, lambda a, b: torch.linalg.lstsq(a, b).solution,
          A, rand(5, dt=dt), dt=dt)
    assert int(ember.linalg.lstsq(ember.tensor(A), ember.tensor(rand(5, 2, dt=dt))).rank) == 3
    L = np.linalg.cholesky(_spd(3, dt)).astype(dt)
    for upper in (False, True):
        Lu = L.T.copy() if upper else L
        check(lambda b, l: ember.cholesky_solve(b, l, upper), lambda b, l: torch.cholesky_solve(b, l, upper),
              rand(3, 2, dt=dt), Lu, dt=dt)
        check(lambda l: ember.cholesky_inverse(l, upper), lambda l: torch.cholesky_inverse(l, upper), Lu, dt=dt)
    for scale in (0.1, 3.0):
        check(ember.linalg.matrix_exp, torch.linalg.matrix_exp, scale * rand(3, 3, dt=dt), dt=dt)
    check(ember.matrix_exp, torch.matrix_exp, rand(2, 3, 3, dt=dt), dt=dt)
    for p in (2.0, 1.0, 3.0):
        check(lambda x: ember.pdist(x, p), lambda x: torch.pdist(x, p), rand(5, 3, dt=dt), dt=dt)
    check(ember.nuclear_norm, torch.nuclear_norm, rand(4, 3, dt=dt), dt=dt)


def test_float32_stays_float32():
    a = ember.ones(3, 3, requires_grad=True)
    for r in [a @ a, ember.einsum("ij,jk", a, a), ember.linalg.inv(a + ember.eye(3)), ember.linalg.det(a),
              ember.linalg.norm(a), ember.cdist(a, a), ember.tensordot(a, a, 1), ember.kron(a, a)]:
        assert r.dtype == ember.float32
    (a @ a).sum().backward()
    assert a.grad.dtype == ember.float32


@pytest.mark.parametrize("dt", DTYPES)
@pytest.mark.parametrize("shape", [(3, 3), (4, 3), (3, 5), (2, 4, 4)])
def test_lu_family(shape, dt):
    a = rand(*shape, dt=dt)
    LU, piv = ember.linalg.lu_factor(ember.tensor(a))
    tLU, tpiv = torch.linalg.lu_factor(torch.tensor(a))
    _close(LU, tLU, dt)
    _close(piv, tpiv, dt)
    for e, t in zip(ember.linalg.lu(ember.tensor(a)), torch.linalg.lu(torch.tensor(a))):
        _close(e, t, dt)
    for e, t in zip(ember.lu_unpack(LU, piv), torch.lu_unpack(tLU, tpiv)):
        _close(e, t, dt)
    if shape[-1] == shape[-2]:
        n = shape[-1]
        b = rand(*shape[:-2], n, 2, dt=dt)
        for left, adjoint in [(True, False), (True, True), (False, False)]:
            bb = b if left else np.swapaxes(b, -1, -2).copy()
            check(lambda lu_, b_: ember.linalg.lu_solve(lu_, piv, b_, left=left, adjoint=adjoint),
                  lambda lu_, b_: torch.linalg.lu_solve(lu_, tpiv, b_, left=left, adjoint=adjoint),
                  LU.numpy(), bb, dt=dt)
    x = ember.tensor(a, requires_grad=True)
    with pytest.raises(NotImplementedError, match="linalg.lu_factor"):
        ember.linalg.lu_factor(x)


def test_solve_ex_tensorinv_tensorsolve_vander():
    r = ember.linalg.solve_ex(ember.eye(2), ember.ones(2))
    assert repr(r) == repr(torch.linalg.solve_ex(torch.eye(2), torch.ones(2)))
    bad = ember.linalg.solve_ex(ember.tensor([[1., 2.], [2., 4.]]), ember.ones(2))
    assert int(bad.info) == int(torch.linalg.solve_ex(torch.tensor([[1., 2.], [2., 4.]]), torch.ones(2)).info)
    a = rand(4, 2, 2) + np.eye(4).reshape(4, 2, 2) * 3
    check(lambda x: ember.linalg.tensorinv(x, ind=1), lambda x: torch.linalg.tensorinv(x, ind=1), a)
    A, B = rand(6, 2, 3) + np.eye(6).reshape(6, 2, 3) * 3, rand(6)
    check(ember.linalg.tensorsolve, torch.linalg.tensorsolve, A, B)
    A2 = rand(2, 3, 6) + np.eye(6).reshape(2, 3, 6) * 3
    check(lambda x, y: ember.linalg.tensorsolve(x, y, dims=(0, 1)),
          lambda x, y: torch.linalg.tensorsolve(x, y, dims=(0, 1)), A2, B)
    check(ember.linalg.vander, torch.linalg.vander, rand(2, 3))
    check(lambda x: ember.linalg.vander(x, N=5), lambda x: torch.linalg.vander(x, N=5), rand(3))
    _close(ember.linalg.vander(ember.tensor([1, 2, 3])), torch.linalg.vander(torch.tensor([1, 2, 3])))
    same_error(lambda: ember.linalg.vander(ember.ones(2), N=1), lambda: torch.linalg.vander(torch.ones(2), N=1))


def _summary(m, f):
    """What ``f(m)`` gives (shapes, dtypes, rounded values) or raises (type, message)."""
    try:
        r = f(m)
    except Exception as e:  # noqa: BLE001 - compared with torch's
        return (type(e).__name__, str(e))
    rs = r if isinstance(r, tuple) else (r,)
    out = []
    for x in rs:
        a = np.asarray(x.detach().numpy())
        out.append((tuple(x.shape), str(x.dtype), (a.round(4) if a.dtype.kind == "f" else a).tolist()))
    return out


EDGE = [
    lambda m: m.matmul(m.zeros(2,0,3), m.zeros(3,4)),
    lambda m: m.matmul(m.zeros(0), m.zeros(0)),
    lambda m: m.matmul(m.ones(3,dtype=m.int32), m.ones(3,2,dtype=m.int32)),
    lambda m: m.mm(m.ones(2,2,dtype=m.float16), m.ones(2,2,dtype=m.float16)),
    lambda m: m.einsum('i,i->', m.ones(3,dtype=m.long), m.ones(3,dtype=m.long)),
    lambda m: m.einsum('ij->', m.ones(2,3)),
    lambda m: m.einsum('...', m.ones(2,3)),
    lambda m: m.einsum('i->i', m.ones(2)),
    lambda m: m.einsum('ii->', m.eye(3)),
    lambda m: m.tensordot(m.ones(2,3), m.ones(3,2), dims=([1],[0])),
    lambda m: m.kron(m.ones(2,dtype=m.long), m.ones(2)),
    lambda m: m.outer(m.ones(2,dtype=m.long), m.ones(2)),
    lambda m: m.inner(m.ones(2,dtype=m.long), m.ones(2)),
    lambda m: m.linalg.norm(m.ones(2,3), dim=(0,1), ord='nuc'),
    lambda m: m.linalg.vector_norm(m.ones(2,3), ord=2, dim=(0,1), dtype=m.float64),
    lambda m: m.linalg.vector_norm(m.zeros(0)),
    lambda m: m.linalg.vector_norm(m.zeros(0), ord=float('inf')),
    lambda m: m.linalg.det(m.zeros(0,0)),
    lambda m: m.linalg.inv(m.zeros(0,0)),
    lambda m: m.linalg.det(m.zeros(3,2,2)),
    lambda m: m.linalg.slogdet(m.zeros(2,2)),
    lambda m: m.linalg.matrix_rank(m.ones(3,2,2)),
    lambda m: m.linalg.eigh(m.tensor([[2.,1],[1,2]]), UPLO='U'),
    lambda m: m.linalg.svdvals(m.zeros(2,0)),
    lambda m: m.linalg.pinv(m.zeros(2,3)),
    lambda m: m.norm(m.ones(2,3), p=0),
    lambda m: m.norm(m.ones(2,3), dim=1, p='fro'),
    lambda m: m.norm(m.ones(2,3,4), p='fro', dim=(1,2)),
    lambda m: m.dist(m.ones(2), m.zeros(2), p=float('inf')),
    lambda m: m.cdist(m.ones(2,0), m.ones(3,0)),
    lambda m: m.cdist(m.ones(0,3), m.ones(3,3)),
    lambda m: m.addmm(m.ones(2,2,dtype=m.long), m.ones(2,2,dtype=m.long), m.ones(2,2,dtype=m.long), beta=2, alpha=3),
    lambda m: m.addmm(m.ones(2,2,dtype=m.float64), m.ones(2,2), m.ones(2,2)),
    lambda m: m.matrix_power(m.ones(2,2,dtype=m.long), 3),
    lambda m: m.linalg.cross(m.ones(3,dtype=m.long), m.ones(3,dtype=m.long)),
    lambda m: m.linalg.multi_dot([m.ones(2,3), m.ones(3,4), m.ones(4,5,2)]),
    lambda m: m.linalg.cholesky(m.eye(2), upper=True),
    lambda m: m.linalg.solve(m.eye(2), m.ones(2,2), left=False),
]


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("i", range(len(EDGE)))
def test_edge_cases_match_torch(i):
    assert _summary(ember, EDGE[i]) == _summary(torch, EDGE[i])


@pytest.mark.parametrize("sa,sb", [((3,), (3,)), ((2, 3), (3,)), ((3,), (3, 4)), ((2, 3), (3, 4)),
                                   ((5, 2, 3), (3, 4)), ((2, 3), (5, 3, 4))])
def test_complex_matmul_grad(sa, sb):
    a = rand(*sa) + 1j * rand(*sa)
    b = rand(*sb) + 1j * rand(*sb)
    ea, eb = ember.tensor(a, requires_grad=True), ember.tensor(b, requires_grad=True)
    ta, tb = torch.tensor(a, requires_grad=True), torch.tensor(b, requires_grad=True)
    re, rt = ember.matmul(ea, eb), torch.matmul(ta, tb)
    np.testing.assert_allclose(re.detach().numpy(), rt.detach().numpy(), rtol=1e-12, atol=1e-12)
    g = rand(*rt.shape) + 1j * rand(*rt.shape)
    re.backward(ember.tensor(g))
    rt.backward(torch.tensor(g))
    np.testing.assert_allclose(ea.grad.numpy(), ta.grad.numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(eb.grad.numpy(), tb.grad.numpy(), rtol=1e-10, atol=1e-12)
