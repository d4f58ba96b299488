"""ember's differentiable primitives, one family per module.

Each family module defines ``__all__`` (functions exported as ``ember.<name>``) and
``TENSOR_METHODS`` (names bound on ``ember.Tensor``). Adding a family means adding it to
``FAMILIES`` below.
"""
import importlib

from .._tensor import Tensor

FAMILIES = ["elementwise.arithmetic", "elementwise.comparison", "reduce.sum_mean", "shape.movement",
            "conversion.convert", "index.indexing"]
_OPTIONAL = ["elementwise.elementwise_more", "elementwise.trig", "elementwise.exp_log",
             "elementwise.erf_gamma", "elementwise.rounding", "elementwise.clamp",
             "elementwise.division", "elementwise.float_bits", "elementwise.logical_bitwise",
             "elementwise.predicates", "reduce.reduce_more", "reduce.cumulative", "reduce.moments",
             "reduce.order_stats", "shape.joining", "shape.splitting", "shape.flip_repeat",
             "shape.diagonals", "shape.shape_ops", "index.index_ops", "index.masked_ops",
             "linalg.products", "linalg.add_products", "linalg.contractions", "linalg.cross_dist",
             "linalg.linalg_funcs", "reduce.sort_ops", "random.random_ops", "shape.view_inplace",
             "inplace.inplace_more", "nn.activation", "shape.shape_more", "index.index_more",
             "reduce.stats", "elementwise.special", "elementwise.conj_ops",
             "conversion.tensor_info", "elementwise.complex_ops", "signal.spectral",
             "inplace.inplace_functions", "shape.view_copies", "reduce.numerical_calculus",
             "index.element_search", "creation.sequence_builders", "reduce.histogramdd",
             "reduce.segment_reduce", "linalg.linalg_legacy", "random.random_counts",
             "reduce.hashing"]

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
    for _k, _v in getattr(_mod, "TENSOR_METHODS", {}).items():
        setattr(Tensor, _k, _v)
