"""PyTorch's top-level recurrent functions: one step (``torch.lstm_cell``, ``gru_cell``,
``rnn_tanh_cell``, ``rnn_relu_cell``) and whole multi-layer sequences (``torch.lstm``, ``gru``,
``rnn_tanh``, ``rnn_relu``) over a flat list of weights, as ``nn.LSTM`` passes them. The math
is the layer op of :mod:`ember.ops.nn.rnn_ops` (one graph node per layer and direction).
"""
from ._backend import np
from ._tensor import _wrap
from .ops.nn import rnn_ops as _rnn

__all__ = ["lstm_cell", "gru_cell", "rnn_tanh_cell", "rnn_relu_cell", "lstm", "gru", "rnn_tanh",
           "rnn_relu"]


def _cell_weights(w_ih, w_hh, b_ih, b_hh):
    if b_ih is None and b_hh is None:
        return [w_ih, w_hh]
    rows = w_ih.shape[0]
    zero = _wrap(np.zeros(rows, dtype=w_ih._data.dtype))
    return [w_ih, w_hh, zero if b_ih is None else b_ih, zero if b_hh is None else b_hh]


def _cell(mode, name, input, hx, w_ih, w_hh, b_ih, b_hh):
    hx = tuple(hx)
    if input.dim() < 2:
        raise IndexError("Dimension out of range (expected to be in range of [-1, 0], but got 1)")
    H = w_hh.shape[1]
    gates = {"LSTM": 4, "GRU": 3}.get(mode, 1)
    if input.shape[1] != w_ih.shape[1]:
        raise RuntimeError(f"input has inconsistent input_size: got {input.shape[1]} expected {w_ih.shape[1]}")
    for k, h in enumerate(hx):
        if h.shape[0] != input.shape[0]:
            raise RuntimeError(f"Input batch size {input.shape[0]} doesn't match hidden{k} batch size "
                               f"{h.shape[0]}")
        if h.dim() != 2 or h.shape[1] != H:
            raise RuntimeError(f"hidden{k} has inconsistent hidden_size: got {h.shape[-1]}, expected {H}")
    if input.dim() != 2:
        raise RuntimeError(f"{name}: expected 2-D input, got {input.dim()}-D")
    if w_ih.shape[0] != gates * H or w_hh.shape[0] != gates * H:
        raise RuntimeError(f"{name}: expected weights with {gates * H} rows, got "
                           f"{w_ih.shape[0]} and {w_hh.shape[0]}")
    weights = _cell_weights(w_ih, w_hh, b_ih, b_hh)
    B = input.shape[0]
    spec = _rnn.RNNSpec(mode, len(weights) == 4, False, False, (B,), (0,), (B, H), cell=True)
    res = _rnn.run_layer(spec, input, hx, weights)
    return (res[0], res[2]) if mode == "LSTM" else res[0]


def lstm_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None):
    """One LSTM step: ``hx`` is ``(h, c)``; returns ``(h', c')``.

    >>> h, c = ember.lstm_cell(ember.ones(1, 2), (ember.zeros(1, 3), ember.zeros(1, 3)),
    ...                        ember.zeros(12, 2), ember.zeros(12, 3))
    >>> h
    tensor([[0., 0., 0.]])
    """
    if len(hx) != 2:
        raise RuntimeError("lstm_cell expects two hidden states")
    return _cell("LSTM", "lstm_cell", input, hx, w_ih, w_hh, b_ih, b_hh)


def gru_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None):
    """One GRU step; returns ``h'``.

    >>> ember.gru_cell(ember.ones(1, 2), ember.ones(1, 3), ember.zeros(9, 2), ember.zeros(9, 3))
    tensor([[0.5000, 0.5000, 0.5000]])
    """
    return _cell("GRU", "gru_cell", input, (hx,), w_ih, w_hh, b_ih, b_hh)


def rnn_tanh_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None):
    """One Elman step ``tanh(x W_ih^T + b_ih + h W_hh^T + b_hh)``.

    >>> ember.rnn_tanh_cell(ember.ones(1, 1), ember.zeros(1, 1), ember.ones(1, 1), ember.ones(1, 1))
    tensor([[0.7616]])
    """
    return _cell("RNN_TANH", "rnn_tanh_cell", input, (hx,), w_ih, w_hh, b_ih, b_hh)


def rnn_relu_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None):
    """One Elman step with ReLU.

    >>> ember.rnn_relu_cell(ember.ones(1, 1), ember.zeros(1, 1), ember.ones(1, 1), ember.ones(1, 1))
    tensor([[1.]])
    """
    return _cell("RNN_RELU", "rnn_relu_cell", input, (hx,), w_ih, w_hh, b_ih, b_hh)


