"""``torch.testing.assert_allclose``: the deprecated comparison (use :func:`assert_close`).

It converts non-tensors with :func:`ember.tensor`, ignores dtypes, treats NaNs as equal by
default and picks its tolerances from a smaller table than :func:`assert_close`.

>>> import warnings; warnings.simplefilter("ignore", FutureWarning)
>>> ember.testing.assert_allclose(ember.tensor([1., 2.]), [1., 2.])
"""
import warnings

from .._tensor import Tensor
from .. import _dtype as D
from ._comparison import assert_close

__all__ = ["assert_allclose"]

_PRECISIONS = {D.float16: (1e-3, 1e-3), D.float32: (1e-4, 1e-5), D.float64: (1e-5, 1e-8)}


def assert_allclose(actual, expected, rtol=None, atol=None, equal_nan=True, msg=""):
    """Deprecated: raise AssertionError unless ``actual`` and ``expected`` are close
    (values only; dtypes may differ). Warns FutureWarning, as PyTorch.

    >>> import warnings; warnings.simplefilter("ignore", FutureWarning)
    >>> ember.testing.assert_allclose(ember.tensor([1, 2]), ember.tensor([1., 2.]))
    >>> ember.testing.assert_allclose(ember.tensor([1.]), [1.5], msg="far")
    Traceback (most recent call last):
    AssertionError: far
    """
    warnings.warn("`torch.testing.assert_allclose()` is deprecated since 1.12 and will be removed "
                  "in a future release. Please use `torch.testing.assert_close()` instead. You can "
                  "find detailed upgrade instructions in "
                  "https://github.com/pytorch/pytorch/issues/61844.", FutureWarning, stacklevel=2)
    from .. import tensor
    if not isinstance(actual, Tensor):
        actual = tensor(actual)
    if not isinstance(expected, Tensor):
        expected = tensor(expected, dtype=actual.dtype)
    if rtol is None and atol is None:
        pairs = [_PRECISIONS.get(t.dtype, (0.0, 0.0)) for t in (actual, expected)]
        rtol, atol = max(p[0] for p in pairs), max(p[1] for p in pairs)
    elif rtol is None or atol is None:
        raise ValueError("Both 'rtol' and 'atol' must be either specified or omitted, but got no "
                         f"{'rtol' if rtol is None else 'atol'}.")
    assert_close(actual, expected, rtol=rtol, atol=atol, equal_nan=equal_nan, check_device=True,
                 check_dtype=False, check_stride=False, msg=msg or None)
