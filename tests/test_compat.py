"""`python -m ember.compat script.py` runs an unmodified `import torch` program on ember."""
import subprocess
import sys
import textwrap


def test_compat_runs_unmodified_torch_script(tmp_path):
    script = tmp_path / "train.py"
    script.write_text(textwrap.dedent("""
        import sys
        import torch
        import torch.autograd
        assert torch.__name__ == "ember", torch.__name__
        w = torch.zeros(1, requires_grad=True)
        x = torch.linspace(-1, 1, 50)
        y = 3 * x
        for _ in range(200):
            loss = ((w * x - y) ** 2).mean()
            loss.backward()
            with torch.no_grad():
                w -= 0.1 * w.grad
                w.grad.zero_()
        print("w=%.3f" % w.item(), sys.argv[1:])
    """))
    out = subprocess.run([sys.executable, "-m", "ember.compat", str(script), "--flag"],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "w=3.000 ['--flag']" in out.stdout


def test_compat_missing_submodule_is_a_clear_import_error(tmp_path):
    script = tmp_path / "s.py"
    script.write_text("import torch.no_such_module\n")
    out = subprocess.run([sys.executable, "-m", "ember.compat", str(script)],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode != 0
    assert "ModuleNotFoundError" in out.stderr and "torch.no_such_module" in out.stderr


def test_install_uninstall_in_a_fresh_process():
    code = textwrap.dedent("""
        from ember import compat
        compat.install()
        import torch, torch.autograd
        assert torch.__name__ == "ember" and torch.autograd.__name__ == "ember.autograd"
        compat.uninstall()
        import sys
        assert "torch" not in sys.modules
        print("ok")
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"


def test_compat_flag_modules_and_pytorch_module_paths(tmp_path):
    """``import torch.backends.mha`` (a flag module kept as an attribute) and classes imported
    from the module PyTorch defines them in."""
    script = tmp_path / "s.py"
    script.write_text(textwrap.dedent("""
        import torch.backends.mha
        import torch.backends.cudnn as cudnn
        from torch.nn.modules.activation import MultiheadAttention
        from torch.nn.modules.linear import NonDynamicallyQuantizableLinear
        torch.backends.mha.set_fastpath_enabled(False)
        assert not torch.backends.mha.get_fastpath_enabled()
        torch.backends.mha.set_fastpath_enabled(True)
        assert cudnn.is_available() is False
        assert MultiheadAttention is torch.nn.MultiheadAttention
        assert type(MultiheadAttention(4, 2).out_proj) is NonDynamicallyQuantizableLinear
        print("ok")
    """))
    out = subprocess.run([sys.executable, "-m", "ember.compat", str(script)],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"
