"""Extract: raw snapshot bytes in, normalised text out (see monitor/extract/normalise.py)."""
import textwrap
import time
from pathlib import Path

import pytest

from monitor.errors import InputError
from monitor.extract import detect_format, extract, page_problem

DATA = Path(__file__).parent / "data" / "extract"


def fixture(name: str) -> bytes:
    return (DATA / name).read_bytes()


def make_pdf(pages: list[list[str]]) -> bytes:
    """A minimal valid PDF: one Helvetica text block per page, one line per string ('' = a gap)."""
    def escape(s):
        return s.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    objects = ["<< /Type /Catalog /Pages 2 0 R >>", None,
               "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"]
    kids = []
    for lines in pages:
        ops = "".join(f"({escape(line)}) Tj T* " if line else "T* " for line in lines)
        stream = f"BT /F1 10 Tf 12 TL 50 780 Td {ops}ET".encode("cp1252")
        objects.append(f"<< /Length {len(stream)} >>\nstream\n".encode() + stream + b"\nendstream")
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 842] "
                       f"/Resources << /Font << /F1 3 0 R >> >> /Contents {len(objects)} 0 R >>")
        kids.append(f"{len(objects)} 0 R")
    objects[1] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(kids)} >>"
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + (body if isinstance(body, bytes) else body.encode()) + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{o:010d} 00000 n \n" for o in offsets).encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


POLICY_PARAGRAPHS = [
    ["1. Information we collect",
     "We collect your name and e-mail address when you register for an account with us and when "
     "you contact our support team by phone or e-mail.",
     "We also record which pages you view and which features of the service you use, so that we "
     "can improve them."],
    ["2. Retention",
     "We keep account data for the life of the account plus thirty days, after which it is deleted "
     "or anonymised beyond recognition."],
    ["3. Your rights",
     "You may ask for a copy of your data, ask us to correct it, or ask us to delete it; we answer "
     "within thirty days of your request."],
]


def policy_pdf(width: int) -> bytes:
    pages = []
    for number, paragraphs in enumerate(POLICY_PARAGRAPHS, 1):
        lines = ["Acme Privacy Policy", ""]
        for paragraph in paragraphs:
            lines += textwrap.wrap(paragraph, width) + [""]
        pages.append(lines + [f"Page {number} of {len(POLICY_PARAGRAPHS)}"])
    return make_pdf(pages)


# --- the normalised-text contract -------------------------------------------------------------

def test_curly_quotes_become_straight():
    assert extract("\u201cWe\u201d don\u2019t sell \u2018your\u2019 data.") == "\"We\" don't sell 'your' data.\n"


def test_nbsp_and_zero_width_characters_are_normalised():
    assert extract("Effective\u00a0Date:\u200b March\u2060 1,\ufeff 2024") == "Effective Date: March 1, 2024\n"


def test_nfkc_unfolds_ligatures_and_fullwidth_forms():
    assert extract("We \ufb01le \uff21\uff23\uff2d reports") == "We file ACM reports\n"


def test_crlf_and_cr_line_ends_become_newlines():
    assert extract(b"One line\r\nTwo line\rThree line\n") == "One line\nTwo line\nThree line\n"


def test_lone_surrogates_in_str_input_are_dropped():
    out = extract("Broken \ud800text")
    assert out == "Broken text\n" and out.encode("utf-8")


def test_filename_may_be_a_path():
    assert extract(b"# Title\n\nBody.", filename=Path("policy.md")) == "# Title\nBody.\n"


def test_whitespace_is_collapsed_and_blank_lines_dropped():
    assert extract("  Heading  \n\n\n\tBody   text\t here.   \n\n") == "Heading\nBody text here.\n"


def test_output_is_one_paragraph_per_line_ending_in_one_newline():
    out = extract(fixture("policy_page.html"))
    assert out.endswith("\n") and not out.endswith("\n\n")
    assert all(line and line == line.strip() and "  " not in line for line in out[:-1].split("\n"))


def test_extraction_is_idempotent():
    once = extract(fixture("policy_page.html"))
    assert extract(once) == once


# --- reflow is not a change -------------------------------------------------------------------

