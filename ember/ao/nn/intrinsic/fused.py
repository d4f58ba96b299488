"""Fused float modules (``torch.ao.nn.intrinsic``): a ``Sequential`` of the modules
``fuse_modules`` joined, which ``prepare_qat``/``convert`` turn into one QAT or quantized
module. Each checks the types it is given, as PyTorch's do.

>>> ember.ao.nn.intrinsic.LinearReLU(ember.nn.Linear(2, 3), ember.nn.ReLU())
LinearReLU(
  (0): Linear(in_features=2, out_features=3, bias=True)
  (1): ReLU()
)
"""
from ....nn.modules.container import Sequential
from .... import nn

__all__ = ["_FusedModule", "ConvReLU1d", "ConvReLU2d", "ConvReLU3d", "LinearReLU", "ConvBn1d",
           "ConvBn2d", "ConvBn3d", "ConvBnReLU1d", "ConvBnReLU2d", "ConvBnReLU3d", "BNReLU2d",
           "BNReLU3d", "LinearBn1d"]


class _FusedModule(Sequential):
    """Base of the fused modules (a Sequential)."""


def _fused(name, types, doc):
    def __init__(self, *mods):
        if len(mods) != len(types) or any(type(m) is not t for m, t in zip(mods, types)):
            raise AssertionError("Incorrect types for input modules" +
                                 "".join(f"{type(m)}" for m in mods))
        _FusedModule.__init__(self, *mods)
    cls = type(name, (_FusedModule,), {"__init__": __init__, "__doc__": doc,
                                       "__module__": __name__})
    return cls


ConvReLU1d = _fused("ConvReLU1d", (nn.Conv1d, nn.ReLU), "Conv1d then ReLU, fused.")
ConvReLU2d = _fused("ConvReLU2d", (nn.Conv2d, nn.ReLU), "Conv2d then ReLU, fused.")
ConvReLU3d = _fused("ConvReLU3d", (nn.Conv3d, nn.ReLU), "Conv3d then ReLU, fused.")
LinearReLU = _fused("LinearReLU", (nn.Linear, nn.ReLU), "Linear then ReLU, fused.")
ConvBn1d = _fused("ConvBn1d", (nn.Conv1d, nn.BatchNorm1d), "Conv1d then BatchNorm1d (QAT).")
ConvBn2d = _fused("ConvBn2d", (nn.Conv2d, nn.BatchNorm2d), "Conv2d then BatchNorm2d (QAT).")
ConvBn3d = _fused("ConvBn3d", (nn.Conv3d, nn.BatchNorm3d), "Conv3d then BatchNorm3d (QAT).")
ConvBnReLU1d = _fused("ConvBnReLU1d", (nn.Conv1d, nn.BatchNorm1d, nn.ReLU),
                      "Conv1d, BatchNorm1d, ReLU (QAT).")
ConvBnReLU2d = _fused("ConvBnReLU2d", (nn.Conv2d, nn.BatchNorm2d, nn.ReLU),
                      "Conv2d, BatchNorm2d, ReLU (QAT).")
ConvBnReLU3d = _fused("ConvBnReLU3d", (nn.Conv3d, nn.BatchNorm3d, nn.ReLU),
                      "Conv3d, BatchNorm3d, ReLU (QAT).")
BNReLU2d = _fused("BNReLU2d", (nn.BatchNorm2d, nn.ReLU), "BatchNorm2d then ReLU, fused.")
BNReLU3d = _fused("BNReLU3d", (nn.BatchNorm3d, nn.ReLU), "BatchNorm3d then ReLU, fused.")
LinearBn1d = _fused("LinearBn1d", (nn.Linear, nn.BatchNorm1d), "Linear then BatchNorm1d (QAT).")
