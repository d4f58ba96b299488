"""ember: PyTorch's programming model in Python on NumPy.

>>> import ember as torch
>>> x = torch.tensor([1., 2., 3.], requires_grad=True)
>>> (x ** 2).sum().backward()
>>> x.grad
tensor([2., 4., 6.])
"""
from . import _malloc_tuning
_malloc_tuning.tune()     # glibc: freed array memory reused, not returned and faulted in again
from ._dtype import (dtype, float32, float, float64, double, float16, half, int8, int16,
                     short, int32, int, int64, long, uint8, bool, complex64, cfloat, complex128,
                     cdouble, get_default_dtype, set_default_dtype, promote_types, result_type)
from ._dtype import (bfloat16, uint16, uint32, uint64, complex32, chalf, float8_e4m3fn,  # noqa: F401
                     float8_e5m2, float8_e4m3fnuz, float8_e5m2fnuz, float8_e8m0fnu, float4_e2m1fn_x2,
                     qint8, quint8, qint32, quint4x2, quint2x4, bits1x8, bits2x4, bits4x2, bits8, bits16,
                     int1, int2, int3, int4, int5, int6, int7, uint1, uint2, uint3, uint4, uint5, uint6, uint7)
from ._tensor import Tensor, Size, device
from ._creation import *  # noqa: F401,F403
from . import autograd
from .autograd.anomaly_mode import (is_anomaly_enabled, is_anomaly_check_nan_enabled,
                                    set_anomaly_enabled)
from .autograd import (no_grad, enable_grad, set_grad_enabled, inference_mode, is_grad_enabled,
                       is_inference_mode_enabled)
from .ops import _tensor_surface  # noqa: F401  (the Tensor's op methods, one explicit line each)
# -- the ops, each imported from the family module that defines it (ember/ops/<family>/<module>.py);
#    tests/test_toplevel_exports.py checks this list against the families' __all__
from .ops.elementwise.arithmetic import add, div, divide, mul, multiply, pow, sub, subtract, true_divide
from .ops.elementwise.comparison import (eq, ge, greater, greater_equal, gt, le, less, less_equal, lt, ne,
                                         not_equal)
from .ops.reduce.sum_mean import mean, sum, sum_to_size
from .ops.shape.movement import (flatten, moveaxis, movedim, permute, reshape, squeeze, swapaxes, swapdims, t,
                                 transpose, unsqueeze)
from .ops.conversion.convert import clone
from .ops.elementwise.ternary import addcdiv, addcmul, lerp, where
from .ops.elementwise.trig import (acos, acos_, acosh, acosh_, arccos, arccos_, arccosh, arccosh_, arcsin,
                                   arcsin_, arcsinh, arcsinh_, arctan, arctan2, arctan_, arctanh, arctanh_,
                                   asin, asin_, asinh, asinh_, atan, atan2, atan_, atanh, atanh_, cosh, cosh_,
                                   deg2rad, deg2rad_, hypot, rad2deg, rad2deg_, sinc, sinc_, sinh, sinh_, tan,
                                   tan_)
from .ops.elementwise.exp_log import (exp2, exp2_, expm1, expm1_, float_power, log10, log10_, log1p, log1p_,
                                      log2, log2_, logaddexp, logaddexp2, logit, logit_, xlogy, xlogy_)
from .ops.elementwise.erf_gamma import digamma, erf, erf_, erfc, erfc_, erfinv, lgamma, mvlgamma, polygamma
from .ops.elementwise.rounding import (ceil, ceil_, fix, fix_, floor, floor_, frac, frac_, heaviside,
                                       positive, round, round_, sgn, sign, trunc, trunc_)
from .ops.elementwise.clamp import (clamp, clamp_, clamp_max, clamp_max_, clamp_min, clamp_min_, clip, clip_,
                                    fmax, fmin, maximum, minimum)
from .ops.elementwise.division import floor_divide, fmod, gcd, gcd_, lcm, lcm_, remainder
from .ops.elementwise.float_bits import copysign, frexp, ldexp, ldexp_, nextafter
from .ops.elementwise.logical_bitwise import (bitwise_and, bitwise_left_shift, bitwise_not, bitwise_or,
                                              bitwise_right_shift, bitwise_xor, logical_and, logical_not,
                                              logical_or, logical_xor)
