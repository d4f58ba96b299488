"""The legacy profiler's record types: ``torch.autograd.ProfilerConfig`` and
``torch.autograd.ProfilerEvent``.

A ``ProfilerConfig`` holds what a profiling run records; a ``ProfilerEvent`` is one legacy
record (a ``"push"`` when a call starts, a ``"pop"`` when it ends, or a ``"mark"``), read
through methods as in PyTorch. ``ProfilerEvent.from_function_event`` turns an event ember's
profiler recorded into its push/pop pair.

>>> from ember.autograd import ProfilerEvent
>>> with ember.autograd.profiler.profile(record_shapes=True) as prof:
...     _ = ember.ones(2, 3).exp()
>>> push, pop = ProfilerEvent.from_function_event(prof.function_events[-1])
>>> push.kind(), push.name(), push.shapes(), push.cpu_elapsed_us(pop) >= 0
('push', 'aten::exp', [[2, 3]], True)
"""
from .engine_settings import ProfilerState

__all__ = ["ProfilerConfig", "ProfilerEvent"]


class ProfilerConfig:
    """The settings of a profiling run (``state`` is a ``ProfilerState``).

    >>> from ember.autograd import ProfilerConfig, ProfilerState
    >>> c = ProfilerConfig(ProfilerState.CPU, True, False, False, False, False, None)
    >>> c.state, c.report_input_shapes, c.trace_id
    (<ProfilerState.CPU: 1>, True, '')
    """

    def __init__(self, state, report_input_shapes, profile_memory, with_stack, with_flops,
                 with_modules, experimental_config, trace_id=""):
        if not isinstance(state, ProfilerState):
            raise TypeError("__init__(): incompatible constructor arguments: state must be a "
                            f"ProfilerState, not {type(state).__name__}")
        self.state = state
        self.report_input_shapes = bool(report_input_shapes)
        self.profile_memory = bool(profile_memory)
        self.with_stack = bool(with_stack)
        self.with_flops = bool(with_flops)
        self.with_modules = bool(with_modules)
        self.experimental_config = experimental_config
        self.trace_id = str(trace_id)

    def __repr__(self):
        return (f"ProfilerConfig(state={self.state}, report_input_shapes={self.report_input_shapes}, "
                f"profile_memory={self.profile_memory}, with_stack={self.with_stack}, "
                f"with_flops={self.with_flops}, with_modules={self.with_modules})")


class ProfilerEvent:
    """One legacy profiler record; its fields are read through methods, as in PyTorch.

    >>> from ember.autograd import ProfilerEvent
    >>> a = ProfilerEvent("push", "aten::mm", start_us=10.0)
    >>> b = ProfilerEvent("pop", "aten::mm", start_us=14.5)
    >>> a.name(), a.kind(), a.cpu_elapsed_us(b), a.has_cuda()
    ('aten::mm', 'push', 4.5, False)
    """

    def __init__(self, kind, name, *, thread_id=0, start_us=0.0, shapes=None, stack=None,
                 cpu_memory_usage=0, sequence_nr=-1, fwd_thread_id=0, flops=0, scope=0,
                 handle=0, node_id=-1, correlation_id=0, is_async=False, is_remote=False):
        self._kind, self._name = kind, name
        self._thread_id, self._start_us = thread_id, float(start_us)
        self._shapes = shapes if shapes is not None else []
        self._stack = stack if stack is not None else []
        self._cpu_memory_usage, self._sequence_nr = cpu_memory_usage, sequence_nr
        self._fwd_thread_id, self._flops, self._scope = fwd_thread_id, flops, scope
        self._handle, self._node_id, self._correlation_id = handle, node_id, correlation_id
        self._is_async, self._is_remote = is_async, is_remote

    @classmethod
    def from_function_event(cls, event):
        """The ``("push", "pop")`` pair of records for one event of ember's profiler."""
        common = dict(thread_id=event.thread, shapes=list(event.input_shapes),
                      sequence_nr=event.sequence_nr, flops=event.flops, handle=event.id)
        push = cls("push", event.name, start_us=event.start_us, stack=list(event.stack),
                   cpu_memory_usage=event.own_memory, **common)
        pop = cls("pop", event.name, start_us=event.end_us, **common)
        return push, pop

    def name(self):
        return self._name

    def kind(self):
        return self._kind

    def thread_id(self):
        return self._thread_id

    def fwd_thread_id(self):
        return self._fwd_thread_id

    def start_us(self):
        return self._start_us

    def cpu_elapsed_us(self, other):
        """Microseconds from this record to ``other`` (a later one, e.g. its pop)."""
        return other._start_us - self._start_us

    def cuda_elapsed_us(self, other):
        raise RuntimeError("Events were not recorded for CUDA")

    def has_cuda(self):
        return False

    def shapes(self):
        return self._shapes

    def stack(self):
        return self._stack

    def cpu_memory_usage(self):
        return self._cpu_memory_usage

    def cuda_memory_usage(self):
        return 0

    def device(self):
        return -1

    def sequence_nr(self):
        return self._sequence_nr

    def flops(self):
        return self._flops

    def scope(self):
        return self._scope

    def handle(self):
        return self._handle

    def node_id(self):
        return self._node_id

    def correlation_id(self):
        return self._correlation_id

    def is_async(self):
        return self._is_async

    def is_remote(self):
        return self._is_remote

    def __repr__(self):
        return f"<ProfilerEvent {self._kind} {self._name} at {self._start_us}us>"
