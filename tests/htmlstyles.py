"""Policies as HTML in many styles of markup, for tests that compare the two HTML readers
(test_lxmlpage) and the backfill's stored history (test_backfill_history)."""
from __future__ import annotations

import html
import random
import re

_INLINE = ["b", "strong", "i", "em", "code", "kbd", "samp", "a", "span", "q", "sub", "sup", "del", "s", "u",
           "mark", "abbr", "small", "cite", "time", "label", "font", "custom-tag", "img"]
_SPACE = [" ", "  ", "\t", "\n", "\r\n", "\xa0", "\u2003", " \n  ", "\x0c", ""]
_ENTITIES = ["&amp;", "&nbsp;", "&#8217;", "&lt;", "&gt;", "&quot;", "&#x2014;", "&copy;", "&hellip;", "&#160;"]


_HEADING_STYLES = ['<div role="heading" aria-level="{odd_level}">{inner}</div>', "<p><strong>{plain}</strong></p>",
                   "<p><b>{plain}</b>{space}</p>", "<dt>{inner}</dt>", "<h{level}{attr}>{space}{inner}{space2}</h{level}>"]
_PARAGRAPH_STYLES = ["<div>{inner}</div>", "{inner}<br>", "<dd>{inner}</dd>", "<blockquote><p>{inner}</p></blockquote>",
                     "<section><p>{inner}</p></section>", "<p>{space}{inner}{space2}</p>"]


# What holds the content: a main, one of two articles, role=main, a layout table, an ASP.NET form,
# a wrapper whose class says consent; or nothing (the remaining draws).
_WRAPPERS = ["<main>{}</main>", "<article>{}</article><article><p>Other article</p></article>",
             '<div role="main">{}</div>', '<table><tr><td>{}</td><td><a href="/">Side</a></td></tr></table>',
             '<form id="aspnetForm">{}</form>', "<div class='cookie-consent-wrapper'><div>{}</div></div>"]


