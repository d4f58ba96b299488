"""``torch.onnx`` names a script touches when export is optional behave as in PyTorch."""
import subprocess
import sys
import textwrap

import pytest

import ember


def test_onnx_names_match_pytorch():
    torch = pytest.importorskip("torch")
    import torch.onnx
    assert ember.onnx.is_in_onnx_export() is torch.onnx.is_in_onnx_export()
    assert issubclass(ember.onnx.OnnxExporterError, RuntimeError)
    assert issubclass(torch.onnx.OnnxExporterError, RuntimeError)
    for name in ("EVAL", "PRESERVE", "TRAINING"):
        assert getattr(ember.onnx.TrainingMode, name).value == getattr(torch.onnx.TrainingMode, name).value
    assert ember.onnx.producer_name == torch.onnx.producer_name


def test_onnx_export_is_not_built():
    with pytest.raises(NotImplementedError, match="ONNX"):
        ember.onnx.export(ember.nn.Linear(2, 2), (ember.zeros(1, 2),), "m.onnx")


def test_import_torch_onnx_under_compat(tmp_path):
    script = tmp_path / "s.py"
    script.write_text(textwrap.dedent("""
        import torch
        import torch.onnx
        print(torch.onnx.is_in_onnx_export(), torch.onnx.__name__)
    """))
    out = subprocess.run([sys.executable, "-m", "ember.compat", str(script)], capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["False", "ember.onnx"]
