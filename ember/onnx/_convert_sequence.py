"""Converters for sequence layers: LSTM, GRU and RNN as ONNX's own recurrent nodes (one per
layer, both directions in one node), their single-step cells as MatMul and gate nodes,
MultiheadAttention decomposed into MatMul/Softmax, and TransformerEncoderLayer/Encoder built
from those.

Gate order differs between the two: PyTorch stacks an LSTM's gates as (input, forget, cell,
output) and ONNX as (input, output, forget, cell); a GRU's as (reset, update, new) against
ONNX's (update, reset, hidden). PyTorch's GRU applies the reset gate after the hidden
projection, ONNX's ``linear_before_reset=1``.

>>> from ember.onnx._registry import lookup_module
>>> lookup_module(ember.nn.LSTM(2, 3)).__name__
'rnn_module'
"""
import contextlib
import math

from .._backend import np
from ._builder import Value, example_array
from ._convert_nn import gelu, layer_norm
from ._registry import module, lookup_module

__all__ = ["mha", "sub_scope"]

_GATES = {"LSTM": (4, [0, 3, 1, 2]), "GRU": (3, [1, 0, 2]), "RNN_TANH": (1, [0]), "RNN_RELU": (1, [0])}


@contextlib.contextmanager
def sub_scope(b, name):
    """Name weights and nodes as the child layer ``name`` of the current one."""
    old = b.scope
    b.scope = f"{old}.{name}" if old else name
    try:
        yield
    finally:
        b.scope = old


def _stack_weights(m, layer, n_gates, order):
    """W, R, B of one layer as ONNX wants them: (dirs, gates*H, in), (dirs, gates*H, H), (dirs, 2*gates*H)."""
    H = m.hidden_size
    Ws, Rs, Bs = [], [], []
    for sfx in ([""] + (["_reverse"] if m.bidirectional else [])):
        def get(name):
            t = getattr(m, f"{name}_l{layer}{sfx}", None)
            return None if t is None else example_array(t)
        w, r = get("weight_ih"), get("weight_hh")
        re = (lambda a: a.reshape(n_gates, H, -1)[order].reshape(n_gates * H, -1))
        Ws.append(re(w))
        Rs.append(re(r))
        bi, bh = get("bias_ih"), get("bias_hh")
        if bi is None:
            bi = np.zeros(n_gates * H, w.dtype)
            bh = np.zeros(n_gates * H, w.dtype)
        Bs.append(np.concatenate([re(bi[:, None])[:, 0], re(bh[:, None])[:, 0]]))
    return np.stack(Ws), np.stack(Rs), np.stack(Bs)


