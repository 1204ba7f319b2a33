"""Passage Markdown as one Rich `Text`, quickly: the prose the game screen shows.

The main design decision: a small reader of the Markdown that passages use (paragraphs,
soft and hard line breaks, `*emphasis*`, `**strong**`, headings, block quotes, list
items, thematic breaks, inline code, links, backslash escapes), not Rich's `Markdown`.
A single `Text` is what Textual draws fastest (it wraps it natively, without rendering
it through a console twice), and it spares the markdown-it and Pygments imports and
their memory: a key press has about 50 ms to paint the next passage. Square brackets
that are not links stay exactly as written (`[red]`, `[0]`): nothing here reads
terminal markup.
"""

from __future__ import annotations

import re

from rich.text import Text

#: What a thematic break (`---`) shows.
BREAK_MARK = "*   *   *"

_ATX = re.compile(r" {0,3}(#{1,6})[ \t]+(.*?)[ \t#]*\Z")
_THEMATIC = re.compile(r" {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*\Z")
_QUOTE = re.compile(r" {0,3}> ?(.*)\Z")
_ITEM = re.compile(r" {0,3}([-*+]|\d{1,9}[.)])[ \t]+(.*)\Z")
_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")
_CODE_SPAN = re.compile(r"(`+).+?\1")
_SPACES = re.compile(r"[ \t]{2,}")

# Inline forms, tried left to right; the first to match at a position wins.
_INLINE = re.compile(
    r"\\(?P<escaped>[!-/:-@\[-`{-~])"
    r"|(?P<ticks>`+)(?P<code>.+?)(?P=ticks)"
    r"|\[(?P<label>[^\[\]]+)\]\((?P<url>[^()\s]*)\)"
    r"|(?P<s3>\*\*\*)(?=\S)(?P<both>.+?)(?<=\S)\*\*\*"
    r"|(?P<s2>\*\*)(?=\S)(?P<strong>.+?)(?<=\S)\*\*"
    r"|(?<!\w)__(?=\S)(?P<ustrong>.+?)(?<=\S)__(?!\w)"
    r"|\*(?=[^\s*])(?P<em>.+?)(?<=[^\s*])\*"
    r"|(?<!\w)_(?=[^\s_])(?P<uem>.+?)(?<=[^\s_])_(?!\w)",
    re.S,
)


def collapse_spaces(markdown: str) -> str:
    """Runs of spaces inside prose lines made one space: a text alternative that came
    out empty leaves "latch.   Done." behind, and that is not the author's spacing.

    Code is never touched: fenced blocks, lines indented four columns or more (which
    may be an indented code block) and inline code spans keep every space. A line's
    leading indent and its trailing spaces (a hard break) stay as they are.
    """
    lines = markdown.split("\n")
    fence = ""
    for number, line in enumerate(lines):
        opening = _FENCE.match(line)
        if fence:
            if opening and opening.group(1)[0] == fence[0] and len(opening.group(1)) >= len(
                    fence) and not line.strip().strip(fence[0]):
                fence = ""
            continue
        if opening:
            fence = opening.group(1)
            continue
        if line.startswith(("    ", "\t")) or "  " not in line.strip():
            continue
        body = line.strip(" \t")
        indent = line[:len(line) - len(line.lstrip(" \t"))]
        trailing = line[len(line.rstrip(" \t")):]
        pieces, position = [], 0
        for span in _CODE_SPAN.finditer(body):
            pieces.append(_SPACES.sub(" ", body[position:span.start()]))
            pieces.append(span.group())
            position = span.end()
        pieces.append(_SPACES.sub(" ", body[position:]))
        lines[number] = indent + "".join(pieces) + trailing
    return "\n".join(lines)


def prose(markdown: str, width: int = 72) -> Text:
    """A passage's Markdown as one `Text`, paragraphs separated by a blank line.

    Args:
        markdown: the rendered passage (story text after its expressions ran).
        width: the column width the text will be shown in (to centre a break mark).
    """
    out = Text()
    blocks = _blocks(collapse_spaces(markdown).splitlines())
    for index, (kind, lines) in enumerate(blocks):
        if index:
            out.append("\n\n")
        if kind == "break":
            out.append(BREAK_MARK.center(max(width, len(BREAK_MARK))).rstrip(), style="dim")
        elif kind == "heading":
            inline(out, lines[0], "bold")
        elif kind == "quote":
            out.append("  ")
            inline(out, _joined(lines), "italic")
        elif kind == "item":
            for number, line in enumerate(lines):
                if number:
                    out.append("\n")
                marker, body = line
                out.append(f"  {'•' if marker in '-*+' else marker} ")
                inline(out, body)
        else:
            inline(out, _joined(lines))
    return out


def _blocks(lines: list[str]) -> list[tuple[str, list]]:
    """The passage's blocks: ("paragraph" | "heading" | "quote" | "break", lines), and
    ("item", [(marker, text), ...]) for a run of list items."""
    blocks: list[tuple[str, list]] = []
    open_kind = ""
    for line in lines:
        if not line.strip():
            open_kind = ""
            continue
        if _THEMATIC.match(line):
            blocks.append(("break", []))
            open_kind = ""
        elif heading := _ATX.match(line):
            blocks.append(("heading", [heading.group(2)]))
            open_kind = ""
        elif quote := _QUOTE.match(line):
            if open_kind != "quote":
                blocks.append(("quote", []))
            blocks[-1][1].append(quote.group(1))
            open_kind = "quote"
        elif item := _ITEM.match(line):
            if open_kind != "item":
                blocks.append(("item", []))
            blocks[-1][1].append((item.group(1), item.group(2)))
            open_kind = "item"
        elif open_kind == "item":  # a continuation line of the last item
            marker, body = blocks[-1][1][-1]
            blocks[-1][1][-1] = (marker, f"{body} {line.strip()}")
        else:
            if open_kind != "paragraph":
                blocks.append(("paragraph", []))
            blocks[-1][1].append(line)
            open_kind = "paragraph"
    return blocks


def _joined(lines: list[str]) -> str:
    """Lines of one paragraph: soft breaks become spaces, hard breaks (two trailing
    spaces or a backslash) stay line breaks."""
    parts = []
    for number, line in enumerate(lines):
        last = number == len(lines) - 1
        if not last and (line.endswith("  ") or line.endswith("\\")):
            parts.append(line.rstrip(" \\") + "\n")
        else:
            parts.append(line.strip() + ("" if last else " "))
    return "".join(parts).strip(" ")


def inline(out: Text, source: str, style: str = "") -> None:
    """Append `source`'s inline Markdown to `out`, each piece in `style` plus its own."""
    position = 0
    for match in _INLINE.finditer(source):
        if match.start() > position:
            out.append(source[position:match.start()], style)
        position = match.end()
        group = match.lastgroup
        value = match.group(group)
        if group == "escaped":
            out.append(value, style)
        elif match.group("code") is not None:
            out.append(match.group("code"), f"{style} bold".strip())
        elif match.group("label") is not None:
            inline(out, match.group("label"), f"{style} underline".strip())
        elif match.group("both") is not None:
            inline(out, match.group("both"), f"{style} bold italic".strip())
        elif match.group("strong") is not None or match.group("ustrong") is not None:
            inline(out, match.group("strong") or match.group("ustrong"),
                   f"{style} bold".strip())
        else:
            inline(out, match.group("em") or match.group("uem"), f"{style} italic".strip())
    if position < len(source):
        out.append(source[position:], style)
