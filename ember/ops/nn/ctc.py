"""Connectionist Temporal Classification: one fused op whose forward runs the alpha
recursion and whose backward runs the beta recursion, both in log space and vectorised
over the batch (one NumPy pass per time step over an (N, 2S+1) lattice).

Targets are padded to (N, S); the extended label sequence of each sample interleaves
blanks: ``blank, l1, blank, l2, ..., lS, blank``. Like PyTorch, the gradient returned for
``log_probs`` is ``exp(log_probs) - posterior`` (what a preceding ``log_softmax`` turns
into the exact gradient of its logits); time steps past a sample's input length get zero.

>>> from ember.ops.nn.ctc import ctc_nll
>>> lp = ember.full((2, 1, 2), 0.5).log()
>>> ctc_nll(lp, ember.tensor([[1]]).numpy(), [2], [1], 0, False)
tensor([0.2877])
"""
from .._util import np, Op, apply_op, _wrap

__all__ = []

_NEG = -np.inf


def _extended(targets, target_lengths, blank):
    """(N, 2S+1) extended labels and the mask of positions that may skip from s-2."""
    N, S = targets.shape
    ext = np.full((N, 2 * S + 1), blank, dtype=np.int64)
    ext[:, 1::2] = targets
    skip = np.zeros(ext.shape, dtype=bool)
    skip[:, 3::2] = ext[:, 3::2] != ext[:, 1:-2:2]        # label differs from the one two back
    return ext, skip


def _emissions(lp, ext):
    """(T, N, 2S+1): log-probability of each extended label at each step."""
    T, N, _ = lp.shape
    return np.take_along_axis(lp, np.broadcast_to(ext[None], (T,) + ext.shape), axis=2)


def _alpha(em, skip, target_lengths):
    T, N, L = em.shape
    alpha = np.full((T, N, L), _NEG)
    alpha[0, :, 0] = em[0, :, 0]
    has = target_lengths > 0
    alpha[0, has, 1] = em[0, has, 1]
    for t in range(1, T):
        prev = alpha[t - 1]
        a = prev.copy()
        np.logaddexp(a[:, 1:], prev[:, :-1], out=a[:, 1:])
        a2 = np.where(skip[:, 2:], prev[:, :-2], _NEG)
        np.logaddexp(a[:, 2:], a2, out=a[:, 2:])
        alpha[t] = a + em[t]
    return alpha


def _beta(em, skip, input_lengths, target_lengths):
    T, N, L = em.shape
    beta = np.full((T, N, L), _NEG)
    rows = np.arange(N)
    end = 2 * target_lengths
    nxt = np.full((N, L), _NEG)
    for t in range(T - 1, -1, -1):
        b = nxt.copy()
        np.logaddexp(b[:, :-1], nxt[:, 1:], out=b[:, :-1])
        b2 = np.where(skip[:, 2:], nxt[:, 2:], _NEG)
        np.logaddexp(b[:, :-2], b2, out=b[:, :-2])
        b += em[t]
        last = input_lengths - 1 == t
        if last.any():                                    # the final step of these samples
            r = rows[last]
            b[r] = _NEG
            b[r, end[last]] = em[t, r, end[last]]
            lab = last & (target_lengths > 0)
            b[rows[lab], end[lab] - 1] = em[t, rows[lab], end[lab] - 1]
        b[input_lengths <= t] = _NEG
        beta[t] = b
        nxt = b
    return beta


class CtcLoss(Op):
    """Per-sample negative log-likelihood (N,) of the targets under ``log_probs`` (T, N, C)."""

    @staticmethod
    def forward(ctx, lp, targets, input_lengths, target_lengths, blank, zero_infinity):
        lp64 = lp.astype(np.float64)
        N = lp.shape[1]
        ext, skip = _extended(targets, target_lengths, blank)
        em = _emissions(lp64, ext)
        alpha = _alpha(em, skip, target_lengths)
        rows = np.arange(N)
        fin = alpha[input_lengths - 1, rows]                  # (N, L) at each sample's last step
        end = 2 * target_lengths
        ll = fin[rows, end]
        two = target_lengths > 0
        ll[two] = np.logaddexp(ll[two], fin[rows[two], end[two] - 1])
        empty = input_lengths == 0                            # no steps: only an empty target fits
        ll[empty] = np.where(target_lengths[empty] == 0, 0.0, _NEG)
        nll = -ll
        if isinstance(ctx, Op):
            ctx.saved = (lp64, ext, skip, em, alpha, input_lengths, target_lengths, nll, zero_infinity, lp.dtype)
        if zero_infinity:
            nll = np.where(np.isinf(nll), 0.0, nll)
        return nll.astype(lp.dtype)

    @staticmethod
    def backward(ctx, g):
        lp64, ext, skip, em, alpha, input_lengths, target_lengths, nll, zero_infinity, dt = ctx.saved
        T, N, C = lp64.shape
        beta = _beta(em, skip, input_lengths, target_lengths)
        ab = alpha + beta                                     # (T, N, L)
        m = ab.max(axis=2, keepdims=True)
        m = np.where(np.isfinite(m), m, 0.0)
        w = np.exp(ab - m)
        flat = (np.arange(T * N).reshape(T, N, 1) * C + ext[None]).ravel()
        acc = np.bincount(flat, weights=w.ravel(), minlength=T * N * C).reshape(T, N, C)
        with np.errstate(divide="ignore"):
            lcab = np.log(acc) + m
        grad = np.exp(lp64) - np.exp(lcab + nll[None, :, None] - lp64)
        grad[np.arange(T)[:, None] >= input_lengths[None, :]] = 0.0
        bad = ~np.isfinite(nll)
        if zero_infinity:
            grad[:, bad] = 0.0
        grad *= g._data.astype(np.float64)[None, :, None]
        return _wrap(grad.astype(dt))


def ctc_nll(log_probs, targets, input_lengths, target_lengths, blank, zero_infinity):
    """Per-sample CTC loss from padded int64 ``targets`` (N, S) and integer length arrays."""
    targets = np.asarray(targets, dtype=np.int64)
    target_lengths = np.asarray(target_lengths, dtype=np.int64)
    # only the first target_lengths[n] labels count: whatever pads a row (-1, ignore_index...) is unread
    targets = np.where(np.arange(targets.shape[1]) < target_lengths[:, None], targets, blank)
    return apply_op(CtcLoss, (log_probs,), targets, np.asarray(input_lengths, dtype=np.int64), target_lengths,
                    int(blank), bool(zero_infinity))
