"""``torchvision.ops._utils``, the module path torchvision's reference scripts reach into: the
RoI box-format helpers and dtype widening (defined in ``_roi_sampling``/``_box_convert``/
``_box_loss``, re-exported here) and ``split_normalization_params``.

>>> from ember.vision.ops._utils import split_normalization_params
>>> norm, other = split_normalization_params(ember.nn.Sequential(ember.nn.Linear(2, 2), ember.nn.BatchNorm1d(2)))
>>> len(norm), len(other)
(2, 2)
"""
from ... import nn
from ._box_convert import _upcast, _upcast_non_float  # noqa: F401
from ._box_loss import _loss_inter_union  # noqa: F401
from ._roi_sampling import check_roi_boxes_shape, convert_boxes_to_roi_format  # noqa: F401

__all__ = []


def split_normalization_params(model, norm_classes=None):
    """(parameters of normalization layers, all other parameters) of ``model``, each list keeping
    only parameters that require grad; ``norm_classes`` defaults to the batch, layer, group,
    instance and local-response norms.

    >>> from ember.vision.ops._utils import split_normalization_params
    >>> split_normalization_params(ember.nn.Linear(1, 1), [int])
    Traceback (most recent call last):
    ...
    ValueError: Class <class 'int'> is not a subclass of nn.Module.
    """
    if not norm_classes:
        norm_classes = [nn.modules.batchnorm._BatchNorm, nn.LayerNorm, nn.GroupNorm,
                        nn.modules.instancenorm._InstanceNorm, nn.LocalResponseNorm]
    for t in norm_classes:
        if not issubclass(t, nn.Module):
            raise ValueError(f"Class {t} is not a subclass of nn.Module.")
    classes = tuple(norm_classes)
    norm_params, other_params = [], []
    for module in model.modules():
        if next(module.children(), None):
            other_params.extend(p for p in module.parameters(recurse=False) if p.requires_grad)
        elif isinstance(module, classes):
            norm_params.extend(p for p in module.parameters() if p.requires_grad)
        else:
            other_params.extend(p for p in module.parameters() if p.requires_grad)
    return norm_params, other_params
