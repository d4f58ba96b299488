"""``torch.ao.nn.quantized.dynamic`` LSTM/GRU and the cells: int8 (or float16) weights,
float32 states, each matrix product through the dynamic quantized linear kernel as in
PyTorch (a layer's input-to-hidden product over the whole sequence at once, the
hidden-to-hidden product per step).

Checkpoints: PyTorch keeps these weights in TorchScript objects (``state_dict`` keys
``_all_weight_values.{i}.param``; cells: ``_packed_weight_ih``/``_hh``) and pickles
them as ``torch.ScriptObject`` plus their state, which is plain data (quantized weight
tensors, float biases, a few strings and ints; see ``rnn_checkpoint``). ember's
``state_dict`` holds the same values as data-only ``ScriptObject`` stand-ins, so
``ember.save`` writes the file ``torch.save`` writes: ``ember.load`` reads both (never
running code; TorchScript classes other than these packed weights raise
``UnsupportedCheckpointError``, a ``NotImplementedError``), and PyTorch reads both with
``torch.load(weights_only=False)``, which it requires for its own quantized-RNN files
(``weights_only=True`` refuses ``torch.ScriptObject``). State dicts of earlier ember
versions (tuples ``(w_ih, w_hh, b_ih, b_hh)``) still load in ember.

>>> lstm = ember.ao.nn.quantized.dynamic.LSTM(3, 4, num_layers=2)
>>> lstm
DynamicQuantizedLSTM(3, 4, num_layers=2)
>>> out, (h, c) = lstm(ember.randn(5, 2, 3)); out.shape
torch.Size([5, 2, 4])
"""
from ....._backend import np
from ..... import _quantized as Q
from ....._tensor import Tensor, _wrap
from .....nn.modules.module import Module
from .....nn.modules.container import ModuleList
from ..... import nn as _nn
from .linear_kernel import PackedLinear, linear_fp16, round_fp16
from .linear import quantize_float_weight, _weight_scales
from .rnn_checkpoint import cell_params, linear_packed, read_cell_params, read_linear_packed

__all__ = ["LSTM", "GRU", "LSTMCell", "GRUCell", "RNNCell", "PackedParameter"]


def _sigmoid(x):
    return (1.0 / (1.0 + np.exp(-x))).astype(np.float32)


class _QLinear:
    """One packed weight (+ bias) and the product through the dynamic kernel."""

    __slots__ = ("w", "b", "wt", "pk")

    def __init__(self, w, b):
        self.w = w
        self.b = None if b is None else np.ascontiguousarray(b._data, dtype=np.float32)
        if isinstance(w, Q.QTensor):
            self.pk, self.wt = PackedLinear(w._data, _weight_scales(w), self.b), None
        else:
            self.pk, self.wt = None, np.ascontiguousarray(w._data.T.astype(np.float32))

    def __call__(self, x):
        if self.pk is None:
            return linear_fp16(x, self.wt, self.b)
        if x.ndim == 2:
            return self.pk(np.ascontiguousarray(x))
        return self.pk(np.ascontiguousarray(x).reshape(-1, x.shape[-1])).reshape(
            x.shape[:-1] + (self.pk.n,))


def _pack(w, dtype, qconfig=None):
    dtype = Q.canonical(dtype)
    w = np.ascontiguousarray(w._data, dtype=np.float32)
    if dtype is Q.qint8:
        return quantize_float_weight(w, qconfig)
    return _wrap(round_fp16(w))


def _check_dtype(dtype):
    dtype = Q.canonical(dtype)
    if dtype is not Q.qint8 and getattr(dtype, "name", None) != "float16":
        raise RuntimeError(f"Unsupported dtype for dynamic RNN quantization: {dtype}")