from .ops.elementwise.predicates import (allclose, equal, isclose, isfinite, isinf, isnan, isneginf, isposinf,
                                         isreal, nan_to_num, nan_to_num_, signbit)
from .ops.reduce.prod_logsumexp import logsumexp, prod
from .ops.reduce.extremes import amax, amin, aminmax, argmax, argmin, max, min
from .ops.reduce.all_any import all, any, count_nonzero
from .ops.reduce.cumulative import cummax, cummin, cumprod, cumsum, logcumsumexp
from .ops.reduce.moments import nanmean, nansum, std, std_mean, var, var_mean
from .ops.reduce.order_stats import median, mode, nanmedian, nanquantile, quantile
from .ops.shape.joining import (atleast_1d, atleast_2d, atleast_3d, cat, column_stack, concat, concatenate,
                                dstack, hstack, row_stack, stack, vstack)
from .ops.shape.splitting import chunk, dsplit, hsplit, narrow, select, split, tensor_split, unbind, vsplit
from .ops.shape.flip_repeat import flip, fliplr, flipud, repeat_interleave, roll, rot90, tile
from .ops.shape.diagonals import diag, diag_embed, diagflat, diagonal, trace, tril, triu
from .ops.shape.shape_ops import (as_strided, block_diag, broadcast_shapes, broadcast_tensors, broadcast_to,
                                  cartesian_prod, combinations, diagonal_scatter, meshgrid, ravel,
                                  select_scatter, slice_scatter, tril_indices, triu_indices, unflatten)
from .ops.index.gather_scatter import gather, scatter, scatter_add, scatter_reduce
from .ops.index.index_along_dim import (index_add, index_copy, index_fill, index_put, index_put_,
                                        index_reduce, index_select)
from .ops.index.masked_ops import (argwhere, masked_fill, masked_scatter, masked_select, nonzero, put, take,
                                   take_along_dim)
from .ops.linalg.products import bmm, dot, ger, inner, matmul, mm, mv, outer, vdot
from .ops.linalg.add_products import addbmm, addmm, addmv, addmv_, addr, baddbmm, chain_matmul
from .ops.linalg.contractions import einsum, kron, tensordot
from .ops.linalg.cross_dist import cdist, cross
from .ops.linalg.linalg_funcs import (cholesky, cholesky_inverse, cholesky_solve, det, dist, inverse, logdet,
                                      lu_unpack, matrix_exp, matrix_power, norm, nuclear_norm, pdist,
                                      pinverse, qr, slogdet, svd)
from .ops.reduce.sort_ops import (argsort, bincount, bucketize, histc, histogram, kthvalue, msort,
                                  searchsorted, sort, topk, unique, unique_consecutive)
from .ops.random.factories import rand, rand_like, randint, randint_like, randn, randn_like, randperm
from .ops.random.samplers import bernoulli, multinomial, normal, poisson
from .ops.shape.view_inplace import as_strided_, resize_as_
from .ops.nn.activation import hardshrink, log_softmax, prelu, softmax
from .ops.shape.sized_splits import (narrow_copy, split_with_sizes, unsafe_chunk, unsafe_split,
                                     unsafe_split_with_sizes)
from .ops.reduce.stats import corrcoef, cov, renorm
from .ops.elementwise.special import angle, i0, i0_, igamma, igammac
from .ops.elementwise.conj_ops import (adjoint, conj, conj_physical, conj_physical_, imag, is_conj, is_neg,
                                       real, resolve_conj, resolve_neg)
from .ops.conversion.tensor_info import is_inference, is_nonzero, is_same_size, is_signed
from .ops.elementwise.complex_ops import (complex, is_complex, polar, view_as_complex, view_as_complex_copy,
                                          view_as_real, view_as_real_copy)
from .ops.signal.spectral import (bartlett_window, blackman_window, hamming_window, hann_window, istft,
                                  kaiser_window, stft)
