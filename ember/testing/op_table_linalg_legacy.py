"""Op-table entries for the top-level linear algebra outside ``torch.linalg``
(ops/linalg/linalg_legacy.py): lu, lu_solve, triangular_solve, frobenius_norm, the Householder
functions, the randomized low-rank ones (compared through quantities that do not depend on
the random sketch) and the removed names that only raise. Imported by
:mod:`ember.testing.op_table`.

>>> from ember.testing.op_table import OPS_BY_NAME
>>> OPS_BY_NAME["geqrf"].name
'geqrf'
"""
import warnings

from .._backend import np
from .op_info import ErrorInput, Sample, entry, known_bug, make_array

LA = ("float32", "float64")


def _quiet(name):
    def call(lib, *args, **kwargs):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return getattr(lib, name)(*args, **kwargs)
    return call


def _lu_ref(a):
    """Partial-pivoting LU (LAPACK getrf layout) of one or a batch of square matrices."""
    a = np.array(a, dtype=np.float64)
    flat = a.reshape((-1,) + a.shape[-2:])
    pivs = []
    for m in flat:
        n = m.shape[0]
        piv = np.zeros(n, np.int32)
        for j in range(n):
            p = j + int(np.argmax(np.abs(m[j:, j])))
            piv[j] = p + 1
            m[[j, p]] = m[[p, j]]
            m[j + 1:, j] /= m[j, j]
            m[j + 1:, j + 1:] -= np.outer(m[j + 1:, j], m[j, j + 1:])
        pivs.append(piv)
    return flat.reshape(a.shape), np.array(pivs).reshape(a.shape[:-1])


def _square(dt, rng, *shape):
    n = shape[-1]
    return (make_array(rng, shape, dt) + 3 * np.eye(n)).astype(dt)


entry("lu", lambda a, pivot=True, get_infos=False: _lu_ref(a) + ((np.zeros(a.shape[:-2], np.int32),)
                                                                  if get_infos else ()),
      lambda dt, rng: [Sample((make_array(rng, (4, 4), dt),)), Sample((make_array(rng, (2, 3, 3), dt),),
                                                                        dict(get_infos=True))],
      call=_quiet("lu"), dtypes=LA, grad=False, gradgrad=False, method=False, tol={"float32": (1e-4, 1e-5)})
known_bug({"lu"}, "parity_requires_grad", "gap: ember's LU factorisation has no derivative yet "
                                          "(linalg.lu_factor raises NotImplementedError when the input requires grad)")


def _lu_solve_samples(dt, rng):
    out = []
    for shape, bshape in (((3, 3), (3, 2)), ((2, 4, 4), (2, 4, 1))):
        lu, piv = _lu_ref(_square(dt, rng, *shape))
        out.append(Sample((make_array(rng, bshape, dt), lu.astype(dt), piv)))
    return out


def _lu_solve_ref(b, lu, piv):
    L = np.tril(lu, -1) + np.eye(lu.shape[-1])
    U = np.triu(lu)
    A = L @ U
    flat_a = A.reshape((-1,) + A.shape[-2:])
    flat_p = piv.reshape((-1, piv.shape[-1]))
    out = []
    for m, p in zip(flat_a, flat_p):
        perm = np.arange(m.shape[0])
        for j, q in enumerate(p - 1):
            perm[[j, q]] = perm[[q, j]]
        P = np.eye(m.shape[0])[perm].T
        out.append(P @ m)
    return np.linalg.solve(np.array(out).reshape(A.shape), b).astype(b.dtype)


entry("lu_solve", _lu_solve_ref, _lu_solve_samples, call=_quiet("lu_solve"), dtypes=LA, grad_args=(0, 1),
      tol={"float32": (1e-4, 1e-5)})


def _tri_ref(b, A, upper=True, transpose=False, unitriangular=False):
    M = np.triu(A) if upper else np.tril(A)
    if unitriangular:
        M = M - np.diag(np.diag(M)) + np.eye(M.shape[-1])
    if transpose:
        M = np.swapaxes(M, -1, -2)
    return np.linalg.solve(M, b).astype(b.dtype), A.copy()


