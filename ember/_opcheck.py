"""``torch.library.opcheck``: check that a custom operator is registered correctly.

The four checks are torch's: ``test_schema`` (arguments not declared mutable are left unchanged),
``test_autograd_registration`` (an op whose inputs require grad has a backward, or its outputs
do not require grad), ``test_faketensor`` (a fake implementation is registered and gives the real
output's shapes and dtypes) and ``test_aot_dispatch_dynamic`` (with a fake registered, the op runs forward and,
where an output requires grad, backward). ember has no fake tensors or AOT compiler, so the last two run
the fake and the backward on real tensors.

>>> from ember.library import custom_op, opcheck
>>> def dbl(x: ember.Tensor) -> ember.Tensor:
...     return x * 2
>>> op = custom_op("demo_check::dbl", dbl, mutates_args=())
>>> _ = op.register_fake(lambda x: ember.empty_like(x))
>>> opcheck(op, (ember.ones(3),))["test_faketensor"]
'SUCCESS'
"""
__all__ = ["opcheck", "OpCheckError"]

DEFAULT_TESTS = ("test_schema", "test_autograd_registration", "test_faketensor", "test_aot_dispatch_dynamic")


class OpCheckError(Exception):
    """Raised by ``opcheck`` when a check fails (``raise_exception=True``)."""


def _tensors(obj):
    from ._tensor import Tensor
    if isinstance(obj, Tensor):
        return [obj]
    if isinstance(obj, (list, tuple)):
        return [t for o in obj for t in _tensors(o)]
    if isinstance(obj, dict):
        return [t for o in obj.values() for t in _tensors(o)]
    return []


def _clone(obj):
    from ._tensor import Tensor
    if isinstance(obj, Tensor):
        c = obj.detach().clone()
        return c.requires_grad_(obj.requires_grad) if obj.is_leaf and obj.dtype.is_floating_point else c
    if isinstance(obj, (list, tuple)):
        return type(obj)(_clone(o) for o in obj)
    if isinstance(obj, dict):
        return {k: _clone(v) for k, v in obj.items()}
    return obj


def _check_schema(op, args, kwargs):
    import ember
    cargs, ckw = _clone(args), _clone(kwargs)
    before = [t.detach().clone() for t in _tensors((cargs, ckw))]
    with ember.no_grad():
        op(*cargs, **ckw)
    names = [a.name for a in op._schema.args]
    bound = dict(zip(names, cargs))
    bound.update(ckw)
    for name, value in bound.items():
        arg = next((a for a in op._schema.args if a.name == name), None)
        if arg is None or arg.mutable:
            continue
        for t in _tensors(value):
            old = before[[id(x) for x in _tensors((cargs, ckw))].index(id(t))]
            if not ember.equal(old, t.detach()) and not (t.is_floating_point() and bool((old.isnan() & t.isnan()).any())):
                raise RuntimeError(f"Argument {name} is not defined as mutable but was mutated")


def _check_autograd(op, args, kwargs):
    ins = [t for t in _tensors((args, kwargs)) if t.requires_grad]
    if not ins or op._backward_fn is not None:
        return
    out = op(*_clone(args), **_clone(kwargs))
    if any(t.requires_grad for t in _tensors(out)):
        # the generated node raises on backward: torch reports the missing registration here
        raise RuntimeError(f"{op._qualname}: inputs require grad but no autograd formula was registered. "
                           "Please use register_autograd to add one.")


def _need_fake(op):
    if op._fake_fn is None:
        raise RuntimeError(f"There was no fake impl registered for {op!r}. This is necessary for "
                           f"torch.compile/export/fx tracing to work. Please use `{op._name}.register_fake` "
                           "to add an fake impl.")


def _check_fake(op, args, kwargs):
    import ember
    _need_fake(op)
    with ember.no_grad():
        real = _tensors(op(*_clone(args), **_clone(kwargs)))
        fake = _tensors(op._fake_fn(*_clone(args), **_clone(kwargs)))
    if len(real) != len(fake):
        raise RuntimeError(f"{op._qualname}: the fake impl returned {len(fake)} tensors, the op {len(real)}")
    for r, f in zip(real, fake):
        if r.shape != f.shape or r.dtype != f.dtype:
            raise RuntimeError(f"{op._qualname}: fake impl gives {tuple(f.shape)} {f.dtype}, "
                               f"the kernel {tuple(r.shape)} {r.dtype}")


def _check_dispatch(op, args, kwargs):
    _need_fake(op)          # (torch traces the op with its fake before running it)
    cargs, ckw = _clone(args), _clone(kwargs)
    outs = [t for t in _tensors(op(*cargs, **ckw)) if t.requires_grad]
    if outs:
        total = sum(o.float().sum() for o in outs)
        total.backward()


_CHECKS = {"test_schema": _check_schema, "test_autograd_registration": _check_autograd,
           "test_faketensor": _check_fake, "test_aot_dispatch_dynamic": _check_dispatch}


def opcheck(op, args, kwargs=None, *, test_utils=DEFAULT_TESTS, raise_exception=True, atol=None, rtol=None):
    """Run torch's registration checks on a custom op; returns ``{test name: "SUCCESS" or the
    exception}`` (or raises :class:`OpCheckError` on the first failure).

    >>> from ember.library import custom_op, opcheck
    >>> def bump(x: ember.Tensor) -> None:
    ...     x.add_(1)
    >>> op = custom_op("demo_check::bump", bump, mutates_args=())
    >>> type(opcheck(op, (ember.ones(2),), raise_exception=False)["test_schema"]).__name__
    'RuntimeError'
    """
    from .library import _lookup
    from ._ops_namespace import OpOverload, OpOverloadPacket
    target = op
    if isinstance(op, (OpOverload, OpOverloadPacket)):
        pk = op.overloadpacket if isinstance(op, OpOverload) else op
        if pk._ns == "aten":
            raise ValueError("opcheck(op, ...): op must be a custom operator (torch.library), got an ATen operator")
        target = _lookup(pk._qualified_op_name)
    else:
        target = _lookup(op)
    kwargs = {} if kwargs is None else kwargs
    tests = (test_utils,) if isinstance(test_utils, str) else tuple(test_utils)
    results = {}
    for name in tests:
        if name not in _CHECKS:
            raise ValueError(f"test_utils must be a subset of {DEFAULT_TESTS}, but got {name}")
        try:
            _CHECKS[name](target, args, kwargs)
            results[name] = "SUCCESS"
        except Exception as e:  # noqa: BLE001 - reported per test, as torch does
            if raise_exception:
                raise OpCheckError(f"opcheck(op, ...): {name} failed with {e} (scroll up for stack trace)") from e
            results[name] = e
    return results
