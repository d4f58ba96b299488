"""The NumPy kernels of the recurrent layers (Elman RNN, LSTM, GRU) over one layer and one
direction: the layer's shape spec, the forward pass over the packed sequence (one GEMM for
the input projection of every step, then a loop of small GEMMs and gate nonlinearities on
slices of one ``(batch, gates)`` array) and backpropagation through time by hand. The graph
node that runs them is ``RecurrentLayer`` in ops/nn/rnn_ops.py.

>>> from ember.ops.nn.rnn_kernels import _sigmoid_
>>> a = np.zeros(2, np.float32); _sigmoid_(a); a
array([0.5, 0.5], dtype=float32)
"""
from .._util import np
from ..._parallel_gemm import gemm
from ..._scalar_rows import maximum as _maximum


class RNNSpec:
    """What a layer op needs besides its tensors: the mode, which optional weights are
    there, the direction and the step layout (``sizes``/``offs``) of the rows of ``x``."""

    __slots__ = ("mode", "bias", "proj", "reverse", "sizes", "offs", "out_shape", "cell")

    def __init__(self, mode, bias, proj, reverse, sizes, offs, out_shape, cell=False):
        self.mode, self.bias, self.proj, self.reverse = mode, bias, proj, reverse
        self.sizes, self.offs, self.out_shape = sizes, offs, out_shape
        # a single-step cell: as in PyTorch's RNNCell (whose output is the tanh/relu result
        # that it saves), changing its output in place is then an error at backward
        self.cell = cell

    def order(self):
        """The time steps in the order they are computed."""
        n = len(self.sizes)
        return range(n - 1, -1, -1) if self.reverse else range(n)


def _split(spec, arrs):
    """``(x, h0, c0, w_ih, w_hh, b_ih, b_hh, w_hr)`` from the op's inputs (absent ones None)."""
    x, h0 = arrs[0], arrs[1]
    k = 2
    c0 = None
    if spec.mode == "LSTM":
        c0, k = arrs[2], 3
    w_ih, w_hh = arrs[k], arrs[k + 1]
    k += 2
    b_ih = b_hh = w_hr = None
    if spec.bias:
        b_ih, b_hh = arrs[k], arrs[k + 1]
        k += 2
    if spec.proj:
        w_hr = arrs[k]
    return x, h0, c0, w_ih, w_hh, b_ih, b_hh, w_hr


def _sigmoid_(a):
    """``a <- 1 / (1 + exp(-a))`` in place (callers silence exp's overflow warning)."""
    np.negative(a, out=a)
    np.exp(a, out=a)
    a += 1
    np.reciprocal(a, out=a)


# ---------------------------------------------------------------- state between steps
def _next_state(prev, init, fin, b):
    """The state rows ``0..b`` a step starts from, given the rows ``prev`` the previous step
    produced: a view when the batch stays or shrinks (rows that leave are final and go
    into ``fin``), topped up from ``init`` when it grows (the reverse direction)."""
    n = prev.shape[0]
    if n == b:
        return prev
    if n > b:
        fin[b:n] = prev[b:]
        return prev[:b]
    return np.concatenate((prev, init[n:b]))


def _shifted(spec, seq, init, b):
    """For a padded batch (``b`` rows every step): the state each step started from,
    i.e. ``seq`` moved by one step, with ``init`` for the first step."""
    prev = np.empty_like(seq)
    if spec.reverse:
        prev[:-b or None] = seq[b:]
        prev[prev.shape[0] - b:] = init
    else:
        prev[:b] = init
        prev[b:] = seq[:-b or None]
    return prev


def _start(spec, h0):
    order = spec.order()
    return h0[:spec.sizes[order[0]]] if len(order) else h0


# LSTM gates are kept internally in the order (o, i, f, g): the sigmoid gates are then one
# block [0, 3H) and the gates that multiply dc in the backward one block [H, 4H).
def _lstm_perm(H, _cache={}):
    p = _cache.get(H)
    if p is None:
        p = _cache[H] = np.concatenate((np.arange(3 * H, 4 * H), np.arange(3 * H)))
    return p


def _unperm(a, perm):
    out = np.empty_like(a)
    out[perm] = a
    return out


