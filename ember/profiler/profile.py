"""``torch.profiler.profile`` and its helpers: ``schedule``, ``record_function``,
``tensorboard_trace_handler``, ``ProfilerActivity``, ``ProfilerAction``.

>>> from ember.profiler import profile, ProfilerActivity
>>> with profile(activities=[ProfilerActivity.CPU]) as prof:
...     y = ember.ones(3).add(1)
>>> [e.key for e in prof.key_averages()]
['aten::ones', 'aten::add']
"""
import enum
import functools
import os
import time

from . import recorder as R
from .events import EventList


class ProfilerActivity(enum.Enum):
    """What to profile: ember runs on the CPU (``CUDA`` is accepted and records nothing more)."""

    CPU = 0
    XPU = 1
    MTIA = 2
    CUDA = 3
    HPU = 4
    PrivateUse1 = 5

    @property
    def name(self):
        return self._name_


def supported_activities():
    """The activities ember can record: ``{ProfilerActivity.CPU}``.

    >>> from ember.profiler import supported_activities
    >>> supported_activities()
    {<ProfilerActivity.CPU: 0>}
    """
    return {ProfilerActivity.CPU}


class ProfilerAction(enum.Enum):
    """What the profiler does at a step: nothing, warm up, record, or record and hand over."""

    NONE = 0
    WARMUP = 1
    RECORD = 2
    RECORD_AND_SAVE = 3


def schedule(*, wait, warmup, active, repeat=0, skip_first=0, skip_first_wait=0):
    """A step -> ``ProfilerAction`` function: skip ``skip_first`` steps, then cycles of
    ``wait`` idle, ``warmup`` and ``active`` recorded steps, ``repeat`` times (0: forever).

    >>> from ember.profiler import schedule
    >>> s = schedule(wait=1, warmup=1, active=2, repeat=1)
    >>> [s(i).name for i in range(5)]
    ['NONE', 'WARMUP', 'RECORD', 'RECORD_AND_SAVE', 'NONE']
    """
    if wait < 0 or warmup < 0 or active <= 0 or repeat < 0 or skip_first < 0:
        raise AssertionError("Invalid profiler schedule arguments")
    if warmup == 0:
        import warnings
        warnings.warn("Profiler won't be using warmup, this can skew profiler results")
    cycle = wait + warmup + active

    def action(step):
        if step < 0:
            raise AssertionError("step must be non-negative")
        if step < skip_first:
            return ProfilerAction.NONE
        step -= skip_first
        if skip_first_wait:
            step += wait
        if repeat > 0 and step // cycle >= repeat:
            return ProfilerAction.NONE
        pos = step % cycle
        if pos < wait:
            return ProfilerAction.NONE
        if pos < wait + warmup:
            return ProfilerAction.WARMUP
        return ProfilerAction.RECORD if pos < cycle - 1 else ProfilerAction.RECORD_AND_SAVE
    return action


def _always_record(step):
    return ProfilerAction.RECORD


def tensorboard_trace_handler(dir_name, worker_name=None, use_gzip=False, use_python_export=False):
    """An ``on_trace_ready`` callback writing ``<dir>/<worker>.<ns>.pt.trace.json[.gz]``.

    >>> import tempfile, os
    >>> from ember.profiler import profile, tensorboard_trace_handler
    >>> d = tempfile.mkdtemp()
    >>> with profile(on_trace_ready=tensorboard_trace_handler(d, "w0")):
    ...     _ = ember.zeros(2) + 1
    >>> [f.startswith("w0.") and f.endswith(".pt.trace.json") for f in os.listdir(d)]
    [True]
    """
    def handler(prof):
        import socket
        os.makedirs(dir_name, exist_ok=True)
        name = worker_name or f"{socket.gethostname()}_{os.getpid()}"
        fname = f"{name}.{time.time_ns()}.pt.trace.json" + (".gz" if use_gzip else "")
        prof.export_chrome_trace(os.path.join(dir_name, fname))
    return handler


class record_function:  # noqa: N801 - PyTorch's name
    """Label a block (or, as a decorator, a function) in the profile with ``name``.

    >>> from ember.profiler import profile, record_function
    >>> with profile() as prof:
    ...     with record_function("my_block"):
    ...         _ = ember.ones(2) * 2
    >>> "my_block" in [e.key for e in prof.key_averages()]
    True
    """

    def __init__(self, name, args=None):
        self.name = name
        self.args = args
        self._ev = None
        self._rec = None

    def __enter__(self):
        rec = R.current()
        if rec is not None:
            self._rec = rec
            self._ev = rec.begin(self.name, (), user=True)
        return self

    def __exit__(self, *exc):
        if self._ev is not None and self._rec is R.current():
            self._rec.end(self._ev)
        self._ev = self._rec = None
        return False

    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapped(*args, **kwargs):
            with record_function(self.name, self.args):
                return fn(*args, **kwargs)
        return wrapped


