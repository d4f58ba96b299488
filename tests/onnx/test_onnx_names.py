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


def test_onnx_export_signature_matches_pytorch():
    torch = pytest.importorskip("torch")
    import inspect
    import torch.onnx
    ours = inspect.signature(ember.onnx.export).parameters
    theirs = inspect.signature(torch.onnx.export).parameters
    assert list(ours) == list(theirs)
    for name, p in theirs.items():
        assert ours[name].kind == p.kind, name
    assert set(torch.onnx.errors.__all__) <= set(ember.onnx.errors.__all__) | {"OnnxExporterError"}
    assert issubclass(ember.onnx.errors.UnsupportedOperatorError, ember.onnx.OnnxExporterError)
    assert ember.onnx.OnnxExporterError is ember.onnx.errors.OnnxExporterError


def test_onnx_export_without_the_onnx_package_says_so(monkeypatch):
    import builtins
    real = builtins.__import__

    def no_onnx(name, *a, **k):
        if name == "onnx" or name.startswith("onnx."):
            raise ImportError("No module named 'onnx'")
        return real(name, *a, **k)
    monkeypatch.setattr(builtins, "__import__", no_onnx)
    with pytest.raises(ImportError, match="pip install onnx"):
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
