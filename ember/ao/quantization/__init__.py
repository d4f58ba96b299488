"""``torch.ao.quantization`` (also ``ember.quantization``): dynamic quantization.

ember's dynamic quantization reproduces PyTorch's x86 numbers bit for bit (weights per
tensor, or per output channel with ``per_channel_dynamic_qconfig``) and stores weights in
int8 (about 4x smaller on disk); it does not speed inference up the way fbgemm's int8
kernels do (NumPy has no int8 matrix product: the integer sums run exactly through the
float32 BLAS). Quantized state_dicts, RNNs' packed TorchScript weights included, load and
save both ways with PyTorch (see ``ember.ao.nn.quantized.dynamic.rnn``). Static
quantization and QAT are not built.

>>> net = ember.nn.Sequential(ember.nn.Linear(8, 4))
>>> ember.ao.quantization.quantize_dynamic(net)[0].weight().dtype
torch.qint8
"""
from .qconfig import *  # noqa: F401,F403
from .quantize_dynamic import *  # noqa: F401,F403
from . import qconfig  # noqa: F401
from .qconfig import __all__ as _qc_all
from .quantize_dynamic import __all__ as _qd_all

__all__ = list(_qc_all) + list(_qd_all)
