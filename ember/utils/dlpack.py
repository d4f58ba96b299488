"""``torch.utils.dlpack``: exchange tensors with other array libraries through DLPack
(ember's tensors live in host memory; NumPy reads and writes the capsules).

>>> from ember.utils.dlpack import to_dlpack, from_dlpack
>>> t = from_dlpack(to_dlpack(ember.arange(3.)))
>>> t
tensor([0., 1., 2.])
"""
import enum

from .._buffers import from_dlpack, to_dlpack

__all__ = ["from_dlpack", "to_dlpack", "DLDeviceType"]


class DLDeviceType(enum.IntEnum):
    """DLPack's device codes (ember produces and accepts ``kDLCPU`` only).

    >>> from ember.utils.dlpack import DLDeviceType
    >>> int(DLDeviceType.kDLCPU)
    1
    """
    kDLCPU = 1
    kDLCUDA = 2
    kDLCUDAHost = 3
    kDLOpenCL = 4
    kDLVulkan = 7
    kDLMetal = 8
    kDLVPI = 9
    kDLROCM = 10
    kDLROCMHost = 11
    kDLExtDev = 12
    kDLCUDAManaged = 13
    kDLOneAPI = 14
    kDLWebGPU = 15
    kDLHexagon = 16
    kDLMAIA = 17
