"""The backward engine: one iterative pass over the graph in dependency order.

No recursion (a chain of 100,000 ops is fine), gradients summed with ``+``, and
un-broadcasting to each input's shape done here, in one place.
"""
import sys

from . import grad_mode
from .._backend import np, ndarray as _ndarray
from .function import AccumulateGrad, Op, Tensor, _anomaly_state, _consuming, _wrap, accumulate_node
from .._parallel_pass import par_ufunc as _par_ufunc, MIN_SIZE as _PAR_SIZE

_asarray = np.asarray
try:
    from .._backend import _EXTOBJ, _FP_IGNORE
except ImportError:  # pragma: no cover - NumPy 1.x
    _EXTOBJ = None
_OP_APPLY = Op._apply

_state = grad_mode._state




_NONES = ()
_checkpoint_valid = [True]  # False while a backward pass returns grads (autograd.grad) instead of accumulating


def _edge_of(t):
    fn = t.grad_fn
    if fn is not None:
        return fn, t._out_nr
    if t._rg:
        return accumulate_node(t), 0
    return None, 0


def _fit(g, meta, node, i):
    """Bring gradient ``g`` to the (shape, dtype) the receiving output had."""
    shape, dt = meta
    d = g._data
    if d.shape != shape:
        if _broadcastable_to(shape, d.shape):
            g = g.sum_to_size(shape) if len(shape) else g.sum()
        else:
            raise RuntimeError(
                f"Function {node._name} returned an invalid gradient at index {i} - got "
                f"{list(d.shape)} but expected shape compatible with {list(shape)}")
    if g._data.dtype != dt:
        g = g.to(_dtype_of(dt))
    return g


def _broadcastable_to(small, big):
    if len(small) > len(big):
        return False
    for s, b in zip(reversed(small), reversed(big)):
        if s != b and s != 1:
            return False
    return True


def _dtype_of(npdt):
    from .._dtype import NP2DT
    return NP2DT[npdt]


def _sole_view(d):
    """True when view ``d`` covers all of its base, an array that owns its memory and that
    nothing but ``d`` refers to (a gradient reshaped from a kernel's buffer): ``d`` may then be
    taken as ``.grad`` without a copy. (References: d's, this frame's, getrefcount's.)"""
    b = d.base
    return (b.__class__ is _ndarray and b.base is None and b.flags.owndata and b.nbytes == d.nbytes
            and sys.getrefcount(b) <= 3)


def _accumulate(leaf, g, create_graph):
    """Sum gradient ``g`` (a Tensor, or an array in the engine's array mode) into ``leaf.grad``."""
    if leaf._hooks:
        g = _as_tensor(g)
        for h in list(leaf._hooks.values()):
            r = h(g)
            if r is not None:
                g = _hooked(h, g, r)
    old = leaf.grad
    if create_graph:
        leaf.grad = g if old is None else old + g
    elif old is None:
        if isinstance(g, Tensor):
            d = g._data
            # Take the array as .grad without a copy when nothing else can see it: the Tensor g
            # is held only by the engine's list and this frame (+ getrefcount's argument), and
            # its array only by g and this frame. run_backward drops its own locals for this.
            if (sys.getrefcount(g) > 3 or sys.getrefcount(d) > 3 or (d.base is not None and not _sole_view(d))
                    or not d.flags.writeable or not d.flags.c_contiguous):
                d = d.copy()
        elif g.__class__ is not _ndarray:  # a NumPy scalar: a new array, owned
            d = _asarray(g)
        else:  # an array, held only by the engine's list and this frame (as above)
            d = g
            if (sys.getrefcount(g) > 4 or (d.base is not None and not _sole_view(d))
                    or not d.flags.writeable or not d.flags.c_contiguous):
                d = d.copy()
        leaf.grad = _wrap(d)
    elif old._rg:
        leaf.grad = (old + _as_tensor(g)).detach()
    else:
        od = old._data
        gd = g._data if isinstance(g, Tensor) else g
        if od.shape == gd.shape:
            od += gd
        else:
            leaf.grad = _wrap(od + gd)
    if leaf._post_acc_hooks:
        for h in list(leaf._post_acc_hooks.values()):
            h(leaf)


