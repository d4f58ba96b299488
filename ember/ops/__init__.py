"""ember's differentiable primitives, one family per module.

Each family module defines ``__all__`` (functions exported as ``ember.<name>``) and
``TENSOR_METHODS`` (names bound on ``ember.Tensor``). Adding a family means adding it to
``FAMILIES`` below.
"""
import importlib

from .._tensor import Tensor

FAMILIES = ["elementwise", "comparison", "reduce", "movement", "convert", "indexing"]
_OPTIONAL = ["elementwise_more", "trig", "exp_log", "erf_gamma", "rounding", "clamp", "division",
             "float_bits", "logical_bitwise", "predicates",
             "reduce_more", "cumulative", "moments", "order_stats",
             "joining", "splitting", "flip_repeat", "diagonals", "shape_ops",
             "index_ops", "masked_ops", "linalg", "add_products", "contractions", "cross_dist",
             "linalg_funcs", "sort_ops",
             "random_ops", "view_inplace", "inplace_more", "activation", "shape_more", "index_more", "stats",
             "special", "conj_ops", "tensor_info",
             "complex_ops",
             "spectral",
             "inplace_functions", "view_copies",
             "numerical_calculus", "element_search", "sequence_builders", "histogramdd", "segment_reduce",
             "linalg_legacy",
             "random_counts",
             "hashing"]

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
