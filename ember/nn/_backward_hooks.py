"""Full backward hooks on Modules: identity Functions around a module's inputs and
outputs catch ``grad_output`` and ``grad_input``."""
from .._tensor import Tensor
from ..autograd.function import Function


class _Identity(Function):
    @staticmethod
    def forward(ctx, hook_state, which, *tensors):
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

    def setup_input_hook(self, args):
        pos = [i for i, a in enumerate(args) if isinstance(a, Tensor) and a.requires_grad]
        self.n_inputs = len(pos)
        self.input_pos = pos
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
        new = _Identity.apply(self, "out", *[outs[i] for i in pos])
        outs = list(outs)
        for i, t in zip(pos, new):
            outs[i] = t
        return outs[0] if single else tuple(outs)

    def on_grad_output(self, grads):
        for h in self.pre_hooks:
            r = h(self.module, tuple(grads))
            if r is not None:
                grads = tuple(r)
        self.grad_outputs = tuple(grads)
        if self.n_inputs == 0:  # no input needs grad: hooks see grad_input = (None,)
            for h in self.hooks:
                h(self.module, (None,), self.grad_outputs)
        return grads

    def on_grad_input(self, grads):
        for h in self.hooks:
            r = h(self.module, tuple(grads), self.grad_outputs)
            if r is not None:
                if len(r) != len(grads):
                    raise RuntimeError(f"Backward hook returned an invalid number of grad_input, got "
                                       f"{len(r)}, but expected {len(grads)}")
                grads = tuple(r)
        return grads