def run_backward(tensors, grad_tensors, retain_graph, create_graph, inputs=None,
                 allow_unused=False, accumulate=True):
    """Propagate ``grad_tensors`` from ``tensors`` back through the graph.

    With ``accumulate`` (``Tensor.backward``), leaf gradients are summed into
    ``.grad``; otherwise (``autograd.grad``) the gradients of ``inputs`` are returned.
    """
    roots = []
    for t, g in zip(tensors, grad_tensors):
        node, nr = _edge_of(t)
        if node is None:
            raise RuntimeError("element 0 of tensors does not require grad and does not have a grad_fn")
        roots.append((node, nr, g))

    # dependency counts over the reachable graph (iterative DFS: no recursion limit)
    deps = {}
    stack = []
    for node, _, _ in roots:
        if node not in deps:
            deps[node] = 0
            stack.append(node)
    order = stack[:]
    while stack:
        n = stack.pop()
        for nf, _ in n.next_functions:
            if nf is not None:
                c = deps.get(nf)
                if c is None:
                    deps[nf] = 1
                    stack.append(nf)
                    order.append(nf)
                else:
                    deps[nf] = c + 1

    # targets to capture (autograd.grad, or backward(inputs=...))
    capture = None
    needed = None
    if inputs is not None:
        capture = {}
        for k, t in enumerate(inputs):
            if not t._rg:
                raise RuntimeError("One of the differentiated Tensors does not require grad")
            node, nr = _edge_of(t)
            capture.setdefault((id(node), nr), []).append(k)
        # prune: a node is needed if it leads to a capture target (walk parents up)
        parents = {}
        for n in order:
            for nf, _ in n.next_functions:
                if nf is not None:
                    parents.setdefault(id(nf), []).append(n)
        needed = {key[0] for key in capture}
        walk = list(needed)
        while walk:
            for p in parents.get(walk.pop(), ()):
                if id(p) not in needed:
                    needed.add(id(p))
                    walk.append(id(p))
    results = [None] * len(inputs) if inputs is not None else None
    anomaly = _anomaly_state[0] and _anomaly_state[1]
    plain = capture is None  # no gradients to capture, nothing pruned (the common case)
    # Without create_graph (and hooks on the pass), gradients travel as bare arrays: a node with
    # an array formula (FormulaOp) takes and gives arrays; a Tensor-op backward, a hook or a
    # leaf's .grad gets them wrapped.
    # (While ember.profiler times each node's _apply, every node runs through it.)
    arrays = plain and not create_graph and not anomaly and Op._apply is _OP_APPLY
    buffers = {}
    for node, nr, g in roots:
        buf = buffers.get(node)
        if buf is None:
            buf = buffers[node] = [None] * len(node._out_meta)
        buf[nr] = g if buf[nr] is None else buf[nr] + g
    if arrays:
        for buf in buffers.values():
            buf[:] = [None if g is None else g._data for g in buf]
    g = buf = None
    ready = []
    for node, _, _ in roots:
        if deps[node] == 0 and node not in ready:
            ready.append(node)

    prev, prev_consuming, prev_valid = _state[0], _consuming[0], _checkpoint_valid[0]
    _checkpoint_valid[0] = accumulate and inputs is None
    _state[0] = bool(create_graph)
    _consuming[0] = not retain_graph
    node = None
    quiet = None  # NumPy's FP-error state while array formulas run (see _fp_quiet)
    try:
        while ready:
            node = ready.pop()
            grads = buffers.pop(node, None)
            nexts = node.next_functions
            if grads is None:
                outs = None
            elif arrays and node._array_grad and len(grads) == 1 and not node.__dict__:
                # the fast path: an array formula; nothing in the node's __dict__ (no hooks)
                g = grads[0]
                if g is None:
                    outs = None
                else:
                    if quiet is None:
                        quiet = _fp_quiet()
                    outs = node._grad_arrays(g, retain_graph)
                    if outs is None:  # the formula needs Tensors (other dtypes)
                        quiet = _fp_restore(quiet)
                        outs = _run_node(node, grads, retain_graph, create_graph, None, anomaly)
                        outs = [None if o is None else o._data for o in outs]
            else:
                if quiet is not None:  # hooks and Tensor backwards run in the user's FP state
                    quiet = _fp_restore(quiet)
                run = any(g is not None for g in grads) if len(grads) > 1 else grads[0] is not None
                if node.__class__ is AccumulateGrad:  # a leaf (its own hooks are the tensor's)
                    if not run:
                        pass
                    elif not accumulate:  # autograd.grad: a requested leaf's gradient
                        _capture(node, grads, capture, results)
                    elif plain or (id(node), 0) in capture:
                        if node._pre_hooks or node._hooks:
                            _accumulate_node_hooks(node, [_as_tensor(grads[0])], create_graph)
                        else:
                            _accumulate(node.variable, grads[0], create_graph)
                    grads = None
                    continue
                if run:
                    if arrays:
                        grads = [None if g is None else _wrap(g) for g in grads]
                    if node._out_hooks is not None or node._retain is not None:
                        _output_hooks(node, grads, create_graph)
                    if not plain:
                        _capture(node, grads, capture, results)
                        if needed is not None and id(node) not in needed:
                            run = False
                outs = _run_node(node, grads, retain_graph, create_graph, needed, anomaly) if run else None
                if arrays and outs is not None:
                    outs = [None if o is None else o._data for o in outs]
            grads = g = None
            if outs is None:
                outs = (None,) * len(nexts)
            elif len(outs) < len(nexts):  # fewer gradients than inputs: the rest are None
                outs = tuple(outs) + (None,) * (len(nexts) - len(outs))
            i = 0
            for (nf, nr), g in zip(nexts, outs):
                if nf is not None:
                    if g is not None:
                        meta = nf._out_meta[nr]
                        d = g if arrays else g._data
                        if meta is not None and (d.shape != meta[0] or (
                                d.dtype is not meta[1] and d.dtype != meta[1])):
                            g = _fit(_wrap(d) if arrays else g, meta, node, i)
                            d = g._data
                            if arrays:
                                g = d
                        buf = buffers.get(nf)
                        if buf is None:
                            buf = buffers[nf] = [None] * len(nf._out_meta)
                            buf[nr] = g
                        else:
                            old = buf[nr]
                            if old is None:
                                buf[nr] = g
                            elif arrays:  # (a large sum split over the intra-op threads)
                                buf[nr] = old + d if d.size < _PAR_SIZE else _par_ufunc(np.add, old, d)
                            elif create_graph or meta is None:
                                buf[nr] = old + g
                            else:  # same shape and dtype (fitted above): sum the arrays
                                buf[nr] = _wrap(old._data + d)
                    c = deps[nf] - 1
                    deps[nf] = c
                    if c == 0:
                        ready.append(nf)
                i += 1
            # hold no gradient here, so that _accumulate can tell when a gradient is unshared
            outs = g = d = old = buf = None
    except Exception:
        if _anomaly_state[0] and node is not None:
            _warn_forward_trace(node)
        raise
    finally:
        if quiet is not None:
            _fp_restore(quiet)
        _state[0] = prev
        _consuming[0] = prev_consuming
        _checkpoint_valid[0] = prev_valid

    if inputs is not None and not accumulate:
        for k, r in enumerate(results):
            if r is None and not allow_unused:
                raise RuntimeError(
                    f"The differentiated Tensor at index {k} appears to not have been used in the "
                    "graph. Set allow_unused=True if this is the desired behavior.")
        return tuple(results)
    if inputs is not None:  # backward(inputs=...): non-leaf inputs get .grad too
        for t, r in zip(inputs, results):
            if r is not None and t.grad_fn is not None:
                if t.grad is None:
                    t.grad = r if create_graph else r.detach().clone()
                else:
                    t.grad = t.grad + r if create_graph else (t.grad + r).detach()
    return None


