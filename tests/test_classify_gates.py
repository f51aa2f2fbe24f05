"""Gates: the words a lexicon pattern cannot match without, read from the pattern's text, and
the texts they are tested on. A gate may let through text no pattern matches, never the
reverse, or the classifier would miss claims."""
from pathlib import Path

from monitor.classify.lexicon import LEXICON
from monitor.classify.literals import Gate, required, skeleton
from monitor.classify.text import gate_text, paragraph_sentences, paragraphs
from monitor.extract import extract
from monitor.sections import split_sections


def _words(pattern: str) -> list[set[bytes]]:
    return [set(clause.words) for clause in required(pattern, {})]


def test_a_pattern_needs_its_literal_words_as_skeletons():
    assert _words(r"\bsell(?:s|ing)?\s+(?:your\s+)?data") == [
        {b"selldata", b"sellsdata", b"sellingdata", b"sellyourdata", b"sellsyourdata", b"sellingyourdata"}]


def test_an_optional_piece_needs_nothing():
    [clause] = required(r"(?:do not )?share\w*", {})
    assert Gate(skeleton("we share it")).met(clause)


def test_a_choice_needs_one_word_of_each_branch():
    words = _words(r"\b(?:rent|lease)\b[^.]{0,40}?\bdata\b")
    assert sorted(words, key=len) == [{b"data"}, {b"rent", b"lease"}]


def test_escaped_characters_are_read_as_characters():
    assert _words(r"driver\x27?s\s+licen[cs]es?") == [{b"driverslicence", b"driverslicense"}]


def test_a_positive_lookahead_is_needed_and_a_negative_one_is_not():
    assert {b"signal"} in _words(r"\bdnt\b(?=\s+signals?)")
    assert _words(r"\bsell(?!\s+our business)") == [{b"sell"}]


def test_inline_flags_make_a_pattern_unreadable_so_it_needs_nothing():
    assert required(r"(?i)sell", {}) == ()


def test_a_digit_is_needed_as_an_ascii_digit_or_any_text_beyond_ascii():
    need = required(r"\d{3}-\d{4}", {})
    assert Gate(skeleton("call 555-0100")).met(need[0])
    assert not Gate(skeleton("call us today")).met(need[0])
    assert Gate(skeleton("call ٥٥٥-٠١٠٠")).met(need[0])


def test_a_section_gate_keeps_words_a_sentence_shows_only_after_respelling():
    section = "We do **not** sell data. Our site honors Do Not Track signals.\nWe adhere to the Privacy Shied."
    gate = Gate(gate_text(section))
    assert LEXICON.by_id["tracking.dnt"].may_match(gate)
    assert LEXICON.names_framework(gate)


def test_no_rule_that_matches_a_seed_sentence_is_gated_out_of_its_section_or_paragraph(corpus):
    """Every section of the seed policies: each rule that matches one of its sentences (all
    patterns run, no gate) passes the section's gate, the paragraph's and the sentence's."""
    missed = []
    for path in sorted((corpus / "seeds").glob("*.txt")):
        text = extract(path.read_bytes(), filename=path.name)
        sections = split_sections(text)
        titles = frozenset(s.title for s in sections)
        for section in sections:
            whole = f"{section.title}\n{section.body}"
            section_gate = Gate(gate_text(whole))
            for title, para in paragraphs(whole, titles, section.title):
                para_gate = Gate(gate_text(para))
                for sentence in paragraph_sentences(title, para):
                    for rule in LEXICON.rules:
                        if any(p.search(sentence.low) for p in rule.patterns) and not (
                                rule.may_match(section_gate) and rule.may_match(para_gate)
                                and rule.may_match(sentence.gate)):
                            missed.append((path.name, rule.id, sentence.text))
    assert missed == []


def test_sentences_pick_every_rule_that_matches_them(corpus):
    text = extract((corpus / "seeds" / "000_e99e3d254979f7e2.txt").read_bytes(), filename="policy.txt")
    for title, para in paragraphs(text):
        for sentence in paragraph_sentences(title, para):
            matching = [r.id for r in LEXICON.rules if any(p.search(sentence.low) for p in r.patterns)]
            picked = {r.id for r in LEXICON.candidates(sentence.gate)}
            assert set(matching) <= picked, sentence.text


def test_lexicon_reads_no_private_re_module():
    source = (Path(__file__).parent.parent / "monitor" / "classify").glob("*.py")
    assert not [p.name for p in source if "re._parser" in p.read_text() or "_constants" in p.read_text()]
