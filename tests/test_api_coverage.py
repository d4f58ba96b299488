"""Surface coverage against PyTorch 2.13 (tests/api_coverage.py): prints the table and fails
if ember loses a name it had, or drops below the recorded floor."""
import pytest

from api_coverage import EXCLUDED, NAMESPACES, report, table

torch = pytest.importorskip("torch")
import ember  # noqa: E402

# Raised as names are built; the README's status section quotes the same figure.
FLOOR = 1978


def test_api_coverage(capsys):
    rep = report(torch, ember)
    text, have, total = table(rep)
    with capsys.disabled():
        print("\nPyTorch 2.13 public API present in ember:\n" + text)
    assert have >= FLOOR, f"coverage fell to {have}/{total} (floor {FLOOR})"


def test_exclusions_name_real_torch_names():
    """Every exclusion names something torch has (no stale entries), with a reason."""
    from api_coverage import torch_names
    names = {ns: set(torch_names(torch, ns)) for ns in NAMESPACES}
    stale = sorted(k for k in EXCLUDED if k.split(":", 1)[1] not in names.get(k.split(":", 1)[0], ()))
    assert not stale, stale
    assert all(isinstance(r, str) and r for r in EXCLUDED.values())
