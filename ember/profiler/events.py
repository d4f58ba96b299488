"""Profiler results: ``FunctionEvent`` (one op call), ``FunctionEventAvg`` (one row of
``key_averages``) and ``EventList`` (its ``table`` in PyTorch's column layout and
``export_chrome_trace``). Times are in microseconds, memory in bytes.

>>> from ember.profiler.events import FunctionEvent, EventList
>>> ev = FunctionEvent(0, "aten::add", 0.0, 5.0)
>>> EventList([ev]).key_averages()[0].cpu_time_total
5.0
"""
class FunctionEvent:
    """One recorded call: ``name``, start/end (us), children, input shapes, memory, stack.

    >>> from ember.profiler.events import FunctionEvent
    >>> e = FunctionEvent(1, "aten::mm", 10.0, 14.0, input_shapes=[[2, 3], [3, 4]])
    >>> e.cpu_time_total, e.self_cpu_time_total, e.key
    (4.0, 4.0, 'aten::mm')
    """

    def __init__(self, id, name, start_us, end_us, thread=0, input_shapes=None, stack=None,
                 cpu_memory_usage=0, is_user_annotation=False, sequence_nr=-1):
        self.id = id
        self.name = self.key = name
        self.start_us, self.end_us = start_us, end_us
        self.thread = thread
        self.input_shapes = input_shapes if input_shapes is not None else []
        self.stack = stack if stack is not None else []
        self.cpu_children = []
        self.cpu_parent = None
        self.count = 1
        self.own_memory = cpu_memory_usage       # bytes of the outputs this call allocated
        self.is_user_annotation = is_user_annotation
        self.sequence_nr = sequence_nr
        self.device_type = "CPU"
        self.is_async = False
        self.is_remote = False
        self.node_id = -1
        self.flops = 0
        self.scope = 0
        self.overload_name = ""

    @property
    def time_range(self):
        return (self.start_us, self.end_us)

    @property
    def cpu_time_total(self):
        return self.end_us - self.start_us

    @property
    def cpu_time(self):
        return self.cpu_time_total / self.count

    @property
    def self_cpu_time_total(self):
        return self.cpu_time_total - sum(c.cpu_time_total for c in self.cpu_children)

    @property
    def cpu_memory_usage(self):
        return self.own_memory + sum(c.cpu_memory_usage for c in self.cpu_children)

    @property
    def self_cpu_memory_usage(self):
        return self.own_memory

    device_time_total = self_device_time_total = cuda_time_total = 0
    device_memory_usage = self_device_memory_usage = 0

    def __repr__(self):
        return (f"<FunctionEvent id={self.id} name={self.name} cpu_time={_fmt_time(self.cpu_time_total)} "
                f"self_cpu_time={_fmt_time(self.self_cpu_time_total)} input_shapes={self.input_shapes}>")


class FunctionEventAvg:
    """The sum of several ``FunctionEvent`` s of one key (a row of ``key_averages``).

    >>> from ember.profiler.events import FunctionEvent, FunctionEventAvg
    >>> a = FunctionEventAvg().add(FunctionEvent(0, "x", 0, 2)).add(FunctionEvent(1, "x", 5, 9))
    >>> a.count, a.cpu_time_total, a.cpu_time
    (2, 6, 3.0)
    """

    def __init__(self):
        self.key = None
        self.count = 0
        self.cpu_time_total = self.self_cpu_time_total = 0
        self.cpu_memory_usage = self.self_cpu_memory_usage = 0
        self.input_shapes = None
        self.stack = None
        self.is_user_annotation = False
        self.cpu_children = self.cpu_parent = None
        self.device_type = "CPU"
        self.device_time_total = self.self_device_time_total = 0
        self.node_id = 0
        self.is_async = self.is_remote = self.is_legacy = False
        self.flops = 0
        self.scope = 0
        self.overload_name = ""

    def add(self, other):
        if self.key is None:
            self.key = other.key
            self.input_shapes = other.input_shapes
            self.stack = other.stack
            self.is_user_annotation = other.is_user_annotation
        self.count += other.count
        self.cpu_time_total += other.cpu_time_total
        self.self_cpu_time_total += other.self_cpu_time_total
        self.cpu_memory_usage += other.cpu_memory_usage
        self.self_cpu_memory_usage += other.self_cpu_memory_usage
        return self

    __iadd__ = add

    @property
    def cpu_time(self):
        return self.cpu_time_total / max(self.count, 1)

    def __repr__(self):
        return (f"<FunctionEventAvg key={self.key} self_cpu_time={_fmt_time(self.self_cpu_time_total)} "
                f"cpu_time={_fmt_time(self.cpu_time_total)} input_shapes={self.input_shapes}>")