def _fp_quiet():
    """Turn NumPy's floating-point warnings off (array formulas pass inf/NaN silently, as
    PyTorch does); returns what :func:`_fp_restore` needs to turn them back."""
    if _EXTOBJ is not None:
        return _EXTOBJ.set(_FP_IGNORE)
    cm = np.errstate(all="ignore")  # pragma: no cover - NumPy 1.x
    cm.__enter__()
    return cm


def _fp_restore(token):
    """Undo :func:`_fp_quiet`; returns None."""
    if _EXTOBJ is not None:
        _EXTOBJ.reset(token)
    else:  # pragma: no cover - NumPy 1.x
        token.__exit__(None, None, None)


def _run_node(node, grads, retain_graph, create_graph, needed, anomaly):
    """Run one node's backward on Tensor gradients, with its pre-hooks and hooks: the general path."""
    grads = [g if g is None or isinstance(g, Tensor) else _wrap(g) for g in grads]
    if node._pre_hooks:
        for h in list(node._pre_hooks.values()):
            r = h(tuple(grads))
            if r is not None:
                grads = list(r)
    if len(grads) > 1 and any(g is None for g in grads) and \
            node.__dict__.get("_materialize", True):
        grads = _materialize(node, grads)
    if needed is not None and isinstance(node, Op):
        outs = _apply_pruned(node, grads, needed)
    else:
        outs = node._apply(grads)
    if node._hooks:
        for h in list(node._hooks.values()):
            r = h(outs, tuple(grads))
            if r is not None:
                outs = tuple(r)
    if not retain_graph:
        node._release()
    if anomaly:
        _check_nan(node, outs)
    return outs