class PackedParameter(Module):
    """Holds one layer-direction's ``(w_ih, w_hh, b_ih, b_hh)`` as ``param``.

    >>> ember.ao.nn.quantized.dynamic.PackedParameter((1, 2)).param
    (1, 2)
    """

    def __init__(self, param):
        super().__init__()
        self.param = param

    def _linears(self):
        """The (input, hidden) products of ``param``, packed once per value of ``param``."""
        c = self.__dict__.get("_packed")
        if c is None or c[0] is not self.param:
            w_ih, w_hh, b_ih, b_hh = self.param
            c = self.__dict__["_packed"] = (self.param, _QLinear(w_ih, b_ih), _QLinear(w_hh, b_hh))
        return c[1], c[2]

    def _save_to_state_dict(self, destination, prefix, keep_vars):
        super()._save_to_state_dict(destination, prefix, keep_vars)
        destination[prefix + "param"] = cell_params(*self.param)

    def _load_from_state_dict(self, state_dict, prefix, local_metadata, strict, missing_keys,
                              unexpected_keys, error_msgs):
        value = state_dict.get(prefix + "param")
        if value is None:
            missing_keys.append(prefix + "param")
            return
        try:
            self.param = read_cell_params(value)
        except ValueError as e:
            error_msgs.append(f"{prefix}param: {e}")


_GATES = {"LSTM": 4, "GRU": 3, "RNN_TANH": 1, "RNN_RELU": 1}


