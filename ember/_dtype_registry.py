"""The ``dtype`` class, the classic dtypes, and the tables that find a dtype by name or by
NumPy type. ``_dtype_extra.py`` adds the dtypes beyond the classic ones here, and
``_dtype.py`` (the public home of all of them) the promotion rules; both import this file,
which imports neither.

The ml_dtypes types (bfloat16, float8, complex32) get their NumPy storage on first use,
since importing ml_dtypes costs ~0.5 s.

>>> from ember._dtype_registry import NP2DT
>>> NP2DT[ember.float32.np]
torch.float32
"""
from ._backend import np

_UNSIGNED = ("uint8", "bool", "uint16", "uint32", "uint64", "float8_e8m0fnu")
_TO_COMPLEX = {"float64": "complex128", "complex128": "complex128", "float16": "complex32",
               "complex32": "complex32"}
_TO_REAL = {"complex128": "float64", "complex64": "float32", "complex32": "float16"}


class dtype:
    """A tensor element type, named as in PyTorch (``ember.float32`` ...)."""

    __slots__ = ("name", "np", "is_floating_point", "is_complex", "is_signed", "itemsize", "_cat")
    __module__ = "ember"   # printed and pickled as the top-level name, as torch.dtype

    def __init__(self, name, npdtype, cat, itemsize=None):
        self.name = name
        self._cat = cat  # 0 bool, 1 integer, 2 floating, 3 complex (-1: no arithmetic category)
        self.is_floating_point = cat == 2
        self.is_complex = cat == 3
        self.is_signed = name not in _UNSIGNED
        if npdtype is None:  # NumPy dtype from ml_dtypes on first use, or none (ember/_dtype_extra.py)
            self.itemsize = itemsize
        else:
            self.np = np.dtype(npdtype)
            self.itemsize = self.np.itemsize

    def __getattr__(self, attr):  # only reached for the slots _dtype_extra leaves unset
        return extra_attr(self, attr)

    def __repr__(self):
        return "torch." + self.name

    def __reduce__(self):
        return (_by_name, (self.name,))

    def to_complex(self):
        return _BY_NAME[_TO_COMPLEX.get(self.name, "complex64")]

    def to_real(self):
        name = _TO_REAL.get(self.name)
        return self if name is None else _BY_NAME[name]

    @property
    def is_bool(self):
        return self._cat == 0


bool = dtype("bool", np.bool_, 0)
uint8 = dtype("uint8", np.uint8, 1)
int8 = dtype("int8", np.int8, 1)
int16 = dtype("int16", np.int16, 1)
int32 = dtype("int32", np.int32, 1)
int64 = dtype("int64", np.int64, 1)
float16 = dtype("float16", np.float16, 2)
float32 = dtype("float32", np.float32, 2)
float64 = dtype("float64", np.float64, 2)
complex64 = dtype("complex64", np.complex64, 3)
complex128 = dtype("complex128", np.complex128, 3)
uint16 = dtype("uint16", np.uint16, 1)
uint32 = dtype("uint32", np.uint32, 1)
uint64 = dtype("uint64", np.uint64, 1)

_ALL = [bool, uint8, int8, int16, int32, int64, float16, float32, float64, complex64, complex128,
        uint16, uint32, uint64]
_BY_NAME = {d.name: d for d in _ALL}


def _by_name(name):  # what a pickled dtype rebuilds from
    return _BY_NAME[name]


_by_name.__module__ = "ember._dtype"  # pickles name it ember._dtype._by_name, as they always have

ML_NAMES = ("bfloat16", "complex32", "float8_e4m3fn", "float8_e5m2", "float8_e4m3fnuz", "float8_e5m2fnuz",
            "float8_e8m0fnu")
_WHY = {}        # dtype name -> why ember cannot store it
_SIGNED_ERR = {}  # dtype name -> PyTorch's error for .is_signed


class _NP2DT(dict):
    """NumPy dtype -> ember dtype; the ml_dtypes types (bfloat16, float8, complex32) are
    registered when ml_dtypes is first needed (importing it costs ~0.5 s)."""

    def __missing__(self, key):
        if getattr(key, "name", getattr(key, "__name__", None)) in ML_NAMES and load_ml():
            return dict.__getitem__(self, key)
        raise KeyError(key)


NP2DT = _NP2DT()
for _d in _ALL:
    NP2DT[_d.np] = _d
    NP2DT[_d.np.type] = _d

_loaded = []


def load_ml():
    """Import ml_dtypes (a required dependency) and give its dtypes their NumPy storage.

    >>> from ember._dtype_registry import load_ml
    >>> load_ml()
    True
    """
    if not _loaded:
        import ml_dtypes
        for name in ML_NAMES:
            d = _BY_NAME[name]
            t = getattr(ml_dtypes, name, None)
            if t is None:
                _WHY[name] = f"this ml_dtypes ({ml_dtypes.__version__}) has no {name}; upgrade ml_dtypes"
                continue
            d.np = np.dtype(t)
            _ALL.append(d)
            NP2DT[d.np] = d
            NP2DT[d.np.type] = d
        _loaded.append(True)
    return True


def extra_attr(d, attr):
    """``dtype.__getattr__``: the slots a dtype of ``_dtype_extra.py`` leaves unset (``np``, ``is_signed``).

    >>> ember.qint8.np
    Traceback (most recent call last):
    NotImplementedError: ember: tensors of dtype torch.qint8 are not supported (quantized tensors are not built)
    """
    if attr == "np":
        if d.name in ML_NAMES and not _loaded:
            load_ml()
            return d.np
        raise NotImplementedError(f"ember: tensors of dtype torch.{d.name} are not supported ({_WHY[d.name]})")
    if attr == "is_signed" and d.name in _SIGNED_ERR:
        raise RuntimeError(_SIGNED_ERR[d.name])
    raise AttributeError(f"'torch.dtype' object has no attribute '{attr}'")
