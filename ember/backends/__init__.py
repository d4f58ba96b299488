"""``torch.backends``: flags programs set (``torch.backends.cudnn.benchmark = True``) are
accepted; ember has no cuDNN or MPS backend.

>>> ember.backends.cudnn.is_available(), ember.backends.mps.is_available()
(False, False)
"""
import types


def _flags(name, **attrs):
    m = types.ModuleType(f"ember.backends.{name}")
    m.is_available = lambda: False
    m.__dict__.update(attrs)
    return m


cudnn = _flags("cudnn", enabled=True, benchmark=False, deterministic=False, allow_tf32=True)
mps = _flags("mps", is_built=lambda: False)
cuda = _flags("cuda", is_built=lambda: False)
cuda.matmul = types.SimpleNamespace(allow_tf32=False, allow_fp16_reduced_precision_reduction=True)
mkldnn = _flags("mkldnn", enabled=False)
