"""Whole modules pickled by ember name their layer classes by ember's module paths. When a layer
file is split or renamed (ember.nn.modules.misc became dropout.py, sparse.py, ...), files saved
before still load with ``weights_only=False``: the class is found in ``ember.nn.modules``."""
import io

import pytest

import ember
from ember.serialization._trusted import TrustedUnpickler

# (old module path, class name): where these classes lived when earlier files were written
MOVED = [("ember.nn.modules.misc", "Dropout"), ("ember.nn.modules.misc", "Embedding"),
         ("ember.nn.modules.misc", "Upsample"), ("ember.nn.modules.misc", "ZeroPad2d"),
         ("ember.nn.modules.loss_margin", "NLLLoss2d"),
         ("ember.nn.modules.pooling_fractional_lp", "AdaptiveMaxPool3d"),
         ("ember.nn.modules.pooling_fractional_lp", "MaxUnpool3d")]


def _global(module, name):
    return f"c{module}\n{name}\n.".encode()  # protocol-0 GLOBAL opcode, then STOP


@pytest.mark.parametrize("module,name", MOVED)
def test_layer_saved_under_its_former_module_loads(module, name):
    assert TrustedUnpickler(io.BytesIO(_global(module, name)), None).load() is getattr(ember.nn, name)


def test_unknown_names_still_fail():
    with pytest.raises(AttributeError):
        TrustedUnpickler(io.BytesIO(_global("ember.nn.modules.loss", "NoSuchLayer")), None).load()
    with pytest.raises(ImportError):  # a former module: the layer is looked up, then the import error stands
        TrustedUnpickler(io.BytesIO(_global("ember.nn.modules.misc", "NoSuchLayer")), None).load()
    with pytest.raises(ImportError):
        TrustedUnpickler(io.BytesIO(_global("ember.no_such_module", "Dropout")), None).load()


def test_whole_module_round_trip_with_a_former_path():
    """A checkpoint whose pickle names ember.nn.modules.misc.Dropout (as files saved before the
    split did) loads back into a working layer."""
    net = ember.nn.Sequential(ember.nn.Linear(2, 2), ember.nn.Dropout(0.25))
    buf = io.BytesIO()
    ember.save(net, buf)
    import zipfile
    zin = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename.endswith("data.pkl"):
                mod = ember.nn.Dropout.__module__.encode()
                assert mod + b"\nDropout\n" in data
                data = data.replace(mod + b"\nDropout\n", b"ember.nn.modules.misc\nDropout\n")
            zout.writestr(info, data)
    back = ember.load(io.BytesIO(out.getvalue()), weights_only=False)
    assert type(back[1]) is ember.nn.Dropout and back[1].p == 0.25
