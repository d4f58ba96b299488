"""``torch.torch_version``: the version string that compares like a version.

``torch.__version__`` is a ``str`` that also compares with version strings and tuples
by PEP 440 rules, so ``torch.__version__ >= "2.6"`` and ``torch.__version__ >= (2, 6)``
work. ember implements the PyTorch 2.13 API and reports that number.

>>> from ember.torch_version import TorchVersion
>>> v = TorchVersion("2.13.0+ember")
>>> v >= "2.6", v >= (2, 6), v < "2.13.1", v > "2.13.0rc1"
(True, True, True, True)
"""
import re

__all__ = ["TorchVersion", "Version", "InvalidVersion"]

_PATTERN = re.compile(
    r"^\s*v?(?:(?P<epoch>\d+)!)?(?P<release>\d+(?:\.\d+)*)"
    r"(?:[-_.]?(?P<pre_l>a|b|c|rc|alpha|beta|pre|preview)[-_.]?(?P<pre_n>\d+)?)?"
    r"(?:-(?P<post_n1>\d+)|[-_.]?(?P<post_l>post|rev|r)[-_.]?(?P<post_n2>\d+)?)?"
    r"(?:[-_.]?(?P<dev_l>dev)[-_.]?(?P<dev_n>\d+)?)?"
    r"(?:\+(?P<local>[a-z0-9]+(?:[-_.][a-z0-9]+)*))?\s*$", re.IGNORECASE)
_PRE = {"a": "a", "alpha": "a", "b": "b", "beta": "b", "c": "rc", "rc": "rc", "pre": "rc", "preview": "rc"}
_INF = float("inf")


class InvalidVersion(ValueError):
    """A string that is not a PEP 440 version.

    >>> from ember.torch_version import *
    >>> issubclass(InvalidVersion, ValueError)
    True
    """