def _as_tensor(g):
    return g if isinstance(g, Tensor) else _wrap(g)


def _apply_pruned(node, grads, needed):
    """Run an op's backward asking only for the inputs that lead to a requested input (torch prunes
    the graph for ``autograd.grad``/``backward(inputs=...)``: an input whose derivative is not
    implemented is fine when it is not asked for)."""
    nig = node.needs_input_grad
    if nig is None or len(nig) != len(node.next_functions):
        return node._apply(grads)
    node.needs_input_grad = tuple([n and f is not None and id(f) in needed
                                   for n, (f, _) in zip(nig, node.next_functions)])
    try:
        return node._apply(grads)
    finally:
        node.needs_input_grad = nig


def _output_hooks(node, grads, create_graph):
    """Tensor hooks on a non-leaf output, then retain_grad."""
    if node._out_hooks:
        for nr, hooks in node._out_hooks.items():
            if grads[nr] is not None:
                for h in list(hooks.values()):
                    r = h(grads[nr])
                    if r is not None:
                        grads[nr] = _hooked(h, grads[nr], r)
    if node._retain:
        for nr, ref in node._retain.items():
            t = ref()
            g = grads[nr]
            if t is not None and g is not None:
                if t.grad is None:
                    t.grad = g if create_graph else g.detach().clone()
                else:
                    t.grad = t.grad + g if create_graph else (t.grad + g).detach()


def _accumulate_node_hooks(node, grads, create_graph):
    """An AccumulateGrad node with hooks of its own: pre-hooks, accumulate, then hooks."""
    if node._pre_hooks:
        for h in list(node._pre_hooks.values()):
            r = h(tuple(grads))
            if r is not None:
                grads = list(r)
    _accumulate(node.variable, grads[0], create_graph)
    if node._hooks:
        for h in list(node._hooks.values()):
            h((), tuple(grads))


def _hooked(hook, g, r):
    """A tensor hook's replacement gradient, checked as PyTorch does."""
    name = getattr(hook, "__name__", hook)
    if r._data.dtype != g._data.dtype:
        from .function import _type_name
        raise RuntimeError(f"hook '{name}' has changed the type of value (was "
                           f"{_type_name(g._data.dtype)} got {_type_name(r._data.dtype)})")
    if r._data.shape != g._data.shape:
        raise RuntimeError(f"hook '{name}' has changed the size of value")
    return r


def _capture(node, grads, capture, results):
    nid = id(node)
    for nr, g in enumerate(grads):
        ks = capture.get((nid, nr))
        if ks is not None and g is not None:
            if node.__class__ is AccumulateGrad and node.variable._hooks:
                for h in list(node.variable._hooks.values()):
                    r = h(g)
                    if r is not None:
                        g = _hooked(h, g, r)
            for k in ks:
                results[k] = g if results[k] is None else results[k] + g


def _materialize(node, grads):
    from .. import _creation
    out = list(grads)
    for i, g in enumerate(out):
        if g is None and node._out_meta[i] is not None:
            shape, dt = node._out_meta[i]
            out[i] = _creation._zeros_np(shape, dt)
    return out


def _check_nan(node, outs):
    for i, g in enumerate(outs):
        if g is not None and g._data.dtype.kind in "fc" and g._data.size and not _finite_nan_free(g._data):
            raise RuntimeError(f"Function '{node._name}' returned nan values in its {i}th output.")


def _warn_forward_trace(node):
    """Anomaly mode: say where the forward of the failing node ran (as a warning, like PyTorch)."""
    import warnings
    if node._anomaly:
        msg = (f"Error detected in {node._name}. Traceback of forward call that caused the "
               f"error:\n{node._anomaly}")
    else:
        msg = ("No forward pass information available. Enable detect anomaly during forward pass "
               "for more information.")
    warnings.warn(msg, UserWarning, stacklevel=4)


def _finite_nan_free(a):
    from .._backend import np
    return not np.isnan(a).any()


# Each call is a graph task: callbacks queued while it runs (queue_callback) run at its end.
from .final_callbacks import with_final_callbacks  # noqa: E402

run_backward = with_final_callbacks(run_backward)
