"""Recurrent layers (Elman RNN, LSTM, GRU): one graph node per layer and direction.

``recurrent_layer`` runs a whole sequence through one layer in one direction. Its
forward is one GEMM for the input projection of every time step, then a loop over
the steps on NumPy arrays (one small GEMM and a few elementwise calls per step,
gate nonlinearities on slices of one ``(batch, gates)`` array); its backward is
backpropagation through time written by hand in NumPy, with the weight gradients
as one GEMM each over all steps. Sequences are held in the packed layout: rows
``offs[t]:offs[t] + sizes[t]`` of a ``(N, features)`` array are step ``t``, and only
the first ``sizes[t]`` sequences take part in step ``t`` (a padded batch is the case
where every size is the batch size).

Gate order as PyTorch: ``i, f, g, o`` (LSTM) and ``r, z, n`` (GRU, where the new gate
is ``tanh(x W_in^T + b_in + r * (h W_hn^T + b_hn))``).

Under ``create_graph=True`` the backward is rebuilt from a small differentiable
step-by-step implementation (:func:`reference`), so higher derivatives work.

>>> from ember.ops.nn.rnn_ops import recurrent_layer
>>> x, h0, c0 = ember.randn(5, 2, 3), ember.zeros(2, 4), ember.zeros(2, 4)
>>> w_ih, w_hh = ember.randn(16, 3), ember.randn(16, 4)
>>> out, hn, cn = recurrent_layer("LSTM", x, (h0, c0), (w_ih, w_hh))
>>> out.shape, hn.shape
(torch.Size([5, 2, 4]), torch.Size([2, 4]))
"""
__all__ = []  # reached through ember.nn
from ... import _autocast_state as _ac
from ..._autocast_state import on as _ac_on
from .._util import Op, apply_op, _wrap, _state
from ...autograd.function import Node
from ..._parallel_gemm import gemm
from .rnn_kernels import (RNNSpec, _gru_backward, _gru_forward, _lstm_backward, _lstm_forward,
                          _lstm_perm, _rnn_backward, _rnn_forward, _split, _unperm)


# ---------------------------------------------------------------- the op
class RecurrentLayer(Op):
    """One layer, one direction, the whole sequence: outputs ``(out, h_n)`` or, for an
    LSTM, ``(out, h_n, c_n)``."""

    @staticmethod
    def forward(ctx, *args):
        spec = args[-1]
        x, h0, c0, w_ih, w_hh, b_ih, b_hh, w_hr = _split(spec, args[:-1])
        keep = isinstance(ctx, Node)
        x2 = x.reshape(-1, x.shape[-1])
        mode = spec.mode
        if mode == "LSTM":
            out, h, c, cache = _lstm_forward(spec, x2, h0, c0, w_ih, w_hh, b_ih, b_hh, w_hr, keep)
            res = (out.reshape(spec.out_shape), h, c)
        elif mode == "GRU":
            out, h, cache = _gru_forward(spec, x2, h0, w_ih, w_hh, b_ih, b_hh, keep)
            res = (out.reshape(spec.out_shape), h)
        else:
            out, h, cache = _rnn_forward(spec, x2, h0, w_ih, w_hh, b_ih, b_hh, keep)
            res = (out.reshape(spec.out_shape), h)
        if keep:
            ctx.spec, ctx.cache = spec, cache
            if spec.cell and mode[:3] == "RNN":
                ctx.save_for_backward(*args[:-1], res[0])
            else:
                ctx.save_for_backward(*args[:-1])
        return res

    @staticmethod
    def backward(ctx, *grads):
        saved = ctx.saved_tensors                     # (also checks in-place modification)
        spec = ctx.spec
        inputs = saved[:len(ctx.needs_input_grad)]
        if _state[0]:                                 # create_graph: differentiable rebuild
            return _differentiable_backward(ctx, inputs, grads)
        x, h0, c0, w_ih, w_hh, b_ih, b_hh, w_hr = _split(spec, [s._data for s in inputs])
        need = ctx.needs_input_grad
        dt = x.dtype
        dout = grads[0]._data.reshape(-1, h0.shape[1])
        dh = grads[1]._data.astype(dt, copy=True)
        mode = spec.mode
        dw_hr = dc = None
        if mode == "LSTM":
            dc = grads[2]._data.astype(dt, copy=True)
            dGx, hprev, dh, dc, dw_hr = _lstm_backward(spec, w_hh, w_hr, ctx.cache, dout, dh, dc)
            dGh = dGx
        elif mode == "GRU":
            dGx, dGh, hprev, dh = _gru_backward(spec, w_hh, ctx.cache, dout, dh)
        else:
            dGx, hprev, dh = _rnn_backward(spec, ctx.cache, w_hh, dout, dh)
            dGh = dGx
        x2 = x.reshape(-1, x.shape[-1])
        perm = _lstm_perm(c0.shape[1]) if mode == "LSTM" else None
        res = [_wrap(gemm(dGx, w_ih if perm is None else w_ih[perm]).reshape(x.shape)) if need[0] else None,
               _wrap(dh) if need[1] else None]
        k = 2
        if mode == "LSTM":
            res.append(_wrap(dc) if need[2] else None)
            k = 3
        grads_w = [gemm(dGx.T, x2) if need[k] else None, gemm(dGh.T, hprev) if need[k + 1] else None]
        if spec.bias:
            db = dGx.sum(0) if need[k + 2] or need[k + 3] else None
            grads_w += [db if need[k + 2] else None,
                        (db.copy() if dGh is dGx else dGh.sum(0)) if need[k + 3] else None]
        for gw in grads_w:
            res.append(None if gw is None else _wrap(gw if perm is None else _unperm(gw, perm)))
        if spec.proj:
            res.append(_wrap(dw_hr) if need[-1] else None)
        return tuple(res)

    def _release(self):
        # the forward's work arrays go with the saved tensors (a graph kept alive after
        # backward, e.g. by a summed loss, must not keep every step's gates)
        Node._release(self)
        self.cache = None


