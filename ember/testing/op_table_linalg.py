"""Op-table entries for products and linear algebra (ember/ops/linalg/: products and its
siblings, and the ``ember.linalg`` functions). Imported by :mod:`ember.testing.op_table`.

>>> from ember.testing.op_table import OPS_BY_NAME
>>> OPS_BY_NAME["matmul"].name
'matmul'
"""
from .._backend import np
from .op_info import ErrorInput, FLOAT, Sample, entry, make_array


# --------------------------------------------------------------------------- linalg

def _mats(*specs):
    """Samples from tuples of (shape, layout) or plain shapes, plus optional trailing kwargs dict."""
    def gen(dtype, rng):
        out = []
        for sp in specs:
            kw = {}
            if sp and isinstance(sp[-1], dict):
                sp, kw = sp[:-1], sp[-1]
            args = []
            for a in sp:
                if isinstance(a, str) or not isinstance(a, tuple):
                    args.append(a)
                    continue
                shape, layout = (a[0], a[1]) if a and isinstance(a[0], tuple) else (a, "c")
                args.append(make_array(rng, shape, dtype, -2, 2, layout=layout))
            out.append(Sample(tuple(args), dict(kw)))
        return out
    return gen


LA = FLOAT
_mm_err = lambda *shapes: lambda: [ErrorInput(Sample(tuple(np.ones(s) for s in shapes)), RuntimeError)]  # noqa: E731
entry("matmul", np.matmul, _mats(((3, 4), (4, 5)), ((4,), (4,)), ((3, 4), (4,)), ((4,), (4, 5)),
                                 ((2, 3, 4), (4, 5)), ((2, 3, 4), (1, 4, 2)), ((4,), (2, 4, 3)),
                                 (((3, 4), "T"), ((4, 2), "s")), ((0, 4), (4, 3)), ((3, 0), (0, 2))),
      dtypes=LA + ("int64",), covers=("__matmul__", "__rmatmul__"),
      errors=lambda: _mm_err((3, 4), (5, 2))() + _mm_err((), (3,))())
entry("matmul_op", np.matmul, _mats(((3, 4), (4, 5)), ((2, 3, 4), (4,))), call=lambda lib, a, b: a @ b,
      needs=("__matmul__",))
entry("mm", np.matmul, _mats(((3, 4), (4, 5)), (((3, 4), "T"), ((4, 2), "s")), ((0, 4), (4, 3))),
      dtypes=LA + ("int64",), errors=_mm_err((4,), (4, 3)))
entry("bmm", np.matmul, _mats(((2, 3, 4), (2, 4, 5)), (((2, 3, 4), "T"), ((2, 4, 2), "s")), ((0, 3, 4), (0, 4, 2))),
      errors=_mm_err((2, 3, 4), (3, 4, 5)))
entry("mv", np.matmul, _mats(((3, 4), (4,)), (((3, 4), "T"), ((4,), "s"))), errors=_mm_err((3, 4), (3,)))
entry("dot", np.dot, _mats(((4,), (4,)), (((4,), "s"), (4,)), ((0,), (0,))), dtypes=LA + ("int64",),
      errors=_mm_err((4,), (3,)))
entry("vdot", np.vdot, _mats(((4,), (4,)), ((0,), (0,))))
entry("inner", np.inner, _mats(((3, 4), (2, 4)), ((4,), (4,)), ((), (3,)), (((3, 4), "T"), (4,))))
entry("outer", np.outer, _mats(((3,), (4,)), (((3,), "s"), (0,))), covers=("ger",), aliases=("ger",))


def _scale(beta, x, alpha, p):
    return beta * x + alpha * p


entry("addmm", lambda x, a, b, beta=1, alpha=1: _scale(beta, x, alpha, a @ b),
      _mats(((3, 5), (3, 4), (4, 5)), ((5,), (3, 4), (4, 5), dict(beta=0.5, alpha=2)),
            ((), ((3, 4), "T"), (4, 5))), inplace="addmm_")
entry("addmv", lambda x, a, v, beta=1, alpha=1: _scale(beta, x, alpha, a @ v),
      _mats(((3,), (3, 4), (4,)), ((), (3, 4), (4,), dict(beta=0.5, alpha=2))), inplace="addmv_")
