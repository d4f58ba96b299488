"""``torch.backends``: flags programs set (``torch.backends.cudnn.benchmark = True``) are
accepted; ember has no cuDNN or MPS backend.

>>> ember.backends.cudnn.is_available(), ember.backends.mps.is_available()
(False, False)
>>> ember.backends.mha.get_fastpath_enabled()
True
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


def _mha():
    state = [True]
    m = types.ModuleType("ember.backends.mha")
    m.__doc__ = "Whether MultiheadAttention/TransformerEncoder may take PyTorch's inference fast path."
    m.get_fastpath_enabled = lambda: state[0]

    def set_fastpath_enabled(value):
        state[0] = bool(value)
    m.set_fastpath_enabled = set_fastpath_enabled
    return m


mha = _mha()

# the rest of torch.backends' flag modules (ember calls none of these libraries itself)
cudnn.version = lambda: None
cudnn.benchmark_limit = 10
cuda.matmul.allow_bf16_reduced_precision_reduction = True
cuda.flash_sdp_enabled = cuda.mem_efficient_sdp_enabled = cuda.math_sdp_enabled = lambda: True
cuda.cudnn_sdp_enabled = lambda: True
mkldnn.is_available = lambda: False
openmp = _flags("openmp")
mkl = _flags("mkl")
cpu = _flags("cpu", get_cpu_capability=lambda: "DEFAULT")


def _cudnn_flags(enabled=False, benchmark=False, benchmark_limit=10, deterministic=False, allow_tf32=True, **kw):
    """``with torch.backends.cudnn.flags(...)``: set the cuDNN flags for a block (no cuDNN here)."""
    import contextlib

    @contextlib.contextmanager
    def ctx():
        names = ("enabled", "benchmark", "benchmark_limit", "deterministic", "allow_tf32")
        old = {k: getattr(cudnn, k) for k in names}
        cudnn.__dict__.update(zip(names, (enabled, benchmark, benchmark_limit, deterministic, allow_tf32)))
        try:
            yield
        finally:
            cudnn.__dict__.update(old)
    return ctx()


cudnn.flags = _cudnn_flags

# more flag modules real programs probe (ember calls none of these libraries)
opt_einsum = _flags("opt_einsum", enabled=True, strategy="auto", get_opt_einsum=lambda: None)
nnpack = _flags("nnpack", set_flags=lambda _enabled: (False,))
cusparselt = _flags("cusparselt", version=lambda: None, get_max_alg_id=lambda: None)
kleidiai = _flags("kleidiai")
miopen = _flags("miopen", immediate=False)


class _QuantizedEngine(types.ModuleType):
    """``torch.backends.quantized``: ``engine`` is ``'x86'`` as on PyTorch's x86 builds; ember
    has one implementation (it reproduces fbgemm/x86 numbers), so only those names are taken.

    >>> ember.backends.quantized.engine
    'x86'
    """

    supported_engines = ["x86", "fbgemm"]
    _engine = "x86"

    @property
    def engine(self):
        return type(self)._engine

    @engine.setter
    def engine(self, value):
        if value not in self.supported_engines:
            raise RuntimeError(f"{value} is not a valid value for quantized engine")
        type(self)._engine = value


quantized = _QuantizedEngine("ember.backends.quantized", _QuantizedEngine.__doc__)