class LSTMLayer(RecurrentLayer):
    pass


class GRULayer(RecurrentLayer):
    pass


class RNNLayer(RecurrentLayer):
    pass


_OPS = {"LSTM": LSTMLayer, "GRU": GRULayer, "RNN_TANH": RNNLayer, "RNN_RELU": RNNLayer}


class _Alias(Op):
    """A fresh graph node standing for a tensor (gradients pass straight through)."""

    _name = "AliasBackward0"

    @staticmethod
    def forward(ctx, a):
        return a.view()

    @staticmethod
    def backward(ctx, g):
        return g


def _differentiable_backward(ctx, inputs, grads):
    """The vector-Jacobian product as a graph of ember ops (for ``create_graph=True``):
    rerun :func:`reference` on stand-ins for the inputs and differentiate it."""
    from ...autograd import grad as _grad
    spec = ctx.spec
    need = ctx.needs_input_grad
    stand = [apply_op(_Alias, (t,)) if n else t.detach() for t, n in zip(inputs, need)]
    outs = reference(spec, *_split(spec, stand))
    targets = [s for s, n in zip(stand, need) if n]
    got = iter(_grad(outs, targets, grads, create_graph=True, allow_unused=True))
    return tuple(next(got) if n else None for n in need)


def reference(spec, x, h0, c0, w_ih, w_hh, b_ih=None, b_hh=None, w_hr=None):
    """The same layer as a step-by-step graph of ordinary ember ops (slow; used for
    double backward and as a test oracle). Returns ``(out, h_n[, c_n])``.

    >>> from ember.ops.nn.rnn_ops import RNNSpec, reference
    >>> spec = RNNSpec("RNN_TANH", False, False, False, (1, 1), (0, 1), (2, 1, 1))
    >>> reference(spec, ember.ones(2, 1, 1), ember.zeros(1, 1), None, ember.ones(1, 1),
    ...           ember.ones(1, 1))[0].shape
    torch.Size([2, 1, 1])
    """
    from ..shape.joining import cat
    mode = spec.mode
    x2 = x.reshape(-1, x.shape[-1])
    xw = x2.matmul(w_ih.t())
    if b_ih is not None:
        xw = xw + b_ih
    h, c = h0, c0
    outs = [None] * len(spec.sizes)
    for t in spec.order():
        o0, b = spec.offs[t], spec.sizes[t]
        hp = h[:b]
        gx = xw[o0:o0 + b]
        gh = hp.matmul(w_hh.t())
        if b_hh is not None:
            gh = gh + b_hh
        if mode == "LSTM":
            i, f, g, o = (gx + gh).chunk(4, 1)
            cn = f.sigmoid() * c[:b] + i.sigmoid() * g.tanh()
            hn = o.sigmoid() * cn.tanh()
            if w_hr is not None:
                hn = hn.matmul(w_hr.t())
            c = cn if b == c.shape[0] else cat([cn, c[b:]])
        elif mode == "GRU":
            rx, zx, nx = gx.chunk(3, 1)
            rh, zh, nh = gh.chunk(3, 1)
            r, z = (rx + rh).sigmoid(), (zx + zh).sigmoid()
            n = (nx + r * nh).tanh()
            hn = n + z * (hp - n)
        else:
            hn = (gx + gh).relu() if mode == "RNN_RELU" else (gx + gh).tanh()
        outs[t] = hn
        h = hn if b == h.shape[0] else cat([hn, h[b:]])
    out = cat(outs).reshape(spec.out_shape)
    return (out, h, c) if mode == "LSTM" else (out, h)


