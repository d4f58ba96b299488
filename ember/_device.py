"""``torch.device``, and the check that every factory's ``device=`` argument is the cpu.

``ember._tensor`` imports it (the Tensor's ``.device``), and so do the storages
(ember/_storage.py), which ``_tensor`` also imports: the device lives below both.

>>> from ember._device import CPU, _check_device
>>> CPU, _check_device("cpu")
(device(type='cpu'), None)
"""


class device:
    """A device, as ``torch.device``; ember computes on ``cpu``.

    >>> ember.device("cpu")
    device(type='cpu')
    """

    __slots__ = ("type", "index")
    __module__ = "ember"   # printed and pickled as the top-level name, as torch.device

    def __init__(self, type="cpu", index=None):
        if isinstance(type, device):
            type, index = type.type, type.index
        elif isinstance(type, int):
            type, index = "cuda", type
        elif ":" in type:
            type, idx = type.split(":")
            index = int(idx)
        if type not in ("cpu", "cuda", "mps", "meta"):
            raise RuntimeError(f"Expected one of cpu, cuda, mps, meta device type at start of device string: {type}")
        self.type = type
        self.index = index

    def __repr__(self):
        return f"device(type='{self.type}')" if self.index is None else \
            f"device(type='{self.type}', index={self.index})"

    def __str__(self):
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __eq__(self, other):
        if isinstance(other, str):
            other = device(other)
        return isinstance(other, device) and self.type == other.type and self.index == other.index

    def __hash__(self):
        return hash((self.type, self.index))

    def __enter__(self):  # `with torch.device(...)`: see ember/_device_context.py
        from ._device_context import enter_device
        return enter_device(self)

    def __exit__(self, *exc):
        from ._device_context import exit_device
        return exit_device(self)


CPU = device("cpu")
META = device("meta")


def _check_device(dev):
    if dev is None:
        return
    d = dev if isinstance(dev, device) else device(dev)
    if d.type != "cpu":
        raise RuntimeError(f"ember has no {d.type} backend yet: tensors live on the cpu "
                           "(Torch not compiled with CUDA enabled)")
