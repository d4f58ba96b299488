"""Recurrent layers: RNN, LSTM, GRU and their single-step cells.

Each layer and direction of a sequence is one graph node (``ember.ops.nn.rnn_ops``):
the input projection of all steps is one GEMM, the recurrence a loop over NumPy
arrays, its backward hand-written backpropagation through time.

>>> lstm = ember.nn.LSTM(10, 20, num_layers=2)
>>> out, (h, c) = lstm(ember.randn(5, 3, 10))
>>> out.shape, h.shape, c.shape
(torch.Size([5, 3, 20]), torch.Size([2, 3, 20]), torch.Size([2, 3, 20]))
"""
import math
import numbers
import warnings

from .module import Module
from ..parameter import Parameter
from .. import init
from ... import _creation
from ..._tensor import Tensor, _wrap
from ..._backend import np
from ...ops.nn import rnn_ops as _ops
from ...ops._util import _TORCH_NAMES

__all__ = ["RNNBase", "RNN", "LSTM", "GRU", "RNNCellBase", "RNNCell", "LSTMCell", "GRUCell"]

_GATES = {"LSTM": 4, "GRU": 3, "RNN_TANH": 1, "RNN_RELU": 1}
_packed_type = []


def _packed_sequence():
    """ember.nn.utils.rnn.PackedSequence (imported on first use), or None without it."""
    if not _packed_type:
        try:
            from ..utils.rnn import PackedSequence
        except ImportError:
            return None
        _packed_type.append(PackedSequence)
    return _packed_type[0]


