"""``python -m ember.compat prog.py`` runs a program as ``python prog.py`` would: the program's own
folder is on ``sys.path`` (fast_neural_style imports its ``utils`` module from there), and children
started with multiprocessing's ``spawn`` re-run the program's ``__main__`` with ``import torch``
giving ember there too, tensors shared with ``share_memory()`` carrying the children's updates
back (the mnist_hogwild pattern)."""
import subprocess
import sys
import textwrap

PROGRAM = textwrap.dedent('''
    import torch, torch.nn as nn, torch.multiprocessing as mp

    def work(model, q):
        q.put(torch.__name__ + " " + type(torch.zeros(1)).__module__)
        opt = torch.optim.SGD(model.parameters(), lr=0.1)
        for _ in range(3):
            opt.zero_grad()
            model(torch.ones(1, 2)).sum().backward()
            opt.step()

    if __name__ == "__main__":
        mp.set_start_method("spawn", force=True)
        m = nn.Linear(2, 1)
        m.share_memory()
        before = m.weight.detach().clone()
        q = mp.Queue()
        ps = [mp.Process(target=work, args=(m, q)) for _ in range(2)]
        for p in ps:
            p.start()
        for p in ps:
            p.join()
        print([p.exitcode for p in ps], q.get(), round(float((m.weight - before).sum()), 4))
''')


def test_spawned_children_import_ember_and_share_parameters(tmp_path):
    script = tmp_path / "prog.py"
    script.write_text(PROGRAM)
    r = subprocess.run([sys.executable, "-m", "ember.compat", str(script)], capture_output=True, text=True,
                       timeout=120, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    codes0, codes1, name, module, delta = r.stdout.split()
    assert (codes0, codes1, name, module) == ("[0,", "0]", "ember", "ember"), r.stdout
    assert -1.2 - 1e-4 <= float(delta) <= -0.6 + 1e-4   # each child's 3 steps move the sum by -0.6


def test_uninstall_restores_preparation_data():
    import multiprocessing.spawn as s
    from ember import _compat_spawn
    orig = s.get_preparation_data
    _compat_spawn.enable()
    assert "ember_compat" in s.get_preparation_data("x")
    _compat_spawn.disable()
    assert s.get_preparation_data is orig


def test_script_folder_is_on_sys_path(tmp_path):
    pkg = tmp_path / "proj"
    pkg.mkdir()
    (pkg / "helpers.py").write_text("VALUE = 42\n")
    (pkg / "prog.py").write_text("import sys, helpers, torch\nprint(helpers.VALUE, torch.__name__, sys.path[0])\n")
    for cwd in (tmp_path, pkg):
        r = subprocess.run([sys.executable, "-m", "ember.compat", str(pkg / "prog.py")], capture_output=True,
                           text=True, timeout=120, cwd=cwd)
        assert r.returncode == 0, r.stderr
        value, name, first = r.stdout.split()
        assert (value, name) == ("42", "ember") and first == str(pkg.resolve())
