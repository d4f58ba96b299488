"""The packed weights of dynamic quantized RNNs in ``state_dict`` form, as PyTorch has them.

PyTorch's ``state_dict`` of a dynamic quantized LSTM/GRU holds, per layer and direction,
``_all_weight_values.{i}.param``: a TorchScript ``CellParamsBase`` object whose state is
``('quantized_dynamic', [b_ih, b_hh], [], [1], [ih, hh])`` (int8 weights) or
``('quantized_fp16', [], [], [], [ih, hh])`` (float16 weights), where ``ih``/``hh`` are
``LinearPackedParamsBase`` objects with state ``(weight, bias)``. A cell's
``_packed_weight_ih``/``_hh`` is one ``LinearPackedParamsBase``. ember builds the same
values as :class:`~ember.serialization._script_objects.ScriptObject` (plain data), so
``ember.save`` writes what ``torch.save`` writes and each side loads the other's files:
ember with ``ember.load`` (no code runs), PyTorch with ``torch.load(weights_only=False)``
(which it needs for its own quantized-RNN checkpoints too). Tuples
``(w_ih, w_hh, b_ih, b_hh)`` written by earlier ember versions still load.

>>> from ember.ao.nn.quantized.dynamic.rnn_checkpoint import cell_params, read_cell_params
>>> w = ember.quantize_per_tensor(ember.ones(8, 3), 0.1, 0, ember.qint8)
>>> obj = cell_params(w, w[:, :2], ember.zeros(8), ember.zeros(8))
>>> obj.state[0], read_cell_params(obj)[1].shape
('quantized_dynamic', torch.Size([8, 2]))
"""
from ..... import _quantized as Q
from .....serialization._script_objects import ScriptObject, LINEAR_PACKED, CELL_PARAMS

__all__ = ["linear_packed", "cell_params", "read_linear_packed", "read_cell_params"]


def linear_packed(w, b):
    """A ``LinearPackedParamsBase`` object holding weight ``w`` and bias ``b``.

    >>> from ember.ao.nn.quantized.dynamic.rnn_checkpoint import linear_packed
    >>> linear_packed(ember.ones(2, 2), None)
    ScriptObject <__torch__.torch.classes.quantized.LinearPackedParamsBase>
    """
    return ScriptObject((w, b), LINEAR_PACKED)


def cell_params(w_ih, w_hh, b_ih, b_hh):
    """A ``CellParamsBase`` object for one layer and direction (int8 or float16 weights).

    >>> from ember.ao.nn.quantized.dynamic.rnn_checkpoint import cell_params
    >>> cell_params(ember.ones(4, 2), ember.ones(4, 1), None, None).state[0]
    'quantized_fp16'
    """
    packed = [linear_packed(w_ih, b_ih), linear_packed(w_hh, b_hh)]
    if isinstance(w_ih, Q.QTensor):
        biases = [b for b in (b_ih, b_hh) if b is not None]
        return ScriptObject(("quantized_dynamic", biases, [], [1], packed), CELL_PARAMS)
    return ScriptObject(("quantized_fp16", [], [], [], packed), CELL_PARAMS)


def _bad(what, value):
    return ValueError(f"{what}: expected PyTorch's packed weights (a {what.split('.')[-1]} "
                      f"TorchScript object's data), got {type(value).__name__}")


def read_linear_packed(value, what="LinearPackedParamsBase"):
    """``(weight, bias)`` from a ``LinearPackedParamsBase`` object or a ``(w, b)`` tuple.

    >>> from ember.ao.nn.quantized.dynamic.rnn_checkpoint import read_linear_packed, linear_packed
    >>> read_linear_packed(linear_packed(ember.ones(2, 2), None))[1] is None
    True
    """
    if isinstance(value, ScriptObject) and value.qualified_name == LINEAR_PACKED:
        value = value.state
    if isinstance(value, tuple) and len(value) == 2:
        return value
    raise _bad(what, value)


def read_cell_params(value):
    """``(w_ih, w_hh, b_ih, b_hh)`` from a ``CellParamsBase`` object (or ember's old tuple).

    >>> from ember.ao.nn.quantized.dynamic.rnn_checkpoint import read_cell_params
    >>> read_cell_params((1, 2, 3, 4))
    (1, 2, 3, 4)
    """
    if isinstance(value, tuple) and len(value) == 4:
        return value
    if isinstance(value, ScriptObject) and value.qualified_name == CELL_PARAMS:
        st = value.state
        if isinstance(st, tuple) and len(st) == 5 and st[0] in ("quantized_dynamic",
                                                                 "quantized_fp16"):
            if not (isinstance(st[4], list) and len(st[4]) == 2):
                raise _bad("CellParamsBase", st[4])
            w_ih, b_ih = read_linear_packed(st[4][0])
            w_hh, b_hh = read_linear_packed(st[4][1])
            return w_ih, w_hh, b_ih, b_hh
        if isinstance(st, tuple) and st and isinstance(st[0], str):
            raise NotImplementedError(f"ember: quantized RNN cell parameters of kind {st[0]!r} "
                                      "(built: 'quantized_dynamic', 'quantized_fp16')")
    raise _bad("CellParamsBase", value)
