"""``torch.nn.utils.rnn``: packed and padded batches of variable-length sequences.

A batch of ``B`` sequences of lengths ``L_b`` is *packed* time step by time step:
all first elements (longest sequence first), then all second elements, and so on.
``batch_sizes[t]`` says how many sequences are still running at step ``t``.
Every function here is differentiable: each moves rows with one index op whose
forward is a NumPy assignment or take and whose backward is the other one.

>>> from ember.nn.utils.rnn import pack_sequence, pad_packed_sequence
>>> p = pack_sequence([ember.tensor([1, 2, 3]), ember.tensor([4, 5])])
>>> p.data, p.batch_sizes
(tensor([1, 4, 2, 5, 3]), tensor([2, 2, 1]))
>>> pad_packed_sequence(p, batch_first=True)
(tensor([[1, 2, 3],
        [4, 5, 0]]), tensor([3, 2]))
"""
import math
from collections import namedtuple
from collections.abc import Iterable

from ..._backend import np
from ..._tensor import Tensor, _wrap, _dim_msg
from ... import _creation as C, _dtype as D
from ...ops._util import grad_on
from ...ops.shape.joining import cat
from ...ops.elementwise.arithmetic import check_broadcast

__all__ = ["PackedSequence", "invert_permutation", "pack_padded_sequence", "pad_packed_sequence",
           "pad_sequence", "unpad_sequence", "pack_sequence", "unpack_sequence"]

PackedSequence_ = namedtuple("PackedSequence_", ["data", "batch_sizes", "sorted_indices", "unsorted_indices"])


