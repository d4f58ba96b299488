"""Which public names of PyTorch 2.13 ember has: the surface-coverage tool.

Run ``python tests/api_coverage.py`` (needs torch installed) for a per-namespace table and
the missing names; ``tests/test_api_coverage.py`` prints the same table in the test output
and fails if coverage falls below the recorded floor.

A name counts when it is public in one of ``NAMESPACES`` of torch (no leading underscore,
not a submodule) and defined by torch (``__module__`` starting with ``torch``, or objects
such as dtypes and constants that have no ``__module__``). ``EXCLUDED`` lists what ember
deliberately leaves out, each with its reason; every other name must exist in ember.
"""
import types

NAMESPACES = ["", "Tensor", "nn", "nn.functional", "nn.init", "nn.utils", "optim",
              "optim.lr_scheduler", "autograd", "utils.data", "linalg", "special", "fft",
              "distributions", "amp", "utils.checkpoint", "backends"]

_CUDA = "CUDA/ROCm/oneDNN/vendor-kernel entry point with no CPU meaning"
_JIT = "TorchScript compiler internals (ember has no TorchScript IR)"
_SPARSE = "sparse layouts (ember tensors are strided only)"
_QUANT = "quantized tensors: built with the model-compression issue"
_SYM = "symbolic-shape internals of torch.compile"
_META = "build/packaging or typing internals, not API"
_DIST = "data-parallel/distributed: built with the distributed-training issue"

# Exact names, as "namespace:name" (namespace "" is torch itself).
EXCLUDED = {}
for _n in ("AliasDb AnyType Argument ArgumentSpec AwaitType Block BoolType CallStack Capsule "
           "ClassType Code CompilationUnit CompleteArgumentSpec ComplexType ConcreteModuleType "
           "ConcreteModuleTypeBuilder DeepCopyMemoTable DeserializationStorageContext "
           "DeviceObjType DictType EnumType ErrorReport ExecutionPlan FileCheck FloatType "
           "FunctionSchema FutureType Gradient Graph GraphExecutorState IODescriptor InferredType "
           "IntType InterfaceType JITException ListType LiteScriptModule LockingLogger LoggerBase "
           "NoneType NoopLogger NumberType OperatorInfo OptionalType PyObjectType RRefType "
           "ScriptClass ScriptClassFunction ScriptDict ScriptDictIterator ScriptDictKeyIterator "
           "ScriptList ScriptListIterator ScriptMethod ScriptObject ScriptObjectProperty "
           "ScriptModuleSerializer SerializationStorageContext StaticModule StreamObjType "
           "StringType SymBoolType SymIntType TensorType TracingState TupleType Type UnionType Use "
           "Value Node AggregationType AVG SUM BenchmarkConfig BenchmarkExecutionStats "
           "ThroughputBenchmark import_ir_module import_ir_module_from_buffer parse_ir "
           "parse_schema parse_type_comment merge_type_from_type_comment unify_type_list "
           "PyTorchFileReader PyTorchFileWriter DispatchKey DispatchKeySet "
           "ExcludeDispatchKeyGuard Tag PRIVATE_OPS").split():
    EXCLUDED[":" + _n] = _JIT
for _n in ("sparse_bsc sparse_bsc_tensor sparse_bsr sparse_bsr_tensor sparse_compressed_tensor "
           "sparse_coo sparse_coo_tensor sparse_csc sparse_csc_tensor sparse_csr sparse_csr_tensor "
           "smm spmm hsmm dsmm saddmm sspaddmm hspmm ccol_indices_copy col_indices_copy "
           "crow_indices_copy row_indices_copy indices_copy values_copy resize_as_sparse_ "
           "jagged").split():
    EXCLUDED[":" + _n] = _SPARSE
for _n in ("ccol_indices coalesce col_indices crow_indices dense_dim indices is_coalesced "
           "resize_as_sparse_ row_indices smm sparse_dim sparse_mask sparse_resize_ "
           "sparse_resize_and_clear_ sspaddmm to_sparse to_sparse_bsc to_sparse_bsr "
           "to_sparse_coo to_sparse_csc to_sparse_csr values to_mkldnn").split():
    EXCLUDED["Tensor:" + _n] = _SPARSE
