"""The fast program: a captured graph lowered to straight-line NumPy.

Built once per guarded entry from the graph and the values recorded on its first replay
(:mod:`ember._compile._replay`). Nodes with a NumPy kernel (:mod:`ember._compile._kernels`)
run on raw arrays; every other node is an *island*: the same ember call as eager, on
Tensors wrapped around the arrays. Two generated functions come out:

* ``infer(inputs)`` — for calls that need no gradient: no autograd bookkeeping at all, and
  kernels whose result never leaves the program write into buffers kept across calls;
* ``train_fwd(arrays)`` / ``train_bwd(saved, grads)`` — for calls that need gradients: the
  whole graph becomes ONE autograd node (:class:`CompiledFunction`) whose backward runs the
  kernels' NumPy backward, and, for islands, ember's own backward of that one call
  (``autograd.grad`` on the island's inputs), so gradients are bit-identical to eager.

>>> from ember._compile._program import CompiledFunction
>>> CompiledFunction._name
'CompiledFunctionBackward'
"""
import operator

from .._backend import np
from .._tensor import Tensor, _wrap
from ..autograd.function import Op, apply_op
from ..autograd import grad_mode
from . import _kernels as K
from ._replay import module_path, render_arg

__all__ = ["Program", "CompiledFunction"]

_nd = np.ndarray
_INPLACE_OPS = None


def _W(v):
    return _wrap(v) if v.__class__ is _nd else v


def _U(v):
    return v._data if v.__class__ is Tensor or isinstance(v, Tensor) else v


def _leaf(a):
    t = _wrap(a)
    t._rg = True
    return t


def _island_bwd(saved, g):
    leaves, out, want = saved
    if not isinstance(out, Tensor) or not out._rg:
        return (None,) * len(leaves)
    from ..autograd import grad
    idx = [i for i, w in enumerate(want) if w]
    if not idx:
        return (None,) * len(leaves)
    gs = grad([out], [leaves[i] for i in idx], [_wrap(g)], allow_unused=True)
    res = [None] * len(leaves)
    for i, r in zip(idx, gs):
        res[i] = None if r is None else r._data
    return tuple(res)


def _flat_nodes(a):
    if a.__class__.__name__ == "Node":
        return [a]
    if isinstance(a, (tuple, list)):
        return [n for x in a for n in _flat_nodes(x)]
    if isinstance(a, dict):
        return [n for x in a.values() for n in _flat_nodes(x)]
    if isinstance(a, slice):
        return _flat_nodes((a.start, a.stop, a.step))
    return []


def _flat_tensors(v):
    if isinstance(v, Tensor):
        return [v]
    if isinstance(v, (tuple, list)):
        return [t for x in v for t in _flat_tensors(x)]
    return []


def _island_bwd_struct(saved, glist):
    """Backward of an island whose result holds several Tensors (an LSTM's ``(out, (h, c))``)."""
    leaves, out, want = saved
    pairs = [(o, g) for o, g in zip(_flat_tensors(out), glist) if g is not None and o._rg]
    if not pairs or not leaves:
        return (None,) * len(leaves)
    from ..autograd import grad
    gs = grad([o for o, _ in pairs], list(leaves), [_wrap(g) for _, g in pairs], allow_unused=True)
    return tuple([None if r is None else r._data for r in gs])


def _is_inplace(node):
    global _INPLACE_OPS
    if _INPLACE_OPS is None:
        import operator
        _INPLACE_OPS = {operator.iadd, operator.isub, operator.imul, operator.itruediv, operator.ipow,
                        operator.iand, operator.ior, operator.ixor, operator.imatmul, operator.ifloordiv}
    if node.kwargs.get("inplace") is True:
        return True
    if node.op == "call_function":
        if node.target in _INPLACE_OPS:
            return True
        name = getattr(node.target, "__name__", "")
    elif node.op == "call_method":
        name = node.target
    else:
        return False
    return name.endswith("_") and not name.endswith("__")