class PackedSequence(PackedSequence_):
    """A packed batch: ``data`` (all steps of all sequences, time-major), ``batch_sizes`` (an int64
    CPU tensor: sequences still running at each step), and the permutation that sorted the batch
    by decreasing length (``sorted_indices``) with its inverse (``unsorted_indices``), or None.

    Build one with :func:`pack_padded_sequence` or :func:`pack_sequence`. Given only
    ``sorted_indices``, ``unsorted_indices`` is computed; ``PackedSequence((data, batch_sizes))``
    also works.

    >>> p = nn.utils.rnn.PackedSequence(ember.tensor([1., 2., 3.]), ember.tensor([2, 1]),
    ...                                 ember.tensor([1, 0]))
    >>> p.unsorted_indices, p.double().data.dtype
    (tensor([1, 0]), torch.float64)
    """

    __slots__ = ()

    def __new__(cls, data, batch_sizes=None, sorted_indices=None, unsorted_indices=None):
        if unsorted_indices is None:
            unsorted_indices = invert_permutation(sorted_indices)
        if batch_sizes is None:
            if not (isinstance(data, (list, tuple)) and len(data) == 2):
                raise AssertionError("Expected data to be a list or tuple of length 2")
            data, batch_sizes = data
        elif batch_sizes.device.type != "cpu":
            raise ValueError("batch_sizes should always be on CPU. Instances of PackedSequence should never be "
                             "created manually. They should be instantiated by functions like pack_sequence "
                             "and pack_padded_sequences in nn.utils.rnn. "
                             "https://pytorch.org/docs/stable/nn.html#torch.nn.utils.rnn.pack_sequence")
        return super().__new__(cls, data, batch_sizes, sorted_indices, unsorted_indices)

    def to(self, *args, **kwargs):
        """``data`` converted as by ``Tensor.to`` (the indices follow its device; ``batch_sizes``
        stays on the CPU); ``self`` when nothing changes.

        >>> p = nn.utils.rnn.pack_sequence([ember.ones(2)])
        >>> p.to(ember.float32) is p, p.to(ember.float64).data.dtype
        (True, torch.float64)
        """
        data = self.data.to(*args, **kwargs)
        if data is self.data:
            return self
        dev = data.device
        si, ui = self.sorted_indices, self.unsorted_indices
        return type(self)(data, self.batch_sizes, None if si is None else si.to(dev),
                          None if ui is None else ui.to(dev))

    def cpu(self, *args, **kwargs):
        """A copy with ``data`` on the CPU (``self`` when it is there already).

        >>> p = nn.utils.rnn.pack_sequence([ember.ones(2)])
        >>> p.cpu() is p
        True
        """
        kwargs.setdefault("device", "cpu")
        return self.to(*args, **kwargs)

    def cuda(self, *args, **kwargs):
        """A copy with ``data`` on a CUDA device (ember has none yet, so this raises as ``Tensor.cuda``).

        >>> nn.utils.rnn.pack_sequence([ember.ones(2)]).cuda()
        Traceback (most recent call last):
        ...
        RuntimeError: ...CUDA...
        """
        self.data.cuda()  # raises while ember has no CUDA backend
        kwargs.setdefault("device", "cuda")
        return self.to(*args, **kwargs)

    def pin_memory(self):
        """A copy with ``data`` and the indices in pinned memory (``batch_sizes`` unchanged).

        >>> nn.utils.rnn.pack_sequence([ember.ones(2)]).pin_memory().batch_sizes
        tensor([1, 1])
        """
        si, ui = self.sorted_indices, self.unsorted_indices
        return type(self)(self.data.pin_memory(), self.batch_sizes,
                          None if si is None else si.pin_memory(), None if ui is None else ui.pin_memory())

    def double(self):
        """``data`` as float64.

        >>> nn.utils.rnn.pack_sequence([ember.ones(1)]).double().data
        tensor([1.], dtype=torch.float64)
        """
        return self.to(dtype=D.float64)

    def float(self):
        """``data`` as float32.

        >>> nn.utils.rnn.pack_sequence([ember.ones(1).long()]).float().data
        tensor([1.])
        """
        return self.to(dtype=D.float32)

    def half(self):
        """``data`` as float16.

        >>> nn.utils.rnn.pack_sequence([ember.ones(1)]).half().data
        tensor([1.], dtype=torch.float16)
        """
        return self.to(dtype=D.float16)

    def long(self):
        """``data`` as int64.

        >>> nn.utils.rnn.pack_sequence([ember.ones(1)]).long().data
        tensor([1])
        """
        return self.to(dtype=D.int64)

    def int(self):
        """``data`` as int32.

        >>> nn.utils.rnn.pack_sequence([ember.ones(1)]).int().data
        tensor([1], dtype=torch.int32)
        """
        return self.to(dtype=D.int32)

    def short(self):
        """``data`` as int16.

        >>> nn.utils.rnn.pack_sequence([ember.ones(1)]).short().data
        tensor([1], dtype=torch.int16)
        """
        return self.to(dtype=D.int16)

    def char(self):
        """``data`` as int8.

        >>> nn.utils.rnn.pack_sequence([ember.ones(1)]).char().data
        tensor([1], dtype=torch.int8)
        """
        return self.to(dtype=D.int8)

    def byte(self):
        """``data`` as uint8.

        >>> nn.utils.rnn.pack_sequence([ember.ones(1)]).byte().data
        tensor([1], dtype=torch.uint8)
        """
        return self.to(dtype=D.uint8)

    @property
    def is_cuda(self):
        """Whether ``data`` is on a CUDA device.

        >>> nn.utils.rnn.pack_sequence([ember.ones(1)]).is_cuda
        False
        """
        return self.data.is_cuda

    def is_pinned(self):
        """Whether ``data`` is in pinned memory.

        >>> nn.utils.rnn.pack_sequence([ember.ones(1)]).is_pinned()
        False
        """
        return self.data.is_pinned()


def invert_permutation(permutation):
    """The inverse of a 1-D permutation tensor (None for None).

    >>> nn.utils.rnn.invert_permutation(ember.tensor([2, 0, 1]))
    tensor([1, 2, 0])
    """
    if permutation is None:
        return None
    p = permutation._data
    out = np.empty_like(p)
    out[p] = np.arange(p.size, dtype=p.dtype)
    return _wrap(out)


# ------------------------------------------------------------------ packing
def _lengths_array(lengths):
    if isinstance(lengths, Tensor):
        return lengths._data.astype(np.int64)
    return np.asarray(lengths, dtype=np.int64)


