"""DataPipes: chaining, registration, DataChunk, determinism guard and validation decorators vs torch."""
import pytest

import ember.utils.data as E

torch = pytest.importorskip("torch")
import torch.utils.data as T  # noqa: E402


def _source(D, n):
    class Src(D.IterDataPipe):
        def __iter__(self):
            return iter(range(n))
    return Src()


def test_chains_match_torch():
    def run(D):
        a = list(_source(D, 7).map(lambda x: x * 3).filter(lambda x: x % 2 == 0).batch(2))
        b = list(_source(D, 3).concat(_source(D, 2)))
        c = list(_source(D, 3).zip(_source(D, 4)))
        d = list(_source(D, 5).batch(2, drop_last=True))
        return a, [type(x).__name__ for x in a], b, c, d
    assert run(E) == run(T)


def test_classes_and_datachunk():
    assert issubclass(E.IterDataPipe, E.IterableDataset) and issubclass(E.MapDataPipe, E.Dataset)
    assert issubclass(E.DFIterDataPipe, E.IterDataPipe)
    for D in (E, T):
        c = D.DataChunk([1, 2, 3])
        assert isinstance(c, list) and list(c.raw_iterator()) == [1, 2, 3] and c.as_str("  ") == "  [1, 2, 3]"

    def run(D):
        class Sq(D.MapDataPipe):
            def __getitem__(self, i):
                if i >= 5:
                    raise IndexError(i)
                return i * i

            def __len__(self):
                return 5
        m = Sq().map(str)
        b = Sq().batch(2)
        return [m[i] for i in range(5)], len(b), [list(b[i]) for i in range(len(b))]
    assert run(E) == run(T)


def test_functional_datapipe_registration():
    for D in (E, T):
        name = "triple_for_test_" + D.__name__.split(".")[0]

        @D.functional_datapipe(name)
        class Triple(D.IterDataPipe):
            def __init__(self, src):
                self.src = src

            def __iter__(self):
                return (3 * x for x in self.src)
        assert list(getattr(_source(D, 3), name)()) == [0, 3, 6]
        with pytest.raises(Exception, match="already taken"):
            @D.functional_datapipe(name)
            class Again(D.IterDataPipe):
                def __iter__(self):
                    return iter([])
        with pytest.raises(AttributeError):
            _source(D, 1).no_such_function


def test_determinism_guard_and_decorators():
    for D in (E, T):
        @D.non_deterministic
        class Shuffler(D.IterDataPipe):
            def __iter__(self):
                return iter([])
        Shuffler()
        with D.guaranteed_datapipes_determinism():
            with pytest.raises(TypeError, match="non-deterministic"):
                Shuffler()
        Shuffler()

        if D is E:  # torch's needs its typing machinery on the class
            class P(D.IterDataPipe[int]):
                @D.runtime_validation
                def __iter__(self):
                    yield from [1, 2]
            assert list(P()) == [1, 2]
        with pytest.raises(TypeError):
            D.runtime_validation(lambda self: None)

        if D is E:  # torch's compares its typing metadata
            class Q(D.IterDataPipe):
                @D.argument_validation
                def __init__(self, src: D.IterDataPipe):
                    self.src = src
            Q(_source(D, 1))
            with pytest.raises(TypeError):
                Q([1])
        with D.runtime_validation_disabled():
            pass