class EventList(list):
    """A list of events with ``key_averages``, ``table``, ``total_average`` and ``export_chrome_trace``.

    >>> from ember.profiler.events import FunctionEvent, EventList
    >>> print(EventList([FunctionEvent(0, "aten::exp", 0.0, 3.0)]).table().splitlines()[1].strip())
    Name    Self CPU %      Self CPU   CPU total %     CPU total  CPU time avg    # of Calls
    """

    def __init__(self, *args, profile_memory=False, with_shapes=False, trace_start_ns=0):
        super().__init__(*args)
        self._profile_memory = profile_memory
        self._with_shapes = with_shapes
        self._trace_start_ns = trace_start_ns

    def key_averages(self, group_by_input_shape=False, group_by_stack_n=0):
        """One ``FunctionEventAvg`` per op name (and input shapes / top stack frames if asked)."""
        rows = {}
        for e in self:
            key = (e.key,)
            if group_by_input_shape:
                key += (str(e.input_shapes),)
            if group_by_stack_n:
                key += tuple(e.stack[:group_by_stack_n])
            rows.setdefault(key, FunctionEventAvg()).add(e)
        return EventList(rows.values(), profile_memory=self._profile_memory,
                         with_shapes=group_by_input_shape)

    def total_average(self):
        """All events summed into one ``FunctionEventAvg`` (key ``"Total"``)."""
        t = FunctionEventAvg()
        for e in self:
            t.add(e)
        t.key = "Total"
        return t

    @property
    def self_cpu_time_total(self):
        return sum(e.self_cpu_time_total for e in self)

    def table(self, sort_by=None, row_limit=100, max_src_column_width=75, max_name_column_width=55,
              max_shapes_column_width=80, header=None, top_level_events_only=False):
        """The summary table PyTorch prints, sorted by ``sort_by`` (e.g. ``"self_cpu_time_total"``)."""
        return _table(self, sort_by, row_limit, max_name_column_width, max_shapes_column_width,
                      header, top_level_events_only)

    def __str__(self):
        return self.table()

    def export_chrome_trace(self, path):
        """Write the events as Chrome trace JSON (``chrome://tracing``, Perfetto); ``.gz`` compresses."""
        import gzip
        import json
        import os
        import socket
        pid = os.getpid()
        events = []
        for e in sorted(self, key=lambda e: e.start_us):
            args = {"External id": e.id}
            if e.input_shapes:
                args["Input Dims"] = e.input_shapes
            if e.stack:
                args["Call stack"] = ";".join(e.stack)
            if e.sequence_nr >= 0:
                args["Sequence number"] = e.sequence_nr
            events.append({"ph": "X", "cat": "user_annotation" if e.is_user_annotation else "cpu_op",
                           "name": e.name, "pid": pid, "tid": e.thread,
                           "ts": e.start_us + self._trace_start_ns / 1000.0,
                           "dur": e.cpu_time_total, "args": args})
        doc = {"schemaVersion": 1, "deviceProperties": [], "record_shapes": int(self._with_shapes),
               "profile_memory": int(self._profile_memory), "host_name": socket.gethostname(),
               "displayTimeUnit": "ms", "baseTimeNanoseconds": 0, "traceEvents": events,
               "traceName": str(path)}
        data = json.dumps(doc).encode()
        opener = gzip.open if str(path).endswith(".gz") else open
        with opener(path, "wb") as f:
            f.write(data)
        return str(path)


def _fmt_time(us):
    if us >= 1e6:
        return f"{us / 1e6:.3f}s"
    if us >= 1e3:
        return f"{us / 1e3:.3f}ms"
    return f"{us:.3f}us"


def _fmt_mem(n):
    for unit, size in (("Gb", 1 << 30), ("Mb", 1 << 20), ("Kb", 1 << 10)):
        if abs(n) >= size:
            return f"{n / size:.2f} {unit}"
    return f"{int(n)} B"


def _pct(part, total):
    return f"{100.0 * part / total:.2f}%" if total else "0.00%"


def _table(events, sort_by, row_limit, max_name_width, max_shapes_width, header, top_level_only):
    rows = list(events)
    if top_level_only:
        rows = [e for e in rows if getattr(e, "cpu_parent", None) is None]
    if sort_by is not None:
        rows.sort(key=lambda e: getattr(e, sort_by), reverse=True)
    if row_limit is not None and row_limit >= 0:
        rows = rows[:row_limit]
    total = sum(e.self_cpu_time_total for e in events)
    mem = events._profile_memory if isinstance(events, EventList) else False
    shapes = events._with_shapes if isinstance(events, EventList) else False
    name_w = min(max([len(e.key) for e in rows] + [0]) + 4, max_name_width)
    cols = [("Name", name_w), ("Self CPU %", 12), ("Self CPU", 12), ("CPU total %", 12),
            ("CPU total", 12), ("CPU time avg", 12)]
    if mem:
        cols += [("CPU Mem", 12), ("Self CPU Mem", 12)]
    cols.append(("# of Calls", 12))
    if shapes:
        shape_w = min(max([len(str(e.input_shapes)) for e in rows] + [8]) + 4, max_shapes_width)
        cols.append(("Input Shapes", shape_w))
    sep = "".join("-" * w + "  " for _, w in cols)
    line = lambda vals: "".join(v.rjust(w) + "  " for v, (_, w) in zip(vals, cols))  # noqa: E731
    out = [] if header is None else ["=" * len(sep), header]
    out += [sep, line([c for c, _ in cols]), sep]
    for e in rows:
        name = e.key if len(e.key) <= name_w - 4 else e.key[:name_w - 7] + "..."
        vals = [name, _pct(e.self_cpu_time_total, total), _fmt_time(e.self_cpu_time_total),
                _pct(e.cpu_time_total, total), _fmt_time(e.cpu_time_total), _fmt_time(e.cpu_time)]
        if mem:
            vals += [_fmt_mem(e.cpu_memory_usage), _fmt_mem(e.self_cpu_memory_usage)]
        vals.append(str(e.count))
        if shapes:
            s = str(e.input_shapes)
            vals.append(s if len(s) <= shape_w - 4 else s[:shape_w - 7] + "...")
        out.append(line(vals))
    out += [sep, f"Self CPU time total: {_fmt_time(total)}", ""]
    return "\n".join(out)
