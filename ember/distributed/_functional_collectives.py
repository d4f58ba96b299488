"""``torch.distributed._functional_collectives``: ember's collectives are synchronous.

So ``wait_tensor`` has nothing to wait for and returns its argument.

>>> from ember.distributed._functional_collectives import *
>>> import ember
>>> t = ember.ones(2)
>>> wait_tensor(t) is t
True
"""
__all__ = ["wait_tensor", "all_to_all_single_autograd"]


def wait_tensor(tensor):
    """Wait for an async collective's result (ember's collectives finish before returning).

    >>> from ember.distributed._functional_collectives import *
    >>> wait_tensor(ember.zeros(1))
    tensor([0.])
    """
    return tensor


def all_to_all_single_autograd(input, output_split_sizes, input_split_sizes, group, *args, **kwargs):
    """Differentiable all-to-all (not built in ember).

    >>> from ember.distributed._functional_collectives import *
    >>> callable(all_to_all_single_autograd)
    True
    """
    raise NotImplementedError("torch.distributed._functional_collectives.all_to_all_single_autograd "
                              "is not built in ember")
