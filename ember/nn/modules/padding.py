"""Padding layers: zero, constant, reflection, replication and circular padding of the last
1, 2 or 3 dims (each a one-line call to ``F.pad``).

>>> ember.nn.modules.padding.ReflectionPad2d is ember.nn.ReflectionPad2d
True
"""
from .module import Module
from .. import functional as F

__all__ = ["CircularPad1d", "CircularPad2d", "CircularPad3d", "ConstantPad1d", "ConstantPad2d", "ConstantPad3d",
           "ReflectionPad1d", "ReflectionPad2d", "ReflectionPad3d", "ReplicationPad1d", "ReplicationPad2d",
           "ReplicationPad3d", "ZeroPad1d", "ZeroPad2d", "ZeroPad3d"]


def _ntuple_pad(padding, n):
    if isinstance(padding, int):
        return (padding,) * (2 * n)
    return tuple(padding)


class _PadNd(Module):
    _n = 1
    _mode = "constant"

    def __init__(self, padding):
        super().__init__()
        self.padding = _ntuple_pad(padding, self._n)

    def forward(self, input):
        if self._mode == "circular" and input.dim() not in (self._n + 1, self._n + 2):   # (PyTorch's check)
            raise ValueError(f"expected {self._n + 1}D or {self._n + 2}D input (got {input.dim()}D input)")
        if self._mode == "constant":
            return F.pad(input, self.padding, "constant", self.value)
        return F.pad(input, self.padding, self._mode)

    def extra_repr(self):
        return f"{self.padding}"


class _ConstPad(_PadNd):
    def __init__(self, padding, value):   # (value is required, as in PyTorch)
        super().__init__(padding)
        self.value = value

    def extra_repr(self):
        return f"padding={self.padding}, value={self.value}"


class _ZeroPad(_PadNd):
    def __init__(self, padding):
        super().__init__(padding, 0.0)

    def extra_repr(self):
        return f"{self.padding}"


def _make_pad(name, base, n, mode, doc):
    bases = base if isinstance(base, tuple) else (base,)   # (ZeroPadNd is a ConstantPadNd, as in PyTorch)
    cls = type(name, bases, {"_n": n, "_mode": mode, "__doc__": doc, "__module__": __name__})
    return cls


ConstantPad1d = _make_pad("ConstantPad1d", _ConstPad, 1, "constant", "Pad the last dim with a constant.\n\n    >>> ember.nn.ConstantPad1d((1, 2), 3.5)\n    ConstantPad1d(padding=(1, 2), value=3.5)\n    ")
ConstantPad2d = _make_pad("ConstantPad2d", _ConstPad, 2, "constant", "Pad the last two dims with a constant.\n\n    >>> ember.nn.ConstantPad2d(1, 2.0)(ember.ones(1, 1, 1)).sum().item()\n    17.0\n    ")
ConstantPad3d = _make_pad("ConstantPad3d", _ConstPad, 3, "constant", "Pad the last three dims with a constant.\n\n    >>> ember.nn.ConstantPad3d(1, 0.0)(ember.ones(1, 1, 1, 1)).shape\n    torch.Size([1, 3, 3, 3])\n    ")
ZeroPad1d = _make_pad("ZeroPad1d", (_ZeroPad, ConstantPad1d), 1, "constant", "Pad the last dim with zeros.\n\n    >>> ember.nn.ZeroPad1d(1)(ember.ones(1, 2)).shape\n    torch.Size([1, 4])\n    ")
ZeroPad2d = _make_pad("ZeroPad2d", (_ZeroPad, ConstantPad2d), 2, "constant", "Pad the last two dims with zeros.\n\n    >>> ember.nn.ZeroPad2d(1)\n    ZeroPad2d((1, 1, 1, 1))\n    ")
ZeroPad3d = _make_pad("ZeroPad3d", (_ZeroPad, ConstantPad3d), 3, "constant", "Pad the last three dims with zeros.\n\n    >>> ember.nn.ZeroPad3d(1)(ember.ones(1, 1, 1, 1)).shape\n    torch.Size([1, 3, 3, 3])\n    ")
ReflectionPad1d = _make_pad("ReflectionPad1d", _PadNd, 1, "reflect", "Reflect-pad the last dim.\n\n    >>> ember.nn.ReflectionPad1d(1)(ember.tensor([[1., 2., 3.]]))\n    tensor([[2., 1., 2., 3., 2.]])\n    ")
ReflectionPad2d = _make_pad("ReflectionPad2d", _PadNd, 2, "reflect", "Reflect-pad the last two dims.\n\n    >>> ember.nn.ReflectionPad2d(2)\n    ReflectionPad2d((2, 2, 2, 2))\n    ")
ReflectionPad3d = _make_pad("ReflectionPad3d", _PadNd, 3, "reflect", "Reflect-pad the last three dims.\n\n    >>> ember.nn.ReflectionPad3d(1)(ember.ones(1, 2, 2, 2)).shape\n    torch.Size([1, 4, 4, 4])\n    ")
ReplicationPad1d = _make_pad("ReplicationPad1d", _PadNd, 1, "replicate", "Edge-pad the last dim.\n\n    >>> ember.nn.ReplicationPad1d(1)(ember.tensor([[1., 2.]]))\n    tensor([[1., 1., 2., 2.]])\n    ")
ReplicationPad2d = _make_pad("ReplicationPad2d", _PadNd, 2, "replicate", "Edge-pad the last two dims.\n\n    >>> ember.nn.ReplicationPad2d(1)(ember.ones(1, 2, 2)).shape\n    torch.Size([1, 4, 4])\n    ")
ReplicationPad3d = _make_pad("ReplicationPad3d", _PadNd, 3, "replicate", "Edge-pad the last three dims.\n\n    >>> ember.nn.ReplicationPad3d(1)(ember.ones(1, 1, 1, 1)).shape\n    torch.Size([1, 3, 3, 3])\n    ")
CircularPad1d = _make_pad("CircularPad1d", _PadNd, 1, "circular", "Wrap-pad the last dim.\n\n    >>> ember.nn.CircularPad1d(1)(ember.tensor([[1., 2., 3.]]))\n    tensor([[3., 1., 2., 3., 1.]])\n    ")
CircularPad2d = _make_pad("CircularPad2d", _PadNd, 2, "circular", "Wrap-pad the last two dims.\n\n    >>> ember.nn.CircularPad2d(1)\n    CircularPad2d((1, 1, 1, 1))\n    ")
CircularPad3d = _make_pad("CircularPad3d", _PadNd, 3, "circular", "Wrap-pad the last three dims.\n\n    >>> ember.nn.CircularPad3d(1)(ember.ones(1, 2, 2, 2)).shape\n    torch.Size([1, 4, 4, 4])\n    ")