entry("addbmm", lambda x, a, b, beta=1, alpha=1: _scale(beta, x, alpha, np.matmul(a, b).sum(0)),
      _mats(((3, 5), (2, 3, 4), (2, 4, 5)), ((5,), (2, 3, 4), (2, 4, 5), dict(beta=0.5, alpha=2))),
      inplace="addbmm_")
entry("baddbmm", lambda x, a, b, beta=1, alpha=1: _scale(beta, x, alpha, np.matmul(a, b)),
      _mats(((2, 3, 5), (2, 3, 4), (2, 4, 5)), ((3, 5), (2, 3, 4), (2, 4, 5), dict(beta=0.5, alpha=2))),
      inplace="baddbmm_")
entry("addr", lambda x, a, b, beta=1, alpha=1: _scale(beta, x, alpha, np.outer(a, b)),
      _mats(((3, 4), (3,), (4,)), ((4,), (3,), (4,), dict(beta=0.5, alpha=2))), inplace="addr_")
entry("einsum", lambda eq, *ops: np.einsum(eq, *ops),
      _mats(("ij,jk->ik", (3, 4), (4, 5)), ("bij,bjk->bik", (2, 3, 4), (2, 4, 2)), ("i,i->", (4,), (4,)),
            ("ij->ji", ((3, 4), "T")), ("ii->i", (3, 3)), ("...ij->...ji", (2, 3, 4)),
            ("ij,ij->ij", (3, 4), (3, 4)), ("i,j->ij", (3,), (2,)), ("ijk->", (2, 3, 2))),
      errors=lambda: [ErrorInput(Sample(("ij,jk->ik", np.ones((3, 4)), np.ones((5, 2)))), RuntimeError)])
entry("tensordot", lambda a, b, dims=2: np.tensordot(a, b, dims),
      _mats(((3, 4, 5), (4, 5, 2)), ((3, 4), (4, 5), dict(dims=1)), ((3, 4, 2), (2, 3), dict(dims=([0, 2], [1, 0]))),
            ((3,), (4,), dict(dims=0))))
entry("kron", np.kron, _mats(((2, 3), (3, 2)), ((2,), (3,)), ((2, 1, 2), (3, 2))))  # torch.kron fails on transposed input
entry("cross", lambda a, b, dim=None: np.cross(a, b, axis=-1 if dim is None else dim),
      _mats(((4, 3), (4, 3), dict(dim=1)), ((3, 5), (3, 5), dict(dim=0)), ((2, 4, 3), (1, 4, 3), dict(dim=-1))),
      errors=lambda: [ErrorInput(Sample((np.ones((4, 2)), np.ones((4, 2))), dict(dim=1)), RuntimeError)])


def _cdist_ref(a, b, p=2.0):
    d = np.abs(a[..., :, None, :] - b[..., None, :, :])
    return (d ** p).sum(-1) ** (1 / p) if p not in (0, np.inf) else d.max(-1)


entry("cdist", _cdist_ref, _mats(((3, 4), (5, 4)), ((3, 4), (2, 4), dict(p=1.0)), ((2, 3, 4), (2, 2, 4)),
                                 ((3, 4), (2, 4), dict(p=3.0))), gradgrad=False)
entry("chain_matmul", lambda *m: np.linalg.multi_dot(m), _mats(((3, 4), (4, 5), (5, 2)), ((3, 4), (4, 2))))


def _square(n=3, spd=False, batch=()):
    def gen(dtype, rng):
        out = []
        for b in ((), (2,)) if batch is None else (batch,):
            a = rng.uniform(-1, 1, size=b + (n, n))
            a = a @ np.swapaxes(a, -1, -2) + n * np.eye(n) if spd else a + 2 * np.eye(n)
            out.append(Sample((a.astype(dtype),)))
        return out
    return gen


def _sq(name, ref, spd=False, extra=None, **kw):
    gen = _square(spd=spd, batch=None)
    if extra is not None:
        g0 = gen
        gen = lambda dt, rng: g0(dt, rng) + extra(dt, rng)  # noqa: E731
    return entry(name, ref, gen, errors=kw.pop("errors", lambda: [
        ErrorInput(Sample((np.ones((2, 3)),)), RuntimeError)]), **kw)


