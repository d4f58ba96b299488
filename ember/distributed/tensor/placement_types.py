"""``torch.distributed.tensor.placement_types``: how a DTensor is laid out over a mesh dimension.

The placements are plain descriptions (``Shard(dim)``, ``Replicate()``, ``Partial(op)``)
and the shard arithmetic is real; ember has no ``DTensor`` runtime to apply them yet.

>>> from ember.distributed.tensor.placement_types import Shard, Replicate
>>> Shard(0), Replicate(), Shard(0).is_shard(0)
(Shard(dim=0), Replicate(), True)
>>> Shard.local_shard_size_and_offset(10, 3, 2)
(2, 8)
"""
__all__ = ["Placement", "Shard", "Replicate", "Partial"]


class Placement:
    """Base of the placement types.

    >>> from ember.distributed.tensor.placement_types import *
    >>> Replicate().is_replicate(), Replicate().is_shard()
    (True, False)
    """

    __slots__ = ()

    def is_shard(self, dim=None):
        """True for a ``Shard`` (on ``dim`` when given).

        >>> from ember.distributed.tensor.placement_types import *
        >>> Shard(1).is_shard(), Shard(1).is_shard(0)
        (True, False)
        """
        return False

    def is_replicate(self):
        """True for ``Replicate``.

        >>> from ember.distributed.tensor.placement_types import *
        >>> Shard(0).is_replicate()
        False
        """
        return False

    def is_partial(self, reduce_op=None):
        """True for ``Partial`` (with ``reduce_op`` when given).

        >>> from ember.distributed.tensor.placement_types import *
        >>> Partial().is_partial(), Partial().is_partial("avg")
        (True, False)
        """
        return False


class Shard(Placement):
    """The tensor is split along ``dim`` across the mesh dimension (``torch.chunk`` sizes).

    >>> from ember.distributed.tensor.placement_types import *
    >>> Shard(1)
    Shard(dim=1)
    """

    __slots__ = ("dim",)

    def __init__(self, dim):
        self.dim = dim

    def is_shard(self, dim=None):
        return dim is None or dim == self.dim

    @staticmethod
    def local_shard_size_and_offset(curr_local_size, num_chunks, rank):
        """Size and offset of ``rank``'s chunk when ``curr_local_size`` is chunked ``num_chunks`` ways.

        >>> from ember.distributed.tensor.placement_types import *
        >>> Shard.local_shard_size_and_offset(10, 3, 0)
        (4, 0)
        """
        full = -(-curr_local_size // num_chunks)
        offset = min(full * rank, curr_local_size)
        return max(0, min(full, curr_local_size - offset)), offset

    _local_shard_size_and_offset = local_shard_size_and_offset

    def __eq__(self, other):
        return type(other) is type(self) and other.dim == self.dim

    def __hash__(self):
        return hash(self.dim)

    def __repr__(self):
        return f"Shard(dim={self.dim})"

    def __str__(self):
        return f"S({self.dim})"


class _StridedShard(Shard):
    """A shard whose chunks are taken in ``split_factor`` strided groups.

    >>> from ember.distributed.tensor.placement_types import _StridedShard
    >>> _StridedShard(0, split_factor=2)
    _StridedShard(dim=0, sf=2)
    """

    __slots__ = ("split_factor",)

    def __init__(self, dim, *, split_factor=1, sf=None):
        super().__init__(dim)
        self.split_factor = split_factor if sf is None else sf

    def __eq__(self, other):
        return type(other) is type(self) and (other.dim, other.split_factor) == (self.dim, self.split_factor)

    def __hash__(self):
        return hash((self.dim, self.split_factor))

    def __repr__(self):
        return f"_StridedShard(dim={self.dim}, sf={self.split_factor})"

    def __str__(self):
        return f"_S({self.dim}, {self.split_factor})"


class Replicate(Placement):
    """Every rank holds the whole tensor.

    >>> from ember.distributed.tensor.placement_types import *
    >>> Replicate() == Replicate()
    True
    """

    __slots__ = ()

    def is_replicate(self):
        return True

    def __eq__(self, other):
        return type(other) is Replicate

    def __hash__(self):
        return -1

    def __repr__(self):
        return "Replicate()"

    def __str__(self):
        return "R"


class Partial(Placement):
    """Every rank holds a partial value; the tensor is their reduction with ``reduce_op``.

    >>> from ember.distributed.tensor.placement_types import *
    >>> Partial(), str(Partial("avg"))
    (Partial(sum), 'P(avg)')
    """

    __slots__ = ("reduce_op",)

    def __init__(self, reduce_op="sum"):
        self.reduce_op = reduce_op

    def is_partial(self, reduce_op=None):
        return reduce_op is None or reduce_op == self.reduce_op

    def __eq__(self, other):
        return type(other) is Partial and other.reduce_op == self.reduce_op

    def __hash__(self):
        return hash(self.reduce_op)

    def __repr__(self):
        return f"Partial({self.reduce_op})"

    def __str__(self):
        return f"P({self.reduce_op})"
