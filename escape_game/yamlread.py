"""The YAML layer of the story loader: safe, 1.2-typed, located, and loud about traps.

PyYAML's C parser (`CSafeLoader`, else the pure-Python `SafeLoader`) only composes the
node tree here; the values are built by our own walk over the nodes, so every value keeps
its line and column (the node's marks) and every trap is reported where it was written:
a key given twice, a tag, an alias bomb, a tab in the indentation, a file that is not
UTF-8, and the shapes in which one-line YAML silently breaks prose. The main design
decision: typing follows YAML 1.2 and is decided in `resolve`, which the C parser calls
once per scalar, so `yes`, `on`, `10:45`, `0755` and `2016-05-03` never stop being text.

Only `true`/`false` (lowercase) are booleans, only `null`, `~` and an empty value are
null, and only plain decimals are numbers (`12`, `-3`, `0.5`, `1e3`; not `0755`, `0x1F`,
`1_000` or `.inf`). Merge keys (`<<`) are not supported. Nothing here imports the story
model: the caller says which keys hold prose.
"""

from __future__ import annotations

import re
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from escape_game.errors import Diagnostic
from escape_game.yamltraps import (
    BOOL,
    FLOAT,
    FLOAT_PATTERN,
    INT,
    INT_PATTERN,
    INVALID,
    MAP,
    NULL,
    SEQ,
    STR,
    Builder,
    Invalid,
    bad_character,
    decode,
    syntax_diagnostic,
    tab_diagnostics,
)

__all__ = ["INVALID", "Invalid", "Document", "Parser", "find", "make_parser", "offset_position",
           "read_document"]

_PLAIN_SPECIAL = {"": NULL, "~": NULL, "null": NULL, "true": BOOL, "false": BOOL}
_NUMBER_START = frozenset("0123456789+-")
_LINE_BREAKS = re.compile("\r\n|[\r\n\x85\u2028\u2029]")


def _resolve(self: Any, kind: type, value: str, implicit: tuple[bool, bool]) -> str:
    """YAML 1.2-style implicit typing, called by the parser once per node."""
    if kind is ScalarNode:
        if not implicit[0]:  # quoted, or tagged with the non-specific `!`
            return STR
        tag = _PLAIN_SPECIAL.get(value)
        if tag is not None:
            return tag
        if value[:1] in _NUMBER_START:
            if INT_PATTERN.match(value):
                return INT
            if FLOAT_PATTERN.match(value):
                return FLOAT
        return STR
    return SEQ if kind is SequenceNode else MAP


def make_parser(base: type) -> type:
    """A parser class on PyYAML's `base` loader, with our 1.2-style resolver.

    PyYAML calls `descend_resolver(parent, index)` and `ascend_resolver()` for every
    node, for path resolvers we never use. A Python no-op costs a frame per call, about
    15% of a parse; `slice` and `tuple` are C callables that take those arguments and
    do nothing that matters.
    """
    return type("Parser", (base,), {"resolve": _resolve, "descend_resolver": slice,
                                    "ascend_resolver": tuple})


#: The parser: safe, C when present (else pure Python), with our resolver. Only
#: composes nodes; `Builder` makes the values.
Parser = make_parser(getattr(yaml, "CSafeLoader", yaml.SafeLoader))


class Document:
    """One YAML file read: its text, node tree and plain Python value.

    Attributes:
        path: the file as shown in diagnostics.
        text: the decoded text, without a BOM (bad bytes replaced when not UTF-8).
        data: the file's bytes (parsed again when a node is wanted after `release`).
        node: the root node, or None when the file could not be parsed, is empty, or
            was released.
        parsed: whether the YAML parsed without a syntax error.
        value: the value built from the nodes (dicts, lists, str, int, float, bool,
            None; `INVALID` where an error was reported), or None.
    """

    def __init__(self, path: str, text: str, data: bytes = b"") -> None:
        self.path = path
        self.text = text
        self.data = data
        self.node: Node | None = None
        self.value: Any = None
        self.parsed = False
        self._lines: list[str] | None = None

    def release(self) -> None:
        """Drop the node tree and lines to save memory; they are rebuilt when needed."""
        self.node = None
        self._lines = None

    def node_at(self, path: tuple, key: bool = False) -> Node | None:
        """The node at `path` from the root (see `find`), or None when there is none."""
        if self.node is None and self.parsed:
            loader = Parser(self.data)  # the module's, so a test may swap it
            try:
                self.node = loader.get_single_node()
            finally:
                loader.dispose()
        return find(self.node, path, key) if self.node is not None else None

    def line_of(self, path: tuple, key: bool = False) -> int:
        """The 1-based line of the node at `path`, or 0."""
        node = self.node_at(path, key)
        return node.start_mark.line + 1 if node is not None else 0

    def whole_file(self, code: str, message: str, hint: str = "", severity: str = "error") -> Diagnostic:
        """A diagnostic about the file as a whole (line 0)."""
        return Diagnostic(self.path, 0, 0, severity, code, message, hint)

    @property
    def lines(self) -> list[str]:
        """The text split at YAML's line breaks (0-based, as marks count lines)."""
        if self._lines is None:
            text = self.text
            plain = "\r" not in text and "\x85" not in text and "\u2028" not in text and "\u2029" not in text
            self._lines = text.split("\n") if plain else _LINE_BREAKS.split(text)
        return self._lines

    def line(self, index: int) -> str:
        """Line `index` (0-based), or "" past the end."""
        lines = self.lines
        return lines[index] if 0 <= index < len(lines) else ""

    def diagnostic(
        self, where: Node | Any, code: str, message: str, hint: str = "",
        severity: str = "error",
    ) -> Diagnostic:
        """A diagnostic at a node (its start) or a mark (anything with line and column)."""
        mark = getattr(where, "start_mark", where)
        return Diagnostic(self.path, mark.line + 1, mark.column + 1, severity, code, message, hint)