def test_reflowed_corpus_pair_extracts_identically(corpus):
    pair = corpus / "dev" / "d01-xmatters-reflow"
    old, new = (pair / "old.txt").read_bytes(), (pair / "new.txt").read_bytes()
    assert old != new
    assert extract(old, filename="old.txt") == extract(new, filename="new.txt")


def test_hard_wrapped_text_equals_one_paragraph_per_line(corpus):
    seed = (corpus / "seeds" / "000_e99e3d254979f7e2.txt").read_text(encoding="utf-8")
    paragraphs = [p for p in seed.splitlines() if p.strip()]
    wrapped_60 = "\n\n".join(textwrap.fill(p, 60, break_long_words=False) for p in paragraphs)
    wrapped_76 = "\r\n\r\n".join(textwrap.fill(p, 76, break_long_words=False).replace("\n", "\r\n")
                                 for p in paragraphs)
    assert extract(wrapped_60) == extract(wrapped_76) == extract(seed)


def test_rewrapped_markdown_paragraph_is_unchanged():
    para = "We may share aggregated statistics with partners who help us improve the service, never your raw data."
    assert extract("# Sharing\n\n" + textwrap.fill(para, 30), filename="p.md") == \
        extract("# Sharing\n\n" + para, filename="p.md")


def test_reindented_html_with_other_quotes_and_line_ends_is_unchanged():
    html = fixture("policy_page.html").decode("utf-8")
    variant = (html.replace("&ldquo;", "\u201c").replace("&rdquo;", "\u201d").replace("&rsquo;", "'")
               .replace("\n      ", "\n").replace(" uses and shares", "\n   uses and\tshares")
               .replace("\n", "\r\n"))
    assert variant != html
    assert extract(variant.encode("utf-8")) == extract(html.encode("utf-8"))


def test_every_corpus_file_extracts(corpus):
    files = sorted([*corpus.glob("seeds/*.txt"), *corpus.glob("dev/*/*.txt"), *corpus.glob("real-dev/*/*.md")])
    assert len(files) > 50
    for path in files:
        out = extract(path.read_bytes(), filename=path.name)
        assert len(out.split()) > 500, path


# --- plain text ---------------------------------------------------------------------------------

def test_plain_text_keeps_bare_line_headings_without_markup(corpus):
    seed = (corpus / "seeds" / "001_a19259ca8b32778a.txt").read_text(encoding="utf-8")
    source = [" ".join(line.split()) for line in seed.splitlines() if line.strip()]
    headings = [line for line in source if line.isascii() and len(line) < 50 and not line.endswith(".")]
    out = extract(seed, filename="policy.txt").splitlines()
    assert len(out) == len(source)
    assert len(headings) > 5 and all(h in out for h in headings)
    assert not any(line.startswith("#") for line in out)


def test_plain_text_list_of_short_lines_is_not_joined():
    text = "Information we collect:\n- name\n- e-mail address\n- phone number\n- postal address\n- job title\n"
    assert extract(text).splitlines() == ["Information we collect:", "- name", "- e-mail address",
                                          "- phone number", "- postal address", "- job title"]


# --- Markdown -----------------------------------------------------------------------------------

def test_markdown_atx_and_setext_headings_become_atx():
    md = "Privacy Notice\n==============\n\nIntro.\n\nYour Rights\n-----------\n\n### Access ###\n\nText."
    assert extract(md, filename="p.md") == "# Privacy Notice\nIntro.\n## Your Rights\n### Access\nText.\n"


def test_a_numbered_line_over_a_setext_underline_is_a_heading():
    md = "Intro.\n\n5.\u00a0Data Retention\n=================\n\nWe keep logs.\n\n1. First step\n2. Second step\n\nEnd."
    assert extract(md, filename="p.md") == "Intro.\n# Data Retention\nWe keep logs.\nFirst step\nSecond step\nEnd.\n"


def test_markdown_emphasis_and_code_markers_are_removed():
    md = "We **never** sell *your* data, _ever_, see `opt_out` and __this__ or ~~that~~."
    assert extract(md, filename="p.md") == "We never sell your data, ever, see opt_out and this or that.\n"


