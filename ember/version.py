"""``torch.version``: what this build is.

``__version__`` is the PyTorch API version ember implements (``2.13.0``, with the local
label ``+ember``), so version checks written for PyTorch pass; ember's own release is
``ember_version``.

>>> ember.version.cuda is None, ember.version.hip is None
(True, True)
>>> ember.__version__ >= (2, 6)
True
"""
__all__ = ["__version__", "debug", "cuda", "git_version", "hip", "rocm", "xpu"]

from .torch_version import TorchVersion as _TorchVersion

__version__ = "2.13.0+ember"  # the PyTorch API ember implements (torch.__version__ is a TorchVersion of it)
api_version = _TorchVersion(__version__)  # what ember.__version__ is
ember_version = "0.1.0"  # ember's own release
debug = False
cuda = None           # no CUDA backend
hip = None
rocm = None
xpu = None
git_version = "Unknown"
