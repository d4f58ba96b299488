"""The state an export puts a model in: whether an export is running (``is_in_onnx_export``)
and the training mode it exports in. Needs no onnx package.

>>> from ember.onnx._export_mode import in_export
>>> in_export()
False
"""
import contextlib

__all__ = ["in_export", "exporting", "training_mode"]

_depth = [0]


def in_export():
    """Whether an export is running."""
    return _depth[0] > 0


@contextlib.contextmanager
def exporting():
    """Mark an export as running for the ``with`` block."""
    _depth[0] += 1
    try:
        yield
    finally:
        _depth[0] -= 1


@contextlib.contextmanager
def training_mode(model, training):
    """``model`` (all its submodules) in ``training`` (a TrainingMode) for the block, then as it was."""
    from . import TrainingMode
    saved = [(m, m.training) for m in model.modules()]
    try:
        if training == TrainingMode.EVAL:
            model.train(False)
        elif training == TrainingMode.TRAINING:
            model.train(True)
        yield
    finally:
        for m, flag in saved:
            m.training = flag