class CompiledFunction(Op):
    """The compiled graph as one autograd node (its ``grad_fn`` name is PyTorch's)."""

    _name = "CompiledFunctionBackward"

    @staticmethod
    def forward(ctx, *arrays_and_program):
        prog = arrays_and_program[-1]
        outs, saved = prog.train_fwd(arrays_and_program[:-1])
        ctx.prog = prog
        ctx.tape = saved
        nd = [o for o, rg in zip(outs, prog.out_rg) if not rg]
        if nd:
            ctx.mark_non_differentiable(*nd)
        return outs if len(outs) != 1 else outs[0]

    @staticmethod
    def backward(ctx, *grads):
        if grad_mode._state[0]:
            raise NotImplementedError("ember.compile: double backward (create_graph=True) through a compiled "
                                      "training graph is not built; run the model uncompiled for higher-order "
                                      "gradients")
        gs = ctx.prog.train_bwd(ctx.tape, [None if g is None else g._data for g in grads])
        return tuple([None if g is None else _wrap(g) for g in gs])


class Program:
    """A graph lowered for one guarded entry; see the module docstring."""

    def __init__(self, graph, root, values, n_inputs):
        self.graph = graph
        self.nodes = list(graph.nodes)
        self.root = root
        idx = {n: i for i, n in enumerate(self.nodes)}
        self.idx = idx
        meta = {}
        for n, v in zip(self.nodes, values):
            meta[n] = ("T", v._data.shape, v._data.dtype, v._rg) if isinstance(v, Tensor) else ("O", v)
        self.meta = meta
        self.n_inputs = n_inputs
        self._vals = dict(zip(self.nodes, values))
        try:
            self._plan()
            self.infer = self._gen_infer(reuse=True)
            self.infer_fresh = self._gen_infer(reuse=False)
            self.trainable = self._can_train()
            if self.trainable:
                self._gen_train()
        finally:
            del self._vals  # the recorded values are not kept alive

    # -- planning ------------------------------------------------------------------------------
    def _plan(self):
        nodes, meta = self.nodes, self.meta
        self.kernels = {}
        self.absorbed = {}  # relu node -> the linear node whose kernel computes it
        self.objs = {}      # node -> the Tensor / object a get_attr node names
        users = {n: [] for n in nodes}
        for n in nodes:
            for a in n.all_input_nodes:
                users[a].append(n)
        self.users = users
        for n in nodes:
            if n.op == "get_attr":
                self.objs[n] = module_path(self.root, n.target)[2]
        for n in nodes:
            if n in self.absorbed or n.op in ("placeholder", "get_attr", "output"):
                continue
            mod = module_path(self.root, n.target)[2] if n.op == "call_module" else None
            kind, args = K.match(n, meta, mod)
            if kind is None:
                continue
            refs = []
            for a in args:
                refs.append(("P", getattr(mod, a)) if type(a) is str else a)
            in_meta = [meta[a] if type(a) is not tuple else ("T", a[1]._data.shape, a[1]._data.dtype, a[1]._rg)
                       for a in refs]
            relu = False
            if kind == "linear" and len(users[n]) == 1 and not self._is_output(n):
                u = users[n][0]
                umod = module_path(self.root, u.target)[2] if u.op == "call_module" else None
                ukind, uargs = K.match(u, meta, umod)
                if ukind == "relu" and uargs[0] is n:
                    relu = True
                    self.absorbed[u] = n
            needs = [m[3] for m in in_meta]
            k = K.make_kernel(kind, in_meta, meta[n], needs, relu=relu)
            k.inputs = refs
            k.kind, k.relu = kind, relu
            self.kernels[n] = k
        # values that leave the program (outputs, and what they may view) never use buffers
        esc = set()
        out = nodes[-1]
        for a in out.all_input_nodes:
            esc.add(self.absorbed.get(a, a))
        for n in reversed(nodes):
            if n in esc:
                k = self.kernels.get(n)
                if k is None or k.aliases:
                    for a in n.all_input_nodes:
                        esc.add(self.absorbed.get(a, a))
        self.escapes = esc

    def _is_output(self, n):
        return n in self.nodes[-1].all_input_nodes

    # -- inference -----------------------------------------------------------------------------
    def _island_call(self, n, names, consts, ns, i, tensor_names):
        """Source of the ember call of node ``n`` with its args in Tensor form."""
        def arg(a):
            return render_arg(a, tensor_names, consts)
        args = ", ".join([arg(a) for a in n.args] + [f"{k}={arg(v)}" for k, v in n.kwargs.items()])
        if n.op == "call_function":
            ns[f"F{i}"] = n.target
            return f"F{i}({args})"
        if n.op == "call_method":
            ns[f"N{i}"] = n.target
            rest = ", ".join([arg(a) for a in n.args[1:]] + [f"{k}={arg(v)}" for k, v in n.kwargs.items()])
            return f"getattr({arg(n.args[0])}, N{i})({rest})"
        ns[f"M{i}"] = module_path(self.root, n.target)[2]
        return f"M{i}({args})"

    def _tensor_form(self, names):
        """Node -> source of its value as ember sees it (a Tensor for arrays)."""
        tn = {}
        for n, v in names.items():
            m = self.meta[n]
            if n.op == "get_attr":
                tn[n] = f"A{self.idx[n]}"
            elif m[0] == "T":
                tn[n] = f"W({v})"
            else:
                tn[n] = v
        return tn

    def _gen_infer(self, reuse):
        ns = {"W": _W, "U": _U, "matmul": np.matmul, "maximum": np.maximum}
        consts, names = {}, {}
        lines = ["def infer(inputs):"]
        k_in = 0
        for i, n in enumerate(self.nodes):
            v = f"v{i}"
            if n in self.absorbed:
                names[n] = names[self.absorbed[n]]
                continue
            if n.op == "placeholder":
                lines.append(f"    {v} = inputs[{k_in}]")
                k_in += 1
            elif n.op == "get_attr":
                obj = self.objs[n]
                ns[f"A{i}"] = obj
                lines.append(f"    {v} = A{i}._data" if isinstance(obj, Tensor) else f"    {v} = A{i}")
            elif n.op == "output":
                tn = {a: (f"W({names[a]})" if self.meta[a][0] == "T" else names[a]) for a in n.all_input_nodes}
                lines.append(f"    return {render_arg(n.args[0], tn, consts)}")
                break
            elif n in self.kernels:
                k = self.kernels[n]
                ins = []
                for j, r in enumerate(k.inputs):
                    if type(r) is tuple:
                        ns[f"P{i}_{j}"] = r[1]
                        ins.append(f"P{i}_{j}._data")
                    else:
                        ins.append(names[r])
                m = self.meta[n]
                if reuse and n not in self.escapes and k.kind == "linear" and len(m[1]) == 2 \
                        and self.meta[k.inputs[0]][0] == "T" and len(self.meta[k.inputs[0]][1]) == 2:
                    # straight-line NumPy into a buffer kept across calls: no call per kernel
                    ns[f"B{i}"] = np.empty(m[1], m[2])
                    lines.append(f"    {v} = B{i}; matmul({ins[0]}, {ins[1]}.T, out={v})")
                    if len(ins) > 2:
                        lines.append(f"    {v} += {ins[2]}")
                    if k.relu:
                        lines.append(f"    maximum({v}, 0, out={v}, dtype={v}.dtype)")
                else:
                    ns[f"K{i}"] = k.fwd_buf if reuse and n not in self.escapes else k.fwd
                    lines.append(f"    {v} = K{i}({', '.join(ins)})")
            else:
                call = self._island_call(n, names, consts, ns, i, self._tensor_form(names))
                lines.append(f"    {v} = U({call})")
            names[n] = v
        ns.update(consts)
        src = "\n".join(lines)
        exec(compile(src, f"<ember.compile infer {id(self):x}>", "exec"), ns)  # noqa: S102 - our own source
        fn = ns["infer"]
        fn.source = src
        return fn

    # -- training: one autograd node -------------------------------------------------------------
    def _can_train(self):
        self.roots_of = {}
        out = self.nodes[-1]
        outs = out.args[0]
        flat = list(outs) if isinstance(outs, (tuple, list)) else [outs]
        if not flat or any(a.__class__.__name__ != "Node" or self.meta[a][0] != "T" for a in flat):
            return False
        if any(a.op in ("placeholder", "get_attr") for a in flat):
            return False
        # a value whose gradient sums 3 or more contributions, some inside one island, would be summed
        # in another order than eager's engine sums it (floating point is not associative): replay instead
        uses = {}
        for n in self.nodes:
            for a in _flat_nodes((n.args, n.kwargs)):
                uses[a] = uses.get(a, 0) + (2 if n.op == "call_module" else 1)
        if any(c >= 3 and self.meta[a][0] == "T" and self.meta[a][3] for a, c in uses.items()):
            return False
        self.roots, self.route = {}, {}  # structured island -> its flat Tensors; getitem node -> (root, slot)
        for n in self.nodes[:-1]:
            v = self._vals.get(n)
            src = n.args[0] if n.op == "call_function" and n.target is operator.getitem and n.args else None
            src_root = self.roots_of.get(src) if src.__class__.__name__ == "Node" else None
            if isinstance(v, (tuple, list)) and _flat_tensors(v):
                if src_root is not None:
                    self.roots_of[n] = src_root
                elif n.op in ("call_function", "call_method", "call_module"):
                    self.roots_of[n] = n
                    self.roots[n] = _flat_tensors(v)
                else:
                    return False
            elif isinstance(v, Tensor) and src_root is not None:
                slot = next((j for j, t in enumerate(self.roots[src_root]) if t is v), None)
                if slot is None:
                    return False
                self.route[n] = (src_root, slot)
            elif not isinstance(v, (Tensor, int, float, bool, type(None), tuple, list, str)) and \
                    type(v).__name__ not in ("Size", "dtype", "device"):
                return False
        self.flat_out = flat
        self.out_is_seq = isinstance(outs, (tuple, list))
        self.out_type = type(outs)
        return True

    def _gen_train(self):
        """``train_fwd(arrays) -> (outs, saved)`` and ``train_bwd(saved, grads) -> input grads``.

        The node's inputs are the placeholders then every get_attr Tensor and call_module
        parameter the kernels read."""
        ns = {"W": _W, "U": _U, "L": _leaf, "IB": _island_bwd, "copyto": np.copyto,
              "IBS": _island_bwd_struct}
        consts, names = {}, {}
        fl = ["def train_fwd(inputs):"]
        saved, bsteps = [], []  # bsteps: (node index, [(input key, grad position)])
        self.param_inputs = []  # Tensors appended after the placeholders
        keys = self._keys = {}  # node or ("P", node index, j) -> input position in the node's inputs
        k_in = 0
        for i, n in enumerate(self.nodes):
            v = f"v{i}"
            if n in self.absorbed:
                names[n] = names[self.absorbed[n]]
                continue
            if n.op == "placeholder":
                fl.append(f"    {v} = inputs[{k_in}]")
                keys[n] = k_in
                k_in += 1
            elif n.op == "get_attr":
                obj = self.objs[n]
                ns[f"A{i}"] = obj
                if isinstance(obj, Tensor):
                    keys[n] = self.n_inputs + len(self.param_inputs)
                    fl.append(f"    {v} = inputs[{keys[n]}]")
                    self.param_inputs.append(obj)
                else:
                    fl.append(f"    {v} = A{i}")
            elif n.op == "output":
                break
            elif n in self.kernels:
                k = self.kernels[n]
                ins, gkeys = [], []
                for j, r in enumerate(k.inputs):
                    if type(r) is tuple:
                        pos = self.n_inputs + len(self.param_inputs)
                        self.param_inputs.append(r[1])
                        keys[("P", i, j)] = pos
                        ins.append(f"inputs[{pos}]")
                        gkeys.append(("P", i, j) if r[1]._rg else None)
                    else:
                        ins.append(names[r])
                        gkeys.append(self.absorbed.get(r, r) if self.meta[r][0] == "T" and self.meta[r][3] else None)
                ns[f"T{i}"] = k.tfwd
                ns[f"B{i}"] = k.bwd
                fl.append(f"    {v}, S{i} = T{i}({', '.join(ins)})")
                saved.append(f"S{i}")
                if self.meta[n][3]:
                    bsteps.append((i, n, gkeys))
            else:
                self._train_island(n, i, names, consts, ns, fl, saved, bsteps)
            names[n] = v
        outs = ", ".join(names[a] for a in self.flat_out)
        fl.append(f"    return ({outs},), ({', '.join(saved)}{',' if saved else ''})")
        self.out_rg = [self.meta[a][3] for a in self.flat_out]
        # backward: reverse order, accumulating into g<i>
        bl = ["def train_bwd(saved, grads):", f"    ({', '.join(saved)}{',' if saved else ''}) = saved"]
        gvars = set()

        def acc(target, expr):
            gv = f"g{self.idx[target]}" if not isinstance(target, tuple) else f"gp{target[1]}_{target[2]}"
            if gv in gvars:
                bl.append(f"    if {expr} is not None: {gv} = {expr} if {gv} is None else {gv} + {expr}")
            else:
                bl.append(f"    {gv} = {expr}")
                gvars.add(gv)
        for r in self.roots:
            bl.append(f"    G{self.idx[r]} = [None] * {len(self.roots[r])}")
        for j, a in enumerate(self.flat_out):
            acc(self.absorbed.get(a, a), f"grads[{j}]")
        for i, n, gkeys in reversed(bsteps):
            gv = f"g{i}"
            if n in self.route:
                root, slot = self.route[n]
                if gv in gvars:
                    G = f"G{self.idx[root]}[{slot}]"
                    bl.append(f"    if {gv} is not None: {G} = {gv} if {G} is None else {G} + {gv}")
                continue
            if n in self.roots:
                bl.append(f"    r = IBS(S{i}, G{i})")
            elif gv not in gvars:
                continue
            else:
                bl.append(f"    if {gv} is not None:")
                bl.append(f"        r = B{i}(S{i}, {gv})")
            if n not in self.roots:
                bl.append("    else:")
                bl.append(f"        r = ({'None, ' * len(gkeys)})")
            for j, key in enumerate(gkeys):
                if key is not None:
                    acc(key, f"r[{j}]")
        rets = []
        by_pos = {p: k for k, p in keys.items()}
        for pos in range(self.n_inputs + len(self.param_inputs)):
            key = by_pos.get(pos)
            gv = None if key is None else (f"g{self.idx[key]}" if not isinstance(key, tuple)
                                            else f"gp{key[1]}_{key[2]}")
            rets.append(gv if gv in gvars else "None")
        bl.append(f"    return ({', '.join(rets)},)")
        ns.update(consts)
        src_f, src_b = "\n".join(fl), "\n".join(bl)
        exec(compile(src_f + "\n\n" + src_b, f"<ember.compile train {id(self):x}>", "exec"), ns)  # noqa: S102
        self.train_fwd, self.train_bwd = ns["train_fwd"], ns["train_bwd"]
        self.train_src = src_f + "\n\n" + src_b

    def _train_island(self, n, i, names, consts, ns, fl, saved, bsteps):
        """An island in the training forward: its differentiable inputs become fresh leaves, and
        the ember call's own graph gives their gradients in backward."""
        leaves, gkeys, tn = [], [], {}
        inplace = _is_inplace(n)
        for a in n.all_input_nodes:
            m = self.meta[a]
            if a.op == "get_attr" and not (m[0] == "T" and m[3]):
                tn[a] = f"A{self.idx[a]}"
            elif m[0] == "T" and m[3]:
                lv = f"l{i}_{len(leaves)}"
                first = bool(n.args) and n.args[0] is a
                fl.append(f"    {lv} = L({names[a]})")
                tn[a] = f"{lv}.clone()" if inplace and first else lv  # written in place: a copy of the leaf
                leaves.append(lv)
                gkeys.append(self.absorbed.get(a, a))
            elif m[0] == "T":
                tn[a] = f"W({names[a]})"
            else:
                tn[a] = names[a]
        if n.op == "call_module":  # the module's own parameters: gradients flow out of the node to them
            for p in module_path(self.root, n.target)[2].parameters():
                if p._rg:
                    key = ("P", i, len(gkeys))
                    self._keys[key] = self.n_inputs + len(self.param_inputs)
                    self.param_inputs.append(p)
                    ns[f"Q{i}_{len(gkeys)}"] = p
                    leaves.append(f"Q{i}_{len(gkeys)}")
                    gkeys.append(key)
        call = self._island_call(n, names, consts, ns, i, tn)
        fl.append(f"    o{i} = {call}")
        fl.append(f"    v{i} = U(o{i})")
        if inplace and n.args and n.args[0].__class__.__name__ == "Node" and self.meta[n.args[0]][0] == "T":
            fl.append(f"    if v{i}.__class__ is not {names[n.args[0]]}.__class__ or v{i} is not "
                      f"{names[n.args[0]]}: copyto({names[n.args[0]]}, v{i})")
        want = [True] * len(leaves)
        fl.append(f"    S{i} = (({', '.join(leaves)}{',' if leaves else ''}), o{i}, {tuple(want)!r})")
        saved.append(f"S{i}")
        ns[f"B{i}"] = _island_bwd
        if (self.meta[n][0] == "T" and self.meta[n][3]) or n in self.roots or n in self.route:
            bsteps.append((i, n, gkeys))

    # -- running -------------------------------------------------------------------------------
    def run_train(self, inputs):
        """Run as one autograd node; ``inputs`` are the placeholder Tensors."""
        outs = apply_op(CompiledFunction, tuple(inputs) + tuple(self.param_inputs), self)
        if not self.out_is_seq:
            return outs
        outs = outs if isinstance(outs, tuple) else (outs,)
        return self.out_type(outs)
