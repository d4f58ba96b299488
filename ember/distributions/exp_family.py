"""``ExponentialFamily``: distributions with density ``exp(<t(x), theta> - F(theta) + k(x))``;
their entropy (and KL divergence within a family) follows from the log-normalizer ``F`` by
autograd (the Bregman divergence).

>>> d = ember.distributions.Exponential(ember.tensor([2.0]))
>>> ember.distributions.ExponentialFamily.entropy(d)
tensor([0.3069], grad_fn=<SubBackward0>)
"""
from . import _ember_api as ember  # not the package, which imports this one
from .distribution import Distribution

__all__ = ["ExponentialFamily"]


class ExponentialFamily(Distribution):
    """Base of exponential-family distributions (subclasses give ``_natural_params``,
    ``_log_normalizer`` and ``_mean_carrier_measure``).

    >>> isinstance(ember.distributions.Normal(0., 1.), ember.distributions.ExponentialFamily)
    True
    """

    @property
    def _natural_params(self):
        raise NotImplementedError

    def _log_normalizer(self, *natural_params):
        raise NotImplementedError

    @property
    def _mean_carrier_measure(self):
        raise NotImplementedError

    def entropy(self):
        """Entropy from the Bregman divergence of the log-normalizer."""
        result = -self._mean_carrier_measure
        nparams = [p.detach().requires_grad_() for p in self._natural_params]
        with ember.enable_grad():
            lg_normal = self._log_normalizer(*nparams)
            gradients = ember.autograd.grad(lg_normal.sum(), nparams, create_graph=True)
        result = result + lg_normal
        for p, g in zip(nparams, gradients):
            result = result - (p * g).reshape(tuple(self._batch_shape) + (-1,)).sum(-1)
        return result
