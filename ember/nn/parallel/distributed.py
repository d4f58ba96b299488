"""``DistributedDataParallel`` on ember's MPI engine.

At construction the parameters and buffers of rank 0 are broadcast to every rank. During
backward each parameter's post-accumulate-grad hook marks it ready; when every parameter of a
bucket (about ``bucket_cap_mb`` MB, the first one 1 MB, in reverse parameter order) is ready,
the bucket's gradients, divided by the world size, start a non-blocking MPI allreduce that runs
while backward goes on. When the last bucket has started, all are waited for and the averaged
gradients written back into ``.grad``.

>>> ember.nn.parallel.DistributedDataParallel(ember.nn.Linear(2, 1))
Traceback (most recent call last):
ValueError: Default process group has not been initialized, please make sure to call init_process_group.
"""
import contextlib

from ..._backend import np
from ..modules.module import Module
from ...distributed.algorithms.join import Join, Joinable, _JoinConfig
from ...autograd.grad_mode import is_grad_enabled

__all__ = ["DistributedDataParallel"]

_FIRST_BUCKET_BYTES = 1024 * 1024


def _flat_sync(pg, arrays, what, root=0):
    """Broadcast ``arrays`` (any dtypes) from group rank ``root``, in place, one message per dtype."""
    from ...distributed.process_group import _poll
    from ...distributed.collectives import _check_same
    by_dtype = {}
    for a in arrays:
        by_dtype.setdefault(a.dtype.str, []).append(a)
    for key in sorted(by_dtype):
        group = by_dtype[key]
        flat = np.concatenate([a.reshape(-1) for a in group]) if group else None
        _check_same(pg, flat, what)
        _poll([pg.comm.Ibcast(flat.view(np.uint8), root=root)], pg.timeout, what)
        k = 0
        for a in group:
            a[...] = flat[k:k + a.size].reshape(a.shape)
            k += a.size


class _Bucket:
    __slots__ = ("index", "params", "pending", "request", "flat", "dtype", "future")

    def __init__(self, index, params):
        self.index = index
        self.params = params
        self.dtype = params[0]._data.dtype
        self.pending = len(params)
        self.request = None
        self.flat = None
        self.future = None