from .ops.inplace.inplace_functions import (abs_, cos_, detach, detach_, exp_, fill, fill_, log_, neg_,
                                            negative_, reciprocal_, rsqrt_, rsub, sigmoid_, sin_, sqrt_,
                                            square_, tanh_, zero_)
from .ops.shape.view_copies import (alias_copy, as_strided_copy, as_strided_scatter, detach_copy,
                                    diagonal_copy, expand_copy, permute_copy, select_copy, slice_copy,
                                    slice_inverse, split_copy, split_with_sizes_copy, squeeze_copy, t_copy,
                                    transpose_copy, unbind_copy, unfold_copy, unsqueeze_copy, view_copy)
from .ops.reduce.numerical_calculus import cumulative_trapezoid, diff, gradient, trapezoid, trapz
from .ops.index.element_search import isin, nonzero_static, unravel_index
from .ops.creation.sequence_builders import range, vander
from .ops.reduce.histogramdd import histogramdd
from .ops.reduce.segment_reduce import segment_reduce
from .ops.linalg.linalg_legacy import (eig, frobenius_norm, geqrf, lobpcg, lstsq, lu, lu_solve, matrix_rank,
                                       norm_except_dim, orgqr, ormqr, pca_lowrank, solve, svd_lowrank, symeig,
                                       triangular_solve)
from .ops.random.random_counts import binomial
from .ops.reduce.hashing import hash_tensor
from .ops.elementwise.basic_math import (abs, absolute, cos, exp, log, neg, negative, reciprocal, relu, rsqrt,
                                         sigmoid, sin, sqrt, square, tanh)
from . import linalg  # noqa: E402
from . import fft, special, signal  # noqa: E402

from ._random import (manual_seed, seed, initial_seed, Generator, default_generator,  # noqa: E402
                      get_rng_state, set_rng_state)

from ._tensor_str import set_printoptions  # noqa: E402
from . import random  # noqa: E402
from . import nn, optim, cuda, backends, utils  # noqa: E402
from . import distributions  # noqa: E402
from .serialization import save, load  # noqa: E402
from .nn.functional_native import (ctc_loss, embedding_bag, grid_sampler, grid_sampler_2d,  # noqa: E402
                                  grid_sampler_3d, affine_grid_generator, max_pool1d_with_indices,
                                  adaptive_max_pool1d)

from .version import api_version as __version__  # noqa: E402  (a TorchVersion: compares as 2.13)


def is_tensor(obj):
    """True for an ember Tensor.

    >>> ember.is_tensor(ember.ones(1)), ember.is_tensor([1])
    (True, False)
    """
    return isinstance(obj, Tensor)


def is_floating_point(input):
    """True when ``input`` has a floating dtype.

    >>> ember.is_floating_point(ember.ones(1)), ember.is_floating_point(ember.ones(1, dtype=ember.long))
    (True, False)
    """
    return input.is_floating_point()


def numel(input):
    """Number of elements of ``input``.

    >>> ember.numel(ember.zeros(2, 3))
    6
    """
    return input.numel()


def typename(obj):
    """The PyTorch-style type name of a tensor (or the Python type name otherwise).

    >>> ember.typename(ember.zeros(1))
    'torch.FloatTensor'
    """
    return obj.type() if isinstance(obj, Tensor) else type(obj).__name__


from . import amp, cpu  # noqa: E402
from .amp.autocast_mode import (autocast, is_autocast_enabled, set_autocast_enabled, get_autocast_dtype,  # noqa: E402
                                set_autocast_dtype, is_autocast_cpu_enabled, set_autocast_cpu_enabled,
                                get_autocast_cpu_dtype, set_autocast_cpu_dtype, get_autocast_gpu_dtype,
                                set_autocast_gpu_dtype, is_autocast_cache_enabled, set_autocast_cache_enabled,
                                clear_autocast_cache, autocast_increment_nesting, autocast_decrement_nesting)
