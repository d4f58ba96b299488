"""The grad-mode flags every op reads (per-thread grad enabled / inference mode), kept outside the
``autograd`` package so that ``_tensor`` and ``autograd.function`` can both import them without
importing each other first; ``autograd.grad_mode`` holds the public context managers.

>>> from ember._grad_state import _state
>>> _state[0]
True
"""
import threading


class _ModeState(threading.local):
    """Per-thread grad mode: ``_state[0]`` grad enabled, ``_state[1]`` inference mode.

    As in PyTorch each thread has its own, and a new thread starts with grad enabled and
    inference mode off, whatever the thread that started it is doing. Indexing keeps the
    hot paths' ``_state[0]`` reads as they were (about 50 ns a read).
    """

    def __init__(self):
        self.v = [True, False]

    def __getitem__(self, i):
        return self.v[i]

    def __setitem__(self, i, value):
        self.v[i] = value


_state = _ModeState()
# How many inference_mode(True) regions are open in any thread: tensor construction checks
# this plain list first (~10 ns) and reads the per-thread flag only when it is non-zero.
_inference_open = [0]
# True once any inference_mode(True) region has opened: until then no inference tensor exists, and
# recording an op skips the per-input inference check.
_inference_seen = [False]
