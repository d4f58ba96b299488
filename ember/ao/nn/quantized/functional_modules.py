"""``FloatFunctional`` (float ops that ``prepare`` can observe: add, mul, cat, add_relu) and
``QFunctional``, what ``convert`` makes of it (the same ops on quantized tensors, output
quantized with the observed scale and zero point).

>>> ff = ember.ao.nn.quantized.FloatFunctional()
>>> ff.add(ember.ones(2), ember.ones(2))
tensor([2., 2.])
"""
from ...._backend import np
from .... import _tensor
from .... import nn
from ....nn.modules.module import Module
from . import static_kernels as K

__all__ = ["FloatFunctional", "QFunctional"]


class FloatFunctional(Module):
    """Float ``add``/``cat``/``mul``/``add_relu`` whose results pass through
    ``activation_post_process`` (an Identity until ``prepare`` puts an observer there).

    >>> ember.ao.nn.quantized.FloatFunctional().cat([ember.ones(1), ember.zeros(1)])
    tensor([1., 0.])
    """

    def __init__(self):
        super().__init__()
        self.activation_post_process = nn.Identity()

    def forward(self, x):
        raise RuntimeError("FloatFunctional is not intended to use the 'forward'. Please use "
                           "the underlying operation")

    def add(self, x, y):
        """``x + y``, observed."""
        return self.activation_post_process(x + y)

    def add_scalar(self, x, y):
        """``x + y`` for a Python number ``y`` (not observed)."""
        return x + y

    def mul(self, x, y):
        """``x * y``, observed."""
        return self.activation_post_process(x * y)

    def mul_scalar(self, x, y):
        """``x * y`` for a Python number ``y`` (not observed)."""
        return x * y

    def cat(self, x, dim=0):
        """``torch.cat(x, dim)``, observed."""
        from .... import cat
        return self.activation_post_process(cat(x, dim=dim))

    def add_relu(self, x, y):
        """``relu(x + y)``, observed."""
        return self.activation_post_process((x + y).relu())

    def matmul(self, x, y):
        """``x @ y``, observed."""
        return self.activation_post_process(x @ y)


class QFunctional(Module):
    """The quantized ops of a converted ``FloatFunctional``: results quantized with
    ``scale``/``zero_point`` (saved in the state_dict).

    >>> q = ember.ao.nn.quantized.QFunctional()
    >>> x = ember.quantize_per_tensor(ember.tensor([0.5]), 0.1, 0, ember.quint8)
    >>> q.add(x, x).dequantize()
    tensor([1.])
    """

    def __init__(self):
        super().__init__()
        self.scale = 1.0
        self.zero_point = 0
        self.activation_post_process = nn.Identity()

    def _save_to_state_dict(self, destination, prefix, keep_vars):
        super()._save_to_state_dict(destination, prefix, keep_vars)
        destination[prefix + "scale"] = _tensor._wrap(np.array(self.scale, dtype=np.float32))
        destination[prefix + "zero_point"] = _tensor._wrap(np.array(self.zero_point,
                                                                    dtype=np.int64))

    def _load_from_state_dict(self, state_dict, prefix, local_metadata, strict, missing_keys,
                              unexpected_keys, error_msgs):
        self.scale = float(state_dict.pop(prefix + "scale"))
        self.zero_point = int(state_dict.pop(prefix + "zero_point"))
        super()._load_from_state_dict(state_dict, prefix, local_metadata, False, missing_keys,
                                      unexpected_keys, error_msgs)

    def _get_name(self):
        return "QFunctional"

    def extra_repr(self):
        return f"scale={self.scale}, zero_point={self.zero_point}"

    def forward(self, x):
        raise RuntimeError("Functional is not intended to use the 'forward'. Please use the "
                           "underlying operation")

    def add(self, x, y):
        """Quantized ``x + y``."""
        return self.activation_post_process(K.add(x, y, self.scale, self.zero_point))

    def add_relu(self, x, y):
        """Quantized ``relu(x + y)``."""
        return self.activation_post_process(K.add(x, y, self.scale, self.zero_point, True))

    def mul(self, x, y):
        """Quantized ``x * y``."""
        return self.activation_post_process(K.mul(x, y, self.scale, self.zero_point))

    def cat(self, x, dim=0):
        """Quantized ``torch.cat(x, dim)``."""
        return self.activation_post_process(K.cat(x, dim, self.scale, self.zero_point))

    def add_scalar(self, x, y):
        """Not built in ember."""
        raise NotImplementedError("ember: QFunctional.add_scalar (quantized add of a scalar)")

    def mul_scalar(self, x, y):
        """Not built in ember."""
        raise NotImplementedError("ember: QFunctional.mul_scalar (quantized mul by a scalar)")

    def matmul(self, x, y):
        """Not built in ember."""
        raise NotImplementedError("ember: QFunctional.matmul (quantized matmul)")

    @classmethod
    def from_float(cls, mod, use_precomputed_fake_quant=False):
        """From a prepared ``FloatFunctional``: its observer's scale and zero point."""
        if type(mod) is not FloatFunctional:
            raise AssertionError("QFunctional.from_float expects an instance of FloatFunctional")
        s, z = mod.activation_post_process.calculate_qparams()
        new = cls()
        new.scale, new.zero_point = float(s), int(z)
        return new
