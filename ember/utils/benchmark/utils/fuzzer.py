"""``torch.utils.benchmark`` fuzzing: random benchmark inputs. :class:`FuzzedParameter` draws
numbers, :class:`FuzzedTensor` builds tensors whose sizes, strides and memory order come
from those numbers, :class:`Fuzzer` draws sets that meet the constraints.

For a given ``seed`` the parameters (and tensor shapes and layouts) are the ones PyTorch's
Fuzzer draws; tensor values come from ember's generator.

>>> from ember.utils.benchmark import Fuzzer, FuzzedParameter, FuzzedTensor
>>> fz = Fuzzer([FuzzedParameter("n", 4, 16, distribution="uniform")],
...             [FuzzedTensor("x", size=("n", 2))], seed=0)
>>> tensors, props, params = next(fz.take(1))
>>> tensors["x"].shape == (params["n"], 2)
True
"""
import functools
import itertools

from ...._backend import np

__all__ = ["Fuzzer", "FuzzedParameter", "ParameterAlias", "FuzzedTensor"]

_DISTRIBUTIONS = ("loguniform", "uniform")


class FuzzedParameter:
    """A named number drawn ``"uniform"`` (ints if both bounds are ints) or ``"loguniform"``
    (ints, uniform in log2) between ``minval`` and ``maxval``, or from a ``{value: probability}``
    dict. ``strict=True`` keeps the first value drawn while the Fuzzer retries a sample.

    >>> from ember.utils.benchmark import FuzzedParameter
    >>> FuzzedParameter("k", 1, 1024, distribution="loguniform").name
    'k'
    """

    def __init__(self, name, minval=None, maxval=None, distribution=None, strict=False):
        self._name = name
        self._minval = minval
        self._maxval = maxval
        self._distribution = self._check(distribution)
        self.strict = strict

    @property
    def name(self):
        return self._name

    def _check(self, distribution):
        if not isinstance(distribution, dict):
            if distribution not in _DISTRIBUTIONS:
                raise AssertionError(f"Unknown distribution: {distribution}")
            return distribution
        if any(p < 0 for p in distribution.values()):
            raise AssertionError("Probabilities cannot be negative")
        if abs(sum(distribution.values()) - 1) > 1e-5:
            raise AssertionError("Distribution is not normalized")
        if self._minval is not None or self._maxval is not None:
            raise AssertionError("When passing a custom distribution, 'minval' and 'maxval' must be None")
        return distribution

    def sample(self, state):
        """One draw from the NumPy ``RandomState`` ``state``.

        >>> from ember.utils.benchmark import FuzzedParameter
        >>> p = FuzzedParameter("b", distribution={1: 0.5, 2: 0.5})
        >>> p.sample(np.random.RandomState(0)) in (1, 2)
        True
        """
        d = self._distribution
        if isinstance(d, dict):
            i = state.choice(np.arange(len(d)), p=tuple(d.values()))
            return list(d)[i]
        lo, hi = self._minval, self._maxval
        if d == "uniform":
            if isinstance(lo, int) and isinstance(hi, int):
                return int(state.randint(low=lo, high=hi + 1))
            return state.uniform(low=lo, high=hi)
        v = int(2 ** state.uniform(low=np.log2(lo) if lo is not None else None,
                                   high=np.log2(hi) if hi is not None else None))
        if lo is not None and v < lo:
            return lo
        if hi is not None and v > hi:
            return hi
        return v


class ParameterAlias:
    """A parameter that takes the value of the parameter named ``alias_to``.

    >>> from ember.utils.benchmark import ParameterAlias
    >>> ParameterAlias("n")
    ParameterAlias[alias_to: n]
    """

    def __init__(self, alias_to):
        self.alias_to = alias_to

    def __repr__(self):
        return f"ParameterAlias[alias_to: {self.alias_to}]"


def dtype_size(dtype):
    """Bytes per element of ``dtype``.

    >>> from ember.utils.benchmark.utils.fuzzer import dtype_size
    >>> dtype_size(ember.float64), dtype_size(ember.bool)
    (8, 1)
    """
    return dtype.itemsize


def prod(values, base=1):
    """The product of ``values`` as Python ints (no overflow).

    >>> from ember.utils.benchmark.utils.fuzzer import prod
    >>> prod([2, 3], base=4)
    24
    """
    return functools.reduce(lambda a, b: int(a) * int(b), values, base)


