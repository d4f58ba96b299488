"""ember's differentiable primitives: one package per op family (elementwise/, reduce/, shape/,
index/, linalg/, nn/, random/, inplace/, conversion/, creation/, signal/; see ARCHITECTURE.md),
each file named after what it holds.

Each op module defines ``__all__`` (functions exported as ``ember.<name>``) and
``TENSOR_METHODS`` (names bound on ``ember.Tensor`` by the explicit list in
``_tensor_surface.py``, which ``ember/__init__.py`` imports right after this package). Adding
one means listing its dotted name under ``ember.ops`` (``"reduce.cumulative"``) in
``FAMILIES``/``_OPTIONAL`` below and regenerating that list with tools/gen_tensor_methods.py.
"""
import importlib

from .._tensor import Tensor

FAMILIES = ["elementwise.arithmetic", "elementwise.comparison", "reduce.sum_mean", "shape.movement",
            "conversion.convert", "index.indexing"]
_OPTIONAL = ["elementwise.ternary", "elementwise.trig", "elementwise.exp_log",
             "elementwise.erf_gamma", "elementwise.rounding", "elementwise.clamp",
             "elementwise.division", "elementwise.float_bits", "elementwise.logical_bitwise",
             "elementwise.predicates", "reduce.prod_logsumexp", "reduce.extremes", "reduce.all_any",
             "reduce.cumulative", "reduce.moments", "reduce.order_stats", "shape.joining",
             "shape.splitting", "shape.flip_repeat", "shape.diagonals", "shape.shape_ops",
             "index.gather_scatter", "index.index_along_dim", "index.masked_ops", "linalg.products",
             "linalg.add_products", "linalg.contractions", "linalg.cross_dist",
             "linalg.linalg_funcs", "reduce.sort_ops", "random.factories", "random.samplers",
             "random.inplace_samplers", "shape.view_inplace", "inplace.comparisons",
             "nn.activation", "shape.sized_splits", "reduce.stats", "elementwise.special",
             "elementwise.conj_ops", "conversion.tensor_info", "elementwise.complex_ops",
             "signal.spectral", "inplace.inplace_functions", "shape.view_copies",
             "reduce.numerical_calculus", "index.element_search", "creation.sequence_builders",
             "reduce.histogramdd", "reduce.segment_reduce", "linalg.linalg_legacy",
             "random.random_counts", "reduce.hashing",
             "elementwise.basic_math",
             "conversion.sparse_layout",
             "nn.fake_quantize"]

public = {}
for _name in FAMILIES + _OPTIONAL:
    try:
        _mod = importlib.import_module(f".{_name}", __name__)
    except ModuleNotFoundError as _e:
        if _name in _OPTIONAL and _e.name == f"{__name__}.{_name}":
            continue
        raise
    for _k in getattr(_mod, "__all__", ()):
        public[_k] = getattr(_mod, _k)


def __getattr__(name):
    """``torch.ops.<namespace>`` (``aten``, the custom ops' namespaces, ...) and
    ``torch.ops.load_library``: see ember/_ops_namespace.py."""
    from .. import _ops_namespace
    if name == "load_library":
        return _ops_namespace.load_library
    if name == "loaded_libraries":
        return set()
    return _ops_namespace.namespace(name)
