"""``torch.jit.freeze`` / ``optimize_for_inference`` for traced modules.

``freeze`` turns a traced module in eval mode into one whose parameters are constants (plain
tensors held as buffers: no ``parameters()``, no gradients). ``optimize_for_inference`` freezes
and then rewrites the graph: a ``conv`` followed by an eval-mode ``batch_norm`` becomes one
``conv`` with folded weights (``w * gamma / sqrt(var + eps)``, bias ``(b - mean) * gamma /
sqrt(var + eps) + beta``, computed in float64 and stored in the weights' dtype), and nodes whose
results are unused are removed. Folding changes the rounding: results agree with eager to
float32 precision, not bit for bit.

>>> net = ember.nn.Sequential(ember.nn.Conv2d(1, 2, 3), ember.nn.BatchNorm2d(2)).eval()
>>> x = ember.randn(1, 1, 5, 5)
>>> opt = ember.jit.optimize_for_inference(ember.jit.trace(net, x))
>>> bool(ember.allclose(opt(x), net(x), atol=1e-5)), len(list(opt.parameters()))
(True, 0)
"""
from .._tensor import Tensor
from .._backend import np

__all__ = ["freeze", "optimize_for_inference", "run_frozen_optimizations"]


def _check(mod, what):
    from ._trace import TracedModule
    if not isinstance(mod, TracedModule):
        raise RuntimeError(f"{what} expects a ScriptModule as input. Please use torch.jit.script or "
                           "torch.jit.trace to script your 'nn.Module'.")


def freeze(mod, preserved_attrs=None, optimize_numerics=True):
    """A frozen copy of traced module ``mod`` (eval mode): parameters become constants."""
    from ._trace import TopLevelTracedModule, _Holder
    from ..fx import GraphModule
    _check(mod, "Freezing")
    if mod.training:
        raise RuntimeError("Freezing is currently only implemented for modules in eval mode. Please call .eval() on "
                           "your module before freezing.")
    holder = _Holder()
    for k, t in list(mod.named_parameters()) + list(mod.named_buffers()):
        *path, last = k.split(".")
        owner = holder
        for p in path:
            if p not in owner._modules:
                owner.add_module(p, _Holder())
            owner = owner._modules[p]
        owner.register_buffer(last, t.detach())
    for k, m in mod.named_modules():
        if k:
            sub = holder
            for p in k.split("."):
                if p not in sub._modules:
                    sub.add_module(p, _Holder())
                sub = sub._modules[p]
            sub.training = False
    holder.training = False
    for name in preserved_attrs or ():
        if hasattr(mod, name) and not isinstance(getattr(mod, name), Tensor):
            object.__setattr__(holder, name, getattr(mod, name))
    frozen = TopLevelTracedModule(holder)
    frozen.__dict__["original_name"] = mod.original_name
    import copy
    g = copy.deepcopy(mod._gm.graph)
    frozen._set_graph(GraphModule(holder, g), frozen, mod._input_names)
    if optimize_numerics:
        run_frozen_optimizations(frozen)
    return frozen


def _conv_bn_pairs(graph):
    from ..nn import functional as F
    convs = {F.conv1d, F.conv2d, F.conv3d}
    for n in graph.nodes:
        if n.op != "call_function" or n.target is not F.batch_norm or n.kwargs:
            continue
        a = n.args
        if len(a) < 8 or a[5] is not False:
            continue
        c = a[0]
        if c.__class__.__name__ != "Node" or c.op != "call_function" or c.target not in convs \
                or len(c.users) != 1 or c.kwargs or len(c.args) < 2:
            continue
        if any(x is not None and (x.__class__.__name__ != "Node" or x.op != "get_attr") for x in a[1:5]):
            continue
        if a[1] is None or a[2] is None or c.args[1].op != "get_attr":
            continue
        if len(c.args) > 2 and c.args[2] is not None and c.args[2].op != "get_attr":
            continue
        yield c, n


def _get(root, target):
    for p in target.split("."):
        root = getattr(root, p)
    return root


def run_frozen_optimizations(mod, optimize_numerics=True, preserved_methods=None):
    """Fold eval-mode batch norms into the convolutions before them and drop dead nodes, in place."""
    from ..fx import GraphModule
    import ember
    g = mod._gm.graph
    count = 0
    for conv, bn in list(_conv_bn_pairs(g)):
        w = _get(mod, conv.args[1].target)._data
        b = conv.args[2] if len(conv.args) > 2 else None
        b = _get(mod, b.target)._data if b is not None else np.zeros(w.shape[0], w.dtype)
        mean, var = (_get(mod, x.target)._data for x in bn.args[1:3])
        gamma = _get(mod, bn.args[3].target)._data if bn.args[3] is not None else np.ones_like(mean)
        beta = _get(mod, bn.args[4].target)._data if bn.args[4] is not None else np.zeros_like(mean)
        scale = gamma.astype(np.float64) / np.sqrt(var.astype(np.float64) + float(bn.args[7]))
        shape = (-1,) + (1,) * (w.ndim - 1)
        nw = (w.astype(np.float64) * scale.reshape(shape)).astype(w.dtype)
        nb = ((b.astype(np.float64) - mean) * scale + beta).astype(w.dtype)
        wn, bn_name = f"_folded_weight_{count}", f"_folded_bias_{count}"
        count += 1
        mod.register_buffer(wn, ember.from_numpy(nw))
        mod.register_buffer(bn_name, ember.from_numpy(nb))
        with g.inserting_before(conv):
            wnode, bnode = g.get_attr(wn), g.get_attr(bn_name)
        args = list(conv.args)
        args[1] = wnode
        if len(args) > 2:
            args[2] = bnode
        else:
            args.append(bnode)
        conv.args = tuple(args)
        bn.replace_all_uses_with(conv)
        g.erase_node(bn)
    g.eliminate_dead_code()
    mod._set_graph(GraphModule(mod, g), mod, mod._input_names)
    return mod


def optimize_for_inference(mod, other_methods=None):
    """Freeze ``mod`` (if not frozen) and apply :func:`run_frozen_optimizations`."""
    _check(mod, "optimize_for_inference")
    if list(mod.parameters()):
        mod = freeze(mod.eval() if mod.training else mod)
    else:
        run_frozen_optimizations(mod)
    return mod
