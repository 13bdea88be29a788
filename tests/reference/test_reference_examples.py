"""The reference documentation's examples run unchanged with ``nk`` bound to nqs_explorer.

The reference pages live in the shared folder beside the checkout (``../shared/reference``,
also beside CI's clone). Only the ``import netket as nk`` line is rewritten.
"""

import doctest
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# shared/ sits beside the checkout (developers, CI) or, in some copies, inside it.
REFERENCE = next(
    (
        p
        for p in (ROOT.parent / "shared" / "reference", ROOT / "shared" / "reference")
        if p.is_dir()
    ),
    ROOT.parent / "shared" / "reference",
)
PAGES = ["netket.nn.blocks.SymmExpSum.txt"]


def _examples(page: str) -> str:
    text = (REFERENCE / page).read_text(encoding="utf-8")
    # The page's "Examples" section ends where the generated class description starts.
    text = text[text.index("Examples") : text.index("\nInheritance")]
    # The runnable examples are the '>>>' lines (and their expected output) that use nk.
    lines, keep = [], False
    for line in text.splitlines():
        if line.startswith(">>> "):
            keep = True
        elif not line.strip() or not (line.startswith("...") or keep):
            keep = False
        if keep:
            lines.append(line)
    return "\n".join(lines).replace("import netket as nk", "import nqs_explorer as nk")


@pytest.mark.parametrize("page", PAGES)
def test_reference_examples_run_with_nk_bound_to_nqs_explorer(page):
    if not (REFERENCE / page).exists():
        pytest.skip(f"reference page {page} not found beside the checkout")
    source = _examples(page)
    assert "import nqs_explorer as nk" in source
    assert source.count(">>>") >= 10
    test = doctest.DocTestParser().get_doctest(source, {}, page, page, 0)
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples failed"
    statements = [ln for ln in source.splitlines() if ln.startswith(">>> ") and ln[4:5] != "#"]
    assert result.attempted == len(statements)
