"""Which indices PyTorch's CPU ``topk`` picks when values tie at the k-th place.

PyTorch's CPU ``topk`` runs the C++ standard library's selection over (value, index)
pairs: a partial sort (heap selection) when ``k * 64 <= n``, otherwise an
introselect (``nth_element``). Which of several equal values land in the top k is
a consequence of those algorithms (GNU libstdc++ here). Pruning masks depend on that
choice, so :func:`topk_indices` selects with NumPy when the k-th value does not tie
and, only when it does, replays the same selection steps in Python.

>>> from ember.nn.utils._topk_order import topk_indices
>>> import numpy
>>> sorted(topk_indices(numpy.array([3., 1., 2.]), 2, largest=False).tolist())
[1, 2]
"""
import math

from ..._backend import np


def _less(largest):
    """The comparator PyTorch gives the selection: NaN sorts as the largest value."""
    if largest:
        def comp(a, b):
            return (a != a and b == b) or a > b
    else:
        def comp(a, b):
            return (a == a and b != b) or a < b
    return comp


def _adjust_heap(v, first, hole, length, value, comp):
    top = hole
    child = hole
    while child < (length - 1) // 2:
        child = 2 * (child + 1)
        if comp(v[first + child][0], v[first + child - 1][0]):
            child -= 1
        v[first + hole] = v[first + child]
        hole = child
    if length % 2 == 0 and child == (length - 2) // 2:
        child = 2 * (child + 1)
        v[first + hole] = v[first + child - 1]
        hole = child - 1
    parent = (hole - 1) // 2
    while hole > top and comp(v[first + parent][0], value[0]):
        v[first + hole] = v[first + parent]
        hole = parent
        parent = (hole - 1) // 2
    v[first + hole] = value


def _heap_select(v, first, middle, last, comp):
    length = middle - first
    if length > 1:
        parent = (length - 2) // 2
        while True:
            _adjust_heap(v, first, parent, length, v[first + parent], comp)
            if parent == 0:
                break
            parent -= 1
    for i in range(middle, last):
        if comp(v[i][0], v[first][0]):
            value = v[i]
            v[i] = v[first]
            _adjust_heap(v, first, 0, length, value, comp)


def _insertion_sort(v, first, last, comp):
    for i in range(first + 1, last):
        val = v[i]
        if comp(val[0], v[first][0]):
            v[first + 1:i + 1] = v[first:i]
            v[first] = val
        else:
            j = i
            while comp(val[0], v[j - 1][0]):
                v[j] = v[j - 1]
                j -= 1
            v[j] = val


def _median_to_first(v, result, a, b, c, comp):
    if comp(v[a][0], v[b][0]):
        if comp(v[b][0], v[c][0]):
            m = b
        elif comp(v[a][0], v[c][0]):
            m = c
        else:
            m = a
    elif comp(v[a][0], v[c][0]):
        m = a
    elif comp(v[b][0], v[c][0]):
        m = c
    else:
        m = b
    v[result], v[m] = v[m], v[result]


def _partition_pivot(v, first, last, comp):
    mid = first + (last - first) // 2
    _median_to_first(v, first, first + 1, mid, last - 1, comp)
    pivot = v[first][0]
    lo, hi = first + 1, last
    while True:
        while comp(v[lo][0], pivot):
            lo += 1
        hi -= 1
        while comp(pivot, v[hi][0]):
            hi -= 1
        if not lo < hi:
            return lo
        v[lo], v[hi] = v[hi], v[lo]
        lo += 1


def _nth_element(v, nth, comp):
    first, last = 0, len(v)
    depth = 2 * int(math.floor(math.log2(last))) if last > 0 else 0
    while last - first > 3:
        if depth == 0:
            _heap_select(v, first, nth + 1, last, comp)
            v[first], v[nth] = v[nth], v[first]
            return
        depth -= 1
        cut = _partition_pivot(v, first, last, comp)
        if cut <= nth:
            first = cut
        else:
            last = cut
    _insertion_sort(v, first, last, comp)


def _replay(values, k, largest):
    v = [(float(x), i) for i, x in enumerate(values.tolist())]
    comp = _less(largest)
    if k * 64 <= len(v):
        _heap_select(v, 0, k, len(v), comp)
    else:
        _nth_element(v, k - 1, comp)
    return np.array([i for _, i in v[:k]], dtype=np.int64)


def topk_indices(values, k, largest=True):
    """The set of indices PyTorch's CPU ``topk(values, k, largest=largest)`` returns
    for a 1-D float array (order not specified).

    >>> import numpy
    >>> from ember.nn.utils._topk_order import topk_indices
    >>> sorted(topk_indices(numpy.array([1., 5., 5., 2.]), 1).tolist())
    [1]
    """
    n = values.shape[0]
    if k <= 0:
        return np.zeros(0, dtype=np.int64)
    if k >= n:
        return np.arange(n, dtype=np.int64)
    if np.isnan(values).any():
        return _replay(values, k, largest)
    key = -values if largest else values
    part = np.argpartition(key, k - 1)
    kth = key[part[k - 1]]
    n_below = int(np.count_nonzero(key < kth))
    n_equal = int(np.count_nonzero(key == kth))
    if n_below + n_equal == k:   # no tie across the boundary: the set is unique
        return part[:k].astype(np.int64)
    return _replay(values, k, largest)