def read_document(
    path: str, data: bytes, prose_keys: frozenset[str], out: list[Diagnostic]
) -> Document:
    """Decode, parse and build one YAML file, appending every problem found to `out`.

    Args:
        path: the file as shown in diagnostics.
        data: the file's bytes.
        prose_keys: mapping keys whose values are prose (a ` #` after a plain one-line
            value under these keys is reported as cutting it short).
        out: where diagnostics go.

    Returns:
        the document; its `node` is None when the file is not UTF-8 or not valid YAML.
    """
    text = decode(path, data, out)
    if text is None:  # kept for finding scene ids; never parsed
        return Document(path, data.decode("utf-8", "replace"), data)
    doc = Document(path, text, data)
    tabs = tab_diagnostics(doc) if "\t" in text else []
    loader = Parser(data)
    try:
        doc.node = loader.get_single_node()
    except yaml.MarkedYAMLError as error:
        if "\t" in text and error.problem_mark is not None:  # a blank line's tab or `-\t`
            known = {d.line for d in tabs}
            tabs += [d for d in tab_diagnostics(doc, broken=True)
                     if d.line == error.problem_mark.line + 1 and d.line not in known]
        out.extend(tabs)
        tab_lines = {d.line for d in tabs}
        if error.problem_mark is None or error.problem_mark.line + 1 not in tab_lines:
            out.append(syntax_diagnostic(doc, error))
        return doc
    except yaml.YAMLError:  # a reader error: a character YAML does not allow
        out.append(bad_character(doc))
        return doc
    except RecursionError:  # only the pure-Python parser recurses per level
        out.append(Diagnostic(path, 0, 0, "error", "too-deep", "the file is nested too deeply"))
        return doc
    finally:
        loader.dispose()
    for tab in tabs:  # parsed: the tab sits inside a block of text or a flow list
        out.append(Diagnostic(
            tab.path, tab.line, tab.col, "warning", "tab",
            f"a tab at line {tab.line}, column {tab.col} is kept as part of the text",
            "indent with spaces only; a tab in a passage may show as a code block"))
    doc.parsed = True
    if doc.node is not None:
        doc.value = Builder(doc, prose_keys, out).build_root(doc.node, len(data), b"&" in data)
    return doc


def find(node: Node | None, path: tuple[str | int, ...], key: bool = False) -> Node | None:
    """The node at `path` (mapping keys and list indexes) below `node`, or the nearest found.

    Args:
        node: where to start.
        path: keys and indexes, e.g. `("choices", 1, "goto")`.
        key: return the key node of the last step instead of its value.
    """
    last = len(path) - 1
    for index, step in enumerate(path):
        if type(node) is MappingNode:
            pairs = [pair for pair in node.value if getattr(pair[0], "value", None) == step]
            if not pairs:
                return node
            node = pairs[-1][0] if key and index == last else pairs[-1][1]
        elif type(node) is SequenceNode and isinstance(step, int) and 0 <= step < len(node.value):
            node = node.value[step]
        else:
            return node
    return node


def offset_position(doc: Document, node: Node, offset: int) -> tuple[int, int]:
    """The 1-based (line, column) in the file of character `offset` in a scalar's value.

    Exact for `|` blocks and one-line plain values; best effort for folded (`>`),
    quoted and multi-line plain values (escapes and more-indented lines are not counted).
    """
    start = node.start_mark
    style = getattr(node, "style", None) or ""
    value = node.value if isinstance(node.value, str) else ""
    offset = max(0, min(offset, len(value)))
    if style in ("|", ">"):
        first = start.line + 1
        indent = 0
        for text in doc.lines[first:]:
            if text.strip():
                indent = len(text) - len(text.lstrip(" "))
                break
        if style == ">":
            return _folded_position(doc, first, indent, offset)
        before = value[:offset]
        return first + before.count("\n") + 1, indent + offset - (before.rfind("\n") + 1) + 1
    quote = 1 if style in ("'", '"') else 0
    if start.line == node.end_mark.line:
        return start.line + 1, start.column + quote + offset + 1
    return _folded_position(doc, start.line, start.column + quote, offset)


def _folded_position(doc: Document, first: int, column: int, offset: int) -> tuple[int, int]:
    """Walk the lines of a folded value from column `column` of line `first`, counting
    what each line adds to the value (a line and a space; a blank line after text adds
    nothing, since it replaces the space)."""
    position, after_text = 0, False
    for index in range(first, len(doc.lines)):
        raw = doc.lines[index]
        lead = column if index == first else len(raw) - len(raw.lstrip(" "))
        text = raw[lead:].rstrip()
        if not text:
            position += 0 if after_text else 1
            after_text = False
            continue
        if offset <= position + len(text):
            return index + 1, lead + offset - position + 1
        position += len(text) + 1
        after_text = True
    return first + 1, column + 1
