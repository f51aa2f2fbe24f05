"""diff_words: word-level diff whose pieces rejoin to the texts."""
import time

from monitor.diff import diff_words


def side(diff, op):
    return "".join(text for o, text in diff if o in ("=", op))


def changes(diff):
    return [(op, text) for op, text in diff if op != "="]


def test_pieces_rejoin_to_old_and_new_text():
    old = "We keep fax data for 90 days after termination, then delete it.\nLogs stay a year."
    new = "We keep fax data for 3 years after the end of the contract, then delete it.\nLogs stay a year."
    diff = diff_words(old, new)
    assert side(diff, "-") == old
    assert side(diff, "+") == new


def test_changes_cover_whole_words_not_letters():
    diff = diff_words("Under the Privacy Shied Framework.", "Under the Privacy Shield Framework.")
    assert changes(diff) == [("-", "Shied"), ("+", "Shield")]


def test_identical_texts_are_one_equal_piece():
    assert diff_words("Same text.\nTwo lines.", "Same text.\nTwo lines.") == (("=", "Same text.\nTwo lines."),)


def test_empty_texts_have_an_empty_diff():
    assert diff_words("", "") == ()


def test_new_text_is_one_insertion():
    assert diff_words("", "We may sell your data.") == (("+", "We may sell your data."),)


def test_removed_text_is_one_deletion():
    assert diff_words("We will notify you by email.", "") == (("-", "We will notify you by email."),)


def test_adjacent_pieces_never_share_an_op():
    diff = diff_words("a b c d e f g", "a x c y e z g")
    assert all(diff[k][0] != diff[k + 1][0] for k in range(len(diff) - 1))


def test_reflowed_line_breaks_are_not_a_change():
    diff = diff_words("We collect your name\nand email address.", "We collect your name and email address.")
    assert changes(diff) == []
    assert side(diff, "+") == "We collect your name and email address."


def test_spacing_around_punctuation_is_not_a_change():
    diff = diff_words("your device ,on the Account .", "your device, on the Account.")
    assert changes(diff) == []


def test_sentence_moved_inside_a_section_is_not_a_deletion_plus_insertion():
    old = ("We collect your name and email address when you register. "
           "We use cookies to remember your preferences on our site. "
           "We never sell your personal information.")
    new = ("We use cookies to remember your preferences on our site. "
           "We collect your name and email address when you register. "
           "We never sell your personal information.")
    diff = diff_words(old, new)
    assert changes(diff) == []
    assert side(diff, "+") == new


def test_moved_line_next_to_a_real_edit_keeps_only_the_edit():
    old = "This line will move to the end.\nLine one stays here.\nLine two stays too.\nNotice is 30 days."
    new = "Line one stays here.\nLine two stays too.\nNotice is 10 days.\nThis line will move to the end."
    diff = diff_words(old, new)
    assert "".join(t for op, t in diff if op == "-").split() == ["30"]
    assert "".join(t for op, t in diff if op == "+").split() == ["10"]
    assert side(diff, "+") == new


def test_moved_sentence_that_was_also_edited_still_shows_the_edit():
    diff = diff_words("We do not sell data. You may opt out.", "You may opt out. We do sell data.")
    assert "not" in "".join(t for op, t in diff if op == "-").split()
    assert side(diff, "+") == "You may opt out. We do sell data."


def test_rewritten_passage_is_one_deletion_and_one_insertion():
    old = "Intro stays.\nUnder the Privacy Shield Framework we certify our compliance with its principles."
    new = "Intro stays.\nTransfers rely on standard contractual clauses approved by the Commission."
    assert changes(diff_words(old, new)) == [("-", old.split("\n")[1]), ("+", new.split("\n")[1])]


def test_large_rewrite_finishes_within_the_diff_timeout():
    old = " ".join(f"word{i % 997} filler{i % 13}" for i in range(20000))
    new = " ".join(f"word{(i * 7) % 991} filler{i % 11}" for i in range(20000))
    start = time.perf_counter()
    diff = diff_words(old, new)
    assert time.perf_counter() - start < 10
    assert side(diff, "+") == new
