"""The Tensor's op methods are listed explicitly in ember/ops/_tensor_surface.py (one
``Tensor.<name> = <module>.<function>`` line each, no setattr loop), and that list is exactly what
the op families declare in their ``TENSOR_METHODS`` dicts, a later family winning a shared name."""
import ast
import difflib
import importlib
import pathlib
import sys

import ember
import ember.ops as O

ROOT = pathlib.Path(__file__).resolve().parent.parent
SURFACE = ROOT / "ember" / "ops" / "_tensor_surface.py"


def _declared():
    """name -> function, merging the families' TENSOR_METHODS in FAMILIES + _OPTIONAL order."""
    out = {}
    for fam in O.FAMILIES + O._OPTIONAL:
        out.update(getattr(importlib.import_module(f"ember.ops.{fam}"), "TENSOR_METHODS", {}))
    return out


def _assigned_names():
    names = []
    for node in ast.parse(SURFACE.read_text()).body:
        if isinstance(node, ast.Assign):
            (t,) = node.targets
            assert isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name) and t.value.id == "Tensor"
            names.append(t.attr)
    return names


def test_surface_file_is_the_generated_one():
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import gen_tensor_methods
    finally:
        sys.path.remove(str(ROOT / "tools"))
    want, have = gen_tensor_methods.render(), SURFACE.read_text()
    diff = "".join(difflib.unified_diff(have.splitlines(True), want.splitlines(True),
                                        "ember/ops/_tensor_surface.py", "expected"))
    assert want == have, ("regenerate with `PYTHONPATH=. python tools/gen_tensor_methods.py > "
                          "ember/ops/_tensor_surface.py`:\n" + diff)


def test_surface_lists_each_declared_name_once():
    names = _assigned_names()
    dup = sorted({n for n in names if names.count(n) > 1})
    assert not dup, f"bound twice in _tensor_surface.py: {dup}"
    declared = _declared()
    assert set(names) == set(declared), (sorted(set(declared) - set(names)), sorted(set(names) - set(declared)))


def test_tensor_attributes_are_the_declared_functions():
    wrong = [k for k, fn in _declared().items() if ember.Tensor.__dict__.get(k) is not fn]
    assert not wrong, f"Tensor attributes that are not their family's TENSOR_METHODS entry: {wrong}"


def test_ops_package_binds_no_methods_by_setattr():
    tree = ast.parse((ROOT / "ember" / "ops" / "__init__.py").read_text())
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and getattr(n.func, "id", None) == "setattr"]
    assert not calls, "ember/ops/__init__.py binds Tensor methods by setattr; list them in _tensor_surface.py"
