"""``torch.utils.tensorboard``: ``SummaryWriter`` on the ``tensorboard`` package (an optional extra).

>>> from ember.utils.tensorboard import SummaryWriter
"""
try:
    import tensorboard  # noqa: F401
except ImportError as e:  # pragma: no cover - depends on the environment
    raise ImportError("ember.utils.tensorboard needs the tensorboard package: "
                      "pip install tensorboard (or pip install ember[tensorboard])") from e

from .writer import FileWriter, SummaryWriter  # noqa: E402

__all__ = ["SummaryWriter", "FileWriter"]
