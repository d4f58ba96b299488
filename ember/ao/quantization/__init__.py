"""``torch.ao.quantization`` (also ``ember.quantization``): eager-mode quantization, dynamic,
static (post-training) and quantization-aware training (QAT).

Dynamic: ``quantize_dynamic`` reproduces PyTorch's x86 numbers bit for bit (weights per
tensor, or per output channel with ``per_channel_dynamic_qconfig``) and stores weights in
int8; it does not speed inference up the way fbgemm's int8 kernels do (NumPy has no int8
matrix product: the integer sums run exactly through float BLAS). Quantized state_dicts,
RNNs' packed TorchScript weights included, load and save both ways with PyTorch.

Static and QAT, PyTorch's eager-mode flow: ``QuantStub``/``DeQuantStub`` mark where tensors
are quantized; ``fuse_modules`` (``fuse_modules_qat``) fuses conv/linear with batch norm and
ReLU into ``ember.ao.nn.intrinsic`` modules; ``prepare`` attaches observers
(``prepare_qat`` swaps in ``ember.ao.nn.qat`` modules that fake-quantize weights and attaches
fake-quantize modules); after calibration or training ``convert`` swaps in the quantized
modules of ``ember.ao.nn.quantized`` (int8 weights, quint8 activations). The observers,
fake quantization and QAT training steps match PyTorch's numbers (float tolerance for
training); the quantized kernels' accuracy against fbgemm is stated in
``ember.ao.nn.quantized``. Not built: FX graph mode, reference quantized modules, custom
modules, and quantized modules other than those listed in ``ember.ao.nn.quantized``.

>>> net = ember.nn.Sequential(ember.nn.Linear(8, 4))
>>> ember.ao.quantization.quantize_dynamic(net)[0].weight().dtype
torch.qint8
"""
from .observer import *  # noqa: F401,F403
from .histogram_observer import *  # noqa: F401,F403
from .fake_quantize import *  # noqa: F401,F403
from .qconfig import *  # noqa: F401,F403
from .quantize_dynamic import *  # noqa: F401,F403
from .stubs import *  # noqa: F401,F403
from .fuse_modules import *  # noqa: F401,F403
from .quantize import *  # noqa: F401,F403
from . import observer, fake_quantize, qconfig  # noqa: F401
from .observer import __all__ as _ob_all
from .histogram_observer import __all__ as _ho_all
from .fake_quantize import __all__ as _fq_all
from .qconfig import __all__ as _qc_all
from .quantize_dynamic import __all__ as _qd_all
from .stubs import __all__ as _st_all
from .fuse_modules import __all__ as _fu_all
from .quantize import __all__ as _q_all

__all__ = list(_ob_all) + list(_ho_all) + list(_fq_all) + list(_qc_all) + list(_qd_all) + list(_st_all) + \
    list(_fu_all) + list(_q_all)