class _RNNBase(Module):
    _FLOAT_MODULE = None
    _version = 2

    def __init__(self, mode, input_size, hidden_size, num_layers=1, bias=True, batch_first=False,
                 dropout=0.0, bidirectional=False, dtype=None):
        super().__init__()
        dtype = Q.canonical(dtype, Q.qint8)
        _check_dtype(dtype)
        self.mode, self.input_size, self.hidden_size = mode, input_size, hidden_size
        self.num_layers, self.bias, self.batch_first = num_layers, bias, batch_first
        self.dropout, self.bidirectional, self.dtype = float(dropout), bidirectional, dtype
        self.version = 2
        fl = self._FLOAT_MODULE(input_size, hidden_size, num_layers, bias=bias,
                                batch_first=batch_first, bidirectional=bidirectional)
        self._set_from_float(fl)

    def _set_from_float(self, fl, qconfig=None):
        values = []
        for names in fl._all_weights:
            ws = [getattr(fl, n) for n in names]
            b_ih, b_hh = (ws[2].detach(), ws[3].detach()) if len(ws) >= 4 else (None, None)
            values.append(PackedParameter((_pack(ws[0], self.dtype, qconfig),
                                           _pack(ws[1], self.dtype, qconfig), b_ih, b_hh)))
        self._all_weight_values = ModuleList(values)

    def _get_name(self):
        return "DynamicQuantized" + type(self).__name__

    def __repr__(self):  # the packed weights stay out of the repr, as in PyTorch
        return f"{self._get_name()}({self.extra_repr()})"

    def extra_repr(self):
        s = f"{self.input_size}, {self.hidden_size}"
        if self.num_layers != 1:
            s += f", num_layers={self.num_layers}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        if self.batch_first is not False:
            s += f", batch_first={self.batch_first}"
        if self.dropout != 0:
            s += f", dropout={self.dropout}"
        if self.bidirectional is not False:
            s += f", bidirectional={self.bidirectional}"
        return s

    def _weight_bias(self):
        w, b = {}, {}
        dirs = 2 if self.bidirectional else 1
        for layer in range(self.num_layers):
            for d in range(dirs):
                sfx = f"_l{layer}" + ("_reverse" if d else "")
                w_ih, w_hh, b_ih, b_hh = self._all_weight_values[layer * dirs + d].param
                w["weight_ih" + sfx], w["weight_hh" + sfx] = w_ih, w_hh
                b["bias_ih" + sfx], b["bias_hh" + sfx] = b_ih, b_hh
        return {"weight": w, "bias": b}

    def get_weight(self):
        """``{'weight_ih_l0': ..., ...}``: the packed weights by their float names."""
        return self._weight_bias()["weight"]

    def get_bias(self):
        """``{'bias_ih_l0': ..., ...}``: the float biases by their float names."""
        return self._weight_bias()["bias"]

    @classmethod
    def from_float(cls, mod, use_precomputed_fake_quant=False):
        """The dynamic quantized twin of float ``mod`` (dtype from its ``qconfig``)."""
        if type(mod) is not cls._FLOAT_MODULE:
            raise AssertionError(f"nn.quantized.dynamic.{cls.__name__}.from_float only works "
                                 f"for nn.{cls.__name__}")
        qc = getattr(mod, "qconfig", None)
        dtype = Q.canonical(qc.weight().dtype) if qc is not None else Q.qint8
        if dtype is not Q.qint8 and getattr(dtype, "name", None) != "float16":
            raise RuntimeError(f"Unsupported dtype for dynamic RNN quantization: {dtype}")
        if not mod.bias:
            raise AssertionError("mod.bias must be True")
        if getattr(mod, "proj_size", 0):
            raise NotImplementedError("ember: dynamic quantized LSTM with proj_size")
        q = cls.__new__(cls)
        Module.__init__(q)
        q.mode, q.input_size, q.hidden_size = mod.mode, mod.input_size, mod.hidden_size
        q.num_layers, q.bias, q.batch_first = mod.num_layers, mod.bias, mod.batch_first
        q.dropout, q.bidirectional, q.dtype = float(mod.dropout), mod.bidirectional, dtype
        q.version = 2
        q._set_from_float(mod, qc)
        return q

    # ------------------------------------------------------------------ computation
    def _layer(self, xs, state, lin_ih, lin_hh, reverse):
        """Run one direction over time-major float32 ``xs`` (T, B, I); returns (T, B, H), state."""
        gi_all = lin_ih(xs)
        steps = range(xs.shape[0] - 1, -1, -1) if reverse else range(xs.shape[0])
        out = np.empty(xs.shape[:2] + (self.hidden_size,), dtype=np.float32)
        for t in steps:
            state = self._step(gi_all[t], state, lin_hh)
            out[t] = state[0]
        return out, state

    def _run(self, x, states):
        dirs = 2 if self.bidirectional else 1
        finals = [[] for _ in states]
        layer_in = x
        for layer in range(self.num_layers):
            outs = []
            for d in range(dirs):
                k = layer * dirs + d
                lin_ih, lin_hh = self._all_weight_values[k]._linears()
                st = tuple(s[k] for s in states)
                o, st = self._layer(layer_in, st, lin_ih, lin_hh, d == 1)
                outs.append(o)
                for f, s in zip(finals, st):
                    f.append(s)
            layer_in = outs[0] if dirs == 1 else np.concatenate(outs, -1)
        return layer_in, [np.stack(f, 0) for f in finals]

    def _prepare(self, input, hx, n_states):
        if not isinstance(input, Tensor):
            raise NotImplementedError("ember: dynamic quantized RNNs take a Tensor input "
                                      "(PackedSequence input is not built)")
        if input.dim() not in (2, 3):
            raise ValueError(f"{self.mode[:4].rstrip('_')}: Expected input to be 2D or 3D, "
                             f"got {input.dim()}D instead")
        x = input._data.astype(np.float32)
        batched = x.ndim == 3
        if not batched:
            x = x[:, None] if not self.batch_first else x[None]
        if self.batch_first:
            x = np.swapaxes(x, 0, 1)
        x = np.ascontiguousarray(x)
        if x.shape[-1] != self.input_size:
            raise RuntimeError(f"input.size(-1) must be equal to input_size. Expected "
                               f"{self.input_size}, got {x.shape[-1]}")
        dirs = 2 if self.bidirectional else 1
        shape = (self.num_layers * dirs, x.shape[1], self.hidden_size)
        if hx is None:
            states = [np.zeros(shape, dtype=np.float32) for _ in range(n_states)]
        else:
            hx = hx if isinstance(hx, tuple) else (hx,)
            states = [h._data.astype(np.float32) if batched else h._data[:, None].astype(np.float32)
                      for h in hx]
            for s in states:
                if s.shape != shape:
                    raise RuntimeError(f"Expected hidden size {shape}, got {tuple(s.shape)}")
        return x, states, batched

    def _finish(self, out, finals, batched):
        if self.batch_first:
            out = np.swapaxes(out, 0, 1)
        if not batched:
            out = out[:, 0] if not self.batch_first else out[0]
            finals = [f[:, 0] for f in finals]
        return _wrap(np.ascontiguousarray(out)), [_wrap(np.ascontiguousarray(f)) for f in finals]


def _lstm_step(gates, c):
    i, f, g, o = np.split(gates, 4, axis=-1)
    c = _sigmoid(f) * c + _sigmoid(i) * np.tanh(g)
    h = _sigmoid(o) * np.tanh(c)
    return h.astype(np.float32), c.astype(np.float32)


