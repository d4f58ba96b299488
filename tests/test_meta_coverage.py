"""Every public op has an entry in the op table (ember/testing/op_table.py).

Public ops are the names in ``ember.ops.public`` plus the Tensor methods installed from the
op families' ``TENSOR_METHODS``, minus the explicit list of non-ops below.
"""
import importlib
import pkgutil

import ember
import ember.ops
from ember.testing import op_table as T

# Names that are not ops for the table, each with why.
NON_OPS = {
    # dtype conversion helpers (x.float(), x.long() ...): one-line wrappers over ``to``,
    # which has entries; their dtype results are checked in tests/test_dtype_promotion.py
    "float", "double", "half", "bfloat16", "long", "int", "short", "char", "byte", "bool",
    "cfloat", "cdouble",
    # creation helpers bound as methods (x.new_zeros ...): no input values, tested with creation
    "new_empty", "new_full", "new_ones", "new_tensor", "new_zeros",
    # shape arithmetic on tuples, no tensors (checked in tests/test_properties.py)
    "broadcast_shapes",
    # bit-pattern hash (uint64 result, no gradient): checked against torch in tests/test_control_flow_misc.py
    "hash_tensor",
    # fake quantization: a straight-through gradient that central differences cannot check;
    # forward, gradient and errors vs torch in tests/quantization/test_fake_quantize.py
    "fake_quantize_per_tensor_affine", "fake_quantize_per_channel_affine",
}
# Whole families tested elsewhere: random sampling (no deterministic reference; tested by
# distribution statistics in tests/ops/random/test_random.py).
NON_OP_FAMILIES = {"random.factories", "random.samplers", "random.inplace_samplers", "random.random_counts",
                   # sparse COO layout: its results are sparse tensors, which the op table's dense
                   # checks cannot compare; tests/test_sparse.py checks each against torch
                   "conversion.sparse_layout"}


def _families():
    for m in pkgutil.walk_packages(ember.ops.__path__, "ember.ops."):
        name = m.name[len("ember.ops."):]
        if m.ispkg or name.rsplit(".", 1)[-1].startswith("_") or name in ("inplace.history",):
            continue
        try:
            yield name, importlib.import_module(m.name)
        except ImportError:
            continue


def public_ops():
    """name -> family for every public op and op-installed Tensor method."""
    names = {}
    loaded = set(ember.ops.FAMILIES) | {n for n in getattr(ember.ops, "_OPTIONAL", ())}
    for fam, mod in _families():
        if fam not in loaded:
            continue  # not installed by ember.ops, so not public
        for n in list(getattr(mod, "__all__", ())) + list(getattr(mod, "TENSOR_METHODS", {})):
            names.setdefault(n, fam)
    return names


def test_every_public_op_has_a_table_entry():
    covered = T.covered_names()
    missing = sorted(f"{n} ({fam})" for n, fam in public_ops().items()
                     if n not in covered and n not in NON_OPS and fam not in NON_OP_FAMILIES)
    assert not missing, (f"{len(missing)} public ops have no op-table entry (add one line to "
                         f"ember/testing/op_table_<family>.py, or list a non-op in NON_OPS):\n  "
                         + "\n  ".join(missing))


def test_table_entries_name_real_ops():
    """Names an entry covers exist in ember (catches typos in ``covers``)."""
    bogus = sorted(n for o in T.OPS for n in o.covers
                   if n not in ember.ops.public and not hasattr(ember.Tensor, n)
                   and not hasattr(ember, n))
    assert not bogus, bogus


def test_non_ops_list_is_current():
    """Every name in NON_OPS is still public (drop stale names)."""
    stale = sorted(n for n in NON_OPS if n not in public_ops())
    assert not stale, stale


def test_op_table_complete_whichever_file_is_imported_first():
    """Importing a family file of the op table before op_table itself still gives the whole
    table (it is built at first use, not while the family file is half-run)."""
    import subprocess
    import sys
    code = ("import ember.testing.op_table_elementwise\n"
            "from ember.testing.op_table import OPS_BY_NAME, OPS_ALL\n"
            "assert 'add' in OPS_BY_NAME and len(OPS_ALL) > 300, len(OPS_BY_NAME)\n")
    subprocess.run([sys.executable, "-c", code], check=True)