class RNNBase(Module):
    """What RNN, LSTM and GRU share: the parameters ``weight_ih_l{k}``,
    ``weight_hh_l{k}``, ``bias_ih_l{k}``, ``bias_hh_l{k}`` (and ``weight_hr_l{k}`` with
    ``proj_size``), ``_reverse`` for the backward direction, all initialised from
    U(-1/sqrt(hidden_size), 1/sqrt(hidden_size)); input checks; ``extra_repr``.

    >>> ember.nn.GRU(4, 8, num_layers=2, bidirectional=True).weight_hh_l1_reverse.shape
    torch.Size([24, 8])
    """

    def __init__(self, mode, input_size, hidden_size, num_layers=1, bias=True, batch_first=False,
                 dropout=0.0, bidirectional=False, proj_size=0, device=None, dtype=None):
        super().__init__()
        self.mode = mode
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bias = bias
        self.batch_first = batch_first
        self.dropout = float(dropout)
        self.bidirectional = bidirectional
        self.proj_size = proj_size
        if not isinstance(dropout, numbers.Number) or isinstance(dropout, bool) or not 0 <= dropout <= 1:
            raise ValueError("dropout should be a number in range [0, 1] representing the probability "
                             "of an element being zeroed")
        if dropout > 0 and num_layers == 1:
            warnings.warn("dropout option adds dropout after all but last recurrent layer, so non-zero "
                          "dropout expects num_layers greater than 1, but got "
                          f"dropout={dropout} and num_layers={num_layers}", stacklevel=2)
        for name, value, kind in (("bias", bias, bool), ("batch_first", batch_first, bool),
                                  ("input_size", input_size, int)):
            if not isinstance(value, kind):
                raise TypeError(f"{name} should be of type {kind.__name__}, got: {type(value).__name__}")
        if input_size <= 0:
            raise ValueError("input_size must be greater than zero")
        if not isinstance(hidden_size, int):
            raise TypeError(f"hidden_size should be of type int, got: {type(hidden_size).__name__}")
        if hidden_size <= 0:
            raise ValueError("hidden_size must be greater than zero")
        if num_layers <= 0:
            raise ValueError("num_layers must be greater than zero")
        if proj_size < 0:
            raise ValueError("proj_size should be a positive integer or zero to disable projections")
        if proj_size >= hidden_size:
            raise ValueError("proj_size has to be smaller than hidden_size")
        if mode not in _GATES:
            raise ValueError("Unrecognized RNN mode: " + mode)
        gates = _GATES[mode] * hidden_size
        real_hidden = proj_size if proj_size > 0 else hidden_size
        directions = 2 if bidirectional else 1
        self._flat_weights_names = []
        self._all_weights = []
        kw = {"dtype": dtype, "device": device}
        for layer in range(num_layers):
            for direction in range(directions):
                layer_input = input_size if layer == 0 else real_hidden * directions
                shapes = [("weight_ih_l{}{}", (gates, layer_input)), ("weight_hh_l{}{}", (gates, real_hidden))]
                if bias:
                    shapes += [("bias_ih_l{}{}", (gates,)), ("bias_hh_l{}{}", (gates,))]
                if proj_size > 0:
                    shapes.append(("weight_hr_l{}{}", (proj_size, hidden_size)))
                suffix = "_reverse" if direction == 1 else ""
                names = []
                for fmt, shape in shapes:
                    name = fmt.format(layer, suffix)
                    setattr(self, name, Parameter(_creation.empty(shape, **kw)))
                    names.append(name)
                self._flat_weights_names.extend(names)
                self._all_weights.append(names)
        self._init_flat_weights()
        self.reset_parameters()

    def _init_flat_weights(self):
        self._flat_weights = [getattr(self, n) if hasattr(self, n) else None for n in self._flat_weights_names]
        self.flatten_parameters()

    def __setattr__(self, name, value):
        names = self.__dict__.get("_flat_weights_names")
        if names is not None and name in names and "_flat_weights" in self.__dict__:
            self._flat_weights[names.index(name)] = value
        super().__setattr__(name, value)

    def flatten_parameters(self):
        """Does nothing (PyTorch packs the weights for cuDNN here; ember has no cuDNN)."""

    def reset_parameters(self):
        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for weight in self.parameters():
            init.uniform_(weight, -stdv, stdv)

    @property
    def all_weights(self):
        """The parameters as one list per layer and direction."""
        return [[getattr(self, name) for name in names] for names in self._all_weights]

    # ------------------------------------------------------------------ checks (PyTorch's)
    def check_input(self, input, batch_sizes):
        wdt = self._flat_weights[0].dtype
        if input.dtype != wdt:
            raise ValueError(f"RNN input dtype ({input.dtype}) does not match weight dtype ({wdt}). Convert "
                             f"input: input.to({wdt}), or convert model: model.to({input.dtype})")
        expected = 2 if batch_sizes is not None else 3
        if input.dim() != expected:
            raise RuntimeError(f"input must have {expected} dimensions, got {input.dim()}")
        if self.input_size != input.size(-1):
            raise RuntimeError(f"input.size(-1) must be equal to input_size. Expected {self.input_size}, "
                               f"got {input.size(-1)}")

    def get_expected_hidden_size(self, input, batch_sizes):
        if batch_sizes is not None:
            mini_batch = int(batch_sizes[0])
        else:
            mini_batch = input.size(0) if self.batch_first else input.size(1)
        directions = 2 if self.bidirectional else 1
        size = self.proj_size if self.proj_size > 0 else self.hidden_size
        return (self.num_layers * directions, mini_batch, size)

    def check_hidden_size(self, hx, expected_hidden_size, msg="Expected hidden size {}, got {}"):
        if tuple(hx.size()) != tuple(expected_hidden_size):
            raise RuntimeError(msg.format(tuple(expected_hidden_size), list(hx.size())))

    def check_forward_args(self, input, hidden, batch_sizes):
        self.check_input(input, batch_sizes)
        self.check_hidden_size(hidden, self.get_expected_hidden_size(input, batch_sizes))

    def permute_hidden(self, hx, permutation):
        if permutation is None:
            return hx
        return hx.index_select(1, permutation)

    def extra_repr(self):
        s = "{input_size}, {hidden_size}"
        if self.proj_size != 0:
            s += ", proj_size={proj_size}"
        if self.num_layers != 1:
            s += ", num_layers={num_layers}"
        if self.bias is not True:
            s += ", bias={bias}"
        if self.batch_first is not False:
            s += ", batch_first={batch_first}"
        if self.dropout != 0:
            s += ", dropout={dropout}"
        if self.bidirectional is not False:
            s += ", bidirectional={bidirectional}"
        return s.format(**self.__dict__)

    # ------------------------------------------------------------------ the computation
    def _zeros(self, input, batch, size):
        directions = 2 if self.bidirectional else 1
        return _wrap(np.zeros((self.num_layers * directions, batch, size), dtype=input._data.dtype))

    def _run(self, x, states, batch_sizes):
        """All layers and directions over time-major ``x`` (or packed data): returns the
        output and the stacked final states (same order as ``states``)."""
        from ... import stack, cat
        from .. import functional as F
        if batch_sizes is None and x.shape[0] == 0:
            raise RuntimeError("Expected sequence length to be larger than 0 in RNN")
        wdt = self._flat_weights[0].dtype
        for st in states:
            if st.dtype != wdt:
                raise RuntimeError("mat1 and mat2 must have the same dtype, but got "
                                   f"{_type_word(st.dtype)} and {_type_word(wdt)}")
        directions = 2 if self.bidirectional else 1
        proj = self.proj_size > 0
        specs = _ops.layer_specs(self.mode, self.bias, proj, tuple(x.shape),
                                 self.proj_size if proj else self.hidden_size, batch_sizes)
        weights = [getattr(self, n) for n in self._flat_weights_names]
        per = len(weights) // (self.num_layers * directions)
        per_layer = [s.unbind(0) for s in states]
        finals = [[] for _ in states]
        layer_in = x
        for layer in range(self.num_layers):
            outs = []
            for d in range(directions):
                k = layer * directions + d
                res = _ops.run_layer(specs[d], layer_in, [s[k] for s in per_layer],
                                     weights[k * per:(k + 1) * per])
                outs.append(res[0])
                for f, r in zip(finals, res[1:]):
                    f.append(r)
            layer_in = outs[0] if directions == 1 else cat(outs, -1)
            if self.dropout and self.training and layer < self.num_layers - 1:
                layer_in = F.dropout(layer_in, self.dropout, True)
        return layer_in, [stack(f, 0) for f in finals]

    def _forward(self, input, hx):
        """The shared forward of RNN and GRU (LSTM has its own, for the pair of states)."""
        packed_type = _packed_sequence()
        if packed_type is not None and isinstance(input, packed_type):
            input, batch_sizes, sorted_indices, unsorted_indices = input
            if hx is None:
                hx = self._zeros(input, int(batch_sizes[0]), self.hidden_size)
            else:
                hx = self.permute_hidden(hx, sorted_indices)
            self.check_forward_args(input, hx, batch_sizes)
            out, (h,) = self._run(input, [hx], batch_sizes)
            return packed_type(out, batch_sizes, sorted_indices, unsorted_indices), \
                self.permute_hidden(h, unsorted_indices)
        if input.dim() not in (2, 3):
            tail = " tensor" if self.mode[:3] == "RNN" else ""
            raise ValueError(f"{self.mode[:3]}: Expected input to be 2D or 3D, got {input.dim()}D{tail} instead")
        batched = input.dim() == 3
        batch_dim = 0 if self.batch_first else 1
        if not batched:
            input = input.unsqueeze(batch_dim)
            if hx is not None:
                if hx.dim() != 2:
                    raise RuntimeError(f"For unbatched 2-D input, hx should also be 2-D but got {hx.dim()}-D tensor")
                hx = hx.unsqueeze(1)
        elif hx is not None and hx.dim() != 3:
            raise RuntimeError(f"For batched 3-D input, hx should also be 3-D but got {hx.dim()}-D tensor")
        if hx is None:
            hx = self._zeros(input, input.size(batch_dim), self.hidden_size)
        self.check_forward_args(input, hx, None)
        out, (h,) = self._run(input.transpose(0, 1) if self.batch_first else input, [hx], None)
        if self.batch_first:
            out = out.transpose(0, 1)
        if not batched:
            return out.squeeze(batch_dim), h.squeeze(1)
        return out, h