def test_markdown_links_keep_their_text_and_images_are_dropped():
    md = ("Read [our terms](https://example.com/terms \"Terms\") and [the FAQ][faq].\n"
          "![logo](https://example.com/logo.png) Logo gone, [![badge](b.png)](https://x) too.\n\n"
          "[faq]: https://example.com/faq")
    assert extract(md, filename="p.md") == "Read our terms and the FAQ. Logo gone, too.\n"


def test_markdown_list_markers_are_dropped_including_numbers():
    md = "Intro:\n\n- first item\n* second item\n+ third\n1. one\n2) two\n   - nested"
    assert extract(md, filename="p.md").splitlines() == [
        "Intro:", "first item", "second item", "third", "one", "two", "nested"]


def test_markdown_list_item_continuation_joins_the_item():
    md = "- a list item that\n  continues here\n- next"
    assert extract(md, filename="p.md").splitlines() == ["a list item that continues here", "next"]


def test_markdown_table_becomes_one_row_per_line():
    md = ("| Data | Retention |\n| --- | :---: |\n| **Account** | [30 days](#r) |\n"
          "| Logs \\| audit | 13 months |\n\nAfter.")
    assert extract(md, filename="p.md").splitlines() == [
        "Data | Retention", "Account | 30 days", "Logs | audit | 13 months", "After."]


def test_empty_table_cells_leave_no_stray_pipes():
    md = "| | **Deleting your account** | | You may delete it at any time. | |\n|---|---|---|---|---|\n"
    html = ("<main><table><tr><td></td><th>Deleting your account</th><td> </td>"
            "<td>You may delete it at any time.</td></tr></table></main>")
    expected = ["Deleting your account | You may delete it at any time."]
    assert extract(md, filename="p.md").splitlines() == expected
    assert extract(html).splitlines() == expected


def test_markdown_escapes_and_snake_case_stay_literal():
    md = "Use 5 \\* 3 and my_var_name and \\_not em\\_ and 2 * 3 * 4."
    assert extract(md, filename="p.md") == "Use 5 * 3 and my_var_name and _not em_ and 2 * 3 * 4.\n"


def test_markdown_inline_html_and_entities_are_resolved():
    md = "AT&amp;T and caf&eacute;<br>next line with <span class=\"x\">span</span>."
    assert extract(md, filename="p.md").splitlines() == ["AT&T and café", "next line with span ."]


def test_markdown_fenced_code_keeps_its_lines():
    md = "Before\n\n```\n**not bold**\n  indented\n```\nAfter"
    assert extract(md, filename="p.md").splitlines() == ["Before", "**not bold**", "indented", "After"]


def test_markdown_thematic_breaks_and_blockquote_markers_go():
    md = "One\n\n---\n\n> Quoted text\n> continues\n\n***\n\nTwo"
    assert extract(md, filename="p.md").splitlines() == ["One", "Quoted text continues", "Two"]


# --- HTML: what is kept -------------------------------------------------------------------------

def test_html_prefers_main_and_drops_site_chrome():
    out = extract(fixture("policy_page.html"), "text/html")
    assert out.startswith("# Privacy Policy\n")
    for chrome in ("Pricing", "Sign in", "Skip to content", "All rights reserved", "Related", "Terms of Service"):
        assert chrome not in out


def test_html_keeps_the_articles_own_header_and_time_text():
    lines = extract(fixture("policy_page.html")).splitlines()
    assert lines[:2] == ["# Privacy Policy", "Last updated: March 1, 2024"]


def test_html_empty_time_shows_its_datetime():
    assert extract("<main><p>Updated <time datetime=\"2024-05-01\"></time>.</p></main>") == "Updated 2024-05-01.\n"


def test_html_drops_scripts_styles_noscript_templates_and_forms():
    html = ("<body><main><p>Policy text.</p><script>var secret = 1;</script><style>p{}</style>"
            "<noscript>Enable JS</noscript><template><p>tpl</p></template>"
            "<form><label>Email</label><input name=e><button>Go</button></form></main></body>")
    assert extract(html) == "Policy text.\n"


def test_html_drops_cookie_banners_but_keeps_a_cookies_section():
    out = extract(fixture("policy_page.html"))
    assert "We use cookies to make our site work" not in out
    assert "This site uses cookies." not in out
    assert "## Cookies" in out.splitlines()
    assert any(line.startswith("We use strictly necessary cookies") for line in out.splitlines())