from ._functional_aliases import *  # noqa: F401,F403,E402  (torch.conv2d, torch.batch_norm ...)
from ._dropout_aliases import *  # noqa: F401,F403,E402
from ._activation_loss_aliases import *  # noqa: F401,F403,E402
from ._rnn_functional import *  # noqa: F401,F403,E402
from . import func  # noqa: E402
from .func import vmap  # noqa: E402,F401
from ._math_constants import e, pi, inf, nan, newaxis  # noqa: E402,F401
from ._control_flow import (cond, while_loop, sym_int, sym_float, sym_max, sym_min, sym_not,  # noqa: E402
                            sym_sqrt, sym_sum, sym_ite)
from ._generic_stream import Stream, Event, SymInt, SymFloat, SymBool  # noqa: E402,F401
from ._device_modules import get_device_module, FatalError, OutOfMemoryError  # noqa: E402
from .overrides import DisableTorchFunction, DisableTorchFunctionSubclass  # noqa: E402
from .amp import GradScaler  # noqa: E402
from .nn.functional import rms_norm, channel_shuffle, native_channel_shuffle  # noqa: E402
from . import overrides  # noqa: E402
from .random import thread_safe_generator  # noqa: E402

# -- the core torch namespace: type info, layouts, legacy types/storages, switches, interop, jit
from ._finfo import finfo, iinfo, can_cast  # noqa: E402
from ._layout import (layout, strided, sparse_coo, sparse_csr, sparse_csc, sparse_bsr, sparse_bsc,  # noqa: E402
                      jagged, memory_format, contiguous_format, channels_last, channels_last_3d, preserve_format,
                      legacy_contiguous_format)
from ._typed import (FloatTensor, DoubleTensor, HalfTensor, BFloat16Tensor, LongTensor, IntTensor,  # noqa: E402
                     ShortTensor, CharTensor, ByteTensor, BoolTensor, set_default_tensor_type)
from ._storage import (UntypedStorage, TypedStorage, Storage, is_storage, FloatStorage, DoubleStorage,  # noqa: E402
                       HalfStorage, BFloat16Storage, LongStorage, IntStorage, ShortStorage, CharStorage, ByteStorage,
                       BoolStorage, ComplexFloatStorage, ComplexDoubleStorage)
from ._config import *  # noqa: E402,F401,F403
from ._tensor_legacy import get_device, _assert  # noqa: E402
from ._buffers import frombuffer, from_file, from_dlpack, to_dlpack, empty_permuted  # noqa: E402
from ._compile import compile  # noqa: E402
from . import version, accelerator, cpu, jit, compiler, futures  # noqa: E402
from .jit import fork, wait, Future  # noqa: E402
from .jit import ScriptModule, ScriptFunction  # noqa: E402
from ._storage import UntypedStorage as StorageBase  # noqa: E402  (torch.StorageBase: the untyped storage base)
bit = uint1  # noqa: E402,F821  (torch.bit is torch.uint1)
from . import profiler  # noqa: E402,F401  (torch.profiler)
from . import hub  # noqa: E402
from . import _quantized  # noqa: E402  (quantized dtypes/tensors; names ember already has stay)
_quantized.install(globals(), Tensor)
from . import ao, quantization  # noqa: E402,F401  (torch.ao / torch.quantization: dynamic quantization)
from . import onnx  # noqa: E402
from . import fx  # noqa: E402,F401  (torch.fx: graph capture; ember.fx)
from . import export  # noqa: E402,F401  (torch.export over ember.fx)
from . import distributed  # noqa: E402,F401  (import torch makes torch.distributed available)
from . import library, torch_version, _dynamo  # noqa: E402,F401  (torch.library, torch.torch_version, torch._dynamo)
from .ops.conversion.sparse_layout import dsmm, hspmm, smm, spmm, sparse_coo_tensor, sspaddmm  # noqa: E402
from .ops.conversion.sparse_layout import sparse_csr_tensor  # noqa: E402
from . import _sparse_ops, sparse  # noqa: E402,F401  (sparse COO tensors' methods; torch.sparse)
from .ops.nn.fake_quantize import fake_quantize_per_channel_affine, fake_quantize_per_tensor_affine  # noqa: E402
from . import __future__  # noqa: E402,F401  (torch.__future__)
from . import testing  # noqa: E402,F401  (torch.testing after import torch)
