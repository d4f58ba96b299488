"""``torch.autograd.profiler``: the older profiler API, on the same recorder as ``ember.profiler``.

>>> import ember.autograd.profiler as profiler
>>> with profiler.profile(record_shapes=True) as prof:
...     with profiler.record_function("block"):
...         _ = ember.ones(2, 3).sum()
>>> "aten::sum" in prof.table(sort_by="self_cpu_time_total")
True
"""
from ..profiler import profile as _profile
from ..profiler import record_function  # noqa: F401
from ..profiler.events import EventList, FunctionEvent, FunctionEventAvg  # noqa: F401


class profile(_profile):  # noqa: N801 - PyTorch's name
    """``torch.autograd.profiler.profile(enabled=True, *, record_shapes=..., profile_memory=...)``.

    >>> import ember.autograd.profiler as profiler
    >>> with profiler.profile() as prof:
    ...     _ = ember.zeros(3).exp()
    >>> [e.name for e in prof.function_events]
    ['aten::zeros', 'aten::exp']
    """

    def __init__(self, enabled=True, *, use_cuda=False, use_device=None, record_shapes=False,
                 with_flops=False, profile_memory=False, with_stack=False, with_modules=False,
                 use_kineto=False, use_cpu=True, experimental_config=None, acc_events=False,
                 custom_trace_id_callback=None):
        super().__init__(record_shapes=record_shapes, profile_memory=profile_memory,
                         with_stack=with_stack, with_flops=with_flops, with_modules=with_modules)
        self.enabled = enabled

    def __enter__(self):
        if self.enabled:
            self.start()
        return self

    @property
    def function_events(self):
        return self.events()

    @property
    def self_cpu_time_total(self):
        return self.events().self_cpu_time_total

    def table(self, sort_by=None, row_limit=100, max_src_column_width=75, max_name_column_width=55,
              max_shapes_column_width=80, header=None, top_level_events_only=False):
        """The same table as ``key_averages().table(...)``."""
        return self.key_averages().table(sort_by=sort_by, row_limit=row_limit, header=header,
                                         max_name_column_width=max_name_column_width,
                                         max_shapes_column_width=max_shapes_column_width,
                                         top_level_events_only=top_level_events_only)

    def total_average(self):
        """All events summed into one row."""
        return self.events().total_average()

    def __str__(self):
        return self.table()