# ---------------------------------------------------------------- forward kernels
def _lstm_forward(spec, x2, h0, c0, w_ih, w_hh, b_ih, b_hh, w_hr, keep):
    H = c0.shape[1]
    perm = _lstm_perm(H)
    # sigmoid(z) = (1 + tanh(z / 2)) / 2: the sigmoid gates' weights are halved (exactly), so
    # that one tanh over all gates of a step does the work of both nonlinearities
    wih = w_ih[perm]
    wih[:3 * H] *= 0.5
    acts = gemm(x2, wih.T)                       # (N, 4H): pre-activations, then gates
    if b_ih is not None:
        bias = (b_ih + b_hh)[perm]
        bias[:3 * H] *= 0.5
        acts += bias
    whhT = np.empty((w_hh.shape[1], 4 * H), acts.dtype)  # C-contiguous for the small GEMMs
    np.multiply(w_hh[3 * H:].T, 0.5, out=whhT[:, :H])
    np.multiply(w_hh[:2 * H].T, 0.5, out=whhT[:, H:3 * H])
    whhT[:, 3 * H:] = w_hh[2 * H:3 * H].T
    whrT = None if w_hr is None else np.ascontiguousarray(w_hr.T)
    N, B, P = x2.shape[0], h0.shape[0], h0.shape[1]
    dt = acts.dtype
    h0, c0 = h0.astype(dt, copy=False), c0.astype(dt, copy=False)
    out = np.empty((N, P), dt)
    cs, tcs = np.empty((N, H), dt), np.empty((N, H), dt)
    hpre = np.empty((N, H), dt) if w_hr is not None else None
    hfin, cfin = np.empty_like(h0), np.empty_like(c0)
    uniform = not spec.sizes or spec.sizes[0] == spec.sizes[-1]
    hprev = cprev = None
    if keep and not uniform:
        hprev, cprev = np.empty((N, P), dt), np.empty((N, H), dt)
    ig = np.empty((B, H), dt)
    hw = np.empty((B, 4 * H), dt)
    hp, cp = _start(spec, h0), _start(spec, c0)
    sizes, offs = spec.sizes, spec.offs
    for t in spec.order():
        o0 = offs[t]
        b = sizes[t]
        o1 = o0 + b
        if hp.shape[0] != b:
            hp, cp = _next_state(hp, h0, hfin, b), _next_state(cp, c0, cfin, b)
        if hprev is not None:
            hprev[o0:o1] = hp
            cprev[o0:o1] = cp
        a = acts[o0:o1]
        a += gemm(hp, whhT, out=hw[:b])
        np.tanh(a, out=a)
        sg = a[:, :3 * H]
        sg *= 0.5
        sg += 0.5
        g = a[:, 3 * H:]
        cn = cs[o0:o1]
        np.multiply(a[:, 2 * H:3 * H], cp, out=cn)
        cn += np.multiply(a[:, H:2 * H], g, out=ig[:b])
        tc = tcs[o0:o1]
        np.tanh(cn, out=tc)
        hn = out[o0:o1]
        if whrT is None:
            np.multiply(a[:, :H], tc, out=hn)
        else:
            np.multiply(a[:, :H], tc, out=hpre[o0:o1])
            gemm(hpre[o0:o1], whrT, out=hn)
        hp, cp = hn, cn
    hfin[:hp.shape[0]] = hp
    cfin[:cp.shape[0]] = cp
    if keep and uniform:
        hprev, cprev = _shifted(spec, out, h0, B), _shifted(spec, cs, c0, B)
    cache = (acts, cs, tcs, hprev, cprev, hpre) if keep else None
    return out, hfin, cfin, cache