class FuzzedTensor:
    """A tensor named ``name`` of ``size`` (ints or parameter names), taken every ``steps``
    elements of a larger allocation, in a permuted memory order with probability
    ``1 - probability_contiguous``; ``dim_parameter`` names a parameter giving its rank.

    >>> from ember.utils.benchmark import FuzzedTensor
    >>> FuzzedTensor("x", size=(8, "n")).name
    'x'
    """

    def __init__(self, name, size, steps=None, probability_contiguous=0.5, min_elements=None,
                 max_elements=None, max_allocation_bytes=None, dim_parameter=None,
                 roll_parameter=None, dtype=None, cuda=False, tensor_constructor=None):
        from .... import float32
        if cuda:
            raise RuntimeError("FuzzedTensor(cuda=True): ember has no CUDA backend yet")
        self._name = name
        self._size = size
        self._steps = steps
        self._probability_contiguous = probability_contiguous
        self._min_elements = min_elements
        self._max_elements = max_elements
        self._max_allocation_bytes = max_allocation_bytes
        self._dim_parameter = dim_parameter
        self._dtype = float32 if dtype is None else dtype
        self._tensor_constructor = tensor_constructor

    @property
    def name(self):
        return self._name

    @staticmethod
    def default_tensor_constructor(size, dtype, **kwargs):
        """Uniform [0, 1) floats, or integers in [1, 127).

        >>> from ember.utils.benchmark import FuzzedTensor
        >>> FuzzedTensor.default_tensor_constructor((2,), ember.int64).dtype
        torch.int64
        """
        import ember
        if dtype.is_floating_point or dtype.is_complex:
            return ember.rand(size, dtype=dtype)
        return ember.randint(1, 127, size, dtype=dtype)

    def _geometry(self, params):
        dim = params[self._dim_parameter] if self._dim_parameter is not None else len(self._size)

        def fit(values):
            values = tuple(params.get(v, v) for v in values)[:dim]
            return values + (1,) * (dim - len(values))
        size, steps = fit(self._size), fit(self._steps or ())
        return size, steps, tuple(s * k for s, k in zip(size, steps))

    def _make_tensor(self, params, state):
        size, steps, alloc = self._geometry(params)
        make = self._tensor_constructor or self.default_tensor_constructor
        raw = make(size=alloc, dtype=self._dtype, **params)
        dim = len(size)
        order = np.arange(dim)
        if state.rand() > self._probability_contiguous:
            while dim > 1 and np.all(order == np.arange(dim)):
                order = state.permutation(raw.dim())
            raw = raw.permute(tuple(int(i) for i in order)).contiguous()
            raw = raw.permute(tuple(int(i) for i in np.argsort(order)))
        t = raw[tuple(slice(0, n * k, k) for n, k in zip(size, steps))]
        return t, {"numel": int(t.numel()), "order": order, "steps": steps,
                   "is_contiguous": t.is_contiguous(), "dtype": str(self._dtype)}

    def satisfies_constraints(self, params):
        """Whether ``params`` give this tensor an allowed element count and allocation size.

        >>> from ember.utils.benchmark import FuzzedTensor
        >>> FuzzedTensor("x", size=("n",), max_elements=10).satisfies_constraints({"n": 20})
        False
        """
        size, _, alloc = self._geometry(params)
        n = prod(size)
        if n < 0:
            raise AssertionError("Computed number of elements is negative")
        nbytes = prod(alloc, base=dtype_size(self._dtype))
        over = lambda a, b: a is not None and b is not None and a > b  # noqa: E731
        return not (over(n, self._max_elements) or over(self._min_elements, n)
                    or over(nbytes, self._max_allocation_bytes))


class Fuzzer:
    """Draws ``(tensors, tensor_properties, params)`` samples; ``constraints`` are predicates
    on the parameter dict that a sample must meet.

    >>> from ember.utils.benchmark import Fuzzer, FuzzedParameter
    >>> fz = Fuzzer([FuzzedParameter("n", 1, 8, distribution="uniform")], [],
    ...             constraints=[lambda p: p["n"] % 2 == 0], seed=1)
    >>> all(p["n"] % 2 == 0 for _, _, p in fz.take(5))
    True
    """

    def __init__(self, parameters, tensors, constraints=None, seed=None):
        if seed is None:
            seed = int(np.random.RandomState().randint(0, 2 ** 32 - 1, dtype=np.int64))
        self._seed = seed
        self._parameters = self._unpack(parameters, FuzzedParameter)
        self._tensors = self._unpack(tensors, FuzzedTensor)
        self._constraints = constraints or ()
        clash = {p.name for p in self._parameters} & {t.name for t in self._tensors}
        if clash:
            raise ValueError(f"Duplicate names in parameters and tensors: {clash}")
        self._rejections = 0
        self._total_generated = 0

    @staticmethod
    def _unpack(values, cls):
        return tuple(itertools.chain.from_iterable([v] if isinstance(v, cls) else v for v in values))

    def take(self, n):
        """Yield ``n`` samples (the same ones for the same seed).

        >>> from ember.utils.benchmark import Fuzzer, FuzzedParameter
        >>> fz = Fuzzer([FuzzedParameter("n", 1, 8, distribution="uniform")], [], seed=3)
        >>> [p["n"] for _, _, p in fz.take(2)] == [p["n"] for _, _, p in fz.take(2)]
        True
        """
        from .... import manual_seed
        state = np.random.RandomState(self._seed)
        manual_seed(int(state.randint(low=0, high=2 ** 63, dtype=np.int64)))
        for _ in range(n):
            params = self._generate(state)
            tensors, props = {}, {}
            for t in self._tensors:
                tensors[t.name], props[t.name] = t._make_tensor(params, state)
            yield tensors, props, params

    @property
    def rejection_rate(self):
        return self._rejections / self._total_generated if self._total_generated else 0.0

    def _generate(self, state):
        fixed = {}
        for _ in range(1000):
            cand = {}
            for p in self._parameters:
                if p.strict and p.name in fixed:
                    cand[p.name] = fixed[p.name]
                else:
                    cand[p.name] = p.sample(state)
                    if p.strict:
                        fixed[p.name] = cand[p.name]
            cand = self._resolve_aliases(cand)
            self._total_generated += 1
            if all(f(cand) for f in self._constraints) and \
                    all(t.satisfies_constraints(cand) for t in self._tensors):
                return cand
            self._rejections += 1
        raise ValueError("Failed to generate a set of valid parameters.")

    @staticmethod
    def _resolve_aliases(params):
        params = dict(params)
        pending = sum(isinstance(v, ParameterAlias) for v in params.values())
        while pending:
            for k, v in list(params.items()):
                if isinstance(v, ParameterAlias):
                    params[k] = params[v.alias_to]
            now = sum(isinstance(v, ParameterAlias) for v in params.values())
            if now == pending:
                raise ValueError(f"ParameterAlias cycle detected\n{params}")
            pending = now
        return params
