"""``markup.literal``: any text shows as itself in Streamlit's Markdown (labels, alerts, toasts).

What Streamlit 1.67 acts on was read from its frontend (StreamlitMarkdown): CommonMark and GFM,
``$`` math (loaded only when the source has an unescaped ``$...$``), ``:name[...]`` directives,
``:material_x:`` and ``:streamlit:`` icons and remark-emoji (loaded only when the source matches its
shortcode test), and " -> " style arrows. The regular expressions below are Streamlit's own, so a
test fails if escaped text would still trigger them. The real browser check is
tests/browser/test_security_browser.py.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from canvas.ui.markup import WORD_JOINER, literal
from tests.support import shown

# Streamlit 1.67's own tests of a Markdown source (StreamlitMarkdown.js: hm, and bm with gm/_m/vm).
EMOJI_NEEDED = re.compile(r":(?!material/|streamlit:)[\w+-][\w_+-]*:", re.ASCII)
MATH_IGNORED = re.compile(r"(?m:^) {0,3}(`{3,}|~{3,})[\s\S]*?(?:\n[ \t]*\1|$)|(?<!`)(`+)[^`\n]+\2(?!`)|\\[\\$`]")
MATH_BLOCK = re.compile(r"(?<!\$)\$\$+(?!\$)[\s\S]*?\$\$")
MATH_INLINE = re.compile(r"(?<!\$)\$(?![\s$])[^$\n]*?[^\s$]\$(?!\d)")
# Applied by Streamlit to the text after escapes are resolved.
ICON = re.compile(r":material_(\w+):|:streamlit:", re.ASCII)
ARROWS = re.compile(r"(^|\s)(<->|->|<-|--|>=|<=|~=)(\s|$)")
AUTOLINK = re.compile(r"(https?://|www(?=\.))([-.\w]+)|([-.\w+]+)@([-\w]+(?:\.[-\w]+)+)", re.ASCII | re.IGNORECASE)
PUNCTUATION = set("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")

HOSTILE = [
    '<img src=https://evil.example/x.png>',
    "<script>alert(1)</script>",
    "![x](https://evil.example/i.png)",
    "[click](https://evil.example)",
    "https://evil.example and www.evil.example and ana@evil.example",
    "$\\frac{1}{2}$ and $$x^2$$",
    ":red[alert] :help[tip] :color[x]{foreground=red} :blue-badge[b]",
    ":smile: :material/home: :material_home: :streamlit:",
    "**bold** _it_ ~~gone~~ `code`",
    "# Heading\n> quote\n- item\n1. first\n    indented code\n---\n| a | b |\n|---|---|",
    "a -> b <- c <-> d -- e >= f <= g ~= h",
    "back\\slash \\* \\\\ and &amp; &#60; entities",
    '<a href="https://evil.example">x</a><b>B</b><span style="color:red">s</span>',
]


def math_needed(source: str) -> bool:
    """Streamlit's test for loading KaTeX, ported from its frontend."""
    if "$" not in source:
        return False
    plain = MATH_IGNORED.sub("_", source)
    return bool(MATH_BLOCK.search(plain) or MATH_INLINE.search(plain))


def as_seen(text: str) -> str:
    """What the browser shows of ``text``: line breaks kept (one for a run), ends trimmed (and word
    joiners, invisible, left out as ``shown`` does)."""
    return re.sub(r"\s*[\r\n]\s*", "\n", text.strip()).replace(WORD_JOINER, "")


def unescaped_punctuation(source: str) -> list[str]:
    """ASCII punctuation in ``source`` that no backslash escapes (what Markdown would act on)."""
    found, i = [], 0
    while i < len(source):
        if source[i] == "\\" and i + 1 < len(source) and (source[i + 1] in PUNCTUATION or source[i + 1] == "\n"):
            i += 2
            continue
        if source[i] in PUNCTUATION:
            found.append(source[i])
        i += 1
    return found


def check_inert(text: str) -> None:
    source = literal(text)
    assert unescaped_punctuation(source) == []
    assert not EMOJI_NEEDED.search(source)  # remark-emoji is not even loaded
    assert not math_needed(source)  # nor KaTeX
    assert ":material/" not in source  # Streamlit's own rewrite to :material_ finds nothing
    text_nodes = re.sub(r"\\([!-/:-@\[-`{-~\n])", r"\1", source)  # escapes resolved, word joiners kept
    assert not ICON.search(text_nodes) and not ARROWS.search(text_nodes) and not AUTOLINK.search(text_nodes)
    for line in source.split("\\\n") if source else []:
        assert line == line.strip() and line  # no indented code, no empty line ending a paragraph


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_is_inert_and_shows_as_typed(text):
    check_inert(text)
    assert shown(literal(text)) == as_seen(text)


@given(st.text())
@settings(max_examples=400, deadline=None)
def test_any_text_is_inert_and_shows_as_typed(text):
    check_inert(text)
    assert shown(literal(text)) == as_seen(text)


@given(st.text(alphabet=st.sampled_from(sorted(PUNCTUATION) + list(" \n:$-<>=~abc_")), max_size=40))
@settings(max_examples=400, deadline=None)
def test_dense_markdown_punctuation_is_inert(text):
    check_inert(text)
    assert shown(literal(text)) == as_seen(text)


def test_exact_forms():
    assert literal("[click](https://evil.example)") == (
        "\\[click\\]\\(https\\:" + WORD_JOINER + "\\/\\/evil\\.example\\)")
    assert literal("www.x.org ana@x.org") == "www" + WORD_JOINER + "\\.x\\.org ana\\@" + WORD_JOINER + "x\\.org"
    assert literal("$5 off") == r"\$5 off"
    assert literal(":smile:") == "\\:" + WORD_JOINER + "smile\\:"
    assert literal("a -> b") == "a \\-" + WORD_JOINER + "\\> b"
    assert literal("a->b") == r"a\-\>b"  # Streamlit draws an arrow only between spaces
    assert literal("one\n\n  two\n") == "one\\\ntwo"


def test_plain_words_pass_unchanged():
    assert literal("Note saved") == "Note saved"
    assert literal("Zoë à Ærø 東京") == "Zoë à Ærø 東京"
    assert literal("") == ""


def test_it_is_applied_once_a_second_pass_would_show_the_backslashes():
    """Not idempotent by nature: literal(text) is itself text that shows backslashes. So exactly one
    place applies it (the message and label helpers), and the text given to them is plain."""
    assert shown(literal(literal("**x**"))) == r"\*\*x\*\*"
    assert shown(literal(literal("plain words"))) == "plain words"  # harmless only without punctuation