def _gru_forward(spec, x2, h0, w_ih, w_hh, b_ih, b_hh, keep):
    H = h0.shape[1]
    acts = gemm(x2, w_ih.T)                      # (N, 3H): r, z, n
    if b_ih is not None:
        acts += b_ih
        acts[:, :2 * H] += b_hh[:2 * H]
        b_hn = b_hh[2 * H:]
    whhT = np.ascontiguousarray(w_hh.T)
    N, B = x2.shape[0], h0.shape[0]
    dt = acts.dtype
    h0 = h0.astype(dt, copy=False)
    out = np.empty((N, H), dt)
    hns = np.empty((N, H), dt)                        # h W_hn^T + b_hn of each step
    hfin = np.empty_like(h0)
    uniform = not spec.sizes or spec.sizes[0] == spec.sizes[-1]
    hprev = np.empty((N, H), dt) if keep and not uniform else None
    hw = np.empty((B, 3 * H), dt)
    hp = _start(spec, h0)
    sizes, offs = spec.sizes, spec.offs
    with np.errstate(over="ignore"):
        for t in spec.order():
            o0 = offs[t]
            b = sizes[t]
            o1 = o0 + b
            if hp.shape[0] != b:
                hp = _next_state(hp, h0, hfin, b)
            if hprev is not None:
                hprev[o0:o1] = hp
            w = gemm(hp, whhT, out=hw[:b])
            a = acts[o0:o1]
            rz = a[:, :2 * H]
            rz += w[:, :2 * H]
            _sigmoid_(rz)
            hn = hns[o0:o1]
            if b_ih is not None:
                np.add(w[:, 2 * H:], b_hn, out=hn)
            else:
                hn[...] = w[:, 2 * H:]
            n = a[:, 2 * H:]
            n += np.multiply(a[:, :H], hn, out=w[:, :H])
            np.tanh(n, out=n)
            ht = out[o0:o1]                           # h' = n + z * (h - n)
            np.subtract(hp, n, out=ht)
            ht *= a[:, H:2 * H]
            ht += n
            hp = ht
    hfin[:hp.shape[0]] = hp
    if keep and uniform:
        hprev = _shifted(spec, out, h0, B)
    cache = (acts, hns, hprev) if keep else None
    return out, hfin, cache


def _rnn_forward(spec, x2, h0, w_ih, w_hh, b_ih, b_hh, keep):
    out = gemm(x2, w_ih.T)                       # (N, H): pre-activations, then h
    if b_ih is not None:
        out += b_ih + b_hh
    whhT = np.ascontiguousarray(w_hh.T)
    h0 = h0.astype(out.dtype, copy=False)
    B = h0.shape[0]
    hfin = np.empty_like(h0)
    uniform = not spec.sizes or spec.sizes[0] == spec.sizes[-1]
    hprev = np.empty_like(out) if keep and not uniform else None
    hw = np.empty_like(h0)
    relu = spec.mode == "RNN_RELU"
    hp = _start(spec, h0)
    sizes, offs = spec.sizes, spec.offs
    for t in spec.order():
        o0 = offs[t]
        b = sizes[t]
        o1 = o0 + b
        if hp.shape[0] != b:
            hp = _next_state(hp, h0, hfin, b)
        if hprev is not None:
            hprev[o0:o1] = hp
        a = out[o0:o1]
        a += gemm(hp, whhT, out=hw[:b])
        if relu:
            _maximum(a, a.dtype.type(0), out=a)
        else:
            np.tanh(a, out=a)
        hp = a
    hfin[:hp.shape[0]] = hp
    if not keep:
        return out, hfin, None
    if uniform:
        hprev = _shifted(spec, out, h0, B)
    # the nonlinearity's derivative, taken now: ``out`` goes to the caller, who may change it
    if relu:
        deriv = (out > 0).astype(out.dtype)
    else:
        deriv = np.square(out)
        np.subtract(1, deriv, out=deriv)
    return out, hfin, (hprev, deriv)