def test_html_generic_consent_banner_with_accept_button_is_dropped():
    html = ("<body><div class='gdpr-popup'><p>We use cookies.</p><a href='#'>I agree</a></div>"
            "<p>Real policy paragraph.</p></body>")
    assert extract(html) == "Real policy paragraph.\n"


def test_html_consent_vendor_banner_inside_the_content_is_dropped():
    html = ("<main><p>Policy text.</p><div id='didomi-host'><p>We and our partners store data.</p>"
            "<span>Agree and close</span></div></main>")
    assert extract(html) == "Policy text.\n"


def test_html_hidden_elements_are_dropped():
    html = ("<body><p>Visible.</p><div style='display: none'>Menu</div><p hidden>Hidden attr</p>"
            "<span aria-hidden='true'>icon</span><span class='visually-hidden'>(new window)</span></body>")
    assert extract(html) == "Visible.\n"


def test_html_collapsed_panel_holding_policy_paragraphs_is_kept():
    out = extract(fixture("policy_page.html"))
    assert "California residents have the right to know" in out


def test_html_headings_map_to_atx_levels():
    html = "".join(f"<h{n}>Level {n}</h{n}>" for n in range(1, 7))
    assert extract(html).splitlines() == [f"{'#' * n} Level {n}" for n in range(1, 7)]


def test_html_role_heading_uses_aria_level():
    html = ("<main><div role='heading' aria-level='3'>Sharing</div><p>Body.</p>"
            "<span role='heading'>Default level</span></main>")
    assert extract(html).splitlines() == ["### Sharing", "Body.", "## Default level"]


def test_html_short_bold_paragraph_becomes_heading_below_the_last_heading():
    html = ("<main><h2>Use</h2><p><strong>Service providers</strong></p><p>We share.</p>"
            "<p><b>Note:</b> not a heading.</p>"
            "<p><b>This whole paragraph is bold but it is a sentence.</b></p></main>")
    assert extract(html).splitlines() == ["## Use", "### Service providers", "We share.",
                                          "Note: not a heading.",
                                          "This whole paragraph is bold but it is a sentence."]


def test_html_bold_line_before_br_becomes_heading():
    html = "<body><font><b>Data We Collect</b><br>We collect your name.<br><br><b>Retention</b><br>Kept 30 days.</font></body>"
    assert extract(html).splitlines() == ["## Data We Collect", "We collect your name.",
                                          "## Retention", "Kept 30 days."]


def test_html_data_table_becomes_rows_with_pipes():
    lines = extract(fixture("policy_page.html")).splitlines()
    i = lines.index("Data | Retention")
    assert lines[i + 1:i + 3] == ["Account data | Life of the account plus 30 days", "Usage logs | 13 months"]


def test_html_layout_table_is_unwrapped_into_paragraphs():
    html = ("<body><table><tr><td><h2>Privacy</h2><p>First paragraph.</p><p>Second paragraph.</p>"
            "</td></tr></table></body>")
    assert extract(html).splitlines() == ["## Privacy", "First paragraph.", "Second paragraph."]


def test_html_lists_drop_markers_including_ordered_numbers():
    html = "<main><ol><li>First</li><li>Second<ul><li>Nested</li></ul></li></ol></main>"
    assert extract(html).splitlines() == ["First", "Second", "Nested"]


def test_html_text_that_looks_like_markdown_stays_literal():
    html = "<main><p># not a heading</p><p>1. not a list</p><p>*not em* and [x](y) and a_b_c</p></main>"
    assert extract(html).splitlines() == ["# not a heading", "1. not a list", "*not em* and [x](y) and a_b_c"]


def test_html_without_main_uses_body_minus_chrome():
    html = ("<body><nav>Home About</nav><header>Site</header><div><h1>Policy</h1><p>Text.</p></div>"
            "<footer>Copyright</footer></body>")
    assert extract(html).splitlines() == ["# Policy", "Text."]


def test_html_section_header_is_content_not_chrome():
    html = ("<body><header>Site name</header><section><header><h2>Retention</h2></header>"
            "<p>Kept 30 days.</p></section></body>")
    assert extract(html).splitlines() == ["## Retention", "Kept 30 days."]