class DistributedDataParallel(Module, Joinable):
    """Synchronous data parallel training: each rank runs the module on its share of the batch
    and ``backward`` leaves every rank with the gradients averaged over all ranks.

    ``gradient_as_bucket_view`` and ``static_graph`` are accepted (they change nothing here);
    ``device_ids`` must be None or CPU.

    >>> ember.nn.parallel.DistributedDataParallel.__name__
    'DistributedDataParallel'
    """

    def __init__(self, module, device_ids=None, output_device=None, dim=0, broadcast_buffers=True,
                 init_sync=True, process_group=None, bucket_cap_mb=None, find_unused_parameters=False,
                 check_reduction=False, gradient_as_bucket_view=False, static_graph=False,
                 delay_all_reduce_named_params=None, param_to_hook_all_reduce=None, mixed_precision=None,
                 device_mesh=None, skip_all_reduce_unused_params=False):
        super().__init__()
        from ...distributed.process_group import _resolve
        pg = _resolve(process_group)
        params, seen = [], set()
        for p in module.parameters():
            if p.requires_grad and id(p) not in seen:
                seen.add(id(p))
                params.append(p)
        if not params:
            raise RuntimeError("DistributedDataParallel is not needed when a module doesn't have any "
                               "parameter that requires a gradient.")
        self.module = module
        self.device_ids = None
        self.output_device = None
        self.dim = dim
        self.process_group = pg
        self.broadcast_buffers = broadcast_buffers
        self.find_unused_parameters = find_unused_parameters
        self.gradient_as_bucket_view = gradient_as_bucket_view
        self.static_graph = static_graph
        self.require_backward_grad_sync = True
        self.require_forward_param_sync = True
        self.bucket_bytes_cap = int((25 if bucket_cap_mb is None else bucket_cap_mb) * 1024 * 1024)
        object.__setattr__(self, "_params", params)
        object.__setattr__(self, "_buckets", self._make_buckets(params))
        object.__setattr__(self, "_where", {id(p): b for b in self._buckets for p in b.params})
        object.__setattr__(self, "_armed", False)
        object.__setattr__(self, "_launched", 0)
        object.__setattr__(self, "_comm_hook", None)
        object.__setattr__(self, "_join_config", _JoinConfig.construct_disabled_join_config())
        object.__setattr__(self, "_divide_by_initial_world_size", True)
        object.__setattr__(self, "_div_factor", pg.size())
        object.__setattr__(self, "_bucket_order", [])  # launch order of the last synced backward
        object.__setattr__(self, "_launch_log", [])    # launch order of the current backward
        if init_sync and pg.size() > 1:
            _flat_sync(pg, [p._data for p in module.parameters()] + [b._data for b in module.buffers()],
                       "DistributedDataParallel: parameter broadcast")
        object.__setattr__(self, "_handles", [p.register_post_accumulate_grad_hook(self._grad_ready)
                                              for p in params])

    def _make_buckets(self, params):
        buckets, cur, size, cap = [], [], 0, min(_FIRST_BUCKET_BYTES, self.bucket_bytes_cap)
        for p in reversed(params):  # gradients become ready roughly in reverse order
            if cur and (size >= cap or p._data.dtype != cur[0]._data.dtype):
                buckets.append(_Bucket(len(buckets), cur))
                cur, size, cap = [], 0, self.bucket_bytes_cap
            cur.append(p)
            size += p._data.nbytes
        if cur:
            buckets.append(_Bucket(len(buckets), cur))
        return buckets

    # -- forward: sync buffers, arm the gradient hooks ----------------------------------
    def forward(self, *inputs, **kwargs):
        pg = self.process_group
        if self._armed and self._launched != len(self._buckets):
            raise RuntimeError(
                "Expected to have finished reduction in the prior iteration before starting a new one. "
                "This error indicates that your module has parameters that were not used in producing loss. "
                "You can enable unused parameter detection by passing the keyword argument "
                "`find_unused_parameters=True` to `torch.nn.parallel.DistributedDataParallel`.")
        sync = is_grad_enabled() and self.require_backward_grad_sync
        joining = self._join_config.enable
        work = Join.notify_join_context(self)
        if self.broadcast_buffers and self.require_forward_param_sync and pg.size() > 1:
            bufs = [b._data for b in self.module.buffers()]
            if bufs:  # under Join, rank 0 may have joined: the highest active rank is the source
                root = _find_common_rank(pg, pg.rank(), True) if joining else 0
                _flat_sync(pg, bufs, "DistributedDataParallel: buffer broadcast", root)
        if joining:  # tells the joined ranks whether to shadow a gradient allreduce
            _sum_over_ranks(pg, 1.0 if sync else 0.0)
        object.__setattr__(self, "_div_factor", pg.size())
        if work is not None:  # the number of ranks still active
            active = int(work.result()[0].item())
            if not self._divide_by_initial_world_size:
                object.__setattr__(self, "_div_factor", active)
        out = self.module(*inputs, **kwargs)
        object.__setattr__(self, "_armed", sync)
        if sync:
            object.__setattr__(self, "_launched", 0)
            object.__setattr__(self, "_launch_log", [])
            for b in self._buckets:
                b.pending, b.request, b.flat, b.future = len(b.params), None, None, None
            if self.find_unused_parameters:
                used = _reached_leaves(out)
                for p in self._params:
                    if id(p) not in used:
                        self._mark(p)
        return out

    # -- backward: buckets of ready gradients go out while backward goes on ----------------
    def _grad_ready(self, p):
        if self._armed:
            self._mark(p)

    def _mark(self, p):
        b = self._where[id(p)]
        b.pending -= 1
        if b.pending == 0:
            self._launch(b)
        self._progress()

    def _launch(self, b):
        from ...distributed.process_group import _mpi
        if self._comm_hook is not None:
            from ...distributed.grad_bucket import GradBucket
            state, hook = self._comm_hook
            last = b.index == len(self._buckets) - 1
            self._launch_log.append(b.index)
            b.future = hook(state, GradBucket(b.index, b.params, is_last=last, dtype=b.dtype))
            object.__setattr__(self, "_launched", self._launched + 1)
            if self._launched == len(self._buckets):
                self._finish()
            return
        MPI = _mpi()
        parts = []
        for p in b.params:
            g = p.grad
            parts.append(np.zeros(p._data.size, b.dtype) if g is None else g._data.reshape(-1))
        flat = np.concatenate(parts) if len(parts) > 1 else parts[0].astype(b.dtype, copy=True)
        flat /= self._div_factor
        b.flat = flat
        self._launch_log.append(b.index)
        b.request = self.process_group.comm.Iallreduce(MPI.IN_PLACE, flat, MPI.SUM)
        object.__setattr__(self, "_launched", self._launched + 1)
        if self._launched == len(self._buckets):
            self._finish()

    def _progress(self):
        from ...distributed.process_group import _mpi
        reqs = [b.request for b in self._buckets if b.request is not None]
        if reqs:
            _mpi().Request.Testall(reqs)

    def _finish(self):
        from ...distributed.process_group import _poll
        from ..._tensor import _wrap
        pg = self.process_group
        _poll([b.request for b in self._buckets if b.request is not None], pg.timeout,
              "DistributedDataParallel gradient allreduce")
        for b in self._buckets:
            if b.future is not None:
                b.flat = _hook_result(b)
            k = 0
            for p in b.params:
                n = p._data.size
                part = b.flat[k:k + n].reshape(p._data.shape)
                k += n
                if p.grad is None:
                    if part.any():
                        p.grad = _wrap(part.copy())
                else:
                    p.grad._data[...] = part
            b.request, b.flat, b.future = None, None, None
        object.__setattr__(self, "_armed", False)
        object.__setattr__(self, "_launched", len(self._buckets))
        object.__setattr__(self, "_bucket_order", self._launch_log)  # replayed by a joined rank

    @contextlib.contextmanager
    def no_sync(self):
        """Inside it, backward accumulates local gradients without communication; the first
        backward after it averages the accumulated gradients.

        >>> ember.nn.parallel.DistributedDataParallel.no_sync.__name__
        'no_sync'
        """
        old = self.require_backward_grad_sync
        self.require_backward_grad_sync = False
        try:
            yield
        finally:
            self.require_backward_grad_sync = old

    def register_comm_hook(self, state, hook):
        """Replace DDP's gradient averaging by ``hook(state, bucket) -> Future[Tensor]``: each
        bucket of local gradients (a :class:`~ember.distributed.GradBucket`, not divided by the
        world size) goes to the hook as soon as it is ready, and the tensor its future gives is
        written back into the gradients. Hooks are in
        ``ember.distributed.algorithms.ddp_comm_hooks``; one hook per model.

        >>> ember.nn.parallel.DistributedDataParallel.register_comm_hook.__name__
        'register_comm_hook'
        """
        import inspect
        from ...futures import Future
        from ...distributed.grad_bucket import GradBucket
        if not callable(hook):
            raise TypeError("Communication hook must be callable.")
        sig = inspect.signature(hook)
        bucket = sig.parameters.get("bucket")
        if bucket is not None and bucket.annotation not in (inspect.Parameter.empty, GradBucket):
            raise ValueError("Communication hook: bucket annotation should be dist.GradBucket.")
        if sig.return_annotation not in (inspect.Signature.empty, Future):
            raise ValueError("Communication hook: return annotation should be torch.futures.Future[torch.Tensor].")
        if self._comm_hook is not None:
            raise RuntimeError("register_comm_hook or register_builtin_comm_hook can only be called once.")
        object.__setattr__(self, "_comm_hook", (state, hook))

    def join(self, divide_by_initial_world_size=True, enable=True, throw_on_early_termination=False):
        """A :class:`~ember.distributed.algorithms.Join` context manager for training with uneven
        inputs: a rank that runs out of batches shadows the collectives of the ranks still
        training (contributing zero gradients), gradients are divided by the initial world size
        (or by the number of ranks still active when ``divide_by_initial_world_size=False``), and
        when all ranks joined the model of the last joiner is copied to every rank.
        ``throw_on_early_termination=True`` makes every rank raise once one runs out.

        >>> ember.nn.parallel.DistributedDataParallel.join.__name__
        'join'
        """
        return Join([self], enable, throw_on_early_termination,
                    divide_by_initial_world_size=divide_by_initial_world_size)

    def join_hook(self, **kwargs):
        """The :class:`~ember.distributed.algorithms.JoinHook` a joined rank runs for this model
        (``divide_by_initial_world_size`` is its one keyword argument).

        >>> ember.nn.parallel.DistributedDataParallel.join_hook.__name__
        'join_hook'
        """
        from .ddp_join_hook import _DDPJoinHook
        return _DDPJoinHook(self, divide_by_initial_world_size=kwargs.get("divide_by_initial_world_size", True))

    @property
    def join_device(self):
        """The device of the join collectives (CPU)."""
        from ..._device import CPU
        return CPU

    @property
    def join_process_group(self):
        """The process group of the join collectives: the model's."""
        return self.process_group

    def _set_static_graph(self):
        self.static_graph = True


