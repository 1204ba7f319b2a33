"""Markdown reduced to clean wrapped plain text, for screen readers and pipes.

The plain line mode shows passages through this module: paragraphs wrapped to the
terminal width and separated by one blank line, soft line breaks joined, emphasis
markers dropped, headings as their own line, list items with a hanging indent, block
quotes indented, a thematic break as a centred `*  *  *`, inline code as its text, links
as `text (url)`. It writes no box drawing and no escape codes, and square brackets that
are not links stay exactly as written (`[sic]`, `[0]`).

The main design decision: a small line-based reader of the Markdown that stories use,
not a full CommonMark parser. Importing markdown-it costs tens of milliseconds the plain
mode's start-up cannot spare, and prose passages need only the common block and inline
forms. It follows CommonMark where the two could disagree visibly (a `---` right under a
paragraph line makes that line a heading; `_` inside a word is not emphasis; a
backslash before punctuation makes it literal). Code blocks are kept verbatim, indented.
Tables, HTML and reference-style links are passed through as written.
"""

from __future__ import annotations

import re
import textwrap

#: Indent of block quotes and code blocks.
QUOTE_INDENT = "    "
#: What a thematic break (`---`, `***`, `___`) shows, centred.
BREAK_MARK = "*  *  *"

_ATX = re.compile(r" {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*\Z")
_THEMATIC = re.compile(r" {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*\Z")
_SETEXT = re.compile(r" {0,3}(=+|-+)[ \t]*\Z")
_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")
_BULLET = re.compile(r"( {0,3})([-*+])([ \t]+|\Z)")
_ORDERED = re.compile(r"( {0,3})(\d{1,9})([.)])([ \t]+|\Z)")
_QUOTE = re.compile(r" {0,3}> ?")

_CODE_SPAN = re.compile(r"(`+)(?!`)(.+?)(?<!`)\1(?!`)", re.S)
_IMAGE_OR_LINK = re.compile(
    r"(!?)\[([^\[\]]*)\]"  # ![alt] or [text]
    r"\(\s*<?([^\s()<>]*)>?(?:\s+(?:\"[^\"]*\"|'[^']*'))?\s*\)"  # (url "title")
)
_AUTOLINK = re.compile(r"<((?:https?|ftp|mailto):[^\s<>]*|[^\s<>@]+@[^\s<>@]+\.[^\s<>@]+)>")
_STAR = re.compile(r"(\*{1,3})(?=[^\s*])(.+?)(?<=[^\s*])\1(?!\*)", re.S)
_UNDERSCORE = re.compile(r"(?<![\w_])(_{1,3})(?=[^\s_])(.+?)(?<=[^\s_])\1(?![\w_])", re.S)
_STRIKE = re.compile(r"~~(?=\S)(.+?)(?<=\S)~~", re.S)
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_SPACES = re.compile(r"[ \t\r\n]+")
# Placeholders for text that later inline passes must not touch (code, escapes).
_HOLD = re.compile("\x00(\\d+)\x00")


def to_plain(markdown: str, width: int) -> str:
    """Markdown as plain text wrapped to `width` columns.

    Args:
        markdown: the passage, as rendered by `Text.render`.
        width: the column to wrap at; 0 or less means do not wrap.

    Returns:
        the blocks separated by one blank line, with no trailing newline.
    """
    return "\n\n".join(_blocks(markdown.expandtabs(4).split("\n"), width))


def inline_plain(markdown: str) -> str:
    """One line of inline Markdown as plain text (emphasis, code, links), unwrapped."""
    return _SPACES.sub(" ", _inline(markdown)).strip()


def _wrap(text: str, width: int, first: str = "", rest: str = "") -> str:
    text = _SPACES.sub(" ", text).strip()
    if width <= 0:
        return first + text
    return textwrap.fill(
        text,
        width,
        initial_indent=first,
        subsequent_indent=rest,
        break_long_words=False,
        break_on_hyphens=False,
    )


def _narrower(width: int, by: int) -> int:
    """The width left inside an indent of `by` columns (at least 1; 0 stays "no wrap")."""
    return max(width - by, 1) if width > 0 else 0


def _indent(text: str, first: str, rest: str) -> str:
    lines = text.split("\n")
    lines[0] = (first + lines[0]).rstrip()  # the label shows even on an empty first line
    return "\n".join([lines[0]] + [rest + line if line else "" for line in lines[1:]])


