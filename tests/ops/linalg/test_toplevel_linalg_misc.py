"""linalg.householder_product / lu_factor_ex, the deprecated top-level linalg names and the
warnings/edge cases of range, vander and the removed names, against torch."""
import warnings

import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")

R = np.random.default_rng(0)


@pytest.mark.parametrize("shape,k", [((4, 3), 3), ((2, 5, 3), 2), ((3, 3), 3)])
def test_householder_product_forward_and_grad(shape, k):
    a, tau = torch.geqrf(torch.from_numpy(R.standard_normal(shape)))
    tau = tau[..., :k]
    w = R.standard_normal(shape)
    grads = []
    for lib in (ember, torch):
        A = lib.from_numpy(a.numpy().copy()).requires_grad_(True)
        T = lib.from_numpy(tau.numpy().copy()).requires_grad_(True)
        Q = lib.linalg.householder_product(A, T)
        (Q * lib.from_numpy(w)).sum().backward()
        grads.append((Q.detach().numpy(), A.grad.numpy(), T.grad.numpy()))
    for e, t in zip(*grads):
        np.testing.assert_allclose(e, t, rtol=1e-7, atol=1e-9)


def test_lu_factor_ex_and_lu_infos():
    A = R.standard_normal((3, 4, 4))
    A[1] = np.arange(16.0).reshape(4, 4) % 3  # an exactly singular batch element
    e = ember.linalg.lu_factor_ex(ember.from_numpy(A))
    t = torch.linalg.lu_factor_ex(torch.from_numpy(A))
    for x, y in zip(e, t):
        np.testing.assert_allclose(x.numpy(), y.numpy(), rtol=1e-7, atol=1e-9)
    assert e.info.dtype == ember.int32 and int(e.info[1]) > 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        el = ember.lu(ember.from_numpy(A), get_infos=True)
        tl = torch.lu(torch.from_numpy(A), get_infos=True)
        for x, y in zip(el, tl):
            np.testing.assert_allclose(x.numpy(), y.numpy(), rtol=1e-7, atol=1e-9)
        for x, y in zip(ember.lu(ember.from_numpy(A)), torch.lu(torch.from_numpy(A))):  # singular: no error
            np.testing.assert_allclose(x.numpy(), y.numpy(), rtol=1e-7, atol=1e-9)


def test_deprecation_warnings_and_methods():
    A = ember.tensor([[4.0, 1.0], [2.0, 3.0]])
    b = ember.tensor([[1.0], [2.0]])
    with pytest.warns(UserWarning, match="torch.lu is deprecated"):
        LU, piv = A.lu()
    with pytest.warns(UserWarning, match="lu_solve is deprecated"):
        x = b.lu_solve(LU, piv)
    np.testing.assert_allclose((A @ x).numpy(), b.numpy(), rtol=1e-6)
    with pytest.warns(UserWarning, match="triangular_solve is deprecated"):
        s = b.triangular_solve(A.triu())
    np.testing.assert_allclose((A.triu() @ s.solution).numpy(), b.numpy(), rtol=1e-6)
    with pytest.warns(UserWarning, match="frobenius_norm is deprecated"):
        ember.frobenius_norm(A, [0, 1])
    a, tau = A.geqrf()
    np.testing.assert_allclose(a.orgqr(tau).abs().numpy(), torch.from_numpy(a.numpy()).orgqr(
        torch.from_numpy(tau.numpy())).abs().numpy(), rtol=1e-6)


@pytest.mark.parametrize("name,args", [("solve", 2), ("lstsq", 2), ("eig", 1), ("symeig", 1)])
def test_removed_names_raise_as_torch(name, args):
    for lib in (ember, torch):
        x = lib.eye(2)
        with pytest.raises(RuntimeError) as ei:
            getattr(lib, name)(*([x] * args))
        with pytest.raises(RuntimeError) as mi:
            getattr(x, name)(*([x] * (args - 1)))
        if lib is torch:
            assert str(ei.value) == expected and str(mi.value) == expected
        else:
            expected = str(ei.value)
    assert "deprecated since version 1.9" in expected


def test_removed_messages_identical():
    for name, args in (("solve", 2), ("lstsq", 2), ("eig", 1), ("symeig", 1), ("matrix_rank", 1)):
        msgs = []
        for lib in (ember, torch):
            try:
                getattr(lib, name)(*([lib.eye(2)] * args))
            except RuntimeError as e:
                msgs.append(str(e))
        assert len(msgs) == 2 and msgs[0] == msgs[1], name


def test_triangular_solve_grad_parity():
    A = np.triu(R.standard_normal((3, 3))) + 3 * np.eye(3)
    b = R.standard_normal((3, 2))
    res = []
    for lib in (ember, torch):
        tA = lib.from_numpy(A.copy()).requires_grad_(True)
        tb = lib.from_numpy(b.copy()).requires_grad_(True)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            X, C = lib.triangular_solve(tb, tA, transpose=True)
        (X.sin().sum() + C.sum()).backward()
        res.append((X.detach().numpy(), tA.grad.numpy(), tb.grad.numpy()))
    for e, t in zip(*res):
        np.testing.assert_allclose(e, t, rtol=1e-7, atol=1e-9)