def _sum_over_ranks(pg, mine):
    """Sum of ``mine`` over the ranks of ``pg`` (one blocking allreduce)."""
    from ...distributed import all_reduce
    from ... import tensor
    t = tensor([mine])
    all_reduce(t, group=pg)
    return t.item()


def _find_common_rank(pg, rank, candidate):
    """The highest group rank among the ranks where ``candidate`` is True."""
    from ...distributed import all_reduce, ReduceOp
    from ... import tensor
    t = tensor([rank if candidate else -1])
    all_reduce(t, op=ReduceOp.MAX, group=pg)
    if t.item() == -1:
        raise ValueError("BUG! Expected rank_cond to be true for at least one process.")
    return int(t.item())


def _hook_result(b):
    """The flat gradients a comm hook's future gives for bucket ``b``, checked as torch does."""
    from ..._tensor import Tensor
    value = b.future.wait()
    if isinstance(value, (list, tuple)) and len(value) == 1:
        value = value[0]
    if not isinstance(value, Tensor):
        raise RuntimeError(f"The comm hook's future must hold a Tensor (the bucket), got {type(value).__name__}")
    size = sum(p._data.size for p in b.params)
    if value.numel() != size:
        raise RuntimeError(f"The comm hook returned a tensor of {value.numel()} elements for a bucket of "
                           f"{size} elements")
    return value._data.reshape(-1).astype(b.dtype, copy=False)


def _reached_leaves(out):
    """ids of the leaf tensors that the autograd graph of ``out`` reaches."""
    from ..._tensor import Tensor
    roots, stack = [], [out]
    while stack:
        o = stack.pop()
        if isinstance(o, Tensor):
            if o.grad_fn is not None:
                roots.append(o.grad_fn)
        elif isinstance(o, (list, tuple)):
            stack.extend(o)
        elif isinstance(o, dict):
            stack.extend(o.values())
    seen, leaves = set(), set()
    while roots:
        n = roots.pop()
        if n is None or id(n) in seen:
            continue
        seen.add(id(n))
        v = getattr(n, "variable", None)
        if v is not None:
            leaves.add(id(v))
        roots.extend(nf for nf, _ in n.next_functions)
    return leaves
