"""``ember.func``: composable function transforms, as ``torch.func`` — ``vmap``, ``grad``,
``grad_and_value``, ``vjp``, ``jvp``, ``jacrev``, ``jacfwd``, ``hessian`` and
``functional_call``.

>>> x = ember.tensor([[1., 2.], [3., 4.]])
>>> ember.func.vmap(ember.func.grad(lambda r: (r ** 2).sum()))(x)
tensor([[2., 4.],
        [6., 8.]])
"""
from .vmap import vmap
from .transforms import grad, grad_and_value, vjp, jvp, jacrev, jacfwd, hessian
from ..nn.utils.stateless import _functional_call as functional_call

__all__ = ["vmap", "grad", "grad_and_value", "vjp", "jvp", "jacrev", "jacfwd", "hessian", "functional_call"]
from .module_state import stack_module_state, replace_all_batch_norm_modules_  # noqa: E402
from .linearize import linearize, functionalize  # noqa: E402

__all__ += ["stack_module_state", "replace_all_batch_norm_modules_", "linearize", "functionalize"]
