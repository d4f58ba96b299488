"""The house rules of ember's source tree, checked on the files themselves (see ARCHITECTURE.md):
small files, one seam to NumPy, layers that only import downward, and no import cycles. Each rule lists today's exceptions
explicitly; the lists may only shrink (a new offender fails, a fixed one can be dropped)."""
import ast
import os

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir)
PKG = os.path.join(ROOT, "ember")
MAX_LINES = 600

# Files over MAX_LINES: being split by issue 13.
ALLOWED_OVERSIZE = set()

# Modules that may import NumPy directly (everything else goes through ember._backend).
NUMPY_SEAM = {"ember._backend"}

# Import cycles among module-level imports that are tolerated: none (issue 13 removed the last ones).
# Each cycle found must lie inside one of these sets of modules.
ALLOWED_CYCLES = []

# Cycles inside ember.ops counting imports inside functions too: none.
ALLOWED_OPS_CYCLES = []


def _modules():
    """module name -> (path relative to the repo, is a package __init__)."""
    mods = {}
    for d, _, files in os.walk(PKG):
        for f in files:
            if f.endswith(".py"):
                rel = os.path.relpath(os.path.join(d, f), ROOT)
                name = rel[:-3].replace(os.sep, ".")
                ispkg = name.endswith(".__init__")
                mods[name[:-len(".__init__")] if ispkg else name] = (rel.replace(os.sep, "/"), ispkg)
    return mods


MODULES = _modules()


def _tree(rel):
    with open(os.path.join(ROOT, rel), encoding="utf-8") as f:
        return ast.parse(f.read(), rel)


def _imports(tree, module_level_only):
    """Import statements; with ``module_level_only``, those that run when the module is imported
    (not the ones inside function bodies)."""
    if not module_level_only:
        return [n for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom))]
    out = []

    def walk(body):
        for n in body:
            if isinstance(n, (ast.Import, ast.ImportFrom)):
                out.append(n)
            elif not isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)):
                for field in ("body", "orelse", "finalbody", "handlers"):
                    walk(getattr(n, field, None) or [])
    walk(tree.body)
    return out


def _targets(name, ispkg, node):
    """The ember modules an import statement in module ``name`` loads."""
    if isinstance(node, ast.Import):
        return {a.name for a in node.names if a.name in MODULES}
    if node.level:
        base = name.split(".") if ispkg else name.split(".")[:-1]
        base = base[:len(base) - (node.level - 1)]
        target = ".".join(base + ([node.module] if node.module else []))
    else:
        target = node.module
    if target not in MODULES:
        return set()
    subs = {f"{target}.{a.name}" for a in node.names}
    found = subs & set(MODULES)
    return found | ({target} if found != subs else set())


def _graph(module_level_only=True, prefix="ember"):
    graph = {}
    for name, (rel, ispkg) in MODULES.items():
        if not name.startswith(prefix):
            continue
        deps = set()
        for node in _imports(_tree(rel), module_level_only):
            deps |= {t for t in _targets(name, ispkg, node) if t.startswith(prefix)}
        deps.discard(name)
        graph[name] = deps
    return graph


def _cycles(graph):
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index, low, on, stack, out, counter = {}, {}, set(), [], [], [0]
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter[0]
        counter[0] += 1
        stack.append(root)
        on.add(root)
        while work:
            v, it = work[-1]
            for w in it:
                if w not in index:
                    index[w] = low[w] = counter[0]
                    counter[0] += 1
                    stack.append(w)
                    on.add(w)
                    work.append((w, iter(sorted(graph.get(w, ())))))
                    break
                if w in on:
                    low[v] = min(low[v], index[w])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[v])
                if low[v] == index[v]:
                    comp = set()
                    while True:
                        w = stack.pop()
                        on.discard(w)
                        comp.add(w)
                        if w == v:
                            break
                    if len(comp) > 1:
                        out.append(comp)
    return out


def test_no_file_over_600_lines():
    over = {}
    for rel, _ in MODULES.values():
        with open(os.path.join(ROOT, rel), encoding="utf-8") as f:
            n = sum(1 for _ in f)
        if n > MAX_LINES:
            over[rel] = n
    new = {k: v for k, v in over.items() if k not in ALLOWED_OVERSIZE}
    assert not new, f"files over {MAX_LINES} lines (split them by what they hold): {new}"


def test_numpy_only_through_the_backend():
    offenders = []
    for name, (rel, _) in sorted(MODULES.items()):
        if name in NUMPY_SEAM:
            continue
        for node in _imports(_tree(rel), module_level_only=False):
            mods = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if not node.level else []
            if any(m == "numpy" or m.startswith("numpy.") for m in mods):
                offenders.append(f"{rel}:{node.lineno}")
    assert not offenders, ("import NumPy as `from .._backend import np` (the one seam), not directly: "
                           + ", ".join(offenders))


def _unexpected(cycles, allowed):
    return [sorted(c) for c in cycles if not any(c <= a for a in allowed)]


def test_no_import_cycles_at_module_level():
    bad = _unexpected(_cycles(_graph()), ALLOWED_CYCLES)
    assert not bad, f"import cycles among module-level imports: {bad}"


def test_no_import_cycles_inside_ops():
    """Inside ember.ops, imports deferred into functions count too: a family may use another,
    never the other way round as well."""
    bad = _unexpected(_cycles(_graph(module_level_only=False, prefix="ember.ops")), ALLOWED_OPS_CYCLES)
    assert not bad, f"import cycles inside ember.ops: {bad}"


# ember.ops imports nothing from the layers above it (nn, linalg, the package top level), even
# inside functions, except these (module -> what it reaches up to).
OPS_UPWARD_ALLOWED = {
    "ember.ops.signal.spectral": {"ember.nn.functional"},  # stft's padding uses F.pad
}


def test_ops_do_not_import_upward():
    graph = _graph(module_level_only=False)
    bad = {}
    for name, deps in graph.items():
        if not name.startswith("ember.ops"):
            continue
        up = {d for d in deps if d == "ember" or d.startswith(("ember.nn", "ember.linalg"))}
        up -= OPS_UPWARD_ALLOWED.get(name, set())
        if up:
            bad[name] = sorted(up)
    assert not bad, f"ops importing from the layers above them: {bad}"


def test_linalg_package_only_reexports():
    """``ember.linalg`` is the ``torch.linalg`` namespace; its ops live in ember/ops/linalg/."""
    here = [f for f in os.listdir(os.path.join(PKG, "linalg")) if f.endswith(".py")]
    assert here == ["__init__.py"], here
    tree = _tree("ember/linalg/__init__.py")
    assert not [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.ClassDef))]


def test_the_checks_can_fail():
    """The cycle finder and the seam check see a planted cycle and a planted NumPy import."""
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [{"a", "b", "c"}]
    assert _cycles({"a": {"b"}, "b": set()}) == []
    tree = ast.parse("def f():\n    import numpy\nfrom .x import y\n")
    assert len(_imports(tree, module_level_only=True)) == 1
    assert len(_imports(tree, module_level_only=False)) == 2


def test_allow_lists_name_real_files():
    """The exceptions name files and modules that exist (a typo would hide a real offender)."""
    rels = {rel for rel, _ in MODULES.values()}
    assert ALLOWED_OVERSIZE <= rels, ALLOWED_OVERSIZE - rels
    for group in ALLOWED_CYCLES + ALLOWED_OPS_CYCLES + [NUMPY_SEAM, set(OPS_UPWARD_ALLOWED)]:
        assert group <= set(MODULES), group - set(MODULES)
