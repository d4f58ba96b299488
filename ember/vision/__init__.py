"""``torchvision`` for ember: ``datasets``, ``transforms`` and ``utils``.

``python -m ember.compat`` maps ``import torchvision`` here. Pillow is optional
(``pip install 'ember[vision]'``): without it datasets return uint8 arrays and the
PIL-only functions raise ImportError naming the extra.

>>> import ember.vision
>>> from ember.vision import transforms
>>> transforms.ToTensor()(np.zeros((2, 2), np.uint8)).shape
torch.Size([1, 2, 2])
"""
from . import datasets, transforms, utils  # noqa: F401
from . import models  # noqa: F401,E402

__version__ = "0.0.0+ember"


def get_image_backend():
    """The image backend's name (always ``'PIL'``).

    >>> ember.vision.get_image_backend()
    'PIL'
    """
    return "PIL"


def set_image_backend(backend):
    """Only ``'PIL'`` is supported.

    >>> ember.vision.set_image_backend("PIL")
    """
    if backend != "PIL":
        raise NotImplementedError(f"image backend {backend!r} is not supported by ember.vision; use 'PIL'")
from . import io  # noqa: F401,E402  (torchvision.io: image decoding)
from . import ops  # noqa: F401,E402  (torchvision.ops: boxes, RoI pooling, detection layers)
