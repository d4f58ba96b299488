"""torch.jit names for eager programs, and torch.compile, against PyTorch's eager behaviour."""
import typing
import warnings

import pytest

import ember
import ember.jit
import ember._dynamo

torch = pytest.importorskip("torch")


def test_predicates_and_decorators_leave_code_eager():
    for lib in (ember, torch):
        assert lib.jit.is_scripting() is False and lib.jit.is_tracing() is False

        @lib.jit.unused
        def a(x):
            return x + 1

        @lib.jit.ignore
        def b(x):
            return x * 2

        @lib.jit.export
        def c(x):
            return x - 1

        @lib.jit.ignore()
        def d(x):
            return x

        assert (a(1), b(2), c(3), d(4)) == (2, 4, 2, 4)
        assert a._torchscript_modifier is not None
    with pytest.warns(FutureWarning):
        ember.jit.ignore(drop=True)


def test_unused_on_module_methods_and_properties():
    class M(ember.nn.Module):
        @ember.jit.unused
        def helper(self, x):
            return x + 10

        @ember.jit.unused
        @property
        def p(self):
            return 3

        def forward(self, x):
            return self.helper(x)

    m = M()
    assert m(ember.ones(1)).tolist() == [11.] and m.p == 3


def test_annotations_and_types():
    assert ember.jit.annotate(typing.List[int], []) == torch.jit.annotate(typing.List[int], [])
    assert ember.jit.Final is torch.jit.Final
    a = ember.jit.Attribute(3, int)
    assert (a.value, a.type) == (3, int) and tuple(a) == tuple(torch.jit.Attribute(3, int))
    for obj, tp in [([1, 2], typing.List[int]), ([1, "a"], typing.List[int]), ({"a": 1}, typing.Dict[str, int]),
                    ((1, "a"), typing.Tuple[int, str]), ((1,), typing.Tuple[int, str]), (None, typing.Optional[int]),
                    (3, typing.Optional[int]), ("x", typing.Optional[int]), (3, int)]:
        assert ember.jit.isinstance(obj, tp) == torch.jit.isinstance(obj, tp), (obj, tp)

    @ember.jit.interface
    class I:
        def f(self, x: int) -> int:
            ...
    assert I.__name__ == "I"

    @ember.jit._overload
    def g(x: int) -> int:
        ...

    @ember.jit._overload_method
    def h(self, x: int) -> int:
        ...
    assert g.__name__ == "g" and h.__name__ == "h"


def test_script_module_is_an_eager_module():
    class M(ember.jit.ScriptModule):
        def __init__(self):
            super().__init__()
            self.lin = ember.nn.Linear(2, 1)

        @ember.jit.script_method
        def forward(self, x):
            return self.lin(x)

    m = M()
    assert issubclass(ember.jit.ScriptModule, ember.nn.Module)
    assert m(ember.ones(3, 2)).shape == (3, 1) and "lin.weight" in m.state_dict()
    assert not isinstance(abs, ember.jit.ScriptFunction)


def test_script_returns_its_argument_and_warns_once():
    ember.jit._warned.clear()

    def f(x):
        return x * 3

    net = ember.nn.Linear(2, 2)
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        assert ember.jit.script(f) is f and ember.jit.script(net) is net
    assert len(w) == 1 and "eagerly" in str(w[0].message)
    x = ember.randn(3, 2)
    assert ember.jit.script(net)(x).tolist() == net(x).tolist()
    # the same function under torch.jit.script gives the same numbers
    tf = torch.jit.script(f)
    assert tf(torch.tensor([1., 2.])).tolist() == f(ember.tensor([1., 2.])).tolist()


def test_graph_functions_need_traced_modules():
    net = ember.nn.Linear(2, 2)
    with pytest.raises(NotImplementedError, match="trace it first"):
        ember.jit.save(net, "x.pt")
    for lib, m in ((ember, net), (torch, torch.nn.Linear(2, 2))):
        with pytest.raises(RuntimeError, match="ScriptModule"):
            lib.jit.freeze(m)


def test_fork_wait_future():
    for lib in (ember, torch):
        fut = lib.jit.fork(lambda a, b=1: a + b, 2, b=5)
        assert lib.jit.wait(fut) == 7 and fut.wait() == 7 and fut.done()
        with pytest.raises(ValueError):
            lib.jit.fork(lambda: (_ for _ in ()).throw(ValueError("boom")))
    assert ember.fork is ember.jit.fork and ember.wait is ember.jit.wait and ember.Future is ember.jit.Future
    f = ember.jit.fork(sum, [1, 2]).then(lambda fu: fu.wait() * 10)
    assert f.wait() == 30
    for lib in (ember, torch):   # a failing callback: its error is wrapped in a RuntimeError, as torch does
        with pytest.raises(RuntimeError, match="ZeroDivisionError: division by zero"):
            lib.jit.fork(len, "ab").then(lambda fu: 1 / 0).wait()


def test_compile_returns_compiled_callables_in_every_form():
    net = ember.nn.Linear(2, 2)
    x = ember.randn(4, 2)
    c = ember.compile(net)
    assert isinstance(c, ember._dynamo.OptimizedModule) and c._orig_mod is net
    assert list(c.state_dict()) == list(torch.compile(torch.nn.Linear(2, 2)).state_dict())
    assert ember.compile(net, mode="reduce-overhead", fullgraph=True, dynamic=False, backend="eager")._orig_mod is net
    assert ember.compile(net, disable=True) is net

    @ember.compile
    def f(a):
        return a * 2

    @ember.compile(mode="max-autotune", dynamic=True)
    def g(a):
        return a + 1

    @ember.compile()
    def h(a):
        return a - 1

    assert f(x).tolist() == (x * 2).tolist() and g(x).tolist() == (x + 1).tolist() and h(x).tolist() == (x - 1).tolist()
    assert ember.compile(net)(x).tolist() == net(x).tolist()
    for lib in (ember, torch):
        with pytest.raises(RuntimeError):
            lib.compile(abs, mode="bad")
        with pytest.raises(RuntimeError):
            lib.compile(abs, mode="default", options={})
        with pytest.raises(AssertionError):
            lib.compile(3)


def test_compiler_namespace_matches_torch_when_nothing_compiles():
    for lib in (ember, torch):
        c = lib.compiler
        assert c.is_compiling() is False and c.is_dynamo_compiling() is False

        @c.disable
        def f(x):
            return x + 1

        @c.disable(recursive=False)
        def g(x):
            return x * 2
        assert (f(1), g(2)) == (2, 4)
        assert c.allow_in_graph(abs)(-1) == 1 and c.reset() is None
    assert ember.compiler.compile is ember.compile


def test_cudnn_flags_context():
    b = ember.backends.cudnn
    with b.flags(enabled=False, benchmark=True, deterministic=True):
        assert (b.enabled, b.benchmark, b.deterministic) == (False, True, True)
    assert (b.enabled, b.benchmark, b.deterministic) == (torch.backends.cudnn.enabled, False, False)