for _n in ("qint8 qint32 quint8 quint4x2 quint2x4 qscheme per_channel_affine "
           "per_channel_affine_float_qparams per_channel_symmetric per_tensor_affine "
           "per_tensor_symmetric quantize_per_channel quantize_per_tensor "
           "quantize_per_tensor_dynamic dequantize int_repr q_per_channel_axis "
           "q_per_channel_scales q_per_channel_zero_points q_scale q_zero_point empty_quantized "
           "fake_quantize_per_channel_affine fake_quantize_per_tensor_affine "
           "fused_moving_avg_obs_fake_quant choose_qparams_optimized quantized_batch_norm "
           "quantized_gru quantized_gru_cell quantized_lstm quantized_lstm_cell "
           "quantized_max_pool1d quantized_max_pool2d quantized_max_pool3d "
           "quantized_rnn_relu_cell quantized_rnn_tanh_cell QInt32Storage QInt8Storage "
           "QUInt2x4Storage QUInt4x2Storage QUInt8Storage").split():
    EXCLUDED[":" + _n] = _QUANT
for _n in ("dequantize int_repr q_per_channel_axis q_per_channel_scales q_per_channel_zero_points "
           "q_scale q_zero_point qscheme").split():
    EXCLUDED["Tensor:" + _n] = _QUANT
for _n in ("SymBool SymFloat SymInt sym_constrain_range sym_constrain_range_for_size "
           "sym_fresh_size").split():
    EXCLUDED[":" + _n] = _SYM
for _n in ("cudnn_affine_grid_generator cudnn_batch_norm cudnn_convolution "
           "cudnn_convolution_add_relu cudnn_convolution_relu cudnn_convolution_transpose "
           "cudnn_grid_sampler cudnn_is_acceptable miopen_batch_norm miopen_convolution "
           "miopen_convolution_add_relu miopen_convolution_relu miopen_convolution_transpose "
           "miopen_ctc_loss miopen_depthwise_convolution miopen_rnn mkldnn_adaptive_avg_pool2d "
           "mkldnn_convolution mkldnn_linear_backward_weights mkldnn_max_pool2d mkldnn_max_pool3d "
           "mkldnn_rnn_layer fbgemm_linear_fp16_weight fbgemm_linear_fp16_weight_fp32_activation "
           "fbgemm_linear_int8_weight fbgemm_linear_int8_weight_fp32_activation "
           "fbgemm_linear_quantize_weight fbgemm_pack_gemm_matrix_fp16 "
           "fbgemm_pack_quantized_matrix batch_norm_backward_elemt batch_norm_backward_reduce "
           "batch_norm_elemt batch_norm_gather_stats batch_norm_gather_stats_with_counts "
           "batch_norm_stats batch_norm_update_stats get_autocast_ipu_dtype "
           "get_autocast_xla_dtype is_autocast_ipu_enabled is_autocast_xla_enabled "
           "set_autocast_ipu_dtype set_autocast_ipu_enabled set_autocast_xla_dtype "
           "set_autocast_xla_enabled profiler_allow_cudagraph_cupti_lazy_reinit_cuda12").split():
    EXCLUDED[":" + _n] = _CUDA
for _n in "record_stream ipu xpu mtia".split():
    EXCLUDED["Tensor:" + _n] = _CUDA
for _n in ("TYPE_CHECKING USE_GLOBAL_DEPS USE_RTLD_GLOBAL_WITH_LIBTORCH classproperty "
           "prepare_multiprocessing_environment get_file_path").split():
    EXCLUDED[":" + _n] = _META
for _ns in ("nn.functional", "optim.lr_scheduler", "utils.checkpoint"):
    EXCLUDED[_ns + ":TYPE_CHECKING"] = _META
EXCLUDED["nn.functional:reproducibility_notes"] = _META + " (docstring fragments)"
EXCLUDED["nn.functional:sparse_support_notes"] = _META + " (docstring fragments)"
EXCLUDED["nn.functional:tf32_notes"] = _META + " (docstring fragments)"
EXCLUDED["linalg:common_notes"] = _META + " (docstring fragments)"
EXCLUDED["special:common_args"] = _META + " (docstring fragments)"
EXCLUDED["special:multi_dim_common"] = _META + " (docstring fragments)"
EXCLUDED["fft:common_args"] = _META + " (docstring fragments)"
EXCLUDED["fft:factory_common_args"] = _META + " (docstring fragments)"
EXCLUDED[":is_distributed"] = _DIST
EXCLUDED["Tensor:is_distributed"] = _DIST
for _n in ("scaled_grouped_mm scaled_mm grouped_mm ScalingType SwizzleType").split():
    EXCLUDED["nn.functional:" + _n] = ("low-precision scaled/grouped GEMM kernels for CUDA "
                                       "float8 (no CPU path in torch)")
