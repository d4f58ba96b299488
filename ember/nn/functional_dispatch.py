"""The dispatch and annotation helpers that ``torch.nn.functional`` exposes. ember has no
``__torch_function__`` overrides, so the ``has_torch_function*`` checks answer False and
``handle_torch_function`` calls the public function through.

>>> import ember.nn.functional as F
>>> F.has_torch_function((ember.ones(1),))
False
"""
from typing import List, TYPE_CHECKING  # noqa: F401  (TYPE_CHECKING is a name F exposes)

from .._tensor import Tensor  # noqa: F401


def has_torch_function(relevant_args):
    """Always False: ember tensors carry no ``__torch_function__`` overrides.

    >>> F.has_torch_function([ember.zeros(1)])
    False
    """
    return False


def has_torch_function_unary(arg):
    """Always False (see ``has_torch_function``).

    >>> F.has_torch_function_unary(ember.zeros(1))
    False
    """
    return False


def has_torch_function_variadic(*args):
    """Always False (see ``has_torch_function``).

    >>> F.has_torch_function_variadic(ember.zeros(1), ember.zeros(1))
    False
    """
    return False


def handle_torch_function(public_api, relevant_args, *args, **kwargs):
    """Call ``public_api(*args, **kwargs)``: there is no override to dispatch to.

    >>> F.handle_torch_function(F.relu, (), ember.tensor([-1.]))
    tensor([0.])
    """
    return public_api(*args, **kwargs)


def boolean_dispatch(arg_name, arg_index, default, if_true, if_false, module_name, func_name):
    """A function that calls ``if_true`` or ``if_false`` according to the boolean argument
    ``arg_name`` (keyword, or positional at ``arg_index``; ``default`` when absent).

    >>> f = F.boolean_dispatch("neg", 1, False, lambda x, neg=True: -x, lambda x, neg=False: x, None, "f")
    >>> f(2), f(2, True), f(2, neg=True)
    (2, -2, -2)
    """
    def fn(*args, **kwargs):
        if arg_name in kwargs:
            flag = kwargs[arg_name]
        elif arg_index < len(args):
            flag = args[arg_index]
        else:
            flag = default
        return if_true(*args, **kwargs) if flag else if_false(*args, **kwargs)

    doc = if_true.__doc__ if if_true.__doc__ is not None else if_false.__doc__
    fn.__doc__ = doc
    if module_name is not None:
        fn.__module__ = module_name
    if func_name is not None:
        fn.__name__ = func_name
    return fn


def assert_int_or_pair(arg, arg_name, message):
    """Assert that ``arg`` is an int or a sequence of two ints; ``message`` is formatted with ``arg_name``.

    >>> F.assert_int_or_pair((2, 3), "kernel_size", "{} must be int or pair")
    """
    assert isinstance(arg, int) or len(arg) == 2, message.format(arg_name)


class _BroadcastingList:
    """Annotation stand-in: ``BroadcastingList2[int]`` is ``List[int]``, as under TorchScript."""

    def __getitem__(self, types):
        return List[types]


BroadcastingList1 = _BroadcastingList()
BroadcastingList2 = _BroadcastingList()
BroadcastingList3 = _BroadcastingList()

# the documentation fragments PyTorch's functional docstrings are formatted with
reproducibility_notes = {
    "forward_reproducibility_note": "This operation may behave nondeterministically on some accelerators; "
                                    "ember runs on NumPy and is deterministic.",
    "backward_reproducibility_note": "This operation's gradient may be nondeterministic on some accelerators; "
                                     "ember runs on NumPy and is deterministic.",
    "cudnn_reproducibility_note": "cuDNN may pick nondeterministic algorithms; ember does not use cuDNN.",
}
sparse_support_notes = {"sparse_beta_warning": "Sparse support is a beta feature; ember has no sparse layouts."}
tf32_notes = {"tf32_note": "TensorFloat-32 applies to some accelerators only; ember computes in the "
                           "tensor's own precision."}