class RNN(RNNBase):
    """Elman RNN, ``h_t = tanh(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh)`` (or relu),
    stacked ``num_layers`` deep. Arguments as PyTorch: ``input_size, hidden_size,
    num_layers=1, nonlinearity='tanh', bias=True, batch_first=False, dropout=0.0,
    bidirectional=False``. Returns ``(output, h_n)``.

    >>> rnn = ember.nn.RNN(4, 6, 2, nonlinearity="relu")
    >>> out, h = rnn(ember.randn(7, 3, 4))
    >>> out.shape, h.shape
    (torch.Size([7, 3, 6]), torch.Size([2, 3, 6]))
    """

    def __init__(self, *args, **kwargs):
        if "proj_size" in kwargs:
            raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
        if len(args) > 3:
            self.__dict__["nonlinearity"] = args[3]
            args = args[:3] + args[4:]
        else:
            self.__dict__["nonlinearity"] = kwargs.pop("nonlinearity", "tanh")
        modes = {"tanh": "RNN_TANH", "relu": "RNN_RELU"}
        if self.nonlinearity not in modes:
            raise ValueError(f"Unknown nonlinearity '{self.nonlinearity}'. Select from 'tanh' or 'relu'.")
        super().__init__(modes[self.nonlinearity], *args, **kwargs)

    def forward(self, input, hx=None):
        return self._forward(input, hx)


