"""``torch.cuda`` as seen on a machine without a CUDA backend: everything reports
that no GPU is there, so ``device = "cuda" if torch.cuda.is_available() else "cpu"`` works.

>>> ember.cuda.is_available(), ember.cuda.device_count()
(False, 0)
"""

__all__ = ["is_available", "device_count", "manual_seed", "manual_seed_all", "synchronize", "empty_cache",
           "current_device", "get_device_name", "is_initialized"]


def is_available():
    """False: ember computes on the cpu (a CUDA backend is planned)."""
    return False


def device_count():
    """0 devices."""
    return 0


def is_initialized():
    return False


def manual_seed(seed):
    """Accepted and ignored (there is no CUDA generator)."""


def manual_seed_all(seed):
    """Accepted and ignored (there is no CUDA generator)."""


def synchronize(device=None):
    """Nothing to wait for."""


def empty_cache():
    """Nothing to free."""


def _no_cuda(*args, **kwargs):
    raise RuntimeError("Torch not compiled with CUDA enabled (ember has no CUDA backend yet)")


current_device = get_device_name = get_device_properties = set_device = _no_cuda


from .amp.device_amp import cuda as amp  # noqa: E402  (torch.cuda.amp)
__path__ = []  # a package in name, so that `import torch.cuda.amp` resolves under ember.compat
