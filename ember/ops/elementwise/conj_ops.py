"""Conjugation and the conjugate transposes: ``conj``, ``conj_physical(_)``, ``resolve_conj``,
``resolve_neg``, ``is_conj``, ``is_neg``, ``real``, ``imag``, ``adjoint``, ``mH`` and ``H``.

For real tensors these are what PyTorch makes them: ``conj``/``real``/``resolve_*`` return the
tensor itself, ``imag`` raises, and the conjugate transposes are plain transposes (views).
ember has no lazy conjugate bit: on a complex tensor ``conj`` computes the conjugate (so
``is_conj()`` stays False). Gradients follow PyTorch's convention for complex inputs (the
conjugate Wirtinger derivative): ``conj`` passes ``conj(g)``, ``real`` passes ``g``, ``imag`` ``1j * g``.

>>> x = ember.tensor([[1., 2.], [3., 4.]])
>>> x.conj() is x, x.mH.tolist()
(True, [[1.0, 3.0], [2.0, 4.0]])
"""
import warnings

from .._util import np, _wrap, Op, apply_op
from ..inplace.history import inplace_op
from ..shape import movement as _M

__all__ = ["conj", "conj_physical", "conj_physical_", "resolve_conj", "resolve_neg", "is_conj", "is_neg",
           "real", "imag", "adjoint"]


class Conj(Op):
    _name = "ConjBackward0"

    @staticmethod
    def forward(ctx, a):
        return np.conj(a)

    @staticmethod
    def backward(ctx, g):
        return conj(g)


class Real(Op):
    _name = "SelectBackward0"  # torch takes real/imag as a select of view_as_real

    @staticmethod
    def forward(ctx, a):
        return a.real

    @staticmethod
    def backward(ctx, g):
        return g * (1 + 0j)


class Imag(Op):
    _name = "SelectBackward0"

    @staticmethod
    def forward(ctx, a):
        return a.imag

    @staticmethod
    def backward(ctx, g):
        return g * 1j


def conj(input):
    """The complex conjugate; a real tensor is returned as is.

    >>> t = ember.tensor([1., 2.])
    >>> ember.conj(t) is t
    True
    """
    if input._data.dtype.kind != "c":
        return input
    return apply_op(Conj, (input,)) if input._rg else _wrap(np.conj(input._data))


def conj_physical(input, *, out=None):
    """The complex conjugate, computed; a real tensor is returned as is.

    >>> t = ember.tensor([1., 2.])
    >>> ember.conj_physical(t) is t
    True
    """
    r = conj(input)
    if out is not None:
        from .arithmetic import _out
        return _out(r, out)
    return r


class ConjPhysicalInplace(Op):
    _name = "ConjPhysicalBackward1"

    @staticmethod
    def forward(ctx, a):
        return np.conj(a) if a.dtype.kind == "c" else a.copy()

    @staticmethod
    def backward(ctx, g):
        return conj(g)


def conj_physical_(input):
    """In-place :func:`conj_physical` (values unchanged when real); returns ``input``.

    >>> t = ember.tensor([1., 2.])
    >>> ember.conj_physical_(t) is t
    True
    """
    return inplace_op(input, lambda s: apply_op(ConjPhysicalInplace, (s,)))


def resolve_conj(input):
    """``input`` with its conjugate bit applied; ember never defers conjugation, so ``input``.

    >>> t = ember.ones(2)
    >>> ember.resolve_conj(t) is t
    True
    """
    return input


def resolve_neg(input):
    """``input`` with its negative bit applied; ember never defers negation, so ``input``.

    >>> t = ember.ones(2)
    >>> ember.resolve_neg(t) is t
    True
    """
    return input


def is_conj(input):
    """Whether ``input`` carries a lazy conjugate bit (never, in ember).

    >>> ember.is_conj(ember.ones(2))
    False
    """
    return False


def is_neg(input):
    """Whether ``input`` carries a lazy negative bit (never, in ember).

    >>> ember.is_neg(ember.ones(2))
    False
    """
    return False


def real(input):
    """The real part: a real tensor itself, or a view of a complex tensor's real parts.

    >>> t = ember.tensor([1., 2.])
    >>> ember.real(t) is t
    True
    """
    if input._data.dtype.kind != "c":
        return input
    return apply_op(Real, (input,)) if input._rg else _wrap(input._data.real)


def imag(input):
    """The imaginary part of a complex tensor (a view); real tensors have none (RuntimeError).

    >>> ember.imag(ember.tensor([1 + 2j])).tolist()
    [2.0]
    """
    if input._data.dtype.kind != "c":
        raise RuntimeError("imag is not implemented for tensors with non-complex dtypes.")
    return apply_op(Imag, (input,)) if input._rg else _wrap(input._data.imag)


def _swap_last(input):
    return conj(_M.transpose(input, -2, -1))


def adjoint(input):
    """The conjugate transpose of the last two dims (a view for real tensors).

    >>> ember.adjoint(ember.tensor([[1., 2.]])).shape
    torch.Size([2, 1])
    """
    n = input._data.ndim
    if n == 0:
        warnings.warn("adjoint() is deprecated on 0-D tensors. Consider using x.conj().", UserWarning, stacklevel=2)
        return conj(input)
    if n < 2:
        raise RuntimeError(f"tensor.adjoint() is only supported on matrices or batches of matrices. Got {n}-D tensor.")
    return _swap_last(input)


@property
def _mH(self):
    n = self._data.ndim
    if n == 0:
        warnings.warn("Tensor.mH is deprecated on 0-D tensors. Consider using x.conj().", UserWarning, stacklevel=2)
        return conj(self)
    if n < 2:
        raise RuntimeError(f"tensor.mH is only supported on matrices or batches of matrices. Got {n}-D tensor.")
    return _swap_last(self)


@property
def _H(self):
    n = self._data.ndim
    if n == 0:
        warnings.warn("Tensor.H is deprecated on 0-D tensors. Consider using x.conj().", UserWarning, stacklevel=2)
        return conj(self)
    if n != 2:
        hint = " For batches of matrices, consider using tensor.mH" if n > 2 else ""
        raise RuntimeError(f"tensor.H is only supported on matrices (2-D tensors). Got {n}-D tensor.{hint}")
    return _swap_last(self)


@property
def _real(self):
    return real(self)


@property
def _imag(self):
    return imag(self)


TENSOR_METHODS = {
    "conj": conj, "conj_physical": conj_physical, "conj_physical_": conj_physical_, "resolve_conj": resolve_conj,
    "resolve_neg": resolve_neg, "is_conj": is_conj, "is_neg": is_neg, "real": _real, "imag": _imag,
    "adjoint": adjoint, "mH": _mH, "H": _H,
}
