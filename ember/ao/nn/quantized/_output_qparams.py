"""The output ``scale``/``zero_point`` of a quantized module, saved in its state_dict as PyTorch
saves them (0-d float32 and int64 tensors) and read back from it.

>>> from ember.ao.nn.quantized._output_qparams import OutputQParams
>>> m = OutputQParams(); m.scale, m.zero_point = 0.5, 3
>>> {k: v.item() for k, v in m.state_dict().items()}
{'scale': 0.5, 'zero_point': 3}
"""
from ...._backend import np
from ...._tensor import _wrap
from ....nn.modules.module import Module

__all__ = ["OutputQParams"]


class OutputQParams(Module):
    """A Module whose ``scale``/``zero_point`` attributes travel in its state_dict."""

    def _save_to_state_dict(self, destination, prefix, keep_vars):
        super()._save_to_state_dict(destination, prefix, keep_vars)
        destination[prefix + "scale"] = _wrap(np.array(self.scale, dtype=np.float32))
        destination[prefix + "zero_point"] = _wrap(np.array(self.zero_point, dtype=np.int64))

    def _load_from_state_dict(self, state_dict, prefix, local_metadata, strict, missing_keys,
                              unexpected_keys, error_msgs):
        self.scale = float(state_dict[prefix + "scale"])
        self.zero_point = int(state_dict[prefix + "zero_point"])
        super()._load_from_state_dict(state_dict, prefix, local_metadata, False, missing_keys,
                                      unexpected_keys, error_msgs)