@module("nn.LSTM", "nn.GRU", "nn.RNN")
def rnn_module(b, m, input, hx=None):
    kind = type(m).__name__
    mode = "RNN_RELU" if kind == "RNN" and m.nonlinearity == "relu" else ("RNN_TANH" if kind == "RNN" else kind)
    if not isinstance(input, Value):
        b.reject(f"{kind} on a PackedSequence")
    if getattr(m, "proj_size", 0):
        b.reject(f"{kind} with proj_size > 0")
    n_gates, order = _GATES[mode]
    D = 2 if m.bidirectional else 1
    H = m.hidden_size
    batched = input.rank == 3
    x = input
    if not batched:
        x = b.unsqueeze(x, [1])
    elif m.batch_first:
        x = b.op("Transpose", [x], perm=[1, 0, 2])
    h0 = c0 = None
    if hx is not None:
        h0, c0 = (hx if kind == "LSTM" else (hx, None))
        if not batched:
            h0 = b.unsqueeze(h0, [1])
            c0 = None if c0 is None else b.unsqueeze(c0, [1])
    hs, cs = [], []
    op_type = {"LSTM": "LSTM", "GRU": "GRU"}.get(kind, "RNN")
    for layer in range(m.num_layers):
        W, R, B = _stack_weights(m, layer, n_gates, order)
        with sub_scope(b, f"l{layer}"):
            Wv, Rv, Bv = b.const(W), b.const(R), b.const(B)
        sl = (lambda s: None if s is None else
              b.op("Slice", [s, b.ints([layer * D]), b.ints([(layer + 1) * D]), b.ints([0])]))
        ins = [x, Wv, Rv, Bv, None, sl(h0)] + ([sl(c0)] if kind == "LSTM" else [])
        attrs = {"hidden_size": H, "direction": "bidirectional" if D == 2 else "forward"}
        if kind == "GRU":
            attrs["linear_before_reset"] = 1
        if kind == "RNN":
            attrs["activations"] = ["Relu" if mode == "RNN_RELU" else "Tanh"] * D
        outs = b.op(op_type, ins, n_out=3 if kind == "LSTM" else 2, **attrs)
        y = outs[0]                                           # (seq, dirs, batch, H)
        y = b.op("Transpose", [y], perm=[0, 2, 1, 3])
        x = b.op("Reshape", [y, b.ints([0, 0, -1])])          # (seq, batch, dirs*H)
        hs.append(outs[1])
        if kind == "LSTM":
            cs.append(outs[2])
    h = hs[0] if len(hs) == 1 else b.op("Concat", hs, axis=0)
    c = None if kind != "LSTM" else (cs[0] if len(cs) == 1 else b.op("Concat", cs, axis=0))
    out = x
    if not batched:
        out, h = b.squeeze(out, [1]), b.squeeze(h, [1])
        c = None if c is None else b.squeeze(c, [1])
    elif m.batch_first:
        out = b.op("Transpose", [out], perm=[1, 0, 2])
    return (out, (h, c)) if kind == "LSTM" else (out, h)


def _proj(b, x, w, bias):
    """``x @ w.T + bias`` with constant weights transposed once."""
    y = b.op("MatMul", [x, Value(np.ascontiguousarray(w.T), const=True)])
    return y if bias is None else b.op("Add", [y, Value(bias, const=True)])


def _mask_to_additive(b, mask, like, masked_is_true):
    if mask.np_dtype.kind == "b":
        zero, ninf = b.scalar_like(0.0, like), b.scalar_like(-np.inf, like)
        return b.op("Where", [mask, ninf, zero] if masked_is_true else [mask, zero, ninf])
    return b.cast(mask, like.np_dtype)


def mha(b, m, query, key, value, key_padding_mask=None, need_weights=True, attn_mask=None,
        average_attn_weights=True, is_causal=False, batched=None):
    """MultiheadAttention as MatMul/Softmax nodes; returns (output, weights or None)."""
    if m.bias_k is not None or m.add_zero_attn:
        b.reject("MultiheadAttention with add_bias_kv or add_zero_attn")
    E, H = m.embed_dim, m.num_heads
    hd = E // H
    batched = query.rank == 3 if batched is None else batched
    like = query
    tr = (lambda v: v if v is None else b.op("Transpose", [v], perm=[1, 0, 2]))
    if not batched:
        query, key, value = (b.unsqueeze(v, [0]) for v in (query, key, value))
        if key_padding_mask is not None:
            key_padding_mask = b.unsqueeze(key_padding_mask, [0])
    elif not m.batch_first:
        query, key, value = tr(query), tr(key), tr(value)
    if m._qkv_same_embed_dim:
        w = example_array(m.in_proj_weight)
        ws = (w[:E], w[E:2 * E], w[2 * E:])
    else:
        ws = tuple(example_array(t) for t in (m.q_proj_weight, m.k_proj_weight, m.v_proj_weight))
    bias = None if m.in_proj_bias is None else example_array(m.in_proj_bias)
    bs = (None,) * 3 if bias is None else (bias[:E], bias[E:2 * E], bias[2 * E:])
    q, k, v = (_proj(b, x, ws[i], bs[i]) for i, x in enumerate((query, key, value)))
    heads = b.ints([0, 0, H, hd])
    q = b.op("Transpose", [b.op("Reshape", [q, heads])], perm=[0, 2, 1, 3])   # (N, H, L, hd)
    k = b.op("Transpose", [b.op("Reshape", [k, heads])], perm=[0, 2, 3, 1])   # (N, H, hd, S)
    v = b.op("Transpose", [b.op("Reshape", [v, heads])], perm=[0, 2, 1, 3])   # (N, H, S, hd)
    q = b.op("Mul", [q, b.scalar_like(1.0 / math.sqrt(hd), like)])
    scores = b.op("MatMul", [q, k])                                            # (N, H, L, S)
    if attn_mask is not None:
        am = _mask_to_additive(b, attn_mask, like, True)
        if attn_mask.rank == 3:
            L, S = attn_mask.shape[1:]
            am = b.op("Reshape", [am, b.ints([-1, H, L, S])])
        scores = b.op("Add", [scores, am])
    if key_padding_mask is not None:
        kp = _mask_to_additive(b, key_padding_mask, like, True)
        scores = b.op("Add", [scores, b.unsqueeze(kp, [1, 2])])
    attn = b.op("Softmax", [scores], axis=-1)
    out = b.op("MatMul", [attn, v])                                            # (N, H, L, hd)
    out = b.op("Reshape", [b.op("Transpose", [out], perm=[0, 2, 1, 3]), b.ints([0, 0, E])])
    op = m.out_proj
    out = _proj(b, out, example_array(op.weight), None if op.bias is None else example_array(op.bias))
    weights = None
    if need_weights:
        weights = b.reduce("ReduceMean", attn, [1], False) if average_attn_weights else attn
    if not batched:
        out = b.squeeze(out, [0])
        weights = None if weights is None else b.squeeze(weights, [0])
    elif not m.batch_first:
        out = tr(out)
    return out, weights


