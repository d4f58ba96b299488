"""``ExportedProgram``: a traced program with its parameters and buffers lifted to graph inputs.

The graph is ember.fx's (nodes call ember functions such as ``torch.nn.functional.linear``;
ember has no ATen operator set, so ``run_decompositions`` has nothing to lower).

>>> ep = ember.export.export(ember.nn.Linear(3, 2), (ember.randn(4, 3),))
>>> print(ep.graph_module.code.strip())
def forward(self, p_weight, p_bias, input):
    linear = torch.nn.functional.linear(input, p_weight, p_bias);  input = p_weight = p_bias = None
    return (linear,)
"""
import copy

from ..fx.graph import Graph
from ..fx.graph_module import GraphModule
from ..fx.node import Node, map_arg
from .graph_signature import (ExportGraphSignature, InputKind, InputSpec, OutputKind, OutputSpec,
                              TensorArgument, ConstantArgument)

__all__ = ["ExportedProgram"]


def _flatten(v, out):
    if isinstance(v, (tuple, list)) and not hasattr(v, "_fields"):
        for e in v:
            _flatten(e, out)
    elif isinstance(v, dict):
        for e in v.values():
            _flatten(e, out)
    else:
        out.append(v)
    return out


def lift(gm, root):
    """The graph of ``gm`` with every get_attr of a parameter, buffer or constant turned into a
    leading placeholder (``p_``/``b_``/``c_`` prefixes, as torch.export names them), and its
    output flattened into a tuple; returns (GraphModule, signature, state_dict, constants)."""
    import ember
    params = dict(root.named_parameters(remove_duplicate=False))
    buffers = dict(root.named_buffers(remove_duplicate=False))
    nonpersistent = {f"{p}{'.' if p else ''}{b}" for p, m in root.named_modules()
                     for b in m._non_persistent_buffers_set}
    used = {n.target for n in gm.graph.nodes if n.op == "get_attr"}
    constants = {}
    new = Graph()
    env, specs = {}, []

    def add_input(kind, prefix, target, persistent=None):
        ph = new.placeholder(prefix + target.replace(".", "_"))
        specs.append(InputSpec(kind, TensorArgument(ph.name), target, persistent))
        return ph
    lifted = {}
    for t in params:
        lifted[t] = add_input(InputKind.PARAMETER, "p_", t)
    for t in buffers:
        lifted[t] = add_input(InputKind.BUFFER, "b_", t, t not in nonpersistent)
    for t in sorted(used - set(params) - set(buffers)):
        val = gm.get_submodule(t.rpartition(".")[0]) if "." in t else gm
        val = getattr(val, t.rpartition(".")[2])
        if isinstance(val, ember.Tensor):
            name = "lifted_tensor_" + str(len(constants))
            constants[name] = val
            lifted[t] = add_input(InputKind.CONSTANT_TENSOR, "c_", name)
    for n in gm.graph.nodes:
        if n.op == "placeholder":
            env[n] = new.placeholder(n.target, default_value=n.args[0]) if n.args else new.placeholder(n.target)
            if env[n].name != n.target and n.target.isidentifier() and n.target not in new._graph_namespace._used:
                new._graph_namespace.release(env[n].name)   # torch.export keeps the argument's own name
                env[n].name = n.target
                new._graph_namespace._used.add(n.target)
            specs.append(InputSpec(InputKind.USER_INPUT, TensorArgument(env[n].name)))
        elif n.op == "get_attr" and n.target in lifted:
            env[n] = lifted[n.target]
        elif n.op == "output":
            flat = _flatten(map_arg(n.args[0], lambda a: env[a]), [])
            new.output(tuple(flat))
            outs = [OutputSpec(OutputKind.USER_OUTPUT, TensorArgument(a.name) if isinstance(a, Node)
                               else ConstantArgument("", a)) for a in flat]
        else:
            env[n] = new.node_copy(n, lambda a: env[a])
    holder = copy.copy(gm)
    lifted_gm = GraphModule(holder, new, "GraphModule")
    for k in list(lifted_gm._modules):
        if not any(nd.op == "call_module" and nd.target.split(".")[0] == k for nd in new.nodes):
            delattr(lifted_gm, k)
    state = {**params, **{k: v for k, v in buffers.items() if k not in nonpersistent}}
    return lifted_gm, ExportGraphSignature(specs, outs), state, constants


