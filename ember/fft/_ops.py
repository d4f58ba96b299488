"""The differentiable primitives behind ``ember.fft``: complex-to-complex, real-to-complex
(one-sided) and complex-to-real transforms over a set of dims, plus the zero-pad/trim, the
real<->complex casts and the conjugation that the public functions compose.

Every transform is linear, so its backward is its adjoint (for the real inner product, which
is PyTorch's convention for complex gradients): the opposite transform with the dual
normalization ("backward" <-> "forward", "ortho" stays). NumPy's pocketfft keeps float32 as
complex64.
"""
from .._backend import np
from ..autograd.function import Op, apply_op

DUAL = {"backward": "forward", "forward": "backward", "ortho": "ortho"}
_R2C = {np.dtype(np.float32): np.complex64, np.dtype(np.float64): np.complex128}


class Resize(Op):
    """Trim or zero-pad ``dims`` to ``sizes`` (the adjoint of a trim is a zero-pad)."""
    _name = "ConstantPadNdBackward0"

    @staticmethod
    def forward(ctx, a, dims, sizes):
        ctx.shape = a.shape
        shape = list(a.shape)
        idx = [slice(None)] * a.ndim
        for d, n in zip(dims, sizes):
            shape[d] = n
            idx[d] = slice(0, min(n, a.shape[d]))
        if tuple(shape) == a.shape:
            return a.copy()
        out = np.zeros(shape, a.dtype)
        out[tuple(idx)] = a[tuple(idx)]
        return out

    @staticmethod
    def backward(ctx, g):
        dims = tuple(range(len(ctx.shape)))
        return apply_op(Resize, (g,), dims, ctx.shape)


def resize(x, dims, sizes):
    if all(x._data.shape[d] == n for d, n in zip(dims, sizes)):
        return x
    return apply_op(Resize, (x,), tuple(dims), tuple(sizes))


class ToComplex(Op):
    _name = "ToCopyBackward0"

    @staticmethod
    def forward(ctx, a):
        return a.astype(_R2C[a.dtype])

    @staticmethod
    def backward(ctx, g):
        return apply_op(RealPart, (g,))


class RealPart(Op):
    _name = "RealBackward0"

    @staticmethod
    def forward(ctx, a):
        return np.ascontiguousarray(a.real)

    @staticmethod
    def backward(ctx, g):
        return apply_op(ToComplex, (g,))


class Conj(Op):
    _name = "ConjPhysicalBackward0"

    @staticmethod
    def forward(ctx, a):
        return np.conj(a)

    @staticmethod
    def backward(ctx, g):
        return apply_op(Conj, (g,))


class Scale(Op):
    """Multiply by a fixed real array (broadcast against the input); self-adjoint."""
    _name = "MulBackward0"

    @staticmethod
    def forward(ctx, a, w):
        ctx.w = w
        return (a * w).astype(a.dtype, copy=False)

    @staticmethod
    def backward(ctx, g):
        return apply_op(Scale, (g,), ctx.w)


class C2C(Op):
    """fftn (``forward``) or ifftn over ``dims``."""
    _name = "FftC2CBackward0"

    @staticmethod
    def forward(ctx, a, dims, forward, norm):
        ctx.args = (dims, not forward, DUAL[norm])
        if not a.size:
            return a.copy()
        f = np.fft.fftn if forward else np.fft.ifftn
        return f(a, axes=dims, norm=norm).astype(a.dtype, copy=False)

    @staticmethod
    def backward(ctx, g):
        return apply_op(C2C, (g,), *ctx.args)


class R2C(Op):
    """rfftn over ``dims`` (the last of them halved to n // 2 + 1)."""
    _name = "FftR2CBackward0"

    @staticmethod
    def forward(ctx, a, dims, norm):
        ctx.args = (dims, norm, a.shape[dims[-1]])
        return np.fft.rfftn(a, axes=dims, norm=norm).astype(_R2C[a.dtype], copy=False)

    @staticmethod
    def backward(ctx, g):
        dims, norm, n = ctx.args
        full = resize(g, (dims[-1],), (n,))
        return apply_op(RealPart, (apply_op(C2C, (full,), dims, False, DUAL[norm]),))


class C2R(Op):
    """irfftn over ``dims`` to a last dim of ``n`` (the input has n // 2 + 1 there)."""
    _name = "FftC2RBackward0"

    @staticmethod
    def forward(ctx, a, dims, norm, n):
        ctx.args = (dims, norm, n)
        s = [a.shape[d] for d in dims[:-1]] + [n]
        return np.fft.irfftn(a, s=s, axes=dims, norm=norm).astype(a.real.dtype, copy=False)

    @staticmethod
    def backward(ctx, g):
        dims, norm, n = ctx.args
        r = apply_op(R2C, (g,), dims, DUAL[norm])
        m = n // 2 + 1
        w = np.ones(m, g._data.dtype)
        w[1:n - m + 1] = 2
        w = w.reshape((m,) + (1,) * (g._data.ndim - 1 - dims[-1]))
        return apply_op(Scale, (r,), w)