def test_html_deep_markup_within_the_nesting_budget_still_extracts():
    html = "<body>" + "<div>" * 450 + "<p>Deep policy text.</p>" + "</div>" * 450 + "</body>"
    assert extract(html) == "Deep policy text.\n"


def test_html_cloudflare_protected_email_is_decoded():
    address, key = "privacy@acme.example", 0x5A
    hexed = f"{key:02x}" + "".join(f"{ord(c) ^ key:02x}" for c in address)
    html = f'<p>Write to <a class="__cf_email__" data-cfemail="{hexed}">[email&#160;protected]</a>.</p>'
    assert extract(html) == f"Write to {address}.\n"


def test_html_wayback_toolbar_is_dropped():
    html = "<body><div id='wm-ipp-base'><p>Wayback Machine toolbar</p></div><main><p>Policy.</p></main></body>"
    assert extract(html) == "Policy.\n"


def test_html_small_article_does_not_hide_the_page_content():
    body = "<p>" + "Policy sentence about your data. " * 40 + "</p>"
    html = f"<body><article><p>Newsletter teaser.</p></article><div>{body}</div></body>"
    assert "Policy sentence about your data." in extract(html)


def test_html_page_wrapped_in_an_aspnet_form_keeps_its_content():
    body = "<p>" + "We process personal data lawfully. " * 80 + "</p>"
    html = f"<body><form id='aspnetForm' method='post'><input type='hidden' name='__VIEWSTATE'>{body}</form></body>"
    assert extract(html).startswith("We process personal data lawfully.")


def test_html_br_splits_lines_and_entities_decode():
    assert extract("<p>Acme&nbsp;Inc.<br>1&nbsp;Main&nbsp;St &amp; Co</p>") == "Acme Inc.\n1 Main St & Co\n"


# --- HTML: selectors ----------------------------------------------------------------------------

def test_selector_picks_the_policy_element():
    html = "<body><main><p>Wrong.</p></main><div class='legal' id='x'><h2>Policy</h2><p>Right.</p></div></body>"
    assert extract(html, selector="div.legal") == "## Policy\nRight.\n"


def test_selector_that_matches_nothing_raises_input_error():
    with pytest.raises(InputError, match="matches nothing") as err:
        extract("<body><p>Text.</p></body>", selector="#policy")
    assert "\n" not in str(err.value) and "selector" in str(err.value)


def test_invalid_selector_raises_input_error():
    with pytest.raises(InputError, match="not valid"):
        extract("<body><p>Text.</p></body>", selector="div[")


# --- encodings ----------------------------------------------------------------------------------

POLICY_1252 = "<html><body><p>\u201cWe\u201d won\u2019t sell data \u2014 caf\u00e9 na\u00efve \u20ac5.</p></body></html>"
EXPECTED_1252 = "\"We\" won't sell data \u2014 caf\u00e9 na\u00efve \u20ac5.\n"


def test_windows_1252_from_content_type_charset():
    assert extract(POLICY_1252.encode("cp1252"), "text/html; charset=windows-1252") == EXPECTED_1252


def test_latin1_label_decodes_as_windows_1252():
    assert extract(POLICY_1252.encode("cp1252"), "text/html; charset=ISO-8859-1") == EXPECTED_1252


def test_meta_charset_is_honoured():
    html = POLICY_1252.replace("<html>", "<html><head><meta charset=\"windows-1252\"></head>")
    assert extract(html.encode("cp1252"), "text/html") == EXPECTED_1252


def test_utf8_body_beats_a_wrong_latin1_header():
    assert extract(POLICY_1252.encode("utf-8"), "text/html; charset=iso-8859-1") == EXPECTED_1252


def test_undeclared_windows_1252_is_detected():
    text = ("Nous ne vendons pas vos donn\u00e9es personnelles. Vous pouvez acc\u00e9der \u00e0 vos donn\u00e9es, "
            "les rectifier ou demander leur effacement \u00e0 tout moment. " * 5)
    assert extract(text.encode("cp1252")) == extract(text)