class profile:  # noqa: N801 - PyTorch's name
    """Record the ops a block runs (forward and backward) with their CPU time, shapes and memory.

    With ``schedule``, call ``prof.step()`` once per iteration; each finished active span
    is handed to ``on_trace_ready(prof)``.

    >>> from ember.profiler import profile, ProfilerActivity
    >>> x = ember.randn(4, 3, requires_grad=True)
    >>> with profile(activities=[ProfilerActivity.CPU], record_shapes=True) as prof:
    ...     (x * 2).sum().backward()
    >>> {"aten::mul", "aten::sum", "MulBackward0", "SumBackward0"} <= {e.key for e in prof.events()}
    True
    """

    def __init__(self, *, activities=None, schedule=None, on_trace_ready=None, record_shapes=False,
                 profile_memory=False, with_stack=False, with_flops=False, with_modules=False,
                 experimental_config=None, execution_trace_observer=None, acc_events=False,
                 use_cuda=None, custom_trace_id_callback=None, post_processing_timeout_s=None):
        self.activities = set(activities) if activities else supported_activities()
        self.schedule = schedule if schedule is not None else _always_record
        self.on_trace_ready = on_trace_ready
        self.record_shapes = record_shapes
        self.profile_memory = profile_memory
        self.with_stack = with_stack
        self.with_flops = with_flops
        self.with_modules = with_modules
        self.acc_events = acc_events
        self.step_num = 0
        self.current_action = None
        self._recorder = None
        self._results = EventList()
        self._running = False

    # -- lifecycle ---------------------------------------------------------------
    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()
        return False

    def start(self):
        """Begin profiling at step 0 of the schedule."""
        self._running = True
        self.step_num = 0
        self.current_action = self.schedule(0)
        self._enter_action(self.current_action)

    def stop(self):
        """Stop profiling; a span still recording is finished (and handed to ``on_trace_ready``)."""
        if not self._running:
            return
        if self.current_action in (ProfilerAction.RECORD, ProfilerAction.RECORD_AND_SAVE):
            self._finish(save=True)
        else:
            self._drop()
        self._running = False

    def step(self):
        """Tell the profiler one training step ended; follows the ``schedule``."""
        if not self._running:
            return
        prev = self.current_action
        self.step_num += 1
        now = self.schedule(self.step_num)
        self.current_action = now
        recording = (ProfilerAction.RECORD, ProfilerAction.RECORD_AND_SAVE)
        if prev == ProfilerAction.RECORD_AND_SAVE:
            self._finish(save=True)
            self._enter_action(now)
        elif prev in recording and now in recording:
            pass
        elif prev == ProfilerAction.WARMUP and now in recording:
            self._drop()                      # warm-up events are not kept
            self._enter_action(now)
        elif prev in recording:                # a schedule that stops recording without saving
            self._finish(save=True)
            self._enter_action(now)
        elif now != prev:
            self._drop()
            self._enter_action(now)

    def _enter_action(self, action):
        if action == ProfilerAction.NONE:
            return
        self._recorder = R.Recorder(self.record_shapes, self.profile_memory, self.with_stack)
        R.install(self._recorder)

    def _drop(self):
        if self._recorder is not None:
            R.uninstall()
            self._recorder = None

    def _finish(self, save):
        rec = self._recorder
        self._drop()
        if rec is None:
            return
        evs = sorted(rec.events, key=lambda e: (e.start_us, -e.end_us))
        self._results = EventList(evs, profile_memory=self.profile_memory,
                                  with_shapes=self.record_shapes, trace_start_ns=rec.wall0_ns)
        if save and self.on_trace_ready is not None:
            self.on_trace_ready(self)

    # -- results -----------------------------------------------------------------
    def events(self):
        """Every recorded ``FunctionEvent`` of the last finished span, in start order."""
        return self._results

    def key_averages(self, group_by_input_shape=False, group_by_stack_n=0, group_by_overload_name=False):
        """Events grouped by name (and input shapes / stack): call ``.table(...)`` on the result."""
        if group_by_input_shape and not self.record_shapes:
            raise RuntimeError("group_by_input_shape requires record_shapes=True")
        return self._results.key_averages(group_by_input_shape, group_by_stack_n)

    def export_chrome_trace(self, path):
        """Write the last span as Chrome trace JSON (open in ``chrome://tracing`` or Perfetto)."""
        return self._results.export_chrome_trace(path)

    def export_stacks(self, path, metric="self_cpu_time_total"):
        """Write ``frame;frame;... <time>`` lines (flame-graph input); needs ``with_stack=True``."""
        with open(path, "w") as f:
            for e in self._results:
                if e.stack:
                    f.write(";".join(reversed(e.stack)) + f" {int(getattr(e, metric))}\n")

    def add_metadata(self, key, value):
        """Accepted for compatibility; ember's traces carry no extra metadata."""

    def add_metadata_json(self, key, value):
        """Accepted for compatibility; ember's traces carry no extra metadata."""