def pack_padded_sequence(input, lengths, batch_first=False, enforce_sorted=True):
    """Pack a padded batch ``T x B x *`` (``B x T x *`` with ``batch_first``) of sequences with the
    given ``lengths`` (a list or a CPU tensor). With ``enforce_sorted`` the lengths must be
    decreasing; otherwise the batch is sorted and the permutation kept in the result.

    >>> x = ember.tensor([[1, 2, 0], [3, 0, 0], [4, 5, 6]])
    >>> nn.utils.rnn.pack_padded_sequence(x, [2, 1, 3], batch_first=True, enforce_sorted=False)
    PackedSequence(data=tensor([4, 1, 3, 5, 2, 6]), batch_sizes=tensor([3, 2, 1]),
                   sorted_indices=tensor([2, 0, 1]), unsorted_indices=tensor([1, 2, 0]))
    """
    lens = _lengths_array(lengths)
    shape = input._data.shape
    if len(shape) < 2:
        raise IndexError("Dimension specified as 1 but tensor has no dimensions" if not shape else _dim_msg(1, 1))
    sorted_indices = None
    if not enforce_sorted:
        if lens.ndim > 1:  # as index_select() would
            raise IndexError("index_select(): Index is supposed to be a vector")
        if lens.ndim == 1:
            order = np.argsort(-lens, kind="stable")
            lens = lens[order]
            sorted_indices = _wrap(order.astype(np.int64))
    if lens.ndim != 1:
        raise RuntimeError(f"'lengths' argument should be a 1D CPU int64 tensor, but got {lens.ndim}D cpu Long "
                           "tensor")
    B, Tin = (shape[0], shape[1]) if batch_first else (shape[1], shape[0])
    if input._data.size == 0:
        raise RuntimeError("Cannot pack empty tensors.")
    if lens.size != B:
        raise RuntimeError(f"Expected `len(lengths)` to be equal to batch_size, but got {lens.size} "
                           f"(batch_size={B})")
    if lens[-1] <= 0:
        raise RuntimeError("Length of all samples has to be greater than 0, but found an element in 'lengths' "
                           "that is <= 0")
    if (lens[1:] > lens[:-1]).any():
        raise RuntimeError("`lengths` array must be sorted in decreasing order when `enforce_sorted` is True. You "
                           "can pass `enforce_sorted=False` to pack_padded_sequence and/or pack_sequence to "
                           "sidestep this requirement if you do not need ONNX exportability.")
    if lens[0] > Tin:
        raise RuntimeError(f"pack_padded_sequence: a sequence has length {lens[0]} but the input has only {Tin} "
                           f"time steps (shape {list(shape)}, batch_first={batch_first})")
    # packed row k is step t of sorted sequence j, for the (t, j) with j < batch_sizes[t] in row-major order
    running = np.arange(lens[0])[:, None] < lens[None, :]
    t, j = np.nonzero(running)
    b = j if sorted_indices is None else sorted_indices._data[j]
    rows = b * Tin + t if batch_first else t * B + b  # where each packed row lives in the flat input
    flat = input.reshape((B * Tin,) + shape[2:])
    batch_sizes = _wrap(running.sum(1).astype(np.int64))
    return PackedSequence(_take_rows(flat, rows), batch_sizes, sorted_indices, None)


def _take_rows(flat, rows):
    """``flat[rows]`` for distinct ``rows``. With a graph it is written as an index_copy of ``flat``
    into ``len(rows) + 1`` rows (the unused rows all land in the extra one): its backward is then
    one take, where index_select's backward would scatter with the much slower ``np.add.at``."""
    if not grad_on(flat):
        return flat.index_select(0, _wrap(rows))
    n = rows.size
    dest = np.full(flat._data.shape[0], n, dtype=np.int64)
    dest[rows] = np.arange(n)
    buf = C.zeros((n + 1,) + flat._data.shape[1:], dtype=flat.dtype)
    return buf.index_copy(0, _wrap(dest), flat)[:n]


_C_NAMES = {"float32": "float", "float64": "double", "float16": "c10::Half", "bfloat16": "c10::BFloat16",
            "int64": "int64_t", "int32": "int", "int16": "int16_t", "int8": "int8_t", "uint8": "uint8_t",
            "complex64": "c10::complex<float>", "complex128": "c10::complex<double>"}