class Renderer:
    """A policy's lines as HTML, in markup chosen at random (seeded, so a failure repeats)."""

    def __init__(self, rng: random.Random):
        self.rng = rng

    def pick(self, *options, p: float = 0.5):
        return self.rng.choice(options) if self.rng.random() < p else options[0]

    def space(self) -> str:
        return self.rng.choice(_SPACE) if self.rng.random() < 0.3 else ""

    def inline(self, text: str) -> str:
        """Escape the text, then wrap a few words in inline elements, add entities and odd spaces."""
        words = html.escape(text, quote=False).split(" ")
        for _ in range(self.rng.randrange(4)):
            if len(words) < 2:
                break
            i = self.rng.randrange(len(words))
            j = min(len(words), i + 1 + self.rng.randrange(4))
            tag = self.rng.choice(_INLINE)
            inner = " ".join(words[i:j])
            if tag == "a":
                words[i:j] = [f'<a href="https://example.test/{i}">{inner}</a>']
            elif tag == "img":
                words[i:j] = [inner + f' <img src="/x{i}.png" alt="icon {i}">']
            elif tag == "time":
                words[i:j] = [f'<time datetime="2024-0{1 + i % 9}-01">{inner if self.rng.random() < 0.5 else ""}</time>']
            else:
                words[i:j] = [f"<{tag}>{self.space()}{inner}{self.space()}</{tag}>"]
        if self.rng.random() < 0.3:
            words.insert(self.rng.randrange(len(words) + 1), self.rng.choice(_ENTITIES))
        if self.rng.random() < 0.15:
            words.insert(self.rng.randrange(len(words) + 1), "<!-- a comment -->")
        if self.rng.random() < 0.1:
            words.insert(self.rng.randrange(len(words) + 1), "<br>")
        if self.rng.random() < 0.05:
            words.insert(self.rng.randrange(len(words) + 1),
                         '<span class="__cf_email__" data-cfemail="422b2c242d02273a232f322e276c212d2f">[email protected]</span>')
        return "".join(w + (self.rng.choice(_SPACE[:6]) or " ") for w in words).rstrip()

    def styled(self, styles: list[str], text: str, **fields) -> str:
        """`text` in one of `styles`, the last (the plain element) as likely as all others."""
        style = styles[min(self.rng.randrange(2 * len(styles) - 2), len(styles) - 1)]
        return style.format(inner=self.inline(text), plain=html.escape(text), space=self.space(),
                            space2=self.space(), **fields)

    def heading(self, level: int, text: str) -> str:
        return self.styled(_HEADING_STYLES, text, level=level, odd_level=self.rng.choice([level, "x", "", 9]),
                           attr=self.pick("", " id=s1", " class=title"))

    def paragraph(self, text: str) -> str:
        return self.styled(_PARAGRAPH_STYLES, text)

    def items(self, items: list[str]) -> str:
        tag = self.pick("ul", "ol", p=0.4)
        start = f' start="{self.rng.choice(["3", "x", "0"])}"' if tag == "ol" and self.rng.random() < 0.3 else ""
        out = [f"<{tag}{start}>"]
        for n, item in enumerate(items):
            inner = self.inline(item)
            if self.rng.random() < 0.15:
                inner = f"<p>{inner}</p>"
            if n and self.rng.random() < 0.1:
                inner += f"<ul><li>{self.inline(item[:40])}</li><li>{self.space()}</li></ul>"
            out.append(f"{self.space()}<li>{inner}</li>")
        out.append(f"</{tag}>")
        return self.space().join(out)

    def table(self, rows: list[list[str]]) -> str:
        layout = self.rng.random() < 0.2
        head = rows and self.rng.random() < 0.5
        out = [f"<table{self.pick('', ' role=presentation', ' class=data', p=0.2)}>"]
        if self.rng.random() < 0.2:
            out.append(f"<caption>{self.inline('Table of data we keep')}</caption>")
        for n, cells in enumerate(rows):
            tag = "th" if head and n == 0 else "td"
            if layout:
                cells = [" ".join(cells)]
            cols = "".join(f"<{tag}{self.pick('', ' colspan=2', p=0.1)}>{self.space()}{self.cell(c)}</{tag}>"
                           for c in cells)
            out.append(f"<tr>{cols}</tr>")
        out.append("</table>")
        return self.space().join(out)

    def cell(self, text: str) -> str:
        if self.rng.random() < 0.1 and ";" not in text:
            return "<ul>" + "".join(f"<li>{self.inline(part)}</li>" for part in text.split(",")) + "</ul>"
        if self.rng.random() < 0.05:
            return f"<h3>{self.inline(text)}</h3>"
        return self.inline(text)

    def blocks(self, lines: list[str]) -> list[str]:
        out, i = [], 0
        while i < len(lines):
            line = lines[i].strip()
            i += 1
            if not line:
                continue
            if line.startswith("|"):
                rows = [line]
                while i < len(lines) and lines[i].strip().startswith("|"):
                    rows.append(lines[i].strip())
                    i += 1
                cells = [[c.strip() for c in r.strip("|").split("|")] for r in rows if not set(r) <= set("|-: ")]
                out.append(self.table(cells))
            elif re.match(r"[-*+] |\d+[.)] ", line):
                items = [re.sub(r"^([-*+]|\d+[.)]) ", "", line)]
                while i < len(lines) and re.match(r"\s*([-*+]|\d+[.)]) ", lines[i]):
                    items.append(re.sub(r"^\s*([-*+]|\d+[.)]) ", "", lines[i]))
                    i += 1
                out.append(self.items(items))
            elif line.startswith("#"):
                level = min(6, len(line) - len(line.lstrip("#")))
                out.append(self.heading(level, line.lstrip("#").strip()))
            else:
                out.append(self.paragraph(line))
        return out

    def chrome(self) -> list[str]:
        """Site chrome the readers drop, or keep when it holds policy text."""
        options = [
            '<nav><ul><li><a href="/">Home</a></li><li><a href="/about">About</a></li></ul></nav>',
            '<header><a href="/">ACME</a> <button>Menu</button></header>',
            '<footer><p>&copy; 2024 ACME Inc. All rights reserved.</p></footer>',
            '<div id="cookie-banner"><p>We use cookies.</p><button>Accept</button></div>',
            '<div class="onetrust-banner-sdk"><p>Cookie preferences</p><a href="#">Manage settings</a></div>',
            '<div class="consent-notice">We value your privacy. <a href="#">Got it</a></div>',
            '<div style="display: none"><p>Hidden menu</p></div>',
            '<div hidden><p>' + "A collapsed accordion panel of the policy with a real paragraph in it. " * 2 + '</p></div>',
            '<div hidden="until-found"><p>Found by search</p></div>',
            '<span class="sr-only">Skip to content</span>',
            '<span aria-hidden="true">★</span>',
            '<aside>Related links</aside>',
            '<form action="/search"><input name="q" value="Search"><button>Go</button></form>',
            '<script>var x = "<p>not text</p>";</script>',
            '<style>p { color: red }</style>',
            '<noscript>Please enable JavaScript</noscript>',
            '<iframe src="/ad"></iframe>',
            '<div role="navigation">Breadcrumbs</div>',
            '<div id="wm-ipp-base">Wayback toolbar</div>',
            '<hr>',
            '<figure><img src="/a.png"><figcaption>A figure</figcaption></figure>',
            '<dl><dt>Term</dt><dd>Definition of the term.</dd></dl>',
            '<p><q>Quoted</q> and <code>`ticked`</code> and <sub>low</sub></p>',
            '<template><p>Template text</p></template>',
            '<pre>  preformatted\n  text</pre>',
            '<ruby>漢<rt>kan</rt></ruby>',
            '<div class="cookie-policy-table"><h2>Cookies we use</h2><p>Session cookies.</p></div>',
            '<section><header><h2>Section title</h2><time datetime="2024-05-01"></time></header><p>Text.</p>'
            '<footer>Section footer</footer></section>',
        ]
        return [self.rng.choice(options) for _ in range(self.rng.randrange(5))]

    def page(self, lines: list[str]) -> str:
        blocks = self.blocks(lines)
        for extra in self.chrome():
            blocks.insert(self.rng.randrange(len(blocks) + 1), extra)
        sep = self.rng.choice(["", "\n", "\n  ", " "])
        content = sep.join(blocks)
        wrapper = self.rng.randrange(len(_WRAPPERS) + 2)
        if wrapper < len(_WRAPPERS):
            content = _WRAPPERS[wrapper].format(content)
        top = "".join(self.chrome()[:2])
        title = f"<title>{html.escape(lines[0][:60]) if lines else ''}</title>" if self.rng.random() < 0.8 else ""
        return (f"<!DOCTYPE html>{sep}<html lang=en><head><meta charset=utf-8>{title}</head>{sep}"
                f"<body{self.pick('', ' class=page')}>{sep}{top}{sep}{content}{sep}</body></html>")


def rendered_pages(texts: list[tuple[str, str]], per_text: int) -> list[tuple[str, str]]:
    pages = []
    for name, text in texts:
        rng = random.Random(name)
        lines = text.splitlines()
        renderer = Renderer(rng)
        pages.append((f"{name} whole", renderer.page(lines)))
        for n in range(per_text):
            start = rng.randrange(max(1, len(lines)))
            pages.append((f"{name} #{n}", renderer.page(lines[start:start + rng.randrange(1, 30)])))
    return pages
