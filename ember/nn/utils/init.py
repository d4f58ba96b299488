"""``torch.nn.utils.skip_init``: build a module without running its parameter initialisation.

>>> ember.nn.utils.skip_init(ember.nn.Linear, 3, 2).weight.shape
torch.Size([2, 3])
"""
import inspect

__all__ = ["skip_init"]


def skip_init(module_cls, *args, **kwargs):
    """Instantiate ``module_cls(*args, **kwargs)``; its parameter values are unspecified
    (callers overwrite them). ember has no meta device, so the class's own initialisation
    runs, which is one valid choice of unspecified values. The class must accept ``device``.

    >>> ember.nn.utils.skip_init(ember.nn.Conv1d, 1, 1, 3).kernel_size
    (3,)
    """
    if not issubclass(module_cls, _module_base()):
        raise RuntimeError(f"Expected a Module; got {module_cls}")
    if "device" not in inspect.signature(module_cls).parameters:
        raise RuntimeError("Module must support a 'device' arg to skip initialization")
    return module_cls(*args, **kwargs)


def _module_base():
    from ..modules.module import Module
    return Module