# ---------------------------------------------------------------- backward kernels
def _lstm_backward(spec, w_hh, w_hr, cache, dout, dh, dc):
    """BPTT; returns the pre-activation grads (internal gate order), h_prev, dh0, dc0, dw_hr."""
    acts, cs, tcs, hprev, cprev, hpre = cache
    H = cs.shape[1]
    N = acts.shape[0]
    o, i, f, g = acts[:, :H], acts[:, H:2 * H], acts[:, 2 * H:3 * H], acts[:, 3 * H:]
    # per-element factors, all steps at once: d pre-activation = dc * k (i, f, g), dh * k (o)
    k = np.empty_like(acts)
    np.subtract(1, o, out=k[:, :H])
    k[:, :H] *= o
    k[:, :H] *= tcs                                   # o: tanh(c) o (1 - o)
    np.subtract(1, i, out=k[:, H:2 * H])
    k[:, H:2 * H] *= i
    k[:, H:2 * H] *= g                                # i: g i (1 - i)
    np.subtract(1, f, out=k[:, 2 * H:3 * H])
    k[:, 2 * H:3 * H] *= f
    k[:, 2 * H:3 * H] *= cprev                        # f: c_prev f (1 - f)
    np.square(g, out=k[:, 3 * H:])
    np.subtract(1, k[:, 3 * H:], out=k[:, 3 * H:])
    k[:, 3 * H:] *= i                                 # g: i (1 - g^2)
    otc = np.square(tcs)                              # dh -> dc: o (1 - tanh(c)^2)
    np.subtract(1, otc, out=otc)
    otc *= o
    perm = _lstm_perm(H)
    w_hh = w_hh[perm]
    dG = np.empty_like(acts)
    dG3, k3 = dG.reshape(N, 4, H), k.reshape(N, 4, H)
    dH = np.empty((N, w_hr.shape[0]), acts.dtype) if w_hr is not None else None
    sizes, offs = spec.sizes, spec.offs
    for t in reversed(spec.order()):
        o0 = offs[t]
        b = sizes[t]
        o1 = o0 + b
        dht = dout[o0:o1] + dh[:b]
        if w_hr is not None:
            dH[o0:o1] = dht
            dht = gemm(dht, w_hr)
        dct = dc[:b]
        dct += np.multiply(dht, otc[o0:o1])
        np.multiply(dht, k[o0:o1, :H], out=dG[o0:o1, :H])
        np.multiply(dct[:, None, :], k3[o0:o1, 1:], out=dG3[o0:o1, 1:])
        dct *= f[o0:o1]
        gemm(dG[o0:o1], w_hh, out=dh[:b])
    dw_hr = None if w_hr is None else gemm(dH.T, hpre)
    return dG, hprev, dh, dc, dw_hr


def _gru_backward(spec, w_hh, cache, dout, dh):
    acts, hns, hprev = cache
    H = hns.shape[1]
    r, z, n = acts[:, :H], acts[:, H:2 * H], acts[:, 2 * H:]
    kz = np.subtract(hprev, n)                        # dz_pre = dh (h_prev - n) z (1 - z)
    kz *= z
    kz *= np.subtract(1, z)
    kn = np.square(n)                                 # dn_pre = dh (1 - z) (1 - n^2)
    np.subtract(1, kn, out=kn)
    kn *= np.subtract(1, z)
    kr = np.subtract(1, r)                            # dr_pre = dn_pre hn r (1 - r)
    kr *= r
    kr *= hns
    dGh = np.empty_like(acts)                         # grads of h W_hh^T + b_hh
    dN = np.empty_like(hns)                           # grad of the n pre-activation (input side)
    sizes, offs = spec.sizes, spec.offs
    for t in reversed(spec.order()):
        o0 = offs[t]
        b = sizes[t]
        o1 = o0 + b
        dht = dout[o0:o1] + dh[:b]
        d, dn = dGh[o0:o1], dN[o0:o1]
        np.multiply(dht, kz[o0:o1], out=d[:, H:2 * H])
        np.multiply(dht, kn[o0:o1], out=dn)
        np.multiply(dn, kr[o0:o1], out=d[:, :H])
        np.multiply(dn, r[o0:o1], out=d[:, 2 * H:])
        dht *= z[o0:o1]
        gemm(d, w_hh, out=dh[:b])
        dh[:b] += dht
    dGx = dGh.copy()
    dGx[:, 2 * H:] = dN
    return dGx, dGh, hprev, dh


def _rnn_backward(spec, cache, w_hh, dout, dh):
    hprev, deriv = cache
    dG = np.empty_like(deriv)
    sizes, offs = spec.sizes, spec.offs
    for t in reversed(spec.order()):
        o0 = offs[t]
        b = sizes[t]
        o1 = o0 + b
        d = dG[o0:o1]
        np.add(dout[o0:o1], dh[:b], out=d)
        d *= deriv[o0:o1]
        gemm(d, w_hh, out=dh[:b])
    return dG, hprev, dh
