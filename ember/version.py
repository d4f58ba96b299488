"""``torch.version``: what this build is.

>>> ember.version.cuda is None, ember.version.hip is None
(True, True)
"""
__all__ = ["__version__", "debug", "cuda", "git_version", "hip", "rocm", "xpu"]

__version__ = "0.1.0"  # ember's own version (PyTorch's number is a separate decision)
debug = False
cuda = None           # no CUDA backend
hip = None
rocm = None
xpu = None
git_version = "Unknown"