class GRU(RNNBase):
    """Gated recurrent unit: gates ``r, z, n`` (rows of ``weight_ih_l{k}`` in that order),
    ``h_t = (1 - z) * n + z * h_{t-1}`` with ``n = tanh(W_in x + b_in + r * (W_hn h + b_hn))``.
    Returns ``(output, h_n)``.

    >>> gru = ember.nn.GRU(4, 6, batch_first=True)
    >>> out, h = gru(ember.randn(3, 7, 4))
    >>> out.shape, h.shape
    (torch.Size([3, 7, 6]), torch.Size([1, 3, 6]))
    """

    def __init__(self, *args, **kwargs):
        if "proj_size" in kwargs:
            raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
        super().__init__("GRU", *args, **kwargs)

    def forward(self, input, hx=None):
        return self._forward(input, hx)


class LSTM(RNNBase):
    """Long short-term memory: gates ``i, f, g, o``, ``c_t = f * c_{t-1} + i * g``,
    ``h_t = o * tanh(c_t)`` (times ``weight_hr_l{k}^T`` with ``proj_size > 0``).
    Returns ``(output, (h_n, c_n))``.

    >>> lstm = ember.nn.LSTM(4, 6, proj_size=3)
    >>> out, (h, c) = lstm(ember.randn(7, 4))
    >>> out.shape, h.shape, c.shape
    (torch.Size([7, 3]), torch.Size([1, 3]), torch.Size([1, 6]))
    """

    def __init__(self, *args, **kwargs):
        super().__init__("LSTM", *args, **kwargs)

    def get_expected_cell_size(self, input, batch_sizes):
        if batch_sizes is not None:
            mini_batch = int(batch_sizes[0])
        else:
            mini_batch = input.size(0) if self.batch_first else input.size(1)
        return (self.num_layers * (2 if self.bidirectional else 1), mini_batch, self.hidden_size)

    def check_forward_args(self, input, hidden, batch_sizes):
        self.check_input(input, batch_sizes)
        self.check_hidden_size(hidden[0], self.get_expected_hidden_size(input, batch_sizes),
                               "Expected hidden[0] size {}, got {}")
        self.check_hidden_size(hidden[1], self.get_expected_cell_size(input, batch_sizes),
                               "Expected hidden[1] size {}, got {}")

    def permute_hidden(self, hx, permutation):
        if permutation is None:
            return hx
        return hx[0].index_select(1, permutation), hx[1].index_select(1, permutation)

    def forward(self, input, hx=None):
        real_hidden = self.proj_size if self.proj_size > 0 else self.hidden_size
        packed_type = _packed_sequence()
        if packed_type is not None and isinstance(input, packed_type):
            input, batch_sizes, sorted_indices, unsorted_indices = input
            if hx is None:
                b = int(batch_sizes[0])
                hx = (self._zeros(input, b, real_hidden), self._zeros(input, b, self.hidden_size))
            else:
                hx = self.permute_hidden(hx, sorted_indices)
            self.check_forward_args(input, hx, batch_sizes)
            out, (h, c) = self._run(input, list(hx), batch_sizes)
            return (packed_type(out, batch_sizes, sorted_indices, unsorted_indices),
                    self.permute_hidden((h, c), unsorted_indices))
        if input.dim() not in (2, 3):
            raise ValueError(f"LSTM: Expected input to be 2D or 3D, got {input.dim()}D instead")
        batched = input.dim() == 3
        batch_dim = 0 if self.batch_first else 1
        if not batched:
            input = input.unsqueeze(batch_dim)
        if hx is None:
            b = input.size(batch_dim)
            hx = (self._zeros(input, b, real_hidden), self._zeros(input, b, self.hidden_size))
        else:
            dims = (hx[0].dim(), hx[1].dim())
            if batched and dims != (3, 3):
                raise RuntimeError("For batched 3-D input, hx and cx should also be 3-D but got "
                                   f"({dims[0]}-D, {dims[1]}-D) tensors")
            if not batched:
                if dims != (2, 2):
                    raise RuntimeError("For unbatched 2-D input, hx and cx should also be 2-D but got "
                                       f"({dims[0]}-D, {dims[1]}-D) tensors")
                hx = (hx[0].unsqueeze(1), hx[1].unsqueeze(1))
        self.check_forward_args(input, hx, None)
        out, (h, c) = self._run(input.transpose(0, 1) if self.batch_first else input, list(hx), None)
        if self.batch_first:
            out = out.transpose(0, 1)
        if not batched:
            return out.squeeze(batch_dim), (h.squeeze(1), c.squeeze(1))
        return out, (h, c)


