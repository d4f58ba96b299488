"""ember/__init__.py names every op it exports (no ``globals().update``): the explicit import list
there matches what the op families export in their ``__all__``, name for name and module for module."""
import ast
import importlib
import pathlib

import ember
import ember.ops as O


def _family_exports():
    """name -> the family module (``elementwise.arithmetic``) whose ``__all__`` provides it last."""
    src = {}
    for fam in O.FAMILIES + O._OPTIONAL:
        for k in getattr(importlib.import_module(f"ember.ops.{fam}"), "__all__", ()):
            src[k] = fam
    return src


def _init_imports():
    tree = ast.parse(pathlib.Path(ember.__file__).read_text())
    out = {}
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.level == 1 and (node.module or "").startswith("ops."):
            for a in node.names:
                out[a.asname or a.name] = node.module[len("ops."):]
    return out


def test_init_imports_exactly_the_family_exports():
    fams, listed = _family_exports(), _init_imports()
    missing = sorted(set(fams) - set(listed))
    extra = sorted(set(listed) - set(fams))
    assert not missing, f"ops exported by their family but not imported in ember/__init__.py: {missing}"
    assert not extra, f"names ember/__init__.py imports from ember.ops that no family exports: {extra}"
    moved = {k: (listed[k], fams[k]) for k in fams if listed[k] != fams[k]}
    assert not moved, f"import these from the module that defines them (listed, actual): {moved}"


def test_toplevel_names_are_the_family_functions():
    wrong = [k for k, fn in O.public.items() if getattr(ember, k) is not fn]
    assert not wrong, wrong
