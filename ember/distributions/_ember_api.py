"""The ember functions the distributions call, each imported from the module that defines it.

The distribution files import this module under the name ``ember`` (``from . import _ember_api
as ember``), so their code reads as PyTorch's does (``ember.log(x)`` where PyTorch writes
``torch.log(x)``). They do not import the package itself: ``ember/__init__.py`` imports
``ember.distributions``, and the distributions importing ``ember`` would close an import cycle.
A function a distribution needs is added here, from its defining module.

>>> from ember.distributions import _ember_api
>>> _ember_api.lgamma is ember.lgamma, _ember_api.linalg is ember.linalg
(True, True)
"""
from .. import autograd, linalg  # noqa: F401
from .._dtype import bool, long, get_default_dtype  # noqa: F401
from .._tensor import Size, Tensor  # noqa: F401
from .._creation import arange, empty, eye, full, full_like, ones_like, zeros, zeros_like  # noqa: F401
from .._from_data import as_tensor, tensor  # noqa: F401
from ..autograd.grad_mode import enable_grad, no_grad  # noqa: F401
from ..ops.elementwise.arithmetic import pow  # noqa: F401
from ..ops.elementwise.basic_math import abs, cos, exp, log, rsqrt, sigmoid, sqrt, tanh  # noqa: F401
from ..ops.elementwise.clamp import clamp  # noqa: F401
from ..ops.elementwise.erf_gamma import digamma, erf, erfinv, lgamma, mvlgamma  # noqa: F401
from ..ops.elementwise.exp_log import expm1, log1p, logit, xlogy  # noqa: F401
from ..ops.elementwise.predicates import isclose  # noqa: F401
from ..ops.elementwise.ternary import where  # noqa: F401
from ..ops.elementwise.trig import atan, atanh, tan  # noqa: F401
from ..ops.index.gather_scatter import gather  # noqa: F401
from ..ops.linalg.linalg_funcs import cholesky_inverse, cholesky_solve  # noqa: F401
from ..ops.linalg.products import matmul  # noqa: F401
from ..ops.nn.activation import log_softmax, softmax  # noqa: F401
from ..ops.random.factories import rand, randn  # noqa: F401
from ..ops.random.samplers import bernoulli, multinomial, normal, poisson  # noqa: F401
from ..ops.reduce.cumulative import cumsum  # noqa: F401
from ..ops.reduce.prod_logsumexp import logsumexp  # noqa: F401
from ..ops.reduce.sum_mean import sum  # noqa: F401
from ..ops.shape.diagonals import diag_embed  # noqa: F401
from ..ops.shape.flip_repeat import flip  # noqa: F401
from ..ops.shape.joining import cat, stack  # noqa: F401
from ..ops.shape.movement import transpose  # noqa: F401
from ..ops.shape.shape_ops import broadcast_shapes, broadcast_tensors  # noqa: F401
