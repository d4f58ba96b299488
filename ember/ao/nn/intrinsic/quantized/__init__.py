"""``torch.ao.nn.intrinsic.quantized``: quantized modules with a fused ReLU (the output is
clamped below at its zero point before it is stored).

>>> ember.ao.nn.intrinsic.quantized.LinearReLU(3, 2)
QuantizedLinearReLU(in_features=3, out_features=2, scale=1.0, zero_point=0, qscheme=torch.per_tensor_affine)
"""
from ...quantized import modules as _nnq

__all__ = ["LinearReLU", "ConvReLU1d", "ConvReLU2d", "ConvReLU3d", "BNReLU2d", "BNReLU3d"]


class LinearReLU(_nnq.Linear):
    """Quantized linear + ReLU.

    >>> ember.ao.nn.intrinsic.quantized.LinearReLU(3, 2).weight().dtype
    torch.qint8
    """

    _relu = True
    _NAME = "QuantizedLinearReLU"


class ConvReLU1d(_nnq.Conv1d):
    """Quantized 1-D conv + ReLU.

    >>> ember.ao.nn.intrinsic.quantized.ConvReLU1d(1, 1, 1)._relu
    True
    """

    _relu = True


class ConvReLU2d(_nnq.Conv2d):
    """Quantized 2-D conv + ReLU.

    >>> ember.ao.nn.intrinsic.quantized.ConvReLU2d(1, 2, 3)
    QuantizedConvReLU2d(1, 2, kernel_size=(3, 3), stride=(1, 1), scale=1.0, zero_point=0)
    """

    _relu = True


class ConvReLU3d(_nnq.Conv3d):
    """Quantized 3-D conv + ReLU.

    >>> ember.ao.nn.intrinsic.quantized.ConvReLU3d(1, 1, 1)._relu
    True
    """

    _relu = True


class _NotBuilt:
    def __init__(self, *args, **kwargs):
        raise NotImplementedError(f"ember: quantized {type(self).__name__} (a batch norm on "
                                  "quantized tensors) is not built; fuse the batch norm into the "
                                  "preceding conv instead")

    @classmethod
    def from_float(cls, mod, use_precomputed_fake_quant=False):
        return cls()


class BNReLU2d(_NotBuilt):
    """Quantized BatchNorm2d + ReLU: not built in ember (raises NotImplementedError).

    >>> ember.ao.nn.intrinsic.quantized.BNReLU2d.__name__
    'BNReLU2d'
    """


class BNReLU3d(_NotBuilt):
    """Quantized BatchNorm3d + ReLU: not built in ember (raises NotImplementedError).

    >>> ember.ao.nn.intrinsic.quantized.BNReLU3d.__name__
    'BNReLU3d'
    """
