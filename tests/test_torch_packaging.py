"""ember presents itself as torch to packaging tools under ember.compat, without disturbing a
real torch installed beside it; ``torch.__version__`` compares like PyTorch's TorchVersion."""
import subprocess
import sys
import textwrap

import pytest

import ember
from ember.torch_version import TorchVersion, Version


def test_version_compares_like_torchs(torch_ref):
    ours, theirs = ember.__version__, torch_ref.__version__
    assert isinstance(ours, str) and isinstance(ours, TorchVersion)
    for other in ["2.6", "2.13", "2.13.0", "2.13.1", "2.14.0.dev20260101", "2.13.0rc1", (2, 6), (2, 13, 0),
                  (3,), "1.13.1"]:
        for op in ("__lt__", "__le__", "__gt__", "__ge__"):
            assert getattr(ours, op)(other) == getattr(theirs, op)(other), (op, other)
    with pytest.raises(TypeError):
        ours > 3
    with pytest.raises(TypeError):
        theirs > 3
    assert ember.version.__version__ == "2.13.0+ember" and ember.version.cuda is None


def test_pep440_ordering_matches_packaging():
    packaging = pytest.importorskip("packaging.version")
    vs = ["2.13.0", "2.13", "2.13.0+cpu", "2.13.0a1", "2.13.0b2", "2.13.0rc1", "2.13.0.dev2",
          "2.13.0.post1", "2.13.0rc1.dev3", "2.12.9", "1!0.1", "2.13.0+abc.5", "2.13.0+abc.10"]
    for a in vs:
        assert str(Version(a)) == str(packaging.Version(a))
        for b in vs:
            assert (Version(a) < Version(b)) == (packaging.Version(a) < packaging.Version(b)), (a, b)
            assert (Version(a) == Version(b)) == (packaging.Version(a) == packaging.Version(b)), (a, b)


def _run(code):
    out = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    return out.stdout.split()


def test_metadata_and_find_spec_under_compat_only():
    before, during, spec, top, after = _run("""
        import importlib.metadata as md, importlib.util
        try:
            before = md.version("torch")
        except md.PackageNotFoundError:
            before = "none"
        from ember import compat
        compat.install()
        during = md.distribution("torch").version
        spec = importlib.util.find_spec("torch") is not None
        top = md.distribution("torch").read_text("top_level.txt").strip()
        compat.uninstall()
        try:
            after = md.version("torch")
        except md.PackageNotFoundError:
            after = "none"
        print(before, during, spec, top, after)
    """)
    assert during == "2.13.0+ember" and spec == "True" and top == "torch"
    assert after == before and "ember" not in before   # a real torch (or none) is what it was


def test_torch_version_module_and_attributes_under_compat():
    out = _run("""
        from ember import compat
        compat.install()
        import torch, torch.version
        from torch.torch_version import TorchVersion
        print(type(torch.__version__) is TorchVersion, torch.__version__ >= "2.6", torch.version.cuda,
              torch.version.hip, torch.version.git_version, torch.version.debug)
    """)
    assert out == ["True", "True", "None", "None", "Unknown", "False"]