_sq("det", np.linalg.det)
_sq("logdet", lambda a: np.log(np.linalg.det(a)), spd=True)
_sq("slogdet", lambda a: tuple(np.linalg.slogdet(a)))
_sq("inverse", np.linalg.inv)
_sq("pinverse", np.linalg.pinv, extra=lambda dt, rng: [Sample((make_array(rng, (3, 2), dt),))], errors=None,
    tol={"float32": (1e-4, 1e-5)})
entry("cholesky", lambda a: np.linalg.cholesky(a @ np.swapaxes(a, -1, -2) + 3 * np.eye(a.shape[-1])),
      _square(batch=None), call=lambda lib, a: lib.cholesky(a @ a.transpose(-1, -2) + 3 * lib.eye(a.shape[-1], dtype=a.dtype)),
      torch_call=lambda lib, a: lib.linalg.cholesky(a @ a.transpose(-1, -2) + 3 * lib.eye(a.shape[-1], dtype=a.dtype)),
      needs=("cholesky", "eye"))
entry("matrix_power", lambda a, n: np.linalg.matrix_power(a, n),
      lambda dt, rng: [Sample((make_array(rng, (3, 3), dt, -1, 1) + 2 * np.eye(3, dtype=dt), n)) for n in (0, 1, 2, 3, -1)]
      + [Sample((make_array(rng, (2, 3, 3), dt, -1, 1), 2))])


def _norm_ref(x, p="fro", dim=None, keepdim=False):
    if isinstance(dim, int):
        dim = (dim,)
    axis = tuple(range(x.ndim)) if dim is None else dim
    a = np.abs(x)
    if p == "fro" or p == 2:
        r = np.sqrt((a * a).sum(axis=axis, keepdims=keepdim))
    elif p == np.inf:
        r = a.max(axis=axis, keepdims=keepdim)
    elif p == -np.inf:
        r = a.min(axis=axis, keepdims=keepdim)
    elif p == 0:
        r = (a != 0).sum(axis=axis, keepdims=keepdim).astype(x.dtype)
    else:
        r = (a ** p).sum(axis=axis, keepdims=keepdim) ** (1.0 / p)
    return r


entry("norm", _norm_ref, _mats(((3, 4),), ((3, 4), dict(p=1, dim=1)), ((3, 4), dict(p="fro", dim=(0, 1))),
                               ((3, 4), dict(p=float("inf"))), (((3, 4), "T"), dict(p=3, dim=0, keepdim=True)),
                               ((5,), dict(p=2)), ((2, 3, 2), dict(dim=(0, 2)))), gradgrad=False)
entry("dist", lambda a, b, p=2: _norm_ref(a - b, p), _mats(((3, 4), (3, 4)), ((3, 4), (4,), dict(p=1)),
                                                           ((3,), (3,), dict(p=3))))


def _tril_spd(dt, rng):  # a Cholesky factor: lower triangular, positive diagonal
    a = rng.uniform(-1, 1, (3, 3))
    return np.linalg.cholesky(a @ a.T + 3 * np.eye(3)).astype(dt)


def _pdist_ref(x, p=2):
    i, j = np.triu_indices(x.shape[0], 1)
    return _cdist_ref(x, x, p)[i, j]


# the gradient w.r.t. the factor is PyTorch's unmasked one (it disagrees with finite differences
# of the other triangle, which the forward never reads)
entry("cholesky_solve", lambda b, l, upper=False: np.linalg.solve(l @ l.T if not upper else l.T @ l, b),
      lambda dt, rng: [Sample((make_array(rng, (3, 2), dt), _tril_spd(dt, rng))),
                       Sample((make_array(rng, (3, 1), dt), _tril_spd(dt, rng).T.copy()), dict(upper=True))],
      grad=False, gradgrad=False)
entry("cholesky_inverse", lambda l, upper=False: np.linalg.inv(l @ l.T if not upper else l.T @ l),
      lambda dt, rng: [Sample((_tril_spd(dt, rng),)), Sample((_tril_spd(dt, rng).T.copy(), True))],
      grad=False, gradgrad=False)