@module("nn.MultiheadAttention")
def mha_module(b, m, query, key, value, key_padding_mask=None, need_weights=True, attn_mask=None,
               average_attn_weights=True, is_causal=False):
    return mha(b, m, query, key, value, key_padding_mask, need_weights, attn_mask, average_attn_weights,
               is_causal)


def _call_child(b, parent, name, *args):
    child = getattr(parent, name)
    conv = lookup_module(child)
    if conv is None:
        b.reject(f"{type(child).__name__} inside {type(parent).__name__}")
    with sub_scope(b, name):
        return conv(b, child, *args)


def _activation(b, layer, x):
    act = layer.activation
    code = getattr(layer, "activation_relu_or_gelu", 0)
    if code == 1:
        return b.op("Relu", [x])
    if code == 2:
        return gelu(b, x, getattr(act, "approximate", "none"))
    conv = lookup_module(act) if hasattr(act, "forward") else None
    if conv is None:
        b.reject(f"TransformerEncoderLayer with activation {act!r}")
    return conv(b, act, x)


@module("nn.TransformerEncoderLayer")
def encoder_layer_module(b, m, src, src_mask=None, src_key_padding_mask=None, is_causal=False, _batched=None):
    batched = src.rank == 3 if _batched is None else _batched

    def sa(x):
        with sub_scope(b, "self_attn"):
            return mha(b, m.self_attn, x, x, x, src_key_padding_mask, False, src_mask, batched=batched)[0]

    def ff(x):
        h = _activation(b, m, _call_child(b, m, "linear1", x))
        return _call_child(b, m, "linear2", h)

    def norm(name, x):
        n = getattr(m, name)
        with sub_scope(b, name):
            return layer_norm(b, x, n.normalized_shape, None if n.weight is None else b.param(n.weight, "weight"),
                              None if n.bias is None else b.param(n.bias, "bias"), n.eps)
    x = src
    if m.norm_first:
        x = b.op("Add", [x, sa(norm("norm1", x))])
        return b.op("Add", [x, ff(norm("norm2", x))])
    x = norm("norm1", b.op("Add", [x, sa(x)]))
    return norm("norm2", b.op("Add", [x, ff(x)]))



