"""Details real PyTorch programs notice, compared with PyTorch itself: what ``x[i] = number``
does with values a dtype cannot hold, factories and reductions given ``out=`` of another dtype,
complex values written into real tensors, ``Tensor._version``, the one autograd node that
``unbind``/``split`` record, and the ``__module__`` of classes programs print or pickle."""
import pickle
import warnings

import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")


def _run(lib, fn):
    """``fn(lib)``'s result as comparable data, or the exception type and message."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            r = fn(lib)
    except Exception as e:  # noqa: BLE001 - the exception is what we compare
        return ("raised", type(e).__name__, str(e))
    if isinstance(r, (lib.Tensor,)):
        return (str(r.dtype), str(r.tolist()))   # str: nan compares equal
    return r


def _same(fn, message=True):
    e, t = _run(ember, fn), _run(torch, fn)
    if not message and e and e[0] == "raised" and t and t[0] == "raised":
        e, t = e[:2], t[:2]
    assert e == t


def _setitem(dt, v, idx=0):
    def fn(lib):
        x = lib.zeros(3, dtype=getattr(lib, dt))
        x[idx] = v
        return x
    return fn


SCALARS = [300, -129, -5, 127, 2.7, 300.5, 127.5, -128.9, True, -1, 256, -256, 1e10, float("inf"),
           float("nan"), 2 ** 63, -2 ** 63 - 1, 2 ** 31, 1 + 0j, 2.5 + 1j, 70000.0, 1e39]


@pytest.mark.parametrize("dt", ["int8", "uint8", "int16", "int32", "int64", "bool", "float16", "bfloat16",
                                "float32", "float64"])
@pytest.mark.parametrize("v", SCALARS, ids=repr)
def test_setitem_python_number_converts_as_torch(dt, v):
    _same(_setitem(dt, v))


@pytest.mark.parametrize("idx", ["mask", "list", "ellipsis", "slice"])
def test_setitem_overflow_through_every_index_kind(idx):
    def fn(lib):
        i = {"mask": lib.tensor([True, False, True]), "list": lib.tensor([0, 2]), "ellipsis": ...,
             "slice": slice(0, 2)}[idx]
        return _setitem("int8", 300, i)(lib)
    _same(fn)


@pytest.mark.parametrize("dt", ["int8", "float32", "float16", "bool", "complex64"])
@pytest.mark.parametrize("v", [1 + 0j, 2.5 + 1j], ids=repr)
def test_fill_and_masked_fill_take_complex_numbers_as_torch(dt, v):
    _same(lambda lib: lib.zeros(2, dtype=getattr(lib, dt)).fill_(v))
    _same(lambda lib: lib.zeros(2, dtype=getattr(lib, dt)).masked_fill(lib.tensor([True, False]), v))


@pytest.mark.parametrize("value", ["0d", "1d"])
@pytest.mark.parametrize("dt", ["int16", "float32", "bool"])
def test_complex_tensor_assigned_into_real_tensor_is_cast(dt, value):
    def fn(lib):
        x = lib.zeros(3, dtype=getattr(lib, dt))
        x[0] = lib.tensor(1 + 2j) if value == "0d" else lib.tensor([1 + 2j])
        return x
    _same(fn)


def test_complex_into_real_keeps_gradient_of_the_real_part():
    def fn(lib):
        y = lib.zeros(2, requires_grad=True) * 1
        a = lib.tensor(1 + 2j, requires_grad=True)
        y[0] = a
        y.sum().backward()
        return y.tolist(), a.grad.item()
    _same(fn)


@pytest.mark.parametrize("case", ["scalar_slot", "2d", "row", "adv", "mask", "grad"])
def test_setitem_value_with_leading_ones(case):
    def fn(lib):
        if case == "scalar_slot":
            x = lib.zeros(3, dtype=lib.int16)
            x[0] = lib.tensor([5])
            return x
        if case == "2d":
            x = lib.zeros(3)
            x[0] = lib.tensor([[5.]])
            return x
        x = lib.zeros(2, 3)
        if case == "grad":
            x = x.requires_grad_() * 1
            v = lib.ones(1, 1, 3, requires_grad=True)
            x[0] = v
            x.sum().backward()
            return v.grad
        idx = {"row": 0, "adv": lib.tensor([0]), "mask": lib.tensor([True, False])}[case]
        x[idx] = lib.ones(1, 1, 3)
        return x
    _same(fn)


FACTORIES = {
    "arange": lambda lib, **k: lib.arange(5, **k),
    "arange_float_step": lambda lib, **k: lib.arange(0, 3.5, 0.5, **k),
    "linspace": lambda lib, **k: lib.linspace(0, 3, 7, **k),
    "logspace": lambda lib, **k: lib.logspace(0, 3, 4, **k),
    "zeros": lambda lib, **k: lib.zeros(3, **k),
    "ones": lambda lib, **k: lib.ones(3, **k),
    "full": lambda lib, **k: lib.full((3,), 7.5, **k),
    "eye": lambda lib, **k: lib.eye(2, **k),
    "range": lambda lib, **k: lib.range(0, 3, 0.5, **k),
    "empty": lambda lib, **k: lib.empty(2, **k).shape,
    "randn": lambda lib, **k: lib.randn(2, **k).shape,
    "rand": lambda lib, **k: lib.rand(2, **k).shape,
    "randint": lambda lib, **k: lib.randint(0, 3, (2,), **k).shape,
    "randperm": lambda lib, **k: lib.randperm(3, **k).shape,
}


@pytest.mark.parametrize("name", sorted(FACTORIES))
@pytest.mark.parametrize("out_dt,dt", [("int8", "int16"), ("float64", "float32"), ("int32", "int64"),
                                       ("float64", None), ("int8", None), ("int64", None), ("float64", "float64")])
def test_factory_out_dtype(name, out_dt, dt):
    if name == "range" and out_dt in ("int8", "int32", "int64") and dt is None:
        pytest.skip("torch.range into an integer out= crashes PyTorch 2.13 (SIGFPE)")

    def fn(lib):
        kw = {"out": lib.empty(0, dtype=getattr(lib, out_dt))}
        if dt is not None:
            kw["dtype"] = getattr(lib, dt)
        r = FACTORIES[name](lib, **kw)
        return (r, str(kw["out"].dtype)) if isinstance(r, tuple) else r
    _same(fn)


def test_arange_bool_and_out_requiring_grad():
    _same(lambda lib: lib.arange(3, dtype=lib.bool))
    _same(lambda lib: lib.zeros(2, out=lib.empty(0, requires_grad=True)))


REDUCTIONS = ["sum", "prod", "cumsum", "cumprod", "nansum", "mean"]


@pytest.mark.parametrize("fn_name", REDUCTIONS)
@pytest.mark.parametrize("src,out_dt,dt", [
    ("f", "int64", None), ("f", "float64", None), ("f", "bool", None), ("f", "complex64", None),
    ("f", "float16", None), ("f", "float32", "float64"), ("f", "float64", "float64"), ("i", "float32", None),
    ("i", "int8", None), ("b", "int8", None), ("b", "bool", None), ("c", "float32", None)])
def test_sum_like_reductions_compute_in_out_dtype(fn_name, src, out_dt, dt):
    def fn(lib):
        x = {"f": lib.tensor([1.5, 2.5, 3.5]), "i": lib.tensor([100, 100, 100]),
             "b": lib.tensor([True, False, True]), "c": lib.tensor([1 + 2j])}[src]
        kw = {"out": lib.empty(0, dtype=getattr(lib, out_dt))}
        if dt is not None:
            kw["dtype"] = getattr(lib, dt)
        return getattr(lib, fn_name)(x, 0, **kw)
    _same(fn)


@pytest.mark.parametrize("fn_name", ["sum", "cumsum"])
def test_reduction_out_refuses_autograd_inputs(fn_name):
    _same(lambda lib: getattr(lib, fn_name)(lib.tensor([1.5, 2.5], requires_grad=True), 0,
                                            out=lib.empty(0, dtype=lib.float64)))


@pytest.mark.parametrize("fn_name", ["amax", "amin", "argmax", "argmin", "all", "any"])
@pytest.mark.parametrize("out_dt", ["int64", "float64", "float32", "bool", "uint8", "int32"])
def test_selection_reductions_check_out_dtype(fn_name, out_dt):
    _same(lambda lib: getattr(lib, fn_name)(lib.tensor([1.5, 2.5, 3.5]), 0,
                                            out=lib.empty(0, dtype=getattr(lib, out_dt))))


def test_version_is_an_int_shared_with_views():
    def fn(lib):
        x = lib.zeros(3)
        v0 = x._version
        v = x[1:]
        v.add_(1)
        x.mul_(2)
        try:
            x._version = 5
            wrote = True
        except AttributeError:
            wrote = False
        return (type(v0).__name__, v0, x._version, v._version, x.detach()._version, x.data._version, wrote)
    _same(fn)


@pytest.mark.parametrize("op,name", [("unbind", "UnbindBackward0"), ("split", "SplitBackward0"),
                                     ("split_sizes", "SplitWithSizesBackward0"), ("chunk", "SplitBackward0")])
def test_unbind_and_split_record_one_node(op, name):
    def fn(lib):
        x = lib.tensor(np.arange(6.).reshape(3, 2), requires_grad=True)
        outs = {"unbind": lambda: x.unbind(0), "split": lambda: x.split(2),
                "split_sizes": lambda: x.split([1, 2]), "chunk": lambda: x.chunk(2)}[op]()
        fns = {id(o.grad_fn) for o in outs}
        first, last = outs[0], outs[-1]
        (first * 2 + last).sum().backward()   # only some outputs are used
        return (len(fns), first.grad_fn.name(), [o.output_nr for o in outs], x.grad.tolist(),
                first.grad_fn.next_functions[0][0].name() if hasattr(first.grad_fn.next_functions[0][0], "name")
                else None)
    e, t = _run(ember, fn), _run(torch, fn)
    assert e[:4] == t[:4] and e[1] == name


def test_unbind_double_backward_and_inplace_error():
    x = ember.randn(3, 2, dtype=ember.float64, requires_grad=True)
    assert ember.autograd.gradgradcheck(lambda t: (t.unbind(1)[0] ** 2).sum() * t.split(1)[2].sum(), (x,))

    def fn(lib):
        y = lib.ones(3, 2, requires_grad=True) * 1
        y.unbind(0)[1].add_(1)
    _same(fn)


def test_class_modules_match_torch_paths():
    pairs = [(ember.utils.hooks.RemovableHandle, torch.utils.hooks.RemovableHandle),
             (type(ember.zeros(1, requires_grad=True).register_hook(lambda g: g)),
              type(torch.zeros(1, requires_grad=True).register_hook(lambda g: g))),
             (ember.Tensor, torch.Tensor), (ember.Size, torch.Size), (ember.device, torch.device),
             (ember.dtype, torch.dtype), (ember.nn.Linear, torch.nn.Linear), (ember.nn.Parameter, torch.nn.Parameter),
             (ember.optim.SGD, torch.optim.SGD), (ember.utils.data.DataLoader, torch.utils.data.DataLoader),
             (ember.utils.data.Dataset, torch.utils.data.Dataset)]
    for e, t in pairs:
        assert (e.__module__, e.__qualname__) == (t.__module__.replace("torch", "ember", 1), t.__qualname__)
    assert ember.Generator.__module__ == "ember"   # PyTorch's lives in torch._C, which ember has not


def test_classes_and_instances_pickle_by_their_module():
    for obj in (ember.Tensor, ember.Size, ember.device, ember.dtype, ember.Generator,
                ember.utils.hooks.RemovableHandle):
        assert pickle.loads(pickle.dumps(obj)) is obj
    assert pickle.loads(pickle.dumps(ember.float16)) is ember.float16
    assert pickle.loads(pickle.dumps(ember.Size([2, 3]))) == ember.Size([2, 3])
    assert repr(pickle.loads(pickle.dumps(ember.device("cpu")))) == "device(type='cpu')"


def test_data_submodules_programs_import():
    import importlib
    for path, names in [("utils.data.distributed", ["DistributedSampler"]),
                        ("utils.data._utils.collate", ["default_collate", "default_convert"]),
                        ("utils.data._utils.worker", ["get_worker_info", "WorkerInfo"])]:
        t, e = importlib.import_module("torch." + path), importlib.import_module("ember." + path)
        for n in names:
            assert hasattr(t, n) and hasattr(e, n), (path, n)
    assert ember.utils.data.distributed.DistributedSampler is ember.utils.data.DistributedSampler
    assert ember.utils.data.DistributedSampler.__module__ == "ember.utils.data.distributed"
    assert pickle.loads(pickle.dumps(ember.utils.data.DistributedSampler)) is ember.utils.data.DistributedSampler
    assert ember.utils.data._utils.collate.default_collate([(1, 2.0), (3, 4.0)])[0].tolist() == [1, 3]


def test_fx_node_type_aliases():
    import torch.fx.node as tn
    import ember.fx.node as en
    assert en.Target.__args__[1] is tn.Target.__args__[1] is str
    assert {str, int, float, bool, complex, ember.Tensor, ember.dtype, ember.device} <= set(en.BaseArgumentTypes.__args__)
