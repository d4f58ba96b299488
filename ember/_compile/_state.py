"""Process-wide switches of ``ember.compile``: whether a capture is running, the stance, and
the config values scripts set through ``ember._dynamo.config``.

>>> from ember._compile._state import compiling
>>> compiling()
False
"""
import threading

__all__ = ["compiling", "capturing", "config", "STANCE"]

_local = threading.local()
STANCE = ["default"]   # set_stance: "default", "force_eager", "eager_on_recompile", "fail_on_recompile"


def compiling():
    """True while this thread captures a graph for ``ember.compile``."""
    return getattr(_local, "depth", 0) > 0


class capturing:
    """Context manager: mark this thread as capturing (``is_compiling()`` is True inside)."""

    def __enter__(self):
        _local.depth = getattr(_local, "depth", 0) + 1
        return self

    def __exit__(self, *exc):
        _local.depth -= 1


class _Config:
    """``ember._dynamo.config``: the knobs scripts set. ``cache_size_limit`` /
    ``recompile_limit`` bound the guarded entries kept per compiled function (8, as
    PyTorch); ``suppress_errors=True`` turns a failed capture into an eager run. The other
    names are accepted and stored."""

    def __init__(self):
        d = self.__dict__
        d["cache_size_limit"] = 8
        d["suppress_errors"] = False
        d["verbose"] = False
        d["capture_scalar_outputs"] = False
        d["capture_dynamic_output_shape_ops"] = False
        d["automatic_dynamic_shapes"] = True
        d["assume_static_by_default"] = True
        d["optimize_ddp"] = True
        d["inline_inbuilt_nn_modules"] = True
        d["error_on_recompile"] = False

    @property
    def recompile_limit(self):
        return self.cache_size_limit

    @recompile_limit.setter
    def recompile_limit(self, v):
        self.cache_size_limit = v

    def patch(self, **changes):
        """Context manager that sets config values and restores them on exit."""
        cfg = self

        class _Patch:
            def __enter__(self):
                self.old = {k: getattr(cfg, k, None) for k in changes}
                for k, v in changes.items():
                    setattr(cfg, k, v)

            def __exit__(self, *exc):
                for k, v in self.old.items():
                    setattr(cfg, k, v)
        return _Patch()


config = _Config()