entry("triangular_solve", _tri_ref, lambda dt, rng: [
    Sample((make_array(rng, (3, 2), dt), _square(dt, rng, 3, 3))),
    Sample((make_array(rng, (3, 2), dt), _square(dt, rng, 3, 3), False)),
    Sample((make_array(rng, (2, 3, 1), dt), _square(dt, rng, 2, 3, 3)), dict(transpose=True)),
    Sample((make_array(rng, (3, 3), dt), _square(dt, rng, 3, 3), False, False, True))],
    call=_quiet("triangular_solve"), dtypes=LA, tol={"float32": (1e-4, 1e-5)})
entry("frobenius_norm", lambda x, dim, keepdim=False: np.sqrt(np.sum(x * x, axis=tuple(dim) if not
                                                                     isinstance(dim, int) else dim,
                                                                     keepdims=keepdim)).astype(x.dtype),
      lambda dt, rng: [Sample((make_array(rng, (3, 4), dt), [0, 1])),
                       Sample((make_array(rng, (3, 4), dt, layout="T"), 1, True)),
                       Sample((make_array(rng, (2, 3, 4), dt), (0, 2)))],
      call=_quiet("frobenius_norm"), dtypes=LA, method=False)



def _nxd_ref(v, pow=2, dim=0):
    if dim == -1:
        return np.asarray(np.sum(np.abs(v) ** pow) ** (1.0 / pow)).astype(v.dtype)
    axes = tuple(d for d in range(v.ndim) if d != dim % v.ndim)
    return (np.sum(np.abs(v) ** pow, axis=axes, keepdims=True) ** (1.0 / pow)).astype(v.dtype)


entry("norm_except_dim", _nxd_ref, lambda dt, rng: [
    Sample((make_array(rng, (3, 4), dt, nonzero=True),)), Sample((make_array(rng, (3, 4), dt, layout="T", nonzero=True), 2, 1)),
    Sample((make_array(rng, (2, 3, 4), dt, nonzero=True), 1, 1)), Sample((make_array(rng, (2, 3), dt, nonzero=True), 2, -1))],
    dtypes=LA, method=False)

# --------------------------------------------------------------------------- Householder


def _geqrf_ref(a):
    h, tau = np.linalg.qr(a, mode="raw")
    return np.swapaxes(h, -1, -2).astype(a.dtype), tau.astype(a.dtype)


def _q_ref(a, tau, m_cols=None):
    """Q = H_1 ... H_k from packed reflectors (full m x m)."""
    m = a.shape[-2]
    Q = np.eye(m)
    for i in range(tau.shape[-1]):
        v = np.zeros(m)
        v[i] = 1.0
        v[i + 1:] = a[i + 1:, i]
        Q = Q @ (np.eye(m) - tau[i] * np.outer(v, v))
    return Q if m_cols is None else Q[:, :m_cols]


def _packed(dt, rng, shape, k=None):
    a, tau = _geqrf_ref(make_array(rng, shape, "float64"))
    return a.astype(dt), (tau if k is None else tau[..., :k]).astype(dt)


entry("geqrf", _geqrf_ref, lambda dt, rng: [Sample((make_array(rng, (4, 3), dt),)),
                                            Sample((make_array(rng, (3, 5), dt, layout="T"),)),
                                            Sample((make_array(rng, (2, 3, 3), dt),))],
      dtypes=LA, grad=False, gradgrad=False, tol={"float32": (1e-4, 1e-5)},
      errors=lambda: [ErrorInput(Sample((np.ones(3, np.float32),)), RuntimeError),
                      ErrorInput(Sample((np.ones((2, 2), np.int64),)), NotImplementedError)])
entry("orgqr", lambda a, tau: _q_ref(a, tau, a.shape[-1]).astype(a.dtype),
      lambda dt, rng: [Sample(_packed(dt, rng, (4, 3))), Sample(_packed(dt, rng, (4, 3), 2)),
                       Sample(_packed(dt, rng, (3, 3)))],
      dtypes=LA, tol={"float32": (1e-4, 1e-5)},
      errors=lambda: [ErrorInput(Sample((np.ones((2, 3)), np.ones(2))), RuntimeError)])


