"""Editorial rewrites of whole real policies produce no material finding: rewrapping, case,
typographic quotes, Markdown emphasis, and sections in another order."""
import textwrap

import pytest

from monitor.compare import compare_versions
from monitor.extract import extract
from monitor.model import Version
from monitor.sections import split_sections

from conftest import CORPUS

POLICIES = sorted(CORPUS.glob("seeds/*.txt")) + sorted(CORPUS.glob("real-dev/*/new.md"))


def _wrapped(text: str) -> str:
    return "\n".join("\n".join(textwrap.wrap(line, 72)) if len(line) > 72 else line for line in text.split("\n"))


def _restyled(text: str) -> str:
    text = text.replace("'", "’").replace('"', "“")
    return "\n".join(f"**{line}**" if len(line) > 100 and "|" not in line else line for line in text.split("\n"))


def _reordered(text: str) -> str:
    sections = split_sections(text)
    return "\n".join((f"## {s.title}\n" if s.title else "") + s.body for s in reversed(sections))


def test_the_real_policies_are_there():
    assert len(POLICIES) >= 10, f"expected the seeds and real-dev policies under {CORPUS}"


@pytest.mark.parametrize("path", POLICIES, ids=lambda p: p.parent.name if p.suffix == ".md" else p.stem)
@pytest.mark.parametrize("rewrite", [_wrapped, str.upper, _restyled, _reordered], ids=lambda f: f.__name__.strip("_"))
def test_editorial_rewrite_of_a_real_policy_is_not_material(corpus, path, rewrite):
    text = extract(path.read_bytes(), filename=str(path))
    comparison = compare_versions(Version(text), Version(rewrite(text)))
    assert [f.summary for f in comparison.findings if f.material] == []