def _blank(line: str) -> bool:
    return not line.strip()


def _interrupts(line: str) -> bool:
    """Whether `line` starts a block that ends a paragraph."""
    if _ATX.match(line) or _THEMATIC.match(line) or _FENCE.match(line) or _QUOTE.match(line):
        return True
    bullet = _BULLET.match(line)
    if bullet:
        return bool(line[bullet.end() :].strip())
    ordered = _ORDERED.match(line)
    return bool(ordered and ordered.group(2) == "1" and line[ordered.end() :].strip())


def _blocks(lines: list[str], width: int) -> list[str]:
    """Each block of `lines` rendered, in order."""
    out: list[str] = []
    i, count = 0, len(lines)
    while i < count:
        line = lines[i]
        if _blank(line):
            i += 1
            continue
        fence = _FENCE.match(line)
        if fence:
            i = _fenced(lines, i, fence.group(1), out)
            continue
        if len(line) - len(line.lstrip(" ")) >= 4:
            i = _indented_code(lines, i, out)
            continue
        heading = _ATX.match(line)
        if heading:
            out.append(_wrap(_inline(heading.group(2) or ""), width))
            i += 1
            continue
        if _THEMATIC.match(line):
            out.append(BREAK_MARK.center(width).rstrip() if width > 0 else BREAK_MARK)
            i += 1
            continue
        if _QUOTE.match(line):
            i = _quote(lines, i, width, out)
            continue
        if _BULLET.match(line) or _ORDERED.match(line):
            i = _list(lines, i, width, out)
            continue
        i = _paragraph(lines, i, width, out)
    return [block for block in out if block]


def _fenced(lines: list[str], i: int, fence: str, out: list[str]) -> int:
    body: list[str] = []
    i += 1
    while i < len(lines):
        stripped = lines[i].strip()
        if stripped.startswith(fence[0] * len(fence)) and not stripped.strip(fence[0]):
            i += 1
            break
        body.append(lines[i])
        i += 1
    out.append("\n".join(QUOTE_INDENT + line if line.strip() else "" for line in body))
    return i


def _indented_code(lines: list[str], i: int, out: list[str]) -> int:
    body: list[str] = []
    while i < len(lines) and (_blank(lines[i]) or lines[i].startswith("    ")):
        body.append(lines[i][4:].rstrip())
        i += 1
    while body and not body[-1]:
        body.pop()
    out.append("\n".join(QUOTE_INDENT + line if line else "" for line in body))
    return i


def _paragraph(lines: list[str], i: int, width: int, out: list[str]) -> int:
    """A paragraph (or a setext heading) starting at line `i`."""
    body = [lines[i]]
    i += 1
    while i < len(lines):
        line = lines[i]
        if _blank(line):
            break
        if _SETEXT.match(line):
            out.append(_wrap(_inline(" ".join(body)), width))
            return i + 1
        if _interrupts(line):
            break
        body.append(line)
        i += 1
    out.append(_lines_wrapped(body, width))
    return i


def _lines_wrapped(body: list[str], width: int, first: str = "", rest: str = "") -> str:
    """Paragraph lines joined and wrapped, keeping hard breaks (two spaces or `\\`)."""
    segments: list[str] = []
    current: list[str] = []
    for n, line in enumerate(body):
        last = n == len(body) - 1
        if not last and (line.endswith("  ") or line.rstrip(" ").endswith("\\")):
            stripped = line.rstrip(" ")
            current.append(stripped[:-1] if stripped.endswith("\\") else stripped)
            segments.append(" ".join(current))
            current = []
        else:
            current.append(line.strip())
    segments.append(" ".join(current))
    wrapped = [
        _wrap(_inline(segment), width, first if n == 0 else rest, rest)
        for n, segment in enumerate(segments)
    ]
    return "\n".join(wrapped)


def _quote(lines: list[str], i: int, width: int, out: list[str]) -> int:
    """A block quote: its lines without `>`, rendered and indented."""
    body: list[str] = []
    while i < len(lines):
        line = lines[i]
        marker = _QUOTE.match(line)
        if marker:
            body.append(line[marker.end() :])
        elif body and not _blank(body[-1]) and not _blank(line) and not _interrupts(line):
            body.append(line)  # a lazy continuation line
        else:
            break
        i += 1
    inner = _blocks(body, _narrower(width, len(QUOTE_INDENT)))
    out.append(_indent("\n\n".join(inner), QUOTE_INDENT, QUOTE_INDENT))
    return i


