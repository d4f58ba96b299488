"""Temporary files of atomic saves, and the clean-up of those a killed writer left behind.

``ember.save(obj, path)`` writes to ``<dir>/.<name>.<host>.<pid>.<random>.ember-tmp``
beside ``path`` (same directory, so the final rename is atomic), then renames it
over ``path``. A process killed mid-save (``kill -9``, power loss) leaves that file
behind. Each later save to the same directory removes such leftovers, but only
files that match this exact pattern, are regular files owned by the current user,
were written on this host (``<host>`` is a hash of the host name) and whose writer
process ``<pid>`` no longer exists; a save in progress is never touched.

>>> from ember.serialization._tempfiles import temp_name, parse_temp_name
>>> import os
>>> parse_temp_name(temp_name("ckpt.pt"))["pid"] == os.getpid()
True
"""
import os
import re
import socket
import zlib

SUFFIX = ".ember-tmp"
_PATTERN = re.compile(r"^\.(?P<base>.+)\.(?P<host>[0-9a-f]{8})\.(?P<pid>[0-9]{1,10})\.[0-9a-f]{12}"
                      + re.escape(SUFFIX) + r"$")


def _host():
    return format(zlib.crc32(socket.gethostname().encode("utf-8", "replace")) & 0xFFFFFFFF, "08x")


def temp_name(basename, pid=None):
    """The name (not path) of a fresh temporary file for a save to ``basename``."""
    return f".{basename}.{_host()}.{os.getpid() if pid is None else pid}.{os.urandom(6).hex()}{SUFFIX}"


def parse_temp_name(name):
    """``{"base", "host", "pid"}`` of an ember temporary file name, or None for any other name."""
    m = _PATTERN.match(name)
    if m is None:
        return None
    return {"base": m["base"], "host": m["host"], "pid": int(m["pid"])}


def _alive(pid):
    if pid <= 0:
        return True  # not a real writer pid: leave the file alone
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


def remove_stale(directory):
    """Remove ember temporaries in ``directory`` whose writer (on this host) has exited; return their names.

    >>> import tempfile
    >>> from ember.serialization._tempfiles import remove_stale
    >>> remove_stale(tempfile.mkdtemp())
    []
    """
    removed = []
    host = _host()
    uid = os.getuid() if hasattr(os, "getuid") else None
    try:
        entries = os.scandir(directory)
    except OSError:
        return removed
    with entries:
        for e in entries:
            if not e.name.endswith(SUFFIX):
                continue
            info = parse_temp_name(e.name)
            if info is None or info["host"] != host or info["pid"] == os.getpid() or _alive(info["pid"]):
                continue
            try:
                st = e.stat(follow_symlinks=False)
                if not e.is_file(follow_symlinks=False) or (uid is not None and st.st_uid != uid):
                    continue
                os.unlink(e.path)
                removed.append(e.name)
            except OSError:
                pass
    return removed
