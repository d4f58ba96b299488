"""DataPipes (deprecated in PyTorch): ``IterDataPipe``/``MapDataPipe`` datasets whose operations
chain as methods, registered by name with ``functional_datapipe``.

Built-in chained operations: ``map``, ``filter``, ``batch`` (into ``DataChunk``), ``concat`` and
``zip`` on IterDataPipes; ``map`` and ``batch`` on MapDataPipes. Type parameters
(``IterDataPipe[int]``) are accepted but not tracked, so ``runtime_validation`` checks nothing
beyond its decorator's own rules.

>>> from ember.utils.data import IterDataPipe, functional_datapipe
>>> class Count(IterDataPipe):
...     def __init__(self, n): self.n = n
...     def __iter__(self): return iter(range(self.n))
>>> list(Count(5).map(lambda x: x * 10).filter(lambda x: x > 10).batch(2))
[[20, 30], [40]]
"""
import functools

from .dataset import Dataset, IterableDataset

__all__ = ["IterDataPipe", "MapDataPipe", "DFIterDataPipe", "DataChunk", "functional_datapipe",
           "guaranteed_datapipes_determinism", "non_deterministic", "runtime_validation",
           "runtime_validation_disabled", "argument_validation"]

_determinism = [False]
_runtime_validation = [True]


class _Chainable:
    """The method lookup shared by both kinds of DataPipe: unknown attributes name registered functions."""

    functions = {}

    def __getattr__(self, name):
        fn = type(self).functions.get(name)
        if fn is None:
            raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")
        return functools.partial(fn, self)

    @classmethod
    def register_datapipe_as_function(cls, function_name, cls_to_register):
        if function_name in cls.functions:
            raise Exception(f"Unable to add DataPipe function name {function_name} as it is already taken")
        cls.functions[function_name] = cls_to_register

    def __repr__(self):
        return type(self).__qualname__

    def __str__(self):
        return type(self).__qualname__

    def __class_getitem__(cls, item):  # IterDataPipe[int]: accepted, the type is not tracked
        return cls


class IterDataPipe(_Chainable, IterableDataset):
    """An iterable-style DataPipe: define ``__iter__``; registered functions chain as methods.

    >>> class Two(ember.utils.data.IterDataPipe):
    ...     def __iter__(self): return iter([1, 2])
    >>> list(Two().map(str))
    ['1', '2']
    """

    functions = {}

    def __iter__(self):
        raise NotImplementedError


class DFIterDataPipe(IterDataPipe):
    """An IterDataPipe of DataFrames (a marker class).

    >>> ember.utils.data.DFIterDataPipe()._is_dfpipe()
    True
    """

    def _is_dfpipe(self):
        return True


class MapDataPipe(_Chainable, Dataset):
    """A map-style DataPipe: define ``__getitem__`` and ``__len__``.

    >>> class Sq(ember.utils.data.MapDataPipe):
    ...     def __getitem__(self, i): return i * i
    ...     def __len__(self): return 3
    >>> [Sq().map(str)[i] for i in range(3)]
    ['0', '1', '4']
    """

    functions = {}


class DataChunk(list):
    """A list that a batching DataPipe yields (``raw_iterator``, ``as_str``).

    >>> ember.utils.data.DataChunk([1, 2]).as_str()
    '[1, 2]'
    """

    def __init__(self, items):
        super().__init__(items)
        self.items = items

    def as_str(self, indent=""):
        return indent + "[" + ", ".join(str(i) for i in iter(self)) + "]"

    def __iter__(self):
        yield from super().__iter__()

    def raw_iterator(self):
        yield from self.items


class functional_datapipe:  # noqa: N801 - PyTorch's name
    """Class decorator: make a DataPipe class callable as a method ``name`` of DataPipes of its kind.

    >>> @ember.utils.data.functional_datapipe("add_one")
    ... class AddOne(ember.utils.data.IterDataPipe):
    ...     def __init__(self, src): self.src = src
    ...     def __iter__(self): return (x + 1 for x in self.src)
    >>> class Src(ember.utils.data.IterDataPipe):
    ...     def __iter__(self): return iter([1, 2])
    >>> list(Src().add_one())
    [2, 3]
    """

    def __init__(self, name, enable_df_api_tracing=False):
        self.name = name
        self.enable_df_api_tracing = enable_df_api_tracing

    def __call__(self, cls):
        target = cls.cls if isinstance(cls, non_deterministic) else cls
        if isinstance(target, type) and issubclass(target, IterDataPipe):
            IterDataPipe.register_datapipe_as_function(self.name, cls)
        elif isinstance(target, type) and issubclass(target, MapDataPipe):
            MapDataPipe.register_datapipe_as_function(self.name, cls)
        return cls


