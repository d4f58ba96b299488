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


class CUDAGraph:
    """A captured CUDA graph (no CUDA backend: construction raises RuntimeError, as in a CPU build of torch).

    >>> try:
    ...     ember.cuda.CUDAGraph()
    ... except RuntimeError:
    ...     print("no cuda")
    no cuda
    """

    def __init__(self, *args, **kwargs):
        raise RuntimeError("Tried to instantiate dummy base class CUDAGraph (ember has no CUDA backend)")


class graph:
    """Context manager capturing CUDA work into a ``CUDAGraph`` (no CUDA backend: raises RuntimeError).

    >>> callable(ember.cuda.graph)
    True
    """

    def __init__(self, cuda_graph, pool=None, stream=None, capture_error_mode="global"):
        _no_cuda()


class Stream:
    """A CUDA stream (no CUDA backend: construction raises RuntimeError).

    >>> try:
    ...     ember.cuda.Stream()
    ... except RuntimeError:
    ...     print("no cuda")
    no cuda
    """

    def __new__(cls, *args, **kwargs):
        raise RuntimeError("torch.cuda.Stream requires CUDA support (ember has no CUDA backend)")


class Event:
    """A CUDA event (no CUDA backend: construction raises RuntimeError).

    >>> callable(ember.cuda.Event)
    True
    """

    def __new__(cls, *args, **kwargs):
        raise RuntimeError("Tried to instantiate dummy base class Event (ember has no CUDA backend)")


class StreamContext:
    """Context manager selecting a stream; with no stream (always, here) it does nothing.

    >>> with ember.cuda.StreamContext(None):
    ...     pass
    """

    def __init__(self, stream):
        self.stream = stream

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def stream(stream):
    """``StreamContext(stream)``.

    >>> with ember.cuda.stream(None):
    ...     pass
    """
    return StreamContext(stream)


class device:
    """Context manager selecting a CUDA device; with no CUDA backend it does nothing.

    >>> with ember.cuda.device(0):
    ...     pass
    """

    def __init__(self, device):
        self.idx = device

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def is_current_stream_capturing():
    """False: no stream exists, so none is capturing.

    >>> ember.cuda.is_current_stream_capturing()
    False
    """
    return False


def memory_allocated(device=None):
    """Bytes of CUDA memory held by tensors: 0 (no CUDA backend).

    >>> ember.cuda.memory_allocated()
    0
    """
    return 0