# ---------------------------------------------------------------- cells
class RNNCellBase(Module):
    """What the cells share: ``weight_ih``, ``weight_hh``, ``bias_ih``, ``bias_hh``
    (``num_chunks * hidden_size`` rows), U(-1/sqrt(hidden), 1/sqrt(hidden)) init.

    >>> ember.nn.GRUCell(3, 5).weight_ih.shape
    torch.Size([15, 3])
    """

    def __init__(self, input_size, hidden_size, bias, num_chunks, device=None, dtype=None):
        super().__init__()
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.bias = bias
        kw = {"dtype": dtype, "device": device}
        self.weight_ih = Parameter(_creation.empty((num_chunks * hidden_size, input_size), **kw))
        self.weight_hh = Parameter(_creation.empty((num_chunks * hidden_size, hidden_size), **kw))
        if bias:
            self.bias_ih = Parameter(_creation.empty(num_chunks * hidden_size, **kw))
            self.bias_hh = Parameter(_creation.empty(num_chunks * hidden_size, **kw))
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self.reset_parameters()

    def extra_repr(self):
        s = "{input_size}, {hidden_size}"
        if "bias" in self.__dict__ and self.bias is not True:
            s += ", bias={bias}"
        if "nonlinearity" in self.__dict__ and self.nonlinearity != "tanh":
            s += ", nonlinearity={nonlinearity}"
        return s.format(**self.__dict__)

    def reset_parameters(self):
        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for weight in self.parameters():
            init.uniform_(weight, -stdv, stdv)

    def _step(self, mode, input, hx, name):
        """One step: checks as PyTorch, unbatched input, zero state, the layer op with T=1."""
        if input.dim() not in (1, 2):
            raise ValueError(f"{name}: Expected input to be 1D or 2D, got {input.dim()}D instead")
        if hx is not None:
            for k, h in enumerate(hx):
                if h.dim() not in (1, 2):
                    what = "hidden" if len(hx) == 1 else f"hx[{k}]"
                    raise ValueError(f"{name}: Expected {what} to be 1D or 2D, got {h.dim()}D instead")
        batched = input.dim() == 2
        if not batched:
            input = input.unsqueeze(0)
        if hx is None:
            z = _wrap(np.zeros((input.shape[0], self.hidden_size), dtype=input._data.dtype))
            hx = (z,) * (2 if mode == "LSTM" else 1)
        elif mode == "LSTM" and len(hx) != 2:
            raise RuntimeError("lstm_cell expects two hidden states")
        elif not batched:
            hx = tuple(h.unsqueeze(0) for h in hx)
        self._check(input, hx)
        weights = [self.weight_ih, self.weight_hh]
        if self.bias_ih is not None:
            weights += [self.bias_ih, self.bias_hh]
        B = input.shape[0]
        spec = _ops.RNNSpec(mode, self.bias_ih is not None, False, False, (B,), (0,), (B, self.hidden_size),
                            cell=True)
        res = _ops.run_layer(spec, input, hx, weights)
        out = (res[0], res[2]) if mode == "LSTM" else (res[0],)
        return out if batched else tuple(o.squeeze(0) for o in out)

    def _check(self, input, hx):
        if input.size(1) != self.input_size:
            raise RuntimeError(f"input has inconsistent input_size: got {input.size(1)} expected {self.input_size}")
        for k, h in enumerate(hx):
            if h.size(0) != input.size(0):
                raise RuntimeError(f"Input batch size {input.size(0)} doesn't match hidden{k} batch size "
                                   f"{h.size(0)}")
            if h.dim() < 2:
                raise IndexError("Dimension out of range (expected to be in range of [-1, 0], but got 1)")
            if h.size(1) != self.hidden_size:
                raise RuntimeError(f"hidden{k} has inconsistent hidden_size: got {h.size(1)}, expected "
                                   f"{self.hidden_size}")
        wdt = self.weight_ih.dtype
        for t in (input,) + tuple(hx):
            if t.dtype != wdt:
                raise RuntimeError("mat1 and mat2 must have the same dtype, but got "
                                   f"{_type_word(t.dtype)} and {_type_word(wdt)}")


