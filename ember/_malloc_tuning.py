"""glibc's ``malloc`` tuned once, at import, so that the memory of freed arrays is reused
instead of handed back to the system and faulted in (zero-filled) again by the next op.

Every ember op returns a new NumPy array, and NumPy takes array memory from ``malloc``.
glibc serves blocks above a threshold (128 KiB at first, raised only as mapped blocks are
freed) by ``mmap`` and returns them at ``free``, and gives the top of its heap back once more
than a trim threshold lies free there. A training step that allocates and frees the same
few-MB arrays every op then pays a page fault per 4 KiB of each new array: measured on a
small CNN's training step (batch 32), 5.2 ms against 2.4 ms with the settings below; the
MNIST CNN step 12% and a resnet18 step 10% faster, a vgg16 forward at batch 8 16%.

Set here: ``M_MMAP_THRESHOLD`` 32 MiB (glibc's largest; bigger arrays still get their own
mapping, returned at ``free``) and ``M_TRIM_THRESHOLD`` 256 MiB (at most that much free
memory is kept at the top of the heap). The process's resident memory can stay that much
above what it uses right now; it does not grow step after step. Nothing is changed when
``EMBER_MALLOC_TUNING=0``, when the environment already sets glibc's malloc options
(``MALLOC_*_`` or malloc tunables in ``GLIBC_TUNABLES``: the user's choice stands), or off
glibc (macOS, Windows, musl).

>>> from ember import _malloc_tuning
>>> _malloc_tuning.STATE["tuned"] in (True, False)
True
"""
import ctypes
import os
import sys

__all__ = ["tune", "STATE"]

M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD = 32 << 20
TRIM_THRESHOLD = 256 << 20
_ENV = ("MALLOC_TRIM_THRESHOLD_", "MALLOC_MMAP_THRESHOLD_", "MALLOC_TOP_PAD_", "MALLOC_MMAP_MAX_",
        "MALLOC_ARENA_MAX", "MALLOC_ARENA_TEST")
STATE = {"tuned": False}


def _user_chose():
    return any(v in os.environ for v in _ENV) or "malloc" in os.environ.get("GLIBC_TUNABLES", "")


def tune():
    """Apply the settings above once (where they apply); True when glibc took them.

    >>> from ember._malloc_tuning import tune
    >>> tune() in (True, False)
    True
    """
    if STATE["tuned"]:
        return True
    if os.environ.get("EMBER_MALLOC_TUNING", "1").strip().lower() in ("0", "false", "no", "off"):
        return False
    if not sys.platform.startswith("linux") or _user_chose():
        return False
    try:
        libc = ctypes.CDLL(None)
        libc.gnu_get_libc_version          # glibc only (musl has no mallopt options to speak of)
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    mallopt.restype = ctypes.c_int
    STATE["tuned"] = (mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD) == 1
                      and mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD) == 1)
    return STATE["tuned"]
