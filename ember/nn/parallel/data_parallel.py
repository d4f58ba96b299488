"""``nn.DataParallel`` and ``nn.parallel.data_parallel``: on a machine without CUDA devices
PyTorch runs the wrapped module as is; ember does the same (the ``module.`` prefix in
``state_dict`` included). For several processes use ``DistributedDataParallel``.

>>> dp = ember.nn.DataParallel(ember.nn.Linear(2, 1))
>>> list(dp.state_dict())
['module.weight', 'module.bias']
"""
from ..modules.module import Module

__all__ = ["DataParallel", "data_parallel"]


class DataParallel(Module):
    """Wrap ``module``; ``forward`` calls it on the whole batch (ember has one CPU device).

    >>> ember.nn.DataParallel(ember.nn.Linear(3, 2))(ember.randn(4, 3)).shape
    torch.Size([4, 2])
    """

    def __init__(self, module, device_ids=None, output_device=None, dim=0):
        super().__init__()
        self.module = module
        self.device_ids = []
        self.dim = dim
        self.output_device = None
        self.src_device_obj = None

    def forward(self, *inputs, **kwargs):
        return self.module(*inputs, **kwargs)


def data_parallel(module, inputs, device_ids=None, output_device=None, dim=0, module_kwargs=None):
    """Evaluate ``module(*inputs)`` (PyTorch's functional DataParallel, on one CPU device).

    >>> ember.nn.parallel.data_parallel(ember.nn.Linear(3, 2), ember.randn(4, 3)).shape
    torch.Size([4, 2])
    """
    if not isinstance(inputs, tuple):
        inputs = (inputs,) if inputs is not None else ()
    return module(*inputs, **(module_kwargs or {}))