def test_shift_jis_with_meta_charset():
    text = "\u500b\u4eba\u60c5\u5831\u306e\u53d6\u308a\u6271\u3044\u306b\u3064\u3044\u3066"
    html = f"<html><head><meta http-equiv='Content-Type' content='text/html; charset=Shift_JIS'></head><body><p>{text}</p></body></html>"
    assert extract(html.encode("shift_jis")) == text + "\n"


def test_undeclared_shift_jis_is_detected():
    text = ("\u5f53\u793e\u306f\u3001\u304a\u5ba2\u69d8\u306e\u500b\u4eba\u60c5\u5831\u3092\u9069\u5207\u306b"
            "\u7ba1\u7406\u3057\u3001\u7b2c\u4e09\u8005\u306b\u8ca9\u58f2\u3059\u308b\u3053\u3068\u306f"
            "\u3042\u308a\u307e\u305b\u3093\u3002\n") * 6
    assert extract(text.encode("shift_jis")) == extract(text)


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be", "utf-8-sig"])
def test_utf16_and_bom_inputs_decode(codec):
    text = "Privacy \u201cPolicy\u201d\nWe collect your e-mail address and your name.\n"
    assert extract(text.encode(codec)) == extract(text)


# --- PDF ----------------------------------------------------------------------------------------

def test_pdf_rebuilds_paragraphs_and_drops_running_headers_and_page_numbers():
    lines = extract(policy_pdf(45)).splitlines()
    expected = [text for page in POLICY_PARAGRAPHS for text in page]
    assert lines == expected


def test_pdf_rewrapped_at_another_width_extracts_identically():
    assert extract(policy_pdf(45)) == extract(policy_pdf(70))


def test_pdf_hyphenated_line_break_is_joined():
    pdf = make_pdf([["Retention", "",
                     "We keep account data for the life of the account and then it is anony-",
                     "mised or deleted so that nobody can recognise you from it afterwards, and",
                     "we keep server logs for thirteen months before they are deleted as well.", "",
                     "Contact us at any time with questions about this policy or your data."]])
    assert "it is anonymised or deleted" in extract(pdf)


def test_pdf_is_detected_by_content_not_name():
    assert detect_format(policy_pdf(60), "text/html", "policy.txt") == "pdf"


def test_pdf_without_text_raises_input_error():
    with pytest.raises(InputError, match="no extractable text"):
        extract(make_pdf([[], []]))


def test_corrupt_pdf_raises_input_error():
    with pytest.raises(InputError, match="PDF"):
        extract(b"%PDF-1.7\n1 0 obj << /Type /Catalog >> broken")


# --- detect_format ------------------------------------------------------------------------------

def test_html_is_detected_even_with_a_txt_name_and_text_plain():
    assert detect_format(fixture("policy_page.html"), "text/plain", "policy.txt") == "html"


def test_md_name_gives_markdown():
    assert detect_format(b"Just words.", None, "policy.md") == "markdown"


def test_markdown_is_sniffed_without_a_name(corpus):
    assert detect_format((corpus / "real-dev" / "10-github" / "old.md").read_bytes(), None, None) == "markdown"


def test_plain_text_seeds_are_text(corpus):
    for seed in sorted(corpus.glob("seeds/*.txt")):
        assert detect_format(seed.read_bytes(), None, None) == "text", seed.name
        assert detect_format(seed.read_bytes(), "text/plain", seed.name) == "text", seed.name


def test_html_named_md_is_still_html():
    assert detect_format(b"<!DOCTYPE html><html><body><p>x</p></body></html>", None, "x.md") == "html"


# --- bad input ----------------------------------------------------------------------------------

@pytest.mark.parametrize("body", [b"", "", b"  \n\t\r\n", "\n\n"])
def test_empty_input_raises_input_error(body):
    with pytest.raises(InputError, match="empty"):
        extract(body)


@pytest.mark.parametrize("body", [b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4,
                                  b"\x1f\x8b\x08\x00" + bytes(200),
                                  bytes(range(256)) * 20])
def test_binary_input_raises_input_error(body):
    with pytest.raises(InputError) as err:
        extract(body)
    assert "not" in str(err.value) and "\n" not in str(err.value)


