"""Run every docstring example in the package, and require one on every public function."""
import doctest
import importlib
import pkgutil

import numpy as np
import pytest

import ember

MODULES = sorted(m.name for m in pkgutil.walk_packages(ember.__path__, "ember.")
                 if not m.name.startswith("ember.testing"))


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    try:
        mod = importlib.import_module(name)
    except ModuleNotFoundError as e:  # a module on an optional extra (tensorboard, ...)
        if e.name and not e.name.startswith("ember"):
            pytest.skip(f"{name} needs the optional package {e.name}")
        raise
    finder = doctest.DocTestFinder(exclude_empty=True)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    globs = {"ember": ember, "np": np, "torch": ember, "nn": ember.nn, "F": ember.nn.functional}
    for test in finder.find(mod, name, globs=globs):
        ember.manual_seed(0)
        runner.run(test)
    res = runner.summarize(verbose=False)
    assert res.failed == 0, f"{res.failed} docstring example(s) failed in {name}"


def _public_functions():
    from ember.ops import public
    seen = {}
    for k, v in sorted(vars(ember).items()):
        if k.startswith("_") or not callable(v) or isinstance(v, type):
            continue
        if getattr(v, "__module__", "") and v.__module__.startswith("ember"):
            seen[k] = v
    for k, v in public.items():
        seen.setdefault(k, v)
    return seen


def test_every_public_function_has_an_example():
    missing = [k for k, v in _public_functions().items()
               if not (v.__doc__ and ">>>" in v.__doc__)]
    # aliases share the docstring of the function they alias
    assert not missing, f"public functions without a docstring example: {missing}"