class guaranteed_datapipes_determinism:  # noqa: N801
    """Context manager: constructing a ``non_deterministic`` DataPipe inside raises TypeError.

    >>> with ember.utils.data.guaranteed_datapipes_determinism():
    ...     pass
    """

    def __init__(self):
        self.prev = _determinism[0]
        _determinism[0] = True

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc_value, traceback):
        _determinism[0] = self.prev


class non_deterministic:  # noqa: N801
    """Mark a DataPipe class (or, given a function of the constructor's arguments, some of its
    instances) as non-deterministic; refused under ``guaranteed_datapipes_determinism``.

    >>> @ember.utils.data.non_deterministic
    ... class Shuffle(ember.utils.data.IterDataPipe):
    ...     def __iter__(self): return iter([])
    >>> isinstance(Shuffle(), ember.utils.data.IterDataPipe)
    True
    """

    cls = None
    deterministic_fn = None

    def __init__(self, arg):
        if isinstance(arg, type):
            if not issubclass(arg, IterDataPipe):
                raise TypeError(f"Only `IterDataPipe` can be decorated with `non_deterministic`, but {arg.__name__} "
                                "is found")
            self.cls = arg
        elif callable(arg):
            self.deterministic_fn = arg
        else:
            raise TypeError(f"{arg} can not be decorated by non_deterministic")

    def __call__(self, *args, **kwargs):
        if self.cls is not None:
            if _determinism[0]:
                raise TypeError(f"{self.cls.__name__} is non-deterministic, but you set "
                                "'guaranteed_datapipes_determinism'. You can turn off determinism for this DataPipe "
                                "if that is acceptable for your application")
            return self.cls(*args, **kwargs)
        cls = args[0]
        if not (isinstance(cls, type) and issubclass(cls, IterDataPipe)):
            raise TypeError(f"Only `IterDataPipe` can be decorated, but {cls.__name__} is found")
        self.cls = cls
        return self._deterministic_fn_wrapper

    def _deterministic_fn_wrapper(self, *args, **kwargs):
        res = self.deterministic_fn(*args, **kwargs)
        if not isinstance(res, bool):
            raise TypeError(f"deterministic_fn of `non_deterministic` decorator is required to return a boolean "
                            f"value, but {type(res)} is found")
        if _determinism[0] and res:
            raise TypeError(f"{self.cls.__name__} is non-deterministic with the inputs, but you set "
                            "'guaranteed_datapipes_determinism'. You can turn off determinism for this DataPipe "
                            "if that is acceptable for your application")
        return self.cls(*args, **kwargs)


def argument_validation(f):
    """Decorator for a DataPipe constructor: arguments annotated with a DataPipe class must be one.

    >>> class P(ember.utils.data.IterDataPipe):
    ...     @ember.utils.data.argument_validation
    ...     def __init__(self, src: ember.utils.data.IterDataPipe): self.src = src
    ...     def __iter__(self): return iter(self.src)
    >>> P([1])
    Traceback (most recent call last):
    ...
    TypeError: Expected argument 'src' as a IterDataPipe, but found list
    """
    import inspect
    signature = inspect.signature(f)

    @functools.wraps(f)
    def wrapper(*args, **kwargs):
        bound = signature.bind(*args, **kwargs)
        for name, value in bound.arguments.items():
            hint = f.__annotations__.get(name)
            if isinstance(hint, type) and issubclass(hint, (IterDataPipe, MapDataPipe)) and \
                    not isinstance(value, hint):
                raise TypeError(f"Expected argument '{name}' as a {hint.__name__}, but found "
                                f"{type(value).__name__}")
        return f(*args, **kwargs)
    return wrapper