def test_input_over_max_bytes_raises_input_error():
    with pytest.raises(InputError, match="over the 1,000-byte limit"):
        extract(b"x" * 1001, max_bytes=1000)


def test_html_without_any_text_raises_input_error():
    with pytest.raises(InputError, match="no text found"):
        extract("<html><head><script>app()</script></head><body><div id='root'></div></body></html>")


def test_error_messages_are_one_line_with_a_fix():
    for body, kwargs in [(b"", {}), (b"\x89PNG\r\n\x1a\n\x00", {}), (b"x" * 20, {"max_bytes": 10}),
                         ("<p>x</p>", {"selector": "nav"}), (make_pdf([[]]), {})]:
        with pytest.raises(InputError) as err:
            extract(body, **kwargs)
        message = str(err.value)
        assert "\n" not in message and ";" in message, message


# --- page_problem -------------------------------------------------------------------------------

@pytest.mark.parametrize("name,status,vendor", [
    ("cloudflare_challenge.html", 403, "Cloudflare"),
    ("cloudflare_attention.html", 403, "Cloudflare"),
    ("incapsula.html", 200, "Incapsula"),
    ("datadome.html", 403, "DataDome"),
    ("perimeterx.html", 403, "PerimeterX"),
])
def test_bot_challenges_are_named(name, status, vendor):
    reason = page_problem(fixture(name), "text/html; charset=utf-8", status)
    assert reason and reason.startswith("bot challenge") and vendor in reason


def test_challenge_served_with_200_is_still_a_challenge():
    assert page_problem(fixture("cloudflare_challenge.html"), "text/html", 200) == "bot challenge (Cloudflare)"


def test_login_wall_is_reported():
    assert page_problem(fixture("login_wall.html"), "text/html", 200) == "login wall"


def test_cookie_wall_is_reported():
    assert page_problem(fixture("cookie_wall.html"), "text/html", 200) == "cookie wall"


def test_soft_404_page_is_reported():
    reason = page_problem(fixture("soft_404.html"), "text/html", 200)
    assert reason and reason.startswith("soft error page")


def test_javascript_shell_is_reported():
    assert "JavaScript" in page_problem(fixture("spa_shell.html"), "text/html", 200)


@pytest.mark.parametrize("body", [b"", b"   \n", b"<html><head><title></title></head><body> </body></html>"])
def test_empty_page_is_reported(body):
    assert page_problem(body, "text/html", 200) == "empty page"


def test_http_error_status_is_reported():
    assert page_problem(b"<html><body><p>Internal error</p></body></html>", "text/html", 500) == "HTTP 500 error"


def test_real_policy_with_protection_scripts_and_banner_is_fine():
    assert page_problem(fixture("policy_page.html"), "text/html; charset=utf-8", 200) is None


def test_short_plain_policy_is_fine():
    assert page_problem(b"Privacy Policy\nWe collect your e-mail address to send receipts.\n", "text/plain", 200) is None


def test_pdf_policy_is_fine_and_textless_pdf_is_reported():
    assert page_problem(policy_pdf(60), "application/pdf", 200) is None
    assert "no extractable text" in page_problem(make_pdf([[]]), "application/pdf", 200)


def test_binary_page_is_reported():
    assert "binary" in page_problem(b"\x89PNG\r\n\x1a\n" + bytes(100), "image/png", 200)


# --- speed --------------------------------------------------------------------------------------

def test_50kb_html_page_extracts_well_under_100ms():
    section = (fixture("policy_page.html").decode("utf-8").split("<main id=\"content\">")[1]
               .split("</main>")[0])
    repeats = 50 * 1024 // len(section.encode("utf-8"))
    body = ("<html><body><nav>menu</nav><main>" + section * repeats + "</main></body></html>").encode("utf-8")
    assert 45_000 < len(body) <= 52_000
    timings = []
    for _ in range(5):
        start = time.perf_counter()
        extract(body, "text/html")
        timings.append(time.perf_counter() - start)
    assert min(timings) < 0.1


def test_a_short_text_keeps_its_lines():
    text = "Privacy Policy\nIntro text here.\nYour Rights\nYou have the right to access, correct, delete and port your data.\n"
    assert extract(text, filename="p.txt").splitlines() == text.splitlines()