def _fill(shape, value, dtype, name, position):
    """``full(shape, value)`` for a padding value, rejecting what PyTorch rejects."""
    real = (bool, int, float, np.bool_, np.integer, np.floating)
    if not isinstance(value, real + (complex, np.complexfloating)) or (name == "pad_sequence"
                                                                      and not isinstance(value, real)):
        kind = "float" if name == "pad_sequence" else "Number"
        raise TypeError(f"{name}(): argument 'padding_value' (position {position}) must be {kind}, not "
                        f"{type(value).__name__}")
    npdt = np.dtype(dtype.np) if dtype.name != "bfloat16" else np.dtype(np.float32)
    if dtype.name != "bool":
        v = complex(value)
        if npdt.kind in "iu":
            info = np.iinfo(npdt)
            bad = v.imag != 0 or not info.min <= v.real <= info.max
        else:
            big = float(np.finfo(npdt).max)
            bad = (npdt.kind != "c" and v.imag != 0) or any(big < abs(c) < math.inf for c in (v.real, v.imag))
        if bad:
            raise RuntimeError(f"value cannot be converted to type {_C_NAMES[dtype.name]} without overflow")
    return C.full(shape, value, dtype=dtype)


def pad_packed_sequence(sequence, batch_first=False, padding_value=0.0, total_length=None):
    """Unpack a :class:`PackedSequence` into a padded tensor ``T x B x *`` (``B x T x *`` with
    ``batch_first``) and the int64 lengths, in the batch's original order. ``total_length`` pads
    the time dimension further (ValueError when shorter than the longest sequence).

    >>> p = nn.utils.rnn.pack_sequence([ember.tensor([1., 2.]), ember.tensor([3.])])
    >>> nn.utils.rnn.pad_packed_sequence(p, padding_value=-1.)
    (tensor([[ 1.,  3.],
            [ 2., -1.]]), tensor([2, 1]))
    """
    bs = sequence.batch_sizes._data
    T = bs.shape[0]
    if total_length is not None:
        if not isinstance(total_length, (int, np.integer)):
            raise TypeError("_pad_packed_sequence(): argument 'total_length' (position 5) must be int, not "
                            f"{type(total_length).__name__}")
        if total_length < T:
            raise ValueError("Expected total_length to be at least the length of the longest sequence in input, "
                             f"but got total_length={total_length} and max sequence length being {T}")
        T = int(total_length)
    data = sequence.data
    B = int(bs[0]) if bs.size else 0
    running = bs[:, None] > np.arange(B)[None, :]
    lens = running.sum(0).astype(np.int64)
    t, j = np.nonzero(running)
    ui = sequence.unsorted_indices
    perm = None if ui is None else _permutation_inverse(ui._data)
    b = j if perm is None else perm[j]
    pos = b * T + t if batch_first else t * B + b
    feat = data._data.shape[1:]
    padded = _fill((T * B,) + feat, padding_value, data.dtype, "_pad_packed_sequence", 4)
    padded = padded.index_copy(0, _wrap(pos.astype(np.int64)), data)
    padded = padded.reshape(((B, T) if batch_first else (T, B)) + feat)
    if ui is None:
        return padded, _wrap(lens)
    if perm is None:  # not a permutation: select the batch entries as asked
        padded = padded.index_select(0 if batch_first else 1, ui)
    return padded, _wrap(lens[ui._data])


def _permutation_inverse(p):
    """``q`` with ``q[p[i]] = i`` when ``p`` is a permutation of ``range(len(p))``, else None."""
    n = p.size
    if p.ndim != 1 or (n and (p.min() < 0 or p.max() >= n)) or np.bincount(p, minlength=n).max(initial=1) != 1:
        return None
    q = np.empty(n, dtype=np.int64)
    q[p] = np.arange(n)
    return q