def _ormqr_ref(a, tau, c, left=True, transpose=False):
    Q = _q_ref(a, tau)
    Q = Q.T if transpose else Q
    return (Q @ c if left else c @ Q).astype(c.dtype)


def _ormqr_samples(dt, rng):
    out = []
    for left in (True, False):
        for tr in (False, True):
            a, tau = _packed(dt, rng, (4, 3))
            c = make_array(rng, (4, 2) if left else (2, 4), dt)
            out.append(Sample((a, tau, c, left, tr)))
    return out


entry("ormqr", _ormqr_ref, _ormqr_samples, dtypes=LA, tol={"float32": (1e-4, 1e-5)},
      errors=lambda: [ErrorInput(Sample((np.ones((3, 2)), np.ones(2), np.ones((4, 2)))), RuntimeError)])

# --------------------------------------------------------------------------- randomized low rank


def _low_rank(dt, rng, m, n, r):
    return (make_array(rng, (m, r), dt) @ make_array(rng, (r, n), dt)).astype(dt)


def _svd_view(lib, U, S, V):
    return S, U @ lib.diag_embed(S) @ V.mT


entry("svd_lowrank", lambda a, q=6, niter=2: (np.linalg.svd(a, compute_uv=False)[:q].astype(a.dtype), a),
      lambda dt, rng: [Sample((_low_rank(dt, rng, 6, 5, 2), 2)), Sample((_low_rank(dt, rng, 5, 7, 3), 3, 1))],
      call=lambda lib, *a, **k: _svd_view(lib, *lib.svd_lowrank(*a, **k)), dtypes=("float64",), grad=False,
      gradgrad=False, method=False)


def _pca_ref(a, q=None, center=True, niter=2):
    c = a - a.mean(0, keepdims=True) if center else a
    return np.linalg.svd(c, compute_uv=False)[:q], c


entry("pca_lowrank", _pca_ref, lambda dt, rng: [Sample((_low_rank(dt, rng, 6, 4, 2), 3)),
                                                Sample((_low_rank(dt, rng, 5, 5, 2), 2, False))],
      call=lambda lib, *a, **k: _svd_view(lib, *lib.pca_lowrank(*a, **k)), dtypes=("float64",), grad=False,
      gradgrad=False, method=False, tol={"float64": (1e-6, 1e-6)})


def _sym(dt, rng, n):
    q, _ = np.linalg.qr(make_array(rng, (n, n), "float64"))
    return (q @ np.diag(np.arange(1.0, n + 1)) @ q.T).astype(dt)


def _lobpcg_ref(a, k=1, largest=True, **_):
    w, v = np.linalg.eigh(a)
    idx = np.argsort(w)[::-1][:k] if largest else np.argsort(w)[:k]
    return w[idx], v[:, idx] @ v[:, idx].T


entry("lobpcg", _lobpcg_ref, lambda dt, rng: [Sample((_sym(dt, rng, 9),), dict(k=2)),
                                              Sample((_sym(dt, rng, 9),), dict(k=1, largest=False))],
      call=lambda lib, *a, **k: (lambda E, X: (E, X @ X.mT))(*lib.lobpcg(*a, **k)), dtypes=("float64",),
      grad=False, gradgrad=False, method=False, tol={"float64": (1e-6, 1e-6)})

# --------------------------------------------------------------------------- removed in 1.9


def _removed(name, nargs):
    entry(name, None, lambda dt, rng: [], dtypes=("float32",), grad=False, gradgrad=False,
          errors=lambda: [ErrorInput(Sample(tuple(np.eye(2, dtype=np.float32) for _ in range(nargs))),
                                     RuntimeError, "deprecated since version 1.9")])


_removed("solve", 2)
_removed("lstsq", 2)
_removed("eig", 1)
_removed("symeig", 1)
_removed("matrix_rank", 1)