class runtime_validation_disabled:  # noqa: N801
    """Context manager: turn off ``runtime_validation`` checks inside.

    >>> with ember.utils.data.runtime_validation_disabled():
    ...     pass
    """

    def __init__(self):
        self.prev = _runtime_validation[0]
        _runtime_validation[0] = False

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc_value, traceback):
        _runtime_validation[0] = self.prev


def runtime_validation(f):
    """Decorator for a DataPipe's ``__iter__`` (type checks of the yielded data need the DataPipe's
    type parameter, which ember does not track: the data passes through).

    >>> class P(ember.utils.data.IterDataPipe):
    ...     @ember.utils.data.runtime_validation
    ...     def __iter__(self): yield from [1, 2]
    >>> list(P())
    [1, 2]
    """
    if f.__name__ != "__iter__":
        raise TypeError(f"Can not decorate function {f.__name__} with 'runtime_validation'")

    @functools.wraps(f)
    def wrapper(self):
        yield from f(self)
    return wrapper


# ---------------------------------------------------------------- built-in chained operations
@functional_datapipe("map")
class _Mapper(IterDataPipe):
    def __init__(self, datapipe, fn):
        self.datapipe, self.fn = datapipe, fn

    def __iter__(self):
        for x in self.datapipe:
            yield self.fn(x)

    def __len__(self):
        return len(self.datapipe)


@functional_datapipe("filter")
class _Filter(IterDataPipe):
    def __init__(self, datapipe, filter_fn):
        self.datapipe, self.filter_fn = datapipe, filter_fn

    def __iter__(self):
        for x in self.datapipe:
            if self.filter_fn(x):
                yield x


@functional_datapipe("batch")
class _Batcher(IterDataPipe):
    def __init__(self, datapipe, batch_size, drop_last=False, wrapper_class=DataChunk):
        if batch_size <= 0:
            raise AssertionError("Batch size is required to be larger than 0!")
        self.datapipe, self.batch_size, self.drop_last, self.wrapper_class = datapipe, batch_size, drop_last, \
            wrapper_class

    def __iter__(self):
        batch = []
        for x in self.datapipe:
            batch.append(x)
            if len(batch) == self.batch_size:
                yield self.wrapper_class(batch)
                batch = []
        if batch and not self.drop_last:
            yield self.wrapper_class(batch)


@functional_datapipe("concat")
class _Concater(IterDataPipe):
    def __init__(self, *datapipes):
        if len(datapipes) == 0:
            raise ValueError("Expected at least one DataPipe, but got nothing")
        if not all(isinstance(dp, IterDataPipe) for dp in datapipes):
            raise TypeError("Expected all inputs to be `IterDataPipe`")
        self.datapipes = datapipes

    def __iter__(self):
        for dp in self.datapipes:
            yield from dp


@functional_datapipe("zip")
class _Zipper(IterDataPipe):
    def __init__(self, *datapipes):
        if not all(isinstance(dp, IterDataPipe) for dp in datapipes):
            raise TypeError("All inputs are required to be `IterDataPipe` for `ZipIterDataPipe`.")
        self.datapipes = datapipes

    def __iter__(self):
        yield from zip(*self.datapipes)


@functional_datapipe("map")
class _MapMapper(MapDataPipe):
    def __init__(self, datapipe, fn):
        self.datapipe, self.fn = datapipe, fn

    def __getitem__(self, index):
        return self.fn(self.datapipe[index])

    def __len__(self):
        return len(self.datapipe)


@functional_datapipe("batch")
class _MapBatcher(MapDataPipe):
    def __init__(self, datapipe, batch_size, drop_last=False, wrapper_class=DataChunk):
        self.datapipe, self.batch_size, self.drop_last, self.wrapper_class = datapipe, batch_size, drop_last, \
            wrapper_class

    def __getitem__(self, index):
        batch = []
        for i in range(index * self.batch_size, (index + 1) * self.batch_size):
            try:
                batch.append(self.datapipe[i])
            except IndexError:
                break
        if not batch or (self.drop_last and len(batch) < self.batch_size):
            raise IndexError(f"Index {index} is out of bound.")
        return self.wrapper_class(batch)

    def __len__(self):
        n = len(self.datapipe)
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)

