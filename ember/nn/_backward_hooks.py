"""Full backward hooks on Modules: identity Functions around a module's inputs and
outputs catch ``grad_output`` and ``grad_input``.

As in PyTorch, the hooks see one entry per positional argument (``grad_input``) and per
element of the output tuple (``grad_output``): None where that is not a tensor needing
grad, or (outputs only) where no gradient flowed to it."""
from .._tensor import Tensor
from ..autograd.function import Function


class _Identity(Function):
    @staticmethod
    def forward(ctx, hook_state, which, *tensors):
        # PyTorch's grad_output has None for outputs no gradient reached; its grad_input has
        # zeros for tensor arguments none reached
        ctx.set_materialize_grads(which != "out")
        ctx.hook_state = hook_state
        ctx.which = which
        return tuple(t.view_as(t) for t in tensors)

    @staticmethod
    def backward(ctx, *grads):
        st = ctx.hook_state
        if ctx.which == "out":
            grads = st.on_grad_output(grads)
        else:
            grads = st.on_grad_input(grads)
        return (None, None) + tuple(grads)


class BackwardHook:
    """Runs a module's full backward (pre-)hooks."""

    def __init__(self, module, hooks, pre_hooks):
        self.module = module
        self.hooks = hooks
        self.pre_hooks = pre_hooks
        self.grad_outputs = None
        self.n_inputs = 0
        self.input_pos = []
        self.n_args = 0
        self.output_pos = []
        self.n_outs = 0

    def setup_input_hook(self, args):
        pos = [i for i, a in enumerate(args) if isinstance(a, Tensor)]
        if not any(args[i].requires_grad for i in pos):
            pos = []
        # as in PyTorch, every tensor argument goes through the identity once one needs grad
        # (so each gets a grad_input slot, and inside the module they all require grad)
        self.n_inputs = len(pos)
        self.input_pos = pos
        self.n_args = len(args)
        if not pos or not self.hooks:
            return args
        new = _Identity.apply(self, "in", *[args[i] for i in pos])
        args = list(args)
        for i, t in zip(pos, new):
            args[i] = t
        return tuple(args)

    def setup_output_hook(self, result):
        single = isinstance(result, Tensor)
        outs = (result,) if single else result
        if not isinstance(outs, tuple):
            return result
        pos = [i for i, a in enumerate(outs) if isinstance(a, Tensor) and a.requires_grad]
        if not pos:
            return result
        self.output_pos, self.n_outs = pos, len(outs)
        new = _Identity.apply(self, "out", *[outs[i] for i in pos])
        outs = list(outs)
        for i, t in zip(pos, new):
            outs[i] = t
        return outs[0] if single else tuple(outs)

    def on_grad_output(self, grads):
        full = _pack(grads, self.output_pos, self.n_outs)
        for h in self.pre_hooks:
            r = h(self.module, full)
            if r is not None:
                full = tuple(r)
        self.grad_outputs = full
        if self.n_inputs == 0:  # no input needs grad: hooks see grad_input = (None,)
            for h in self.hooks:
                h(self.module, (None,), self.grad_outputs)
        return tuple(full[i] for i in self.output_pos)

    def on_grad_input(self, grads):
        full = _pack(grads, self.input_pos, self.n_args)
        for h in self.hooks:
            r = h(self.module, full, self.grad_outputs)
            if r is not None:
                if len(r) != len(full):
                    raise RuntimeError(f"Backward hook returned an invalid number of grad_input, got "
                                       f"{len(r)}, but expected {len(full)}")
                full = tuple(r)
        return tuple(full[i] for i in self.input_pos)


def _pack(grads, pos, n):
    """``grads`` (one per tensor at ``pos``) spread over ``n`` slots, None elsewhere."""
    full = [None] * n
    for i, g in zip(pos, grads):
        full[i] = g
    return tuple(full)
