"""``ember.linalg``: norms, determinants, inverses, solvers and decompositions, as
``torch.linalg``. Forward through ``np.linalg`` in the input's own dtype; backward in
Tensor ops (det, slogdet, inv, solve, cholesky, eigh, svdvals, pinv).

>>> A = ember.tensor([[4., 1.], [1., 3.]], requires_grad=True)
>>> ember.linalg.det(A)
tensor(11., grad_fn=<LinalgDetBackward0>)
>>> ember.linalg.solve(A, ember.tensor([1., 2.]))
tensor([0.0909, 0.6364], grad_fn=<LinalgSolveExBackward0>)
"""
from ..ops.linalg.linalg_checks import LinAlgError
from ..ops.linalg.solvers import (det, slogdet, inv, inv_ex, solve, solve_triangular, lu_factor, lu, lu_solve,
                      solve_ex, tensorinv, tensorsolve, lu_unpack, cholesky_solve, cholesky_inverse,
                      _logdet)
from ..ops.linalg.decompositions import (cholesky, cholesky_ex, qr, svd, svdvals, eigh, eigvalsh, eig, eigvals,
                             lstsq)
from ..ops.linalg.matrix_functions import (pinv, matrix_rank, matrix_power, multi_dot, vecdot, cross, matmul,
                               matrix_exp, diagonal, vander)
from ..ops.linalg.norms import norm, vector_norm, matrix_norm, cond

__all__ = ["LinAlgError", "norm", "vector_norm", "matrix_norm", "det", "slogdet", "inv", "inv_ex",
           "solve", "solve_triangular", "cholesky", "cholesky_ex", "qr", "svd", "svdvals", "eigh",
           "eigvalsh", "eig", "eigvals", "pinv", "matrix_rank", "matrix_power", "multi_dot", "vecdot",
           "cross", "matmul", "cond", "lstsq", "matrix_exp", "diagonal", "lu_factor", "lu", "lu_solve",
           "solve_ex", "tensorinv", "tensorsolve", "vander"]
from ..ops.linalg.householder import householder_product, lu_factor_ex  # noqa: E402
__all__ += ["householder_product", "lu_factor_ex"]
from ..ops.linalg.ldl import ldl_factor, ldl_factor_ex, ldl_solve  # noqa: E402
__all__ += ["ldl_factor", "ldl_factor_ex", "ldl_solve"]
