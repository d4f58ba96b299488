"""Adaptive softmax (Grave et al., 2016): frequent classes get a full-size head, rare classes
are grouped into clusters whose smaller projections are evaluated only for the rows that
need them.

>>> asm = ember.nn.AdaptiveLogSoftmaxWithLoss(8, 10, [3, 6], div_value=2.0)
>>> out = asm(ember.randn(4, 8), ember.tensor([0, 4, 9, 2]))
>>> out.output.shape, out.loss.shape
(torch.Size([4]), torch.Size([]))
"""
from collections import namedtuple

from ..._backend import np
from ..._tensor import _wrap
from .module import Module
from .container import Sequential, ModuleList
from .linear import Linear
from .. import functional as F

__all__ = ["AdaptiveLogSoftmaxWithLoss"]

_ASMoutput = namedtuple("_ASMoutput", ["output", "loss"])


class AdaptiveLogSoftmaxWithLoss(Module):
    """Log-probabilities of targets under an adaptive softmax: a head over the ``cutoffs[0]``
    most frequent classes plus one entry per cluster, and for cluster ``i`` a two-layer tail
    (``in_features -> in_features // div_value ** (i + 1) -> cluster size``).

    ``forward(input, target)`` returns ``(output, loss)``: each row's target log-probability and
    the mean negative log-likelihood.

    >>> ember.nn.AdaptiveLogSoftmaxWithLoss(16, 100, [10, 50]).tail[1][0]
    Linear(in_features=16, out_features=1, bias=False)
    """

    def __init__(self, in_features, n_classes, cutoffs, div_value=4.0, head_bias=False, device=None, dtype=None):
        super().__init__()
        cutoffs = list(cutoffs)
        if (len(cutoffs) == 0 or cutoffs != sorted(cutoffs) or min(cutoffs) <= 0 or max(cutoffs) > n_classes - 1
                or len(set(cutoffs)) != len(cutoffs) or any(int(c) != c for c in cutoffs)):
            raise ValueError("cutoffs should be a sequence of unique, positive integers sorted in an increasing "
                             "order, where each value is between 1 and n_classes-1")
        self.in_features = in_features
        self.n_classes = n_classes
        self.cutoffs = cutoffs + [n_classes]
        self.div_value = div_value
        self.head_bias = head_bias
        self.shortlist_size = self.cutoffs[0]
        self.n_clusters = len(self.cutoffs) - 1
        self.head_size = self.shortlist_size + self.n_clusters
        self.head = Linear(in_features, self.head_size, bias=head_bias, dtype=dtype)
        self.tail = ModuleList()
        for i in range(self.n_clusters):
            hidden = int(in_features // (div_value ** (i + 1)))
            size = self.cutoffs[i + 1] - self.cutoffs[i]
            self.tail.append(Sequential(Linear(in_features, hidden, bias=False, dtype=dtype),
                                        Linear(hidden, size, bias=False, dtype=dtype)))

    def reset_parameters(self):
        self.head.reset_parameters()
        for first, second in self.tail:
            first.reset_parameters()
            second.reset_parameters()

    def forward(self, input_, target_):
        tdim = target_.dim()
        if tdim == 1:
            if input_.shape[0] != target_.shape[0]:
                raise RuntimeError("Input and target should have the same size in the batch dimension.")
            if input_.dim() != 2:
                raise RuntimeError(f"1D target tensor expects 2D input tensors, but found inputs with size "
                                   f"{input_.shape}")
        elif tdim == 0:
            if input_.dim() != 1:
                raise RuntimeError(f"0D target tensor expects 1D input tensors, but found inputs with size "
                                   f"{input_.shape}")
        else:
            raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
        input = input_ if tdim else input_.unsqueeze(0)
        t = target_._data.reshape(-1).astype(np.int64)
        if t.size and (t.min() < 0 or t.max() >= self.n_classes):
            raise RuntimeError(f"Target values should be in [0, {self.n_classes - 1}], but values in range "
                               f"[{int(t.min())}, {int(t.max())}] were found. ")
        # each row's head entry: its class when in the shortlist, else its cluster's entry
        cluster = np.searchsorted(np.asarray(self.cutoffs), t, side="right")      # 0: shortlist
        head_col = np.where(cluster == 0, t, self.shortlist_size + cluster - 1)
        head_lp = F.log_softmax(self.head(input), dim=1)
        output = head_lp.gather(1, _wrap(head_col[:, None])).squeeze(1)
        for i in range(1, self.n_clusters + 1):
            rows = np.nonzero(cluster == i)[0]
            if rows.size == 0:
                continue
            r = _wrap(rows)
            local = _wrap((t[rows] - self.cutoffs[i - 1])[:, None])
            tail_lp = F.log_softmax(self.tail[i - 1](input.index_select(0, r)), dim=1)
            output = output.index_add(0, r, tail_lp.gather(1, local).squeeze(1))
        loss = (-output).mean()
        return _ASMoutput(output if tdim else output.squeeze(0), loss)

    def _full_log_prob(self, input, head_output):
        head_lp = F.log_softmax(head_output, dim=1)
        parts = [head_lp[:, :self.shortlist_size]]
        for i in range(self.n_clusters):
            tail_lp = F.log_softmax(self.tail[i](input), dim=1)
            parts.append(tail_lp + head_lp[:, self.shortlist_size + i].unsqueeze(1))
        from ...ops import public
        return public["cat"](parts, 1)

    def log_prob(self, input):
        """Log-probabilities of every class, (N, n_classes).

        >>> lp = ember.nn.AdaptiveLogSoftmaxWithLoss(8, 10, [4]).log_prob(ember.randn(2, 8))
        >>> lp.shape, bool(ember.allclose(lp.exp().sum(1), ember.ones(2)))
        (torch.Size([2, 10]), True)
        """
        return self._full_log_prob(input, self.head(input))

    def predict(self, input):
        """The most likely class of each row, (N,).

        >>> ember.nn.AdaptiveLogSoftmaxWithLoss(8, 10, [4]).predict(ember.randn(3, 8)).shape
        torch.Size([3])
        """
        return self.log_prob(input).argmax(dim=1)