def layer_specs(mode, bias, proj, x_shape, hidden, batch_sizes=None):
    """The forward and the reverse :class:`RNNSpec` of a sequence: ``x_shape`` is
    ``(T, B, I)``, or ``(N, I)`` packed data with ``batch_sizes`` (ints, one per step).

    >>> from ember.ops.nn.rnn_ops import layer_specs
    >>> fwd, rev = layer_specs("GRU", True, False, (4, 2, 3), 5)
    >>> fwd.sizes, fwd.out_shape, rev.reverse
    ((2, 2, 2, 2), (4, 2, 5), True)
    """
    if batch_sizes is None:
        T, B = x_shape[0], x_shape[1]
        sizes, offs, out_shape = (B,) * T, (range(0, T * B, B) if B else (0,) * T), (T, B, hidden)
    else:
        sizes = tuple(int(s) for s in batch_sizes)
        offs, o = [], 0
        for s in sizes:
            offs.append(o)
            o += s
        out_shape = (o, hidden)
    return (RNNSpec(mode, bias, proj, False, sizes, offs, out_shape),
            RNNSpec(mode, bias, proj, True, sizes, offs, out_shape))


# the modes PyTorch's CPU autocast runs in bfloat16: LSTM/RNN layers and RNNCell (not GRU, LSTMCell, GRUCell)
_AUTOCAST_LOWER = {False: ("LSTM", "RNN_TANH", "RNN_RELU"), True: ("RNN_TANH", "RNN_RELU")}


def run_layer(spec, x, hx, weights):
    """Apply the layer op of ``spec.mode`` to ``x``, the states ``hx`` and ``weights``."""
    if _ac_on[0] and _ac.is_enabled("cpu") and spec.mode in _AUTOCAST_LOWER[spec.cell]:
        x, *rest = _ac.lower(x, *hx, *weights)
        hx, weights = rest[:len(hx)], rest[len(hx):]
        dt = x.dtype  # the kernels' NumPy products of bfloat16 come back float32: round the results
        res = apply_op(_OPS[spec.mode], (x,) + tuple(hx) + tuple(weights), spec)
        return tuple(r if r.dtype == dt else r.to(dt) for r in res)
    return apply_op(_OPS[spec.mode], (x,) + tuple(hx) + tuple(weights), spec)


def recurrent_layer(mode, x, hx, weights, reverse=False, batch_sizes=None):
    """Run one recurrent layer over a sequence in one graph node.

    ``mode`` is ``"LSTM"``, ``"GRU"``, ``"RNN_TANH"`` or ``"RNN_RELU"``; ``x`` is
    ``(T, B, I)``, or packed ``(N, I)`` data with ``batch_sizes`` (ints, one per step);
    ``hx`` is ``(h0,)`` or ``(h0, c0)`` of shape ``(B, H)``; ``weights`` is
    ``(w_ih, w_hh[, b_ih, b_hh][, w_hr])`` (a 3- or 5-tuple has a projection).
    Returns ``(out, h_n)`` or ``(out, h_n, c_n)``.

    >>> from ember.ops.nn.rnn_ops import recurrent_layer
    >>> out, hn = recurrent_layer("GRU", ember.ones(3, 1, 2), (ember.zeros(1, 2),),
    ...                           (ember.ones(6, 2), ember.ones(6, 2)))
    >>> out.shape
    torch.Size([3, 1, 2])
    """
    n = len(weights)
    specs = layer_specs(mode, n >= 4, n in (3, 5), tuple(x.shape), hx[0].shape[-1], batch_sizes)
    return run_layer(specs[1 if reverse else 0], x, hx, weights)