def test_lowrank_and_lobpcg_with_grad():
    U = R.standard_normal((6, 2))
    A = ember.from_numpy(U @ U.T)
    E, X = ember.lobpcg(A, k=2)
    w = np.linalg.eigvalsh(U @ U.T)[::-1][:2]
    np.testing.assert_allclose(E.numpy(), w, rtol=1e-8)
    B = ember.from_numpy(np.diag(np.arange(1.0, 7.0)))
    E2, X2 = ember.lobpcg(A, k=1, B=B, largest=False)
    tE2, _ = torch.lobpcg(torch.from_numpy((U @ U.T) + np.eye(6)), k=1, B=torch.from_numpy(np.diag(np.arange(1.0, 7.0))),
                          largest=False)
    Ek, _ = ember.lobpcg(ember.from_numpy((U @ U.T) + np.eye(6)), k=1, B=B, largest=False)
    np.testing.assert_allclose(Ek.numpy(), tE2.numpy(), rtol=1e-5)
    with pytest.raises(ValueError):
        ember.lobpcg(ember.eye(5), k=2)
    x = ember.from_numpy(R.standard_normal((5, 2)) @ R.standard_normal((2, 4))).requires_grad_(True)
    U_, S, V = ember.svd_lowrank(x, q=2)
    S.sum().backward()  # gradient of the nuclear norm: U V^T
    Ue, Se, Vh = np.linalg.svd(x.detach().numpy(), full_matrices=False)
    np.testing.assert_allclose(x.grad.numpy(), Ue[:, :2] @ Vh[:2], rtol=1e-6, atol=1e-8)


def test_range_vander_edges():
    with pytest.warns(UserWarning, match="torch.range is deprecated"):
        r = ember.range(0, 3)
    assert r.dtype == ember.float32 and r.tolist() == [0.0, 1.0, 2.0, 3.0]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert ember.range(0, 2, requires_grad=True).requires_grad
    for N in (0, 1):
        e, t = ember.vander(ember.tensor([1, 2, 3]), N), torch.vander(torch.tensor([1, 2, 3]), N)
        assert tuple(e.shape) == tuple(t.shape) and e.dtype == ember.int64
        assert e.tolist() == t.tolist()
    assert ember.vander(ember.tensor([True, False])).tolist() == torch.vander(torch.tensor([True, False])).tolist()


@pytest.mark.parametrize("hermitian,complex_", [(False, False), (True, False), (False, True), (True, True)])
def test_ldl_factor_and_solve_match_lapack(hermitian, complex_):
    for n in range(1, 7):
        for zero_diag in (False, True):
            A = R.standard_normal((2, n, n)) + (1j * R.standard_normal((2, n, n)) if complex_ else 0)
            A = A + (np.conj(np.swapaxes(A, -1, -2)) if hermitian else np.swapaxes(A, -1, -2))
            if zero_diag:
                A[:, np.arange(n), np.arange(n)] = 0  # forces 2x2 pivots
            B = R.standard_normal((2, n, 3)) + (0j if complex_ else 0)
            e = ember.linalg.ldl_factor_ex(ember.from_numpy(A), hermitian=hermitian)
            t = torch.linalg.ldl_factor_ex(torch.from_numpy(A), hermitian=hermitian)
            np.testing.assert_allclose(e.LD.numpy(), t.LD.numpy(), rtol=1e-9, atol=1e-12)
            assert np.array_equal(e.pivots.numpy(), t.pivots.numpy())
            assert np.array_equal(e.info.numpy(), t.info.numpy())
            xe = ember.linalg.ldl_solve(e.LD, e.pivots, ember.from_numpy(B), hermitian=hermitian)
            xt = torch.linalg.ldl_solve(t.LD, t.pivots, torch.from_numpy(B), hermitian=hermitian)
            np.testing.assert_allclose(xe.numpy(), xt.numpy(), rtol=1e-7, atol=1e-9)


def test_ldl_errors_and_no_derivative():
    for lib in (ember, torch):
        with pytest.raises(RuntimeError):
            lib.linalg.ldl_factor(lib.ones(2, 3))
        with pytest.raises(RuntimeError):
            lib.linalg.ldl_solve(*lib.linalg.ldl_factor(lib.eye(2)), lib.ones(3, 1))
        x = lib.eye(3, requires_grad=True)
        LD, piv = lib.linalg.ldl_factor(x * 2)
        assert LD.requires_grad and piv.dtype == lib.int32
        with pytest.raises(RuntimeError, match="not implemented"):
            LD.sum().backward()