def _gru_step(gi, gh, h):
    ir, iz, in_ = np.split(gi, 3, axis=-1)
    hr, hz, hn = np.split(gh, 3, axis=-1)
    r = _sigmoid(ir + hr)
    z = _sigmoid(iz + hz)
    n = np.tanh(in_ + r * hn)
    return ((1 - z) * n + z * h).astype(np.float32)


class LSTM(_RNNBase):
    """Dynamically quantized LSTM; arguments as ``nn.LSTM`` plus ``dtype`` (qint8 or float16).

    >>> q = ember.ao.quantization.quantize_dynamic(ember.nn.Sequential(ember.nn.LSTM(3, 4)))
    >>> q[0]
    DynamicQuantizedLSTM(3, 4)
    """

    _FLOAT_MODULE = _nn.LSTM

    def __init__(self, *args, **kwargs):
        super().__init__("LSTM", *args, **kwargs)

    def _step(self, gi, state, lin_hh):
        h, c = state
        return _lstm_step(lin_hh(h) + gi, c)

    def forward(self, input, hx=None):
        x, states, batched = self._prepare(input, hx, 2)
        out, finals = self._run(x, states)
        out, (h, c) = self._finish(out, finals, batched)
        return out, (h, c)


class GRU(_RNNBase):
    """Dynamically quantized GRU; arguments as ``nn.GRU`` plus ``dtype``.

    >>> out, h = ember.ao.nn.quantized.dynamic.GRU(3, 4)(ember.randn(5, 3)); h.shape
    torch.Size([1, 4])
    """

    _FLOAT_MODULE = _nn.GRU

    def __init__(self, *args, **kwargs):
        super().__init__("GRU", *args, **kwargs)

    def _step(self, gi, state, lin_hh):
        return (_gru_step(gi, lin_hh(state[0]), state[0]),)

    def forward(self, input, hx=None):
        x, states, batched = self._prepare(input, hx, 1)
        out, finals = self._run(x, states)
        out, (h,) = self._finish(out, finals, batched)
        return out, h


