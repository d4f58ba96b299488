"""``torch.profiler``: time the ops a program runs, forward and backward.

>>> from ember.profiler import profile, record_function, ProfilerActivity
>>> with profile(activities=[ProfilerActivity.CPU]) as prof:
...     with record_function("step"):
...         y = ember.randn(8, 4) @ ember.randn(4, 2)
>>> [e.key for e in prof.key_averages()]
['step', 'aten::randn', 'aten::matmul']
"""
from .events import EventList, FunctionEvent, FunctionEventAvg
from .profile import (ProfilerAction, ProfilerActivity, profile, record_function, schedule,
                      supported_activities, tensorboard_trace_handler)

__all__ = ["profile", "record_function", "schedule", "tensorboard_trace_handler", "ProfilerAction",
           "ProfilerActivity", "supported_activities", "EventList", "FunctionEvent",
           "FunctionEventAvg"]