class Version:
    """A parsed PEP 440 version (the subset PyTorch version checks use), ordered like ``packaging``.

    >>> from ember.torch_version import *
    >>> Version("2.13.0") > Version("2.13.0rc2") > Version("2.13.0.dev20260101")
    True
    >>> Version("2.13.0+cpu").release, Version("2.13.0+cpu").local
    ((2, 13, 0), 'cpu')
    """

    __slots__ = ("epoch", "release", "pre", "post", "dev", "local", "_key")

    def __init__(self, text):
        m = _PATTERN.match(str(text))
        if m is None:
            raise InvalidVersion(f"Invalid version: {text!r}")
        self.epoch = int(m["epoch"] or 0)
        self.release = tuple(int(p) for p in m["release"].split("."))
        self.pre = (_PRE[m["pre_l"].lower()], int(m["pre_n"] or 0)) if m["pre_l"] else None
        post = m["post_n1"] or m["post_n2"]
        self.post = int(post) if post is not None else (0 if m["post_l"] else None)
        self.dev = int(m["dev_n"] or 0) if m["dev_l"] else None
        self.local = m["local"].lower() if m["local"] else None
        self._key = self._sort_key()

    def _sort_key(self):
        rel = list(self.release)
        while len(rel) > 1 and rel[-1] == 0:
            rel.pop()
        if self.pre is None and self.post is None and self.dev is not None:
            pre = (-_INF,)               # 1.0.dev0 sorts before 1.0a0
        elif self.pre is None:
            pre = (_INF,)
        else:
            pre = ({"a": 0, "b": 1, "rc": 2}[self.pre[0]], self.pre[1])
        post = (-_INF,) if self.post is None else (self.post,)
        dev = (_INF,) if self.dev is None else (self.dev,)
        local = () if self.local is None else tuple(
            (int(p), "") if p.isdigit() else (-1, p) for p in re.split(r"[-_.]", self.local))
        return (self.epoch, tuple(rel), pre, post, dev, local)

    @property
    def base_version(self):
        """The release part as a string (``"2.13.0"`` for ``"2.13.0rc1+cpu"``).

        >>> from ember.torch_version import *
        >>> Version("2.13.0rc1+cpu").base_version
        '2.13.0'
        """
        head = f"{self.epoch}!" if self.epoch else ""
        return head + ".".join(str(p) for p in self.release)

    @property
    def major(self):
        """First release number.

        >>> from ember.torch_version import *
        >>> Version("2.13.0").major
        2
        """
        return self.release[0]

    @property
    def minor(self):
        """Second release number (0 when absent).

        >>> from ember.torch_version import *
        >>> Version("2.13.0").minor
        13
        """
        return self.release[1] if len(self.release) > 1 else 0

    @property
    def micro(self):
        """Third release number (0 when absent).

        >>> from ember.torch_version import *
        >>> Version("2.13.1").micro
        1
        """
        return self.release[2] if len(self.release) > 2 else 0

    @property
    def is_prerelease(self):
        """True for alpha/beta/rc and dev versions.

        >>> from ember.torch_version import *
        >>> Version("2.13.0rc1").is_prerelease, Version("2.13.0").is_prerelease
        (True, False)
        """
        return self.pre is not None or self.dev is not None

    def __hash__(self):
        return hash(self._key)

    def __repr__(self):
        return f"<Version({str(self)!r})>"

    def __str__(self):
        s = self.base_version
        if self.pre is not None:
            s += f"{self.pre[0]}{self.pre[1]}"
        if self.post is not None:
            s += f".post{self.post}"
        if self.dev is not None:
            s += f".dev{self.dev}"
        if self.local is not None:
            s += f"+{self.local}"
        return s

    def _other(self, other):
        return other._key if isinstance(other, Version) else NotImplemented

    def __eq__(self, other):
        k = self._other(other)
        return k if k is NotImplemented else self._key == k

    def __lt__(self, other):
        k = self._other(other)
        return k if k is NotImplemented else self._key < k

    def __le__(self, other):
        k = self._other(other)
        return k if k is NotImplemented else self._key <= k

    def __gt__(self, other):
        k = self._other(other)
        return k if k is NotImplemented else self._key > k

    def __ge__(self, other):
        k = self._other(other)
        return k if k is NotImplemented else self._key >= k


def _as_version(other):
    if isinstance(other, Version):
        return other
    if isinstance(other, str):
        return Version(other)
    if isinstance(other, (tuple, list)) and all(isinstance(p, int) for p in other):
        return Version(".".join(str(p) for p in other))
    raise InvalidVersion(f"{other!r} cannot be compared with a version")


class TorchVersion(str):
    """A version string that compares with strings, tuples and ``Version`` by PEP 440 rules.

    >>> from ember.torch_version import *
    >>> TorchVersion("2.13.0+ember") >= (2, 0)
    True
    >>> TorchVersion("2.13.0") == "2.13"
    True
    """

    def _cmp(self, other, op):
        try:
            theirs = _as_version(other)
        except InvalidVersion:
            if isinstance(other, str):          # plain string comparison for non-versions, like torch
                return getattr(str, op)(self, other)
            return NotImplemented
        return getattr(Version(self), op)(theirs)

    def _ordered(op, sym):  # noqa: N805 - builds the four ordering methods below
        def compare(self, other):
            r = self._cmp(other, op)
            if r is NotImplemented:
                raise TypeError(f"'{sym}' not supported between instances of 'TorchVersion' and "
                                f"'{type(other).__name__}'")
            return r
        compare.__name__ = op
        return compare

    __gt__ = _ordered("__gt__", ">")
    __ge__ = _ordered("__ge__", ">=")
    __lt__ = _ordered("__lt__", "<")
    __le__ = _ordered("__le__", "<=")
    del _ordered

    def __eq__(self, other):
        r = self._cmp(other, "__eq__")
        return False if r is NotImplemented else r

    def __ne__(self, other):
        return not self.__eq__(other)

    __hash__ = str.__hash__
