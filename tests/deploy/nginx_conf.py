"""A small reader of nginx configuration files, enough to check deploy/nginx.conf in tests.

nginx's syntax is directives ending in ``;`` and blocks in braces, with ``#`` comments and quoted
strings; this turns a file into nested ``Directive``s so a test can ask "which servers does the
upstream list" instead of searching the text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

_TOKEN = re.compile(r"""\s+|\#[^\n]*|"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'|([{};])|([^\s{};"'#]+)""")


@dataclass
class Directive:
    name: str
    args: list[str]
    block: list[Directive] | None = field(default=None)

    def children(self, name: str) -> list[Directive]:
        return [d for d in self.block or [] if d.name == name]

    def child(self, name: str) -> Directive:
        found = self.children(name)
        assert len(found) == 1, f"expected one {name!r} in {self.name} {' '.join(self.args)}, found {len(found)}"
        return found[0]

    def walk(self) -> Iterator[Directive]:
        for item in self.block or []:
            yield item
            yield from item.walk()


def _tokens(text: str) -> Iterator[str]:
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:
            raise ValueError(f"cannot read nginx configuration at {text[position:position + 30]!r}")
        position = match.end()
        double, single, punctuation, word = match.groups()
        if double is not None or single is not None:
            yield double if double is not None else single
        elif punctuation or word:
            yield punctuation or word


def parse(text: str) -> Directive:
    """The file as one root block whose children are its top-level directives."""
    root = Directive("", [], [])
    stack = [root]
    words: list[str] = []
    for token in _tokens(text):
        if token == ";":
            stack[-1].block.append(Directive(words[0], words[1:]))  # type: ignore[union-attr]
            words = []
        elif token == "{":
            block = Directive(words[0], words[1:], [])
            stack[-1].block.append(block)  # type: ignore[union-attr]
            stack.append(block)
            words = []
        elif token == "}":
            if words or len(stack) == 1:
                raise ValueError("unbalanced braces or a directive without ';'")
            stack.pop()
        else:
            words.append(token)
    if words or len(stack) != 1:
        raise ValueError("the configuration ends inside a directive or block")
    return root
