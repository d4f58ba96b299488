"""The Tensor: a NumPy array plus dtype/device and autograd metadata.

Operators delegate to ``ember.ops``; no math lives here.

>>> x = ember.tensor([[1., 2.]], requires_grad=True)
>>> y = (x * x).sum()
>>> y.backward(); x.grad
tensor([[2., 4.]])
"""
import weakref
from operator import index as _index

from ._backend import np, ndarray as _ndarray
from . import _dtype as D
from . import _layout
from ._grad_state import _state, _inference_open
from ._hook_handles import RemovableHandle, _add_hook
from ._device import device, CPU, META, _check_device  # noqa: F401  (importable from here too)

_new = object.__new__
NP2DT = D.NP2DT


def _wrap(data):
    """Make a Tensor around ndarray ``data`` (no copy, no grad)."""
    if data.__class__ is not _ndarray:
        data = np.asarray(data)
    t = _new(Tensor)
    t._data = data
    t._rg = False
    t.grad = None
    t.grad_fn = None
    t._vc = None
    if _inference_open[0] and _state[1]:
        t.__dict__["_inference"] = True
    return t


INFERENCE_INPLACE_MSG = ("Inplace update to inference tensor outside InferenceMode is not allowed.You "
                         "can make a clone to get a normal tensor before doing inplace update.See "
                         "https://github.com/pytorch/rfcs/pull/17 for more details.")


_SLOTS = ("_data", "_rg", "grad", "grad_fn", "_vc")
_AUTOGRAD = [None]  # the ember.autograd module, once Tensor.backward has run