def _expm_ref(a):  # by eigendecomposition (random matrices are diagonalisable)
    w, v = np.linalg.eig(a.astype(np.float64))
    return (v @ (np.exp(w)[..., :, None] * np.linalg.inv(v))).real.astype(a.dtype)


def _svd_ref(a, some=True):
    u, s, vh = np.linalg.svd(a, full_matrices=not some)
    return u, s, np.swapaxes(vh, -1, -2)


entry("matrix_exp", _expm_ref, _square(batch=None))
entry("pdist", _pdist_ref, _mats(((4, 3),), ((5, 2), dict(p=1.0)), ((4, 3), dict(p=3.0))), gradgrad=False)
entry("nuclear_norm", lambda a: np.linalg.svd(a, compute_uv=False).sum(-1), _mats(((3, 4),), ((4, 2),)),
      gradgrad=False)
# sign conventions of singular/QR vectors make finite differences of U, V and Q fragile:
# their gradients are checked against torch in tests/ops/linalg/test_linalg.py
entry("svd", lambda a, some=True: _svd_ref(a, some), _mats(((3, 4),), ((4, 2),)), grad=False, gradgrad=False,
      tol={"float32": (1e-4, 1e-5)})
entry("qr", lambda a, some=True: tuple(np.linalg.qr(a, mode="reduced" if some else "complete")),
      _mats(((3, 4),), ((4, 2),)), grad=False, gradgrad=False, tol={"float32": (1e-4, 1e-5)})


def _lu_packed(dt, rng):  # a packed LU factorisation and its 1-based pivots (LAPACK getrf layout)
    import ember
    a = make_array(rng, (3, 3), dt)
    lu, piv = ember.linalg.lu_factor(ember.tensor(a.astype(np.float64)))
    return lu.numpy().astype(a.dtype), piv.numpy()


def _lu_unpack_ref(lu, piv):
    n = lu.shape[-1]
    perm = np.arange(n)
    for j, p in enumerate(piv - 1):
        perm[[j, p]] = perm[[p, j]]
    return np.eye(n, dtype=lu.dtype)[perm].T, np.tril(lu, -1) + np.eye(n, dtype=lu.dtype), np.triu(lu)


entry("lu_unpack", _lu_unpack_ref, lambda dt, rng: [Sample(_lu_packed(dt, rng))])
# ember.linalg (not in ember.ops.public; checked for parity)
for _n, _ref, _spd in [("inv", np.linalg.inv, False), ("det", np.linalg.det, False),
                       ("cholesky", np.linalg.cholesky, True), ("matrix_power", None, False)]:
    if _ref is not None:
        entry("linalg." + _n, _ref, _square(spd=_spd, batch=None), call=(lambda n: lambda lib, a: getattr(lib.linalg, n)(a))(_n),
              needs=("linalg." + _n,), gradgrad=_n != "cholesky",
              grad=_n != "cholesky")  # cholesky's gradient is only defined for symmetric perturbations
entry("linalg.solve", lambda a, b: np.linalg.solve(a, b), lambda dt, rng: [
    Sample(((rng.uniform(-1, 1, (3, 3)) + 2 * np.eye(3)).astype(dt), make_array(rng, (3, 2), dt))),
    Sample(((rng.uniform(-1, 1, (2, 3, 3)) + 2 * np.eye(3)).astype(dt), make_array(rng, (2, 3, 1), dt)))],
      call=lambda lib, a, b: lib.linalg.solve(a, b), needs=("linalg.solve",))
entry("linalg.vector_norm", lambda x, ord=2, dim=None, keepdim=False: _norm_ref(x, ord, dim, keepdim),
      _mats(((3, 4),), ((3, 4), dict(ord=1, dim=1)), ((5,), dict(ord=3.0)), ((3, 4), dict(ord=float("inf"), dim=0))),
      call=lambda lib, x, **k: lib.linalg.vector_norm(x, **k), needs=("linalg.vector_norm",), gradgrad=False)
del _n, _ref, _spd