class ExportedProgram:
    """What :func:`ember.export.export` returns: ``graph_module`` (state lifted to inputs),
    ``graph_signature``, ``state_dict``, ``constants``, ``example_inputs``, ``range_constraints``,
    and :meth:`module` (a callable GraphModule that holds its state again).

    >>> ep = ember.export.export(ember.nn.ReLU(), (ember.tensor([-1.0, 1.0]),))
    >>> ep.module()(ember.tensor([-2.0, 3.0]))
    tensor([0., 3.])
    """

    def __init__(self, traced, root, example_inputs, range_constraints, guards):
        self._traced = traced
        self._root = root
        (self._graph_module, self._graph_signature, self._state_dict,
         self._constants) = lift(traced, root)
        self._example_inputs = example_inputs
        self._range_constraints = range_constraints
        self._guards = guards

    graph_module = property(lambda self: self._graph_module, doc="The GraphModule with lifted state.")
    graph_signature = property(lambda self: self._graph_signature, doc="An ExportGraphSignature.")
    state_dict = property(lambda self: self._state_dict, doc="Parameters and persistent buffers by name.")
    constants = property(lambda self: self._constants, doc="Lifted tensor constants by name.")
    tensor_constants = constants
    example_inputs = property(lambda self: self._example_inputs, doc="The (args, kwargs) exported with.")
    range_constraints = property(lambda self: self._range_constraints, doc="Ranges of the dynamic dimensions.")
    dialect = "EMBER"

    @property
    def graph(self):
        """The graph of :attr:`graph_module`."""
        return self._graph_module.graph

    @property
    def call_spec(self):
        return None

    @property
    def module_call_graph(self):
        return []

    def parameters(self):
        """The lifted parameters, in signature order."""
        for name in self._graph_signature.parameters:
            yield self._state_dict[name]

    def named_parameters(self):
        for name in self._graph_signature.parameters:
            yield name, self._state_dict[name]

    def buffers(self):
        for _, b in self.named_buffers():
            yield b

    def named_buffers(self):
        for name in self._graph_signature.buffers:
            yield name, self._state_dict[name] if name in self._state_dict else self._root.get_buffer(name)

    def module(self):
        """A GraphModule that runs the program with its state as attributes again; calling it
        checks the input shapes against the export's guards (AssertionError on failure, as torch).

        >>> ep = ember.export.export(ember.nn.Linear(2, 2), (ember.ones(3, 2),))
        >>> ep.module()(ember.ones(4, 2))
        Traceback (most recent call last):
        ...
        AssertionError: Guard failed: input.size()[0] == 3
        """
        m = GraphModule(self._traced, copy.deepcopy(self._traced.graph), type(self._traced).__name__)
        guards = self._guards

        def check(mod, args, kwargs=None):
            for check_fn in guards:
                check_fn(args, kwargs or {})
        m.register_forward_pre_hook(check, with_kwargs=True)
        return m

    def run_decompositions(self, decomp_table=None, decompose_custom_triton_ops=False):
        """This program: ember's graphs call ember functions, there is no lower operator set."""
        return self

    def validate(self):
        """Check the graph (``Graph.lint``)."""
        self._graph_module.graph.lint()

    def __call__(self, *args, **kwargs):
        raise RuntimeError("Unable to call ExportedProgram directly. You should use `exported_program.module()` "
                           "instead.")

    def __str__(self):
        body = self._graph_module.print_readable(print_output=False)
        body = "\n".join("    " + ln if ln else ln for ln in body.splitlines())
        sig = "\n".join("    " + ln if ln else ln for ln in str(self._graph_signature).splitlines())
        return f"ExportedProgram:\n{body}\nGraph signature: {sig}\nRange constraints: {self._range_constraints}\n"

    __repr__ = __str__
