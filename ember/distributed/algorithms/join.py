"""``torch.distributed.algorithms.join``: training with uneven inputs across ranks.

A :class:`Join` context manager wraps a training loop whose ranks may run out of inputs at
different iterations. Each :class:`Joinable` (``DistributedDataParallel``, ...) tells the
context at the start of every iteration that its rank is still active
(:meth:`Join.notify_join_context`: one allreduce of a one). A rank whose loop ended waits in
``__exit__``: while some ranks are still active it answers their "how many are active"
allreduce with a zero and runs each joinable's :class:`JoinHook` ``main_hook`` (which shadows
the collectives of one training iteration); when every rank has joined, each hook's
``post_hook(is_last_joiner)`` runs once (DDP copies the last joiner's model to every rank).

>>> from ember.distributed.algorithms import Join
>>> Join([])
Traceback (most recent call last):
ValueError: The join context manager requires at least one joinable
"""
import abc
import collections
import warnings

__all__ = ["JoinHook", "Joinable", "Join"]


class JoinHook:
    """What a joined rank runs for a :class:`Joinable`: ``main_hook()`` once per iteration that
    some rank is still training (shadow its collectives), then ``post_hook(is_last_joiner)``
    once all ranks joined. Both do nothing by default.

    >>> from ember.distributed.algorithms import JoinHook
    >>> JoinHook().main_hook(), JoinHook().post_hook(True)
    (None, None)
    """

    def main_hook(self):
        """Shadow one training iteration of the ranks still active."""

    def post_hook(self, is_last_joiner: bool):
        """Clean up once every rank has joined; ``is_last_joiner`` is True on the ranks that
        joined last (they hold the final state)."""


class _JoinConfig(collections.namedtuple("_JoinConfig",
                                         ["enable", "throw_on_early_termination", "is_first_joinable"])):
    """How a joinable takes part in the current :class:`Join` (set by the context)."""

    @staticmethod
    def construct_disabled_join_config():
        return _JoinConfig(enable=False, throw_on_early_termination=False, is_first_joinable=False)


class Joinable(abc.ABC):
    """A class whose per-iteration collectives can be shadowed by ranks that ran out of inputs:
    it gives ``join_hook(**kwargs)`` (a :class:`JoinHook`), ``join_device`` and
    ``join_process_group``, and calls :meth:`Join.notify_join_context` at the start of each
    iteration.

    >>> from ember.distributed.algorithms import Joinable
    >>> sorted(Joinable.__abstractmethods__)
    ['__init__', 'join_device', 'join_hook', 'join_process_group']
    """

    @abc.abstractmethod
    def __init__(self):
        super().__init__()
        self._join_config = _JoinConfig.construct_disabled_join_config()

    @abc.abstractmethod
    def join_hook(self, **kwargs) -> JoinHook:
        """The :class:`JoinHook` for this joinable; ``kwargs`` are those given to :class:`Join`."""

    @property
    @abc.abstractmethod
    def join_device(self):
        """The device the join collectives use."""

    @property
    @abc.abstractmethod
    def join_process_group(self):
        """The process group the join collectives use."""


class Join:
    """Context manager for uneven inputs: ranks that leave the loop early shadow the
    collectives of the ranks still training until all have joined.

    ``enable=False`` makes it do nothing; ``throw_on_early_termination=True`` makes every rank
    raise a RuntimeError as soon as one rank runs out of inputs. Extra keyword arguments go to
    every joinable's ``join_hook``.

    >>> ember.distributed.algorithms.Join.notify_join_context.__name__
    'notify_join_context'
    """

    def __init__(self, joinables, enable=True, throw_on_early_termination=False, **kwargs):
        if len(joinables) == 0:
            raise ValueError("The join context manager requires at least one joinable")
        self._joinables = joinables
        self._join_hooks = [joinable.join_hook(**kwargs) for joinable in self._joinables]
        self._enable = enable
        self._throw_on_early_termination = throw_on_early_termination
        for i, joinable in enumerate(self._joinables):
            joinable._join_config = _JoinConfig(enable=enable, throw_on_early_termination=throw_on_early_termination,
                                                is_first_joinable=i == 0)
        groups = {id(j.join_process_group) for j in self._joinables}
        if len(groups) > 1:
            raise ValueError("Using join context manager with multiple process groups")
        self._process_group = self._joinables[0].join_process_group
        self._device = self._joinables[0].join_device
        self._rank = self._process_group.rank()

    def __enter__(self):
        pass

    def __exit__(self, type, value, traceback):
        """Joins this rank: shadow the active ranks until none is left, then the post-hooks."""
        if not self._enable or type:
            return  # an exception inside the context propagates as it is
        all_joined, is_last_joiner, i = False, True, 0
        while not all_joined:
            if i > 1000:
                warnings.warn(f"Detected uneven input skew of greater than 1000. This means that rank "
                              f"{self._rank} has at least 1000 fewer inputs than other currently-active ranks. "
                              "This level of skew could lead to performance degradation during training.",
                              stacklevel=2)
            if self._count(0.0) == 0:
                all_joined = True
            else:
                if self._throw_on_early_termination:
                    self._count(1.0)  # answers the active ranks' early-termination check
                    raise RuntimeError(f"Rank {self._rank} exhausted all inputs.")
                for hook in self._join_hooks:
                    hook.main_hook()
                is_last_joiner = False
                i += 1
        for hook in self._join_hooks:
            hook.post_hook(is_last_joiner)

    def _count(self, mine):
        """Sum of ``mine`` over the ranks (one blocking allreduce on the joinables' group)."""
        from .. import all_reduce
        from ... import tensor
        t = tensor([mine])
        all_reduce(t, group=self._process_group)
        return t.item()

    @staticmethod
    def notify_join_context(joinable):
        """Called by a joinable at the start of each iteration: tells the joined ranks that this
        rank is still active (an async allreduce of a one, whose work is returned; None unless
        ``joinable`` is the first joinable of an enabled context). With
        ``throw_on_early_termination`` it also raises if some rank has run out of inputs.

        >>> from ember.distributed.algorithms.join import Join, _JoinConfig
        >>> Join.notify_join_context(type("J", (), {"_join_config": _JoinConfig(False, False, True)})())
        """
        from .. import all_reduce
        from ... import tensor
        if not hasattr(joinable, "_join_config"):
            raise AssertionError(f"Check that the {type(joinable)} constructor calls the ``Joinable`` constructor")
        config = joinable._join_config
        if not config.is_first_joinable or not config.enable:
            return None
        group = joinable.join_process_group
        work = all_reduce(tensor([1.0]), group=group, async_op=True)
        if config.throw_on_early_termination:
            zeros = tensor([0.0])
            all_reduce(zeros, group=group)
            if zeros.item():
                work.wait()
                raise RuntimeError("Detected at least one rank that exhausted inputs. Throwing across all ranks.")
        return work