# ------------------------------------------------------------------ lists of sequences
def pad_sequence(sequences, batch_first=False, padding_value=0.0, padding_side="right"):
    """Stack sequences ``L_i x *`` into one ``T x B x *`` tensor (``B x T x *`` with ``batch_first``),
    filling with ``padding_value`` on the right or, with ``padding_side='left'``, on the left.
    The dtype and trailing shape are the first sequence's.

    >>> nn.utils.rnn.pad_sequence([ember.tensor([1, 2]), ember.tensor([3])], batch_first=True,
    ...                           padding_side="left")
    tensor([[1, 2],
            [0, 3]])
    """
    if not isinstance(sequences, Iterable):
        raise RuntimeError(f"pad_sequence: Expected iterable for input sequences, but got arg of type: "
                           f"{type(sequences)}")
    seqs = tuple(sequences)
    for i, s in enumerate(seqs):
        if not isinstance(s, Tensor):
            raise TypeError(f"expected Tensor as element {i} in argument 0, but got {type(s).__name__}")
    if not seqs:
        raise RuntimeError("received an empty list of sequences")
    if padding_side not in ("left", "right"):
        raise RuntimeError(f"Expected padding_side to be one of left or right, but got {padding_side}.")
    first = seqs[0]
    if first.dim() == 0:
        raise RuntimeError("ArrayRef: invalid slice, N = 1; size = 0")
    feat, dtype = tuple(first.shape[1:]), first.dtype
    B = len(seqs)
    if any(s.dim() == 0 for s in seqs):
        raise IndexError("Dimension specified as 0 but tensor has no dimensions")
    L = np.array([s.shape[0] for s in seqs], dtype=np.int64)
    T = int(L.max())
    parts = [_fit(s, (n,) + feat, dtype) for s, n in zip(seqs, L.tolist())]
    b = np.repeat(np.arange(B), L)
    t = np.arange(b.size) - np.repeat(np.cumsum(L) - L, L)  # step within its own sequence
    if padding_side == "left":
        t += np.repeat(T - L, L)
    pos = b * T + t if batch_first else t * B + b
    out = _fill((T * B,) + feat, padding_value, dtype, "pad_sequence", 3)
    out = out.index_copy(0, _wrap(pos), parts[0] if B == 1 else cat(parts))
    return out.reshape(((B, T) if batch_first else (T, B)) + feat)


def _fit(s, shape, dtype):
    """``s`` cast to ``dtype`` and broadcast to ``shape`` as ``copy_`` would (its errors as PyTorch)."""
    if s.dtype != dtype:
        s = s.to(dtype)
    have = tuple(s.shape)
    if have == shape:
        return s
    check_broadcast(shape, have)
    full = np.broadcast_shapes(shape, have)
    if full != shape:
        raise RuntimeError(f"output with shape {list(shape)} doesn't match the broadcast shape {list(full)}")
    return s.expand(shape)


def unpad_sequence(padded_sequences, lengths, batch_first=False):
    """Split a padded batch back into a list of sequences of the given lengths (new tensors).
    Unlike PyTorch it leaves ``padded_sequences`` untransposed.

    >>> x = ember.tensor([[1, 3], [2, 0]])
    >>> nn.utils.rnn.unpad_sequence(x, ember.tensor([2, 1]))
    [tensor([1, 2]), tensor([3])]
    """
    lens = _lengths_array(lengths).reshape(-1).tolist()
    B = padded_sequences.shape[0 if batch_first else 1]
    if len(lens) != B:  # PyTorch zips them with strict=True
        raise ValueError(f"zip() argument 2 is {'longer' if len(lens) > B else 'shorter'} than argument 1")
    if batch_first:
        return [padded_sequences[b, :n].clone() for b, n in enumerate(lens)]
    return [padded_sequences[:n, b].clone() for b, n in enumerate(lens)]


def pack_sequence(sequences, enforce_sorted=True):
    """Pack a list of sequences ``L_i x *`` (longest first, unless ``enforce_sorted=False``):
    ``pad_sequence`` then ``pack_padded_sequence``.

    >>> nn.utils.rnn.pack_sequence([ember.tensor([1, 2, 3]), ember.tensor([4, 5]), ember.tensor([6])])
    PackedSequence(data=tensor([1, 4, 6, 2, 5, 3]), batch_sizes=tensor([3, 2, 1]), sorted_indices=None,
                   unsorted_indices=None)
    """
    lengths = [v.size(0) for v in sequences]
    return pack_padded_sequence(pad_sequence(sequences), lengths, enforce_sorted=enforce_sorted)


def unpack_sequence(packed_sequences):
    """The list of sequences held by a :class:`PackedSequence`, in their original order.

    >>> p = nn.utils.rnn.pack_sequence([ember.tensor([6]), ember.tensor([4, 5])], enforce_sorted=False)
    >>> nn.utils.rnn.unpack_sequence(p)
    [tensor([6]), tensor([4, 5])]
    """
    padded, lengths = pad_packed_sequence(packed_sequences, batch_first=True)
    return unpad_sequence(padded, lengths, batch_first=True)
