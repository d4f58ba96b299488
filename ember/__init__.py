"""ember: PyTorch's programming model in Python on NumPy.

>>> import ember as torch
>>> x = torch.tensor([1., 2., 3.], requires_grad=True)
>>> (x ** 2).sum().backward()
>>> x.grad
tensor([2., 4., 6.])
"""
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
from . import ops as _ops

globals().update(_ops.public)
del _ops
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

__version__ = "0.1.0"


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
from . import version, accelerator, cpu, jit, compiler  # noqa: E402
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
