"""Optional Pillow support: ``have_pil()``, ``require_pil()`` and ``is_pil_image()``.

>>> from ember.vision import _pil
>>> isinstance(_pil.have_pil(), bool)
True
"""
import sys

_EXTRA = ("this feature needs Pillow: pip install 'ember[vision]' (or pip install pillow)")


def have_pil():
    """True when Pillow can be imported.

    >>> from ember.vision._pil import have_pil
    >>> have_pil() in (True, False)
    True
    """
    try:
        import PIL.Image  # noqa: F401
    except ImportError:
        return False
    return True


def require_pil():
    """Return ``PIL.Image``, or raise ImportError naming the ``vision`` extra.

    >>> from ember.vision._pil import require_pil, have_pil
    >>> require_pil().__name__ if have_pil() else 'PIL.Image'
    'PIL.Image'
    """
    try:
        import PIL.Image
    except ImportError as e:
        raise ImportError(_EXTRA) from e
    return PIL.Image


def is_pil_image(img):
    """True for a ``PIL.Image.Image`` (never imports Pillow itself).

    >>> from ember.vision._pil import is_pil_image
    >>> is_pil_image(np.zeros((2, 2)))
    False
    """
    mod = sys.modules.get("PIL.Image")
    return mod is not None and isinstance(img, mod.Image)