@module("nn.TransformerEncoder")
def encoder_module(b, m, src, mask=None, src_key_padding_mask=None, is_causal=None):
    padded = None
    if src_key_padding_mask is not None and mask is None and \
            m._nested_path(src.example, src_key_padding_mask.example):
        # PyTorch's nested-tensor path keeps each sequence's first (number of unmasked) tokens and
        # zeroes the rest of the output: the same as masking every position past that length
        kpm = src_key_padding_mask
        keep = b.cast(b.op("Not", [b.cast(kpm, np.bool_)]), np.int64)
        lengths = b.reduce("ReduceSum", keep, [kpm.rank - 1], True)
        positions = b.const(np.arange(kpm.shape[-1], dtype=np.int64))
        src_key_padding_mask = padded = b.op("GreaterOrEqual", [positions, lengths])
    out, batched = src, src.rank == 3
    for i, layer in enumerate(m.layers):
        with sub_scope(b, f"layers.{i}"):
            out = encoder_layer_module(b, layer, out, mask, src_key_padding_mask, _batched=batched)
    if padded is not None:
        out = b.op("Where", [b.unsqueeze(padded, [2]), b.scalar_like(0.0, src), out])
    if m.norm is not None:
        n = m.norm
        with sub_scope(b, "norm"):
            out = layer_norm(b, out, n.normalized_shape, None if n.weight is None else b.param(n.weight, "weight"),
                             None if n.bias is None else b.param(n.bias, "bias"), n.eps)
    return out


def _cell_linear(b, x, w, bias):
    y = b.op("MatMul", [x, Value(np.ascontiguousarray(example_array(w).T), const=True)])
    return y if bias is None else b.op("Add", [y, Value(example_array(bias), const=True)])


@module("nn.LSTMCell", "nn.GRUCell", "nn.RNNCell")
def rnn_cell_module(b, m, input, hx=None):
    """One step of a recurrent cell as MatMul and elementwise nodes (a loop over time unrolls)."""
    kind = type(m).__name__
    batched = input.rank == 2
    x = input if batched else b.unsqueeze(input, [0])
    h = c = None
    if hx is not None:
        h, c = hx if kind == "LSTMCell" else (hx, None)
        if not batched:
            h = b.unsqueeze(h, [0])
            c = None if c is None else b.unsqueeze(c, [0])
    H = m.hidden_size
    gi = _cell_linear(b, x, m.weight_ih, m.bias_ih)
    gh = None if h is None else _cell_linear(b, h, m.weight_hh, m.bias_hh)
    if gh is None and m.bias_hh is not None:
        gh = Value(example_array(m.bias_hh), const=True)
    sig, tanh = (lambda v: b.op("Sigmoid", [v])), (lambda v: b.op("Tanh", [v]))
    if kind == "LSTMCell":
        g = gi if gh is None else b.op("Add", [gi, gh])
        i, f, gg, o = b.split(g, [H] * 4, 1)
        c_new = b.op("Mul", [sig(i), tanh(gg)])
        if c is not None:
            c_new = b.op("Add", [b.op("Mul", [sig(f), c]), c_new])
        h_new = b.op("Mul", [sig(o), tanh(c_new)])
        out = (h_new, c_new)
    elif kind == "GRUCell":
        ir, iz, in_ = b.split(gi, [H] * 3, 1)
        if h is None:   # no state: only the hidden bias (if any) is left of W_h h + b_h
            bh = None if m.bias_hh is None else example_array(m.bias_hh)
            hr, hz, hn = (None,) * 3 if bh is None else \
                (Value(bh[k * H:(k + 1) * H], const=True) for k in range(3))
        else:
            hr, hz, hn = b.split(gh, [H] * 3, 1)
        r = sig(ir if hr is None else b.op("Add", [ir, hr]))
        z = sig(iz if hz is None else b.op("Add", [iz, hz]))
        n = tanh(in_ if hn is None else b.op("Add", [in_, b.op("Mul", [r, hn])]))
        one = b.scalar_like(1.0, input)
        h_new = b.op("Mul", [b.op("Sub", [one, z]), n])
        if h is not None:
            h_new = b.op("Add", [h_new, b.op("Mul", [z, h])])
        out = (h_new,)
    else:
        g = gi if gh is None else b.op("Add", [gi, gh])
        out = (b.op("Relu" if m.nonlinearity == "relu" else "Tanh", [g]),)
    if not batched:
        out = tuple(b.squeeze(v, [0]) for v in out)
    return out if kind == "LSTMCell" else out[0]