def _list(lines: list[str], i: int, width: int, out: list[str]) -> int:
    """A list: consecutive items of one kind, each with a hanging indent."""
    items: list[str] = []
    first = _BULLET.match(lines[i]) or _ORDERED.match(lines[i])
    ordered = first.re is _ORDERED
    number = int(first.group(2)) if ordered else 0
    while i < len(lines):
        marker = (_ORDERED if ordered else _BULLET).match(lines[i])
        if not marker or (ordered and marker.group(3) != first.group(3)):
            break
        if not ordered and marker.group(2) != first.group(2):
            break
        label = f"{number}{first.group(3)} " if ordered else "- "
        number += 1
        spaces = marker.group(marker.lastindex)
        content_at = marker.start(marker.lastindex) + (len(spaces) if spaces else 1)
        if len(spaces) > 4:  # CommonMark: the content is then indented code
            content_at = marker.start(marker.lastindex) + 1
        body = [lines[i][content_at:]]
        i += 1
        while i < len(lines):
            line = lines[i]
            if _blank(line):
                following = next((ln for ln in lines[i:] if not _blank(ln)), None)
                if following is None or _leading(following) < content_at:
                    break
                body.append("")
            elif _leading(line) >= content_at:
                body.append(line[content_at:])
            elif body[-1] and not _interrupts(line) and not _is_item(line):
                body.append(line)  # a lazy continuation line
            else:
                break
            i += 1
        while body and _blank(body[-1]):
            body.pop()
        hang = " " * len(label)
        inner = _blocks(body, _narrower(width, len(label)))
        gap = "\n\n" if "" in body else "\n"  # a blank line inside makes the item loose
        items.append(_indent(gap.join(inner), label, hang) if inner else label.rstrip())
        if i < len(lines) and _blank(lines[i]):
            following = next((n for n in range(i, len(lines)) if not _blank(lines[n])), None)
            if following is None or not (_ORDERED if ordered else _BULLET).match(lines[following]):
                break
            i = following
    out.append("\n".join(items))
    return i


def _is_item(line: str) -> bool:
    return bool(_BULLET.match(line) or _ORDERED.match(line))


def _leading(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _inline(text: str) -> str:
    """Inline Markdown as plain text: code spans, links, emphasis, escapes, entities."""
    held: list[str] = []

    def hold(value: str) -> str:
        held.append(value)
        return f"\x00{len(held) - 1}\x00"

    if "`" in text:
        text = _CODE_SPAN.sub(lambda m: hold(_code_text(m.group(2))), text)
    if "\\" in text:
        text = _ESCAPE.sub(lambda m: hold(m.group(1)), text)
    if "](" in text:
        text = _IMAGE_OR_LINK.sub(lambda m: _link(m, hold), text)
    if "<" in text:
        text = _AUTOLINK.sub(lambda m: hold(m.group(1)), text)
    for _ in range(8):  # nested emphasis peels one layer a pass
        before = text
        if "*" in text:
            text = _STAR.sub(r"\2", text)
        if "_" in text:
            text = _UNDERSCORE.sub(r"\2", text)
        if "~~" in text:
            text = _STRIKE.sub(r"\1", text)
        if text == before:
            break
    if "&" in text and _ENTITY.search(text):
        import html  # only when needed: it loads a large table

        text = html.unescape(text)
    if held:
        # Held text can hold held text (an escape inside link text); resolve inner first.
        while "\x00" in text:
            text = _HOLD.sub(lambda m: held[int(m.group(1))], text)
    return text


def _code_text(code: str) -> str:
    code = code.replace("\n", " ")
    if code.startswith(" ") and code.endswith(" ") and code.strip():
        code = code[1:-1]
    return code


def _link(match: re.Match, hold) -> str:
    """A link as `text (url)` (the url held from emphasis passes); an image as its text."""
    image, label, url = match.groups()
    label = label.strip()
    if image:
        return label
    if not url or label == url or not label:
        return label or hold(url)
    return f"{label} ({hold(url)})"