class Tensor:
    """A multi-dimensional array that can record operations for autograd.

    Construct tensors with :func:`ember.tensor`, :func:`ember.zeros`, ... The legacy
    constructor ``ember.Tensor(2, 3)`` (uninitialised, default dtype) and
    ``ember.Tensor([1, 2])`` (a float copy) work as in PyTorch.
    """

    __slots__ = ("_data", "_rg", "grad", "grad_fn", "_vc", "__weakref__", "__dict__")
    __module__ = "ember"   # printed and pickled as the top-level name, as torch.Tensor
    __array_priority__ = 1000
    # rarely set, so class-level defaults keep tensor construction cheap
    _out_nr = 0          # which output of grad_fn this tensor is
    _base = None         # the tensor this one is a view of
    _hooks = None        # leaf gradient hooks
    _accum = None        # weakref to the leaf's AccumulateGrad node
    _post_acc_hooks = None
    _view_fn = None      # replays the view on another tensor (in-place on views)
    _meta = False        # a meta-device placeholder (see ember/_device_context.py)

    def __init__(self, *args, dtype=None, device=None):
        _check_device(device)
        dt = D.to_dtype(dtype) if dtype is not None else D.get_default_dtype()
        if not args:  # Tensor(): empty, as torch
            args = (0,)
        if len(args) == 1 and not isinstance(args[0], (int, Size)):
            a = args[0]
            data = a._data.astype(dt.np) if isinstance(a, Tensor) else np.array(a, dtype=dt.np)
        else:
            shape = args[0] if len(args) == 1 and isinstance(args[0], (tuple, list)) else args
            data = np.empty(tuple(shape), dtype=dt.np)
        for k in _SLOTS:
            setattr(self, k, None)
        self._data = data
        self._rg = False

    # -- basic properties -----------------------------------------------------------
    @property
    def dtype(self):
        return NP2DT[self._data.dtype]

    @property
    def shape(self):
        return _new_size(Size, self._data.shape)

    @property
    def device(self):
        return META if self._meta else CPU

    @property
    def is_cuda(self):
        return False

    @property
    def is_cpu(self):
        return not self._meta

    @property
    def layout(self):
        return _layout.strided

    @property
    def ndim(self):
        return self._data.ndim

    @property
    def is_leaf(self):
        return self.grad_fn is None

    @property
    def requires_grad(self):
        return self._rg

    @requires_grad.setter
    def requires_grad(self, value):
        if value and self._data.dtype.kind not in "fc" and self.grad_fn is None:
            raise RuntimeError("only Tensors of floating point and complex dtype can require gradients")
        self.requires_grad_(value)

    @property
    def retains_grad(self):
        fn = self.grad_fn
        return bool(fn is not None and fn._retain and self._out_nr in fn._retain)

    @property
    def output_nr(self):
        return self._out_nr

    @property
    def _version_value(self):
        return 0 if self._vc is None else self._vc[0]

    @property
    def _version(self):
        """How many in-place changes this tensor's data has seen (an int, shared with its views).

        >>> x = ember.zeros(3); _ = x.add_(1); x._version
        1
        """
        return 0 if self._vc is None else self._vc[0]

    @property
    def data(self):
        """The same data, detached from the graph (shares memory; like PyTorch, its own
        version counter, so changes through ``.data`` escape autograd's checks)."""
        return _wrap(self._data)

    @data.setter
    def data(self, value):
        if not isinstance(value, Tensor):
            raise TypeError("data must be a Tensor")
        self._data = value._data

    @property
    def is_quantized(self):
        return False

    @property
    def is_sparse(self):
        return False

    @property
    def names(self):
        return (None,) * self._data.ndim

    def _ensure_version(self):
        v = self._vc
        if v is None:
            v = self._vc = [0]
        return v

    def _bump(self):
        if "_inference" in self.__dict__ and not _state[1]:
            raise RuntimeError(INFERENCE_INPLACE_MSG)
        v = self._vc
        if v is None:
            self._vc = [1]
        else:
            v[0] += 1

    def size(self, dim=None):
        """The shape, or the size of dimension ``dim``.

        >>> ember.zeros(2, 3).size(), ember.zeros(2, 3).size(-1)
        (torch.Size([2, 3]), 3)
        """
        if dim is None:
            return _new_size(Size, self._data.shape)
        try:
            return self._data.shape[dim]
        except IndexError:
            raise IndexError(_dim_msg(dim, self._data.ndim)) from None

    def dim(self):
        """Number of dimensions."""
        return self._data.ndim

    ndimension = dim

    def numel(self):
        """Number of elements."""
        return self._data.size

    nelement = numel

    def element_size(self):
        return self._data.itemsize

    def stride(self, dim=None):
        """Strides in elements, as PyTorch reports them.

        >>> ember.zeros(2, 3).stride()
        (3, 1)
        """
        d = self._data
        if d.size == 0 and d.flags.writeable and not any(d.strides):  # no elements, NumPy's zero
            # strides (not an expanded view): the contiguous strides PyTorch gives a new empty tensor
            st, n = [], 1
            for k in reversed(d.shape):
                st.append(n)
                n *= max(k, 1)
            st = tuple(reversed(st))
        else:
            st = tuple(s // d.itemsize for s in d.strides) if d.itemsize else (0,) * d.ndim
            if 0 in st and 1 in d.shape and any(st):  # a size-1 dim NumPy inserted (x[None]): 0;
                st = list(st)             # PyTorch's is the next dim's size * stride (1 when last)
                for i in range(d.ndim - 1, -1, -1):
                    if d.shape[i] == 1 and st[i] == 0:
                        st[i] = st[i + 1] * d.shape[i + 1] if i + 1 < d.ndim else 1
                st = tuple(st)
        return st if dim is None else st[dim]

    def storage_offset(self):
        d = self._data
        b = d
        while b.base is not None:
            nb = b.base
            if not isinstance(nb, _ndarray):  # as_strided results: NumPy's DummyArray holds the array
                nb = getattr(nb, "base", None)
                if not isinstance(nb, _ndarray):
                    break
            b = nb
        return (d.__array_interface__["data"][0] - b.__array_interface__["data"][0]) // max(d.itemsize, 1)

    def data_ptr(self):
        return self._data.__array_interface__["data"][0]

    def is_contiguous(self, memory_format=None):
        if memory_format is None:
            return self._data.flags.c_contiguous
        return _layout.is_contiguous_as(self._data, memory_format)

    def is_floating_point(self):
        return self._data.dtype.kind in "fV"

    def is_complex(self):
        return self._data.dtype.kind == "c"

    def get_device(self):
        return -1

    # -- conversion -------------------------------------------------------------------
    def item(self):
        """The value of a one-element tensor as a Python number.

        >>> ember.tensor([2.5]).item()
        2.5
        """
        d = self._data
        if d.size != 1:
            raise RuntimeError(f"a Tensor with {d.size} elements cannot be converted to Scalar")
        return d.reshape(()).item() if d.dtype.kind != "V" else float(d.reshape(()))

    def tolist(self):
        """Nested Python lists of Python numbers.

        >>> ember.tensor([[1, 2]]).tolist()
        [[1, 2]]
        """
        d = self._data
        if d.dtype.kind == "V":  # bfloat16
            d = d.astype(np.float32)
        return d.tolist()

    def numpy(self, *, force=False):
        """The NumPy array, sharing memory with the tensor.

        >>> ember.ones(2).numpy()
        array([1., 1.], dtype=float32)
        """
        if self._rg and not force:
            raise RuntimeError("Can't call numpy() on Tensor that requires grad. "
                               "Use tensor.detach().numpy() instead.")
        return self._data

    def __array__(self, dtype=None, copy=None):
        d = self._data
        return d if dtype is None else d.astype(dtype, copy=False)

    def __len__(self):
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    def __iter__(self):
        if self._data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return iter(self.unbind(0))

    def __contains__(self, element):  # `x in t`: any element equals x
        if not isinstance(element, (Tensor, int, float, complex, bool, np.number, np.bool_)):
            raise RuntimeError(f"Tensor.__contains__ only supports Tensor or scalar, but you passed in a "
                               f"{type(element)}.")
        return bool((self == element).any())

    def __bool__(self):
        d = self._data
        if d.size != 1:
            raise RuntimeError(f"Boolean value of Tensor with {'no values' if d.size == 0 else 'more than one value'} is ambiguous")
        return bool(d.reshape(()))

    def __float__(self):
        if self._data.size != 1:
            raise ValueError("only one element tensors can be converted to Python scalars")
        return float(self.item())

    def __int__(self):
        if self._data.size != 1:
            raise ValueError("only one element tensors can be converted to Python scalars")
        return int(self.item())

    def __complex__(self):
        if self._data.size != 1:
            raise ValueError("only one element tensors can be converted to Python scalars")
        return complex(self.item())

    def __index__(self):
        if self._data.dtype.kind not in "iub" or self._data.size != 1:
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return int(self._data.reshape(()))

    def __hash__(self):
        return id(self)

    def __repr__(self, *, tensor_contents=None):
        from ._tensor_str import tensor_repr
        return tensor_repr(self)

    def __format__(self, spec):
        if self._data.ndim == 0 and type(self) is Tensor:
            return self.item().__format__(spec)
        return object.__format__(self, spec)

    def __reduce_ex__(self, proto):
        return (_rebuild, (self._data, self._rg))

    def __deepcopy__(self, memo):
        if not self.is_leaf:
            raise RuntimeError("Only Tensors created explicitly by the user (graph leaves) "
                               "support the deepcopy protocol at the moment.")
        t = type(self).__new__(type(self)) if type(self) is not Tensor else _new(Tensor)
        for k in _SLOTS:
            setattr(t, k, None)
        t._data = self._data.copy()
        t._rg = self._rg
        if self.grad is not None:
            t.grad = self.grad.__deepcopy__(memo)
        import copy
        for k, v in getattr(self, "__dict__", {}).items():
            if k not in ("_accum", "_hooks", "_post_acc_hooks", "_base", "_view_fn", "_out_nr"):
                t.__dict__[k] = copy.deepcopy(v, memo)
        memo[id(self)] = t
        return t

    # -- autograd ---------------------------------------------------------------------
    def requires_grad_(self, requires_grad=True):
        """Set whether autograd records operations on this leaf tensor (in place).

        >>> ember.ones(2).requires_grad_().requires_grad
        True
        """
        if self.grad_fn is not None:
            if not requires_grad:
                raise RuntimeError("you can only change requires_grad flags of leaf variables. "
                                   "If you want to use a computed variable in a subgraph that "
                                   "doesn't require differentiation use var_no_grad = var.detach().")
            return self
        if requires_grad and self._data.dtype.kind not in "fcV":  # V: bfloat16
            raise RuntimeError("only Tensors of floating point dtype can require gradients")
        if requires_grad and "_inference" in self.__dict__ and not _state[1]:
            raise RuntimeError("Setting requires_grad=True on inference tensor outside InferenceMode "
                               "is not allowed.")
        self._rg = bool(requires_grad)
        return self

    def detach(self):
        """A new tensor sharing data, outside the graph.

        >>> ember.ones(1, requires_grad=True).detach().requires_grad
        False
        """
        t = _wrap(self._data)
        t._vc = self._ensure_version()
        return t

    def detach_(self):
        if self._base is not None and self._base._rg:
            raise RuntimeError("Can't detach views in-place. Use detach() instead.")
        self.grad_fn = None
        self._rg = False
        return self

    def backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
        """Compute the gradient of this tensor w.r.t. graph leaves; sums into ``.grad``.

        >>> x = ember.tensor([1., 2.], requires_grad=True)
        >>> (x ** 2).sum().backward(); x.grad
        tensor([2., 4.])
        """
        ag = _AUTOGRAD[0]
        if ag is None:  # (ember.autograd imports this module: bound on first use)
            from . import autograd as ag
            _AUTOGRAD[0] = ag
        ag.backward(self, gradient, retain_graph, create_graph, inputs=inputs)

    def register_hook(self, hook):
        """Register ``hook(grad)`` to run when this tensor's gradient is computed.

        >>> x = ember.ones(2, requires_grad=True)
        >>> h = x.register_hook(lambda g: g * 2)
        >>> x.sum().backward(); x.grad
        tensor([2., 2.])
        """
        if not self._rg:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        fn = self.grad_fn
        if fn is None:
            if self._hooks is None:
                self._hooks = {}
            return _add_hook(self._hooks, hook)
        if fn._out_hooks is None:
            fn._out_hooks = {}
        return _add_hook(fn._out_hooks.setdefault(self._out_nr, {}), hook)

    def register_post_accumulate_grad_hook(self, hook):
        if self.grad_fn is not None:
            raise RuntimeError("post accumulate grad hooks cannot be registered on non-leaf tensors")
        if self._post_acc_hooks is None:
            self._post_acc_hooks = {}
        return _add_hook(self._post_acc_hooks, hook)

    def retain_grad(self):
        """Keep ``.grad`` for this non-leaf tensor after backward."""
        if not self._rg:
            raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
        fn = self.grad_fn
        if fn is None:
            return
        if fn._retain is None:
            fn._retain = {}
        fn._retain[self._out_nr] = weakref.ref(self)

    # -- storages and PyTorch's legacy/device surface (ember/_storage.py, ember/_tensor_legacy.py)
    from ._storage import storage, untyped_storage, storage_type, set_, is_set_to
    from ._tensor_legacy import (tensor_type as type, apply_, map_, map2_, as_subclass, new_empty_strided,
                                 dim_order, const_data_ptr, record_stream, module_load, to_dense, reinforce,
                                 volatile, grad_dtype, name, is_xpu, is_mps, is_ipu, is_xla, is_mtia, is_maia,
                                 is_vulkan, is_mkldnn, is_nested, is_sparse_csr, resize, resize_as, is_distributed,
                                 chalf, ipu, xpu, mtia)
    from ._buffers import _dlpack as __dlpack__, _dlpack_device as __dlpack_device__

    # -- typing helpers (the ops live in ember.ops.conversion.convert) -----------------------------
    def cpu(self, memory_format=None):
        return self

    def cuda(self, device=None, non_blocking=False, memory_format=None):
        raise RuntimeError("ember has no CUDA backend yet (Torch not compiled with CUDA enabled)")

    def pin_memory(self, device=None):
        return self

    def is_pinned(self, device=None):
        return False

    def share_memory_(self):
        """Move this tensor's data into shared memory (see ember.multiprocessing)."""
        from .multiprocessing.shared_memory import share_memory_
        return share_memory_(self)

    def is_shared(self):
        """True when this tensor's data lives in shared memory."""
        from .multiprocessing.shared_memory import is_shared
        return is_shared(self)


def _rebuild(data, rg):
    t = _wrap(data)
    t._rg = rg
    return t


def _dim_msg(dim, ndim):
    lo, hi = (-ndim, ndim - 1) if ndim else (-1, 0)
    return f"Dimension out of range (expected to be in range of [{lo}, {hi}], but got {dim})"


_new_size = tuple.__new__


class Size(tuple):
    """The shape of a tensor: a tuple that prints as ``torch.Size([2, 3])``.

    >>> ember.Size([2, 3]).numel()
    6
    """

    __module__ = "ember"

    __slots__ = ()

    def __repr__(self):
        return f"torch.Size({list(self)})"

    def numel(self):
        n = 1
        for s in self:
            n *= s
        return n

    def __getitem__(self, item):
        r = tuple.__getitem__(self, item)
        return Size(r) if isinstance(item, slice) else r

    def __new__(cls, sizes=()):
        items = tuple(sizes)
        for v in items:
            if v.__class__ is not int:  # np.int64, 0-d integer tensors, bools: their index; floats: TypeError
                items = tuple(v if v.__class__ is int else int(_index(v)) for v in items)
                break
        return _new_size(cls, items)

    def __add__(self, other):
        if not isinstance(other, tuple):
            return NotImplemented
        return _new_size(Size, tuple.__add__(self, other))

    def __radd__(self, other):
        if not isinstance(other, tuple):
            return NotImplemented
        return _new_size(Size, tuple.__add__(other, self))

    def __mul__(self, n):
        return _new_size(Size, tuple.__mul__(self, n))

    __rmul__ = __mul__