EXCLUDED[":AcceleratorError"] = _CUDA
EXCLUDED[":Stream"] = EXCLUDED[":Event"] = _CUDA + " (device streams and events)"
EXCLUDED[":StreamObjType"] = _JIT
EXCLUDED["backends:python_native"] = "registry of custom-kernel DSLs for CUDA (no CPU meaning)"
EXCLUDED["Tensor:to_padded_tensor"] = "nested tensors only (torch raises NotImplementedError for strided ones)"
EXCLUDED["Tensor:index"] = "first-class dimensions (functorch.dim), experimental"
EXCLUDED[":native_norm"] = _SPARSE + " (torch's CPU native_norm takes sparse input only)"
for _n in ("LoggingTensorMode", "SavedTensor", "TorchDispatchMode", "capture_logs", "tree_map"):
    EXCLUDED["utils.checkpoint:" + _n] = "torch internals imported by the module, not in its __all__"
for _n in ("ModuleDict", "ParameterDict", "BufferDict"):
    EXCLUDED[":" + _n] = _JIT + " (TorchScript's module containers, not nn.ModuleDict)"


def _get(root, path):
    obj = root
    for p in path.split(".") if path else []:
        obj = getattr(obj, p)
    return obj


def torch_names(torch, ns):
    """Public names torch 2.13 defines in namespace ``ns`` ("" is torch, "Tensor" the class)."""
    obj = torch.Tensor if ns == "Tensor" else _get(torch, ns)
    names = []
    for n in dir(obj):
        if n.startswith("_"):
            continue
        try:
            v = getattr(obj, n)
        except Exception:  # noqa: BLE001 - deprecated attributes may raise on access
            continue
        if isinstance(v, types.ModuleType):
            if ns == "backends" and v.__name__.startswith("torch.backends."):
                names.append(n)  # torch.backends is a namespace of flag modules
            continue
        if ns == "Tensor":
            names.append(n)
            continue
        mod = getattr(v, "__module__", None)
        if not isinstance(mod, str) or not mod or mod.startswith("torch"):
            names.append(n)
    return sorted(names)


def report(torch, ember):
    """``{ns: (have, total_counted, missing_names, excluded_names)}``."""
    out = {}
    for ns in NAMESPACES:
        names = torch_names(torch, ns)
        excl = [n for n in names if f"{ns}:{n}" in EXCLUDED]
        counted = [n for n in names if f"{ns}:{n}" not in EXCLUDED]
        try:
            e = ember.Tensor if ns == "Tensor" else _get(ember, ns)
        except AttributeError:
            e = None
        missing = [n for n in counted if e is None or not hasattr(e, n)]
        out[ns] = (len(counted) - len(missing), len(counted), missing, excl)
    return out


def table(rep):
    lines = [f"{'namespace':24} {'have':>5} / {'of':>5}  {'%':>5}  excluded"]
    th = tt = 0
    for ns, (have, total, _, excl) in rep.items():
        th, tt = th + have, tt + total
        pct = 100.0 * have / total if total else 100.0
        lines.append(f"{'torch.' + ns if ns else 'torch':24} {have:5d} / {total:5d}  {pct:5.1f}  {len(excl)}")
    lines.append(f"{'total':24} {th:5d} / {tt:5d}  {100.0 * th / tt:5.1f}")
    return "\n".join(lines), th, tt


if __name__ == "__main__":
    import sys
    import torch as _torch
    import ember as _ember
    rep = report(_torch, _ember)
    text, _, _ = table(rep)
    print(text)
    if "-v" in sys.argv:
        for ns, (_, _, missing, _) in rep.items():
            if missing:
                print(f"\nmissing in torch.{ns or ''}:".replace("torch.:", "torch:"), " ".join(missing))