def _type_word(dtype):
    return _TORCH_NAMES.get(dtype.name, str(dtype))


class RNNCell(RNNCellBase):
    """One Elman RNN step: ``h' = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh)`` (or relu).

    >>> cell = ember.nn.RNNCell(3, 5, nonlinearity="relu")
    >>> cell(ember.randn(2, 3)).shape, cell
    (torch.Size([2, 5]), RNNCell(3, 5, nonlinearity=relu))
    """

    def __init__(self, input_size, hidden_size, bias=True, nonlinearity="tanh", device=None, dtype=None):
        super().__init__(input_size, hidden_size, bias, num_chunks=1, device=device, dtype=dtype)
        self.nonlinearity = nonlinearity

    def forward(self, input, hx=None):
        if input.dim() not in (1, 2):
            raise ValueError(f"RNNCell: Expected input to be 1D or 2D, got {input.dim()}D instead")
        if hx is not None and hx.dim() not in (1, 2):
            raise ValueError(f"RNNCell: Expected hidden to be 1D or 2D, got {hx.dim()}D instead")
        modes = {"tanh": "RNN_TANH", "relu": "RNN_RELU"}
        if self.nonlinearity not in modes:
            raise RuntimeError(f"Unknown nonlinearity: {self.nonlinearity}")
        return self._step(modes.get(self.nonlinearity, "RNN_TANH"), input,
                          None if hx is None else (hx,), "RNNCell")[0]


class LSTMCell(RNNCellBase):
    """One LSTM step; ``hx`` is ``(h, c)`` and the result is ``(h', c')``.

    >>> h, c = ember.nn.LSTMCell(3, 5)(ember.randn(3))
    >>> h.shape, c.shape
    (torch.Size([5]), torch.Size([5]))
    """

    def __init__(self, input_size, hidden_size, bias=True, device=None, dtype=None):
        super().__init__(input_size, hidden_size, bias, num_chunks=4, device=device, dtype=dtype)

    def forward(self, input, hx=None):
        return self._step("LSTM", input, None if hx is None else tuple(hx), "LSTMCell")


class GRUCell(RNNCellBase):
    """One GRU step: ``h' = (1 - z) * n + z * h``.

    >>> ember.nn.GRUCell(3, 5, bias=False)(ember.randn(4, 3)).shape
    torch.Size([4, 5])
    """

    def __init__(self, input_size, hidden_size, bias=True, device=None, dtype=None):
        super().__init__(input_size, hidden_size, bias, num_chunks=3, device=device, dtype=dtype)

    def forward(self, input, hx=None):
        if hx is not None and hx.dim() not in (1, 2):
            raise ValueError(f"GRUCell: Expected hidden to be 1D or 2D, got {hx.dim()}D instead")
        return self._step("GRU", input, None if hx is None else (hx,), "GRUCell")[0]
