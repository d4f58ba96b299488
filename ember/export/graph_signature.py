"""``torch.export.graph_signature``: what each input and output of an exported graph is.

>>> gs = ember.export.graph_signature
>>> spec = gs.InputSpec(gs.InputKind.PARAMETER, gs.TensorArgument("p_fc_weight"), "fc.weight")
>>> spec.kind.name, spec.arg.name, spec.target
('PARAMETER', 'p_fc_weight', 'fc.weight')
"""
import dataclasses
import enum
from typing import Any, List, Optional

__all__ = ["InputKind", "OutputKind", "TensorArgument", "ConstantArgument", "InputSpec", "OutputSpec",
           "ExportGraphSignature"]


class InputKind(enum.Enum):
    """The role of a graph input.

    >>> ember.export.graph_signature.InputKind.BUFFER.value
    3
    """

    USER_INPUT = 1
    PARAMETER = 2
    BUFFER = 3
    CONSTANT_TENSOR = 4
    CUSTOM_OBJ = 5
    TOKEN = 6


class OutputKind(enum.Enum):
    """The role of a graph output.

    >>> ember.export.graph_signature.OutputKind.USER_OUTPUT.name
    'USER_OUTPUT'
    """

    USER_OUTPUT = 1
    LOSS_OUTPUT = 2
    BUFFER_MUTATION = 3
    GRADIENT_TO_PARAMETER = 4
    GRADIENT_TO_USER_INPUT = 5
    USER_INPUT_MUTATION = 6
    TOKEN = 7


@dataclasses.dataclass
class TensorArgument:
    """A tensor input or output, by node name.

    >>> ember.export.graph_signature.TensorArgument("x").name
    'x'
    """

    name: str


@dataclasses.dataclass
class ConstantArgument:
    """A non-tensor input or output and its value.

    >>> ember.export.graph_signature.ConstantArgument("", 3).value
    3
    """

    name: str
    value: Any


@dataclasses.dataclass
class InputSpec:
    """One graph input: its ``kind``, node (``arg``), and for state the ``target`` it is loaded from.

    >>> ep = ember.export.export(ember.nn.Linear(1, 1), (ember.ones(1, 1),))
    >>> ep.graph_signature.input_specs[0].target
    'weight'
    """

    kind: InputKind
    arg: Any
    target: Optional[str] = None
    persistent: Optional[bool] = None


@dataclasses.dataclass
class OutputSpec:
    """One graph output: its ``kind`` and node (``arg``).

    >>> ep = ember.export.export(ember.nn.ReLU(), (ember.ones(1),))
    >>> ep.graph_signature.output_specs[0].kind.name
    'USER_OUTPUT'
    """

    kind: OutputKind
    arg: Any
    target: Optional[str] = None


@dataclasses.dataclass
class ExportGraphSignature:
    """The inputs and outputs of an exported graph (``ExportedProgram.graph_signature``).

    >>> gs = ember.export.graph_signature
    >>> sig = gs.ExportGraphSignature([gs.InputSpec(gs.InputKind.USER_INPUT, gs.TensorArgument("x"))],
    ...                               [gs.OutputSpec(gs.OutputKind.USER_OUTPUT, gs.TensorArgument("y"))])
    >>> sig.user_inputs, sig.user_outputs, sig.parameters
    (('x',), ('y',), ())
    """

    input_specs: List[InputSpec]
    output_specs: List[OutputSpec]

    def _names(self, kind, specs):
        return tuple(s.arg.name for s in specs if s.kind is kind)

    def _targets(self, kind):
        return tuple(s.target for s in self.input_specs if s.kind is kind)

    @property
    def user_inputs(self):
        return self._names(InputKind.USER_INPUT, self.input_specs)

    @property
    def user_outputs(self):
        return self._names(OutputKind.USER_OUTPUT, self.output_specs)

    @property
    def parameters(self):
        return self._targets(InputKind.PARAMETER)

    @property
    def buffers(self):
        return self._targets(InputKind.BUFFER)

    @property
    def non_persistent_buffers(self):
        return tuple(s.target for s in self.input_specs if s.kind is InputKind.BUFFER and s.persistent is False)

    @property
    def lifted_tensor_constants(self):
        return self._targets(InputKind.CONSTANT_TENSOR)

    @property
    def inputs_to_parameters(self):
        return {s.arg.name: s.target for s in self.input_specs if s.kind is InputKind.PARAMETER}

    @property
    def inputs_to_buffers(self):
        return {s.arg.name: s.target for s in self.input_specs if s.kind is InputKind.BUFFER}

    @property
    def inputs_to_lifted_tensor_constants(self):
        return {s.arg.name: s.target for s in self.input_specs if s.kind is InputKind.CONSTANT_TENSOR}

    @property
    def buffers_to_mutate(self):
        return {}

    @property
    def user_inputs_to_mutate(self):
        return {}

    def __str__(self):
        lines = ["", "# inputs"]
        for s in self.input_specs:
            extra = "" if s.target is None else f" target={s.target!r}"
            if s.kind is InputKind.BUFFER:
                extra += f" persistent={s.persistent}"
            lines.append(f"{s.arg.name}: {s.kind.name}{extra}")
        lines += ["", "# outputs"]
        lines += [f"{s.arg.name}: {s.kind.name}" for s in self.output_specs]
        return "\n".join(lines) + "\n"