class _CellBase(Module):
    _FLOAT_MODULE = None
    _CHUNKS = 1

    def __init__(self, input_size, hidden_size, bias=True, nonlinearity="tanh", dtype=None):
        super().__init__()
        fl = self._make_float(input_size, hidden_size, bias, nonlinearity)
        self._init_from(fl, Q.canonical(dtype, Q.qint8))

    def _make_float(self, input_size, hidden_size, bias, nonlinearity):
        return self._FLOAT_MODULE(input_size, hidden_size, bias)

    def _init_from(self, fl, dtype, qconfig=None):
        _check_dtype(dtype)
        self.input_size, self.hidden_size, self.bias = fl.input_size, fl.hidden_size, fl.bias
        self.weight_dtype = dtype
        if "nonlinearity" in fl.__dict__:
            self.nonlinearity = fl.nonlinearity
        b = (lambda t: None if t is None else t.detach())
        self._lin = (_QLinear(_pack(fl.weight_ih, dtype, qconfig), b(fl.bias_ih)),
                     _QLinear(_pack(fl.weight_hh, dtype, qconfig), b(fl.bias_hh)))
        self.bias_ih, self.bias_hh = b(fl.bias_ih), b(fl.bias_hh)

    def _get_name(self):
        return "DynamicQuantized" + type(self).__name__

    def __repr__(self):  # the packed weights stay out of the repr, as in PyTorch
        return f"{self._get_name()}({self.extra_repr()})"

    def extra_repr(self):
        s = f"{self.input_size}, {self.hidden_size}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        if getattr(self, "nonlinearity", "tanh") != "tanh":
            s += f", nonlinearity={self.nonlinearity}"
        return s

    def _weight_bias(self):
        return {"weight": {"weight_ih": self._lin[0].w, "weight_hh": self._lin[1].w},
                "bias": {"bias_ih": self.bias_ih, "bias_hh": self.bias_hh}}

    def get_weight(self):
        """``{'weight_ih': ..., 'weight_hh': ...}``."""
        return self._weight_bias()["weight"]

    def get_bias(self):
        """``{'bias_ih': ..., 'bias_hh': ...}``."""
        return self._weight_bias()["bias"]

    def _save_to_state_dict(self, destination, prefix, keep_vars):
        super()._save_to_state_dict(destination, prefix, keep_vars)
        destination[prefix + "_packed_weight_ih"] = linear_packed(self._lin[0].w, self.bias_ih)
        destination[prefix + "_packed_weight_hh"] = linear_packed(self._lin[1].w, self.bias_hh)

    def _load_from_state_dict(self, state_dict, prefix, local_metadata, strict, missing_keys,
                              unexpected_keys, error_msgs):
        got = []
        for name in ("_packed_weight_ih", "_packed_weight_hh"):
            value = state_dict.get(prefix + name)
            if value is None:
                missing_keys.append(prefix + name)
                return
            try:
                got.append(read_linear_packed(value, prefix + name))
            except ValueError as e:
                error_msgs.append(str(e))
                return
        self._lin = (_QLinear(*got[0]), _QLinear(*got[1]))
        # plain attributes (a loaded bias may be a Parameter, which would register itself)
        self.__dict__["bias_ih"], self.__dict__["bias_hh"] = got[0][1], got[1][1]

    @classmethod
    def from_float(cls, mod, use_precomputed_fake_quant=False):
        """The dynamic quantized twin of float cell ``mod``."""
        if type(mod) is not cls._FLOAT_MODULE:
            raise AssertionError(f"nn.quantized.dynamic.{cls.__name__}.from_float only works "
                                 f"for nn.{cls.__name__}")
        if not mod.bias:
            raise AssertionError("mod.bias must be True")
        qc = getattr(mod, "qconfig", None)
        q = cls.__new__(cls)
        Module.__init__(q)
        q._init_from(mod, Q.canonical(qc.weight().dtype) if qc is not None else Q.qint8, qc)
        return q

    def forward(self, input, hx=None):
        x = np.ascontiguousarray(input._data, dtype=np.float32)
        batched = x.ndim == 2
        if not batched:
            x = x[None]
        n = 2 if self._CHUNKS == 4 else 1
        if hx is None:
            hs = [np.zeros((x.shape[0], self.hidden_size), dtype=np.float32)] * n
        else:
            hx = hx if isinstance(hx, tuple) else (hx,)
            hs = [np.asarray(h._data, dtype=np.float32).reshape(x.shape[0], -1) for h in hx]
        res = self._cell(x, hs)
        res = [_wrap(r if batched else r[0]) for r in res]
        return tuple(res) if n == 2 else res[0]


class LSTMCell(_CellBase):
    """Dynamically quantized LSTM cell; returns ``(h, c)``.

    >>> h, c = ember.ao.nn.quantized.dynamic.LSTMCell(3, 4)(ember.randn(2, 3)); c.shape
    torch.Size([2, 4])
    """

    _FLOAT_MODULE = _nn.LSTMCell
    _CHUNKS = 4

    def _cell(self, x, hs):
        return _lstm_step(self._lin[0](x) + self._lin[1](hs[0]), hs[1])


class GRUCell(_CellBase):
    """Dynamically quantized GRU cell.

    >>> ember.ao.nn.quantized.dynamic.GRUCell(3, 4)(ember.randn(2, 3)).shape
    torch.Size([2, 4])
    """

    _FLOAT_MODULE = _nn.GRUCell
    _CHUNKS = 3

    def _cell(self, x, hs):
        return (_gru_step(self._lin[0](x), self._lin[1](hs[0]), hs[0]),)


class RNNCell(_CellBase):
    """Dynamically quantized Elman cell (``nonlinearity`` 'tanh' or 'relu').

    >>> ember.ao.nn.quantized.dynamic.RNNCell(3, 4, nonlinearity="relu")
    DynamicQuantizedRNNCell(3, 4, nonlinearity=relu)
    """

    _FLOAT_MODULE = _nn.RNNCell

    def _make_float(self, input_size, hidden_size, bias, nonlinearity):
        return _nn.RNNCell(input_size, hidden_size, bias, nonlinearity)

    def _cell(self, x, hs):
        pre = self._lin[0](x) + self._lin[1](hs[0])
        return ((np.tanh(pre) if self.nonlinearity == "tanh" else np.maximum(pre, 0)).astype(np.float32),)