def _stack(mode, input, batch_sizes, hx, params, has_biases, num_layers, dropout, train, bidirectional,
           batch_first):
    from . import stack, cat
    from .nn import functional as F
    params = list(params)
    dirs = 2 if bidirectional else 1
    if len(params) % (num_layers * dirs):
        raise RuntimeError(f"{mode.lower()}: got {len(params)} weights for {num_layers} layer(s) and "
                           f"{dirs} direction(s)")
    per = len(params) // (num_layers * dirs)
    proj = per == (5 if has_biases else 3)
    if per not in ((4, 5) if has_biases else (2, 3)):
        raise RuntimeError(f"{mode.lower()}: expected {4 if has_biases else 2} weights per layer and "
                           f"direction, got {per}")
    x = input
    if batch_sizes is None:
        if x.dim() != 3:
            raise RuntimeError(f"input must have 3 dimensions, got {x.dim()}")
        if batch_first:
            x = x.transpose(0, 1)
    sizes = None if batch_sizes is None else [int(s) for s in batch_sizes.tolist()]
    out_size = params[-1].shape[0] if proj else params[1].shape[1]
    specs = _rnn.layer_specs(mode, has_biases, proj, tuple(x.shape), out_size, sizes)
    states = [h.unbind(0) for h in hx]
    finals = [[] for _ in hx]
    for layer in range(num_layers):
        outs = []
        for d in range(dirs):
            k = layer * dirs + d
            res = _rnn.run_layer(specs[d], x, [s[k] for s in states], params[k * per:(k + 1) * per])
            outs.append(res[0])
            for f, r in zip(finals, res[1:]):
                f.append(r)
        x = outs[0] if dirs == 1 else cat(outs, -1)
        if dropout and train and layer < num_layers - 1:
            x = F.dropout(x, dropout, True)
    if batch_sizes is None and batch_first:
        x = x.transpose(0, 1)
    return (x,) + tuple(stack(f, 0) for f in finals)


def _overload(args):
    """Split the two ATen overloads: ``(input, hx, params, ...)`` and packed
    ``(data, batch_sizes, hx, params, ...)``."""
    if len(args) > 3 and isinstance(args[3], (list, tuple)):
        data, batch_sizes, hx, params, has_biases, num_layers, dropout, train, bidirectional = args
        return data, batch_sizes, hx, params, has_biases, num_layers, dropout, train, bidirectional, False
    input, hx, params, has_biases, num_layers, dropout, train, bidirectional, batch_first = args
    return input, None, hx, params, has_biases, num_layers, dropout, train, bidirectional, batch_first


def lstm(*args):
    """A multi-layer LSTM: ``lstm(input, hx, params, has_biases, num_layers, dropout, train,
    bidirectional, batch_first)`` (or packed ``lstm(data, batch_sizes, hx, params, ...)``
    without ``batch_first``); ``hx`` is ``(h0, c0)``, ``params`` the flat weights per layer
    and direction. Returns ``(output, h_n, c_n)``.

    >>> out, h, c = ember.lstm(ember.ones(5, 1, 2), (ember.zeros(1, 1, 3), ember.zeros(1, 1, 3)),
    ...                        [ember.zeros(12, 2), ember.zeros(12, 3)], False, 1, 0.0, False, False, False)
    >>> out.shape, h.shape
    (torch.Size([5, 1, 3]), torch.Size([1, 1, 3]))
    """
    a = _overload(args)
    return _stack("LSTM", a[0], a[1], tuple(a[2]), *a[3:])


def gru(*args):
    """A multi-layer GRU: ``gru(input, hx, params, has_biases, num_layers, dropout, train,
    bidirectional, batch_first)``; returns ``(output, h_n)``.

    >>> out, h = ember.gru(ember.ones(5, 1, 2), ember.zeros(1, 1, 3),
    ...                    [ember.zeros(9, 2), ember.zeros(9, 3)], False, 1, 0.0, False, False, False)
    >>> out.shape
    torch.Size([5, 1, 3])
    """
    a = _overload(args)
    return _stack("GRU", a[0], a[1], (a[2],), *a[3:])


def rnn_tanh(*args):
    """A multi-layer tanh RNN, arguments as :func:`gru`; returns ``(output, h_n)``.

    >>> out, h = ember.rnn_tanh(ember.ones(5, 1, 2), ember.zeros(1, 1, 3),
    ...                         [ember.zeros(3, 2), ember.zeros(3, 3)], False, 1, 0.0, False, False, False)
    >>> h.shape
    torch.Size([1, 1, 3])
    """
    a = _overload(args)
    return _stack("RNN_TANH", a[0], a[1], (a[2],), *a[3:])


def rnn_relu(*args):
    """A multi-layer ReLU RNN, arguments as :func:`gru`; returns ``(output, h_n)``.

    >>> out, h = ember.rnn_relu(ember.ones(5, 1, 2), ember.zeros(1, 1, 3),
    ...                         [ember.zeros(3, 2), ember.zeros(3, 3)], False, 1, 0.0, False, False, False)
    >>> h.shape
    torch.Size([1, 1, 3])
    """
    a = _overload(args)
    return _stack("RNN_RELU", a[0], a[1], (a[2],), *a[3:])
