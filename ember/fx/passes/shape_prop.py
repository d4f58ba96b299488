"""``ShapeProp``: run a GraphModule on example inputs and record each node's tensor metadata
(``torch.fx.passes.shape_prop``).

>>> gm = ember.fx.symbolic_trace(ember.nn.Sequential(ember.nn.Linear(4, 2)))
>>> _ = ember.fx.passes.shape_prop.ShapeProp(gm).propagate(ember.ones(3, 4))
>>> meta = list(gm.graph.nodes)[1].meta["tensor_meta"]
>>> tuple(meta.shape), meta.dtype, meta.stride
((3, 2), torch.float32, (2, 1))
"""
from typing import Any, NamedTuple, Optional, Tuple

from ..interpreter import Interpreter
from ..node import map_aggregate

__all__ = ["TensorMetadata", "ShapeProp"]


class TensorMetadata(NamedTuple):
    """What ShapeProp records about a tensor value.

    >>> m = ember.fx.passes.shape_prop._extract_tensor_metadata(ember.ones(2, 3))
    >>> tuple(m.shape), m.stride, m.requires_grad
    ((2, 3), (3, 1), False)
    """

    shape: Any
    dtype: Any
    requires_grad: bool
    stride: Tuple[int, ...]
    memory_format: Optional[Any]
    is_quantized: bool
    qparams: dict


def _extract_tensor_metadata(result):
    import ember
    memory_format = None
    for fmt in (ember.contiguous_format, ember.channels_last, ember.channels_last_3d):
        try:
            if result.is_contiguous(memory_format=fmt):
                memory_format = fmt
                break
        except (RuntimeError, ValueError):
            continue
    is_q = bool(getattr(result, "is_quantized", False))
    qparams = {}
    if is_q:
        qparams = {"qscheme": result.qscheme(), "scale": result.q_scale(), "zero_point": result.q_zero_point()}
    return TensorMetadata(result.shape, result.dtype, result.requires_grad, result.stride(), memory_format,
                          is_q, qparams)


class ShapeProp(Interpreter):
    """An Interpreter that stores ``node.meta["tensor_meta"]`` (a :class:`TensorMetadata`, or a
    structure of them) and ``node.meta["type"]`` for every node it runs.

    >>> gm = ember.fx.symbolic_trace(lambda x: x.chunk(2))
    >>> _ = ember.fx.passes.shape_prop.ShapeProp(gm).propagate(ember.ones(4))
    >>> [tuple(m.shape) for m in list(gm.graph.nodes)[1].meta["tensor_meta"]]
    [(2,), (2,)]
    """

    def __init__(self, gm, fake_mode=None):
        super().__init__(gm)
        self.fake_mode = fake_mode

    def run_node(self, n):
        import ember
        result = super().run_node(n)
        found = [False]

        def extract(obj):
            if isinstance(obj, ember.Tensor):
                found[0] = True
                return _extract_tensor_metadata(obj)
            return obj
        meta = map_aggregate(result, extract)
        if found[0]:
            n.meta["tensor_meta"] = meta
        n.meta["type"] = type(result)
        return result

    def propagate(self, *args):
        """Run the module on ``args`` (recording metadata) and return its result."""
        return super().run(*args)
