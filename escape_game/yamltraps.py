"""The traps of the YAML layer: what is reported while a file is decoded and built.

Split from `yamlread` (which parses and locates) to keep both short. Here: a file that
is not UTF-8, a tab in the indentation, a control character, a syntax error with a
hint for the shape that caused it (a value starting with a quote or `*`, a `: ` or ` #`
inside a one-line value), and the walk that builds plain values from the node tree while
refusing tags, keys given twice, valueless keys split off by a comma in `{...}`, a ` #`
that cut a prose value short, and aliases that expand too far (a "billion laughs").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode

from escape_game.errors import Diagnostic

if TYPE_CHECKING:
    from escape_game.yamlread import Document

_T = "tag:yaml.org,2002:"
STR, INT, FLOAT, BOOL, NULL = _T + "str", _T + "int", _T + "float", _T + "bool", _T + "null"
SEQ, MAP = _T + "seq", _T + "map"

#: The deepest nesting of lists and mappings accepted (a story needs about six).
MAX_DEPTH = 100
#: How many values a file's aliases may expand to, or the file's size in bytes if more
#: (a cap that refuses a "billion laughs" file at once: sizes are counted per node).
MAX_EXPANDED = 1_000_000

#: Plain decimals: the only numbers (no `0755`, `0x1F`, `1_000`, `.inf`).
INT_PATTERN = re.compile(r"[-+]?(?:0|[1-9][0-9]*)\Z")
FLOAT_PATTERN = re.compile(r"[-+]?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?\Z")
_NOT_PRINTABLE = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_VALUE_START = re.compile(r"[ \t]*(?:-[ \t]+)*(?:[\w.-]+[ \t]*:[ \t]+)?(?=\S)")
#: The fix for every prose trap; `{key}` is "text: " or "" (format it first).
BLOCK_HINT = "write it as a block: `{key}|`, then the text on the lines below, indented"


class Invalid:
    """Stands in for a value already reported as an error, so later checks skip it."""

    def __repr__(self) -> str:
        return "INVALID"


INVALID = Invalid()


def decode(path: str, data: bytes, out: list[Diagnostic]) -> str | None:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        before = data[: error.start]
        line = before.count(b"\n") + 1
        col = len(before[before.rfind(b"\n") + 1 :].decode("utf-8", "replace")) + 1
        out.append(Diagnostic(
            path, line, col, "error", "not-utf8",
            f"the file is not UTF-8: byte 0x{data[error.start]:02X} at line {line}, "
            f"column {col} is not valid UTF-8",
            "save the file with the UTF-8 encoding (your editor's Save As or encoding menu)",
        ))
        return None
    return text[1:] if text.startswith("\ufeff") else text


_INDENT = re.compile(r"[ \t]*(?:-[ \t]+)*")


def tab_diagnostics(doc: Document, broken: bool = False) -> list[Diagnostic]:
    """A tab in a line's leading whitespace breaks YAML's indentation: say so by name.

    With `broken` (the file did not parse) a tab on a blank line, or after a list's
    `-`, is reported too: either can be the cause. In a file that parsed, such tabs did
    no harm and only a tab before a line's text is worth a warning.
    """
    found = []
    for index, line in enumerate(doc.lines):
        if broken:
            indent = _INDENT.match(line).group()
        else:
            indent = line[: len(line) - len(line.lstrip(" \t"))]
        if "\t" in indent and (broken or line.strip()):
            col = indent.index("\t") + 1
            found.append(Diagnostic(
                doc.path, index + 1, col, "error", "tab",
                f"a tab in the indentation at line {index + 1}, column {col}",
                "YAML indents with spaces only: replace the tab with spaces "
                "(set your editor to insert spaces for Tab)",
            ))
    return found


def bad_character(doc: Document) -> Diagnostic:
    match = _NOT_PRINTABLE.search(doc.text)
    if match is None:
        return Diagnostic(doc.path, 0, 0, "error", "bad-character",
                          "the file has a character YAML does not allow",
                          "delete it; story files hold printable text only")
    before = doc.text[: match.start()]
    line = before.count("\n") + 1
    col = match.start() - (before.rfind("\n") + 1) + 1
    return Diagnostic(
        doc.path, line, col, "error", "bad-character",
        f"a control character U+{ord(match.group()):04X} at line {line}, column {col}",
        "delete it; story files hold printable text only",
    )


def syntax_diagnostic(doc: Document, error: yaml.MarkedYAMLError) -> Diagnostic:
    """A YAML syntax error, with a hint that names the fix when the shape is a known trap."""
    mark = error.problem_mark or error.context_mark
    problem = (error.problem or "invalid YAML").strip()
    runaway = _runaway_quote(doc, mark.line if mark is not None else len(doc.lines))
    if runaway is not None:
        return _quote_start(doc, *runaway)
    where = [mark.line] if mark is not None else []
    if error.context_mark is not None and error.context_mark.line not in where:
        where.append(error.context_mark.line)
    for index in where:
        line = doc.line(index)
        start = _VALUE_START.match(line)
        if start is None:
            continue
        col, first = start.end(), line[start.end()]
        key = line[: col].strip()
        key = f"{key[2:] if key.startswith('- ') else key} " if key.endswith(":") else ""
        block = BLOCK_HINT.format(key=key)
        shape = None
        if "mapping values are not allowed" in problem:
            col = (mark.column if mark.line == index else col)
            shape = ("colon-in-value", "a ': ' inside a one-line value: YAML reads it as a second key",
                     f"{block}; or put the whole value in quotes")
        elif first in "\"'":
            return _quote_start(doc, index, col)
        elif first == "*":
            shape = ("star-start", "a value that starts with '*' is read as a YAML alias, not as text",
                     block)
        elif first in "{[":
            shape = ("flow-start", f"a value that starts with '{first}' is read as a YAML "
                     f"{'mapping' if first == '{' else 'list'}, not as text", block)
        elif first in "&!%@`":
            shape = ("indicator-start", f"a value that starts with '{first}' has a special "
                     "meaning in YAML", block)
        elif " #" in line[col:]:
            shape = ("hash-cut", "a ' #' inside a value starts a YAML comment", block)
        if shape:
            code, message, hint = shape
            return Diagnostic(doc.path, index + 1, col + 1, "error", code, message, hint)
    text = problem
    if error.context:
        text = f"{error.context.strip()}: {problem}"
    return Diagnostic(
        doc.path, mark.line + 1 if mark else 0, mark.column + 1 if mark else 0, "error",
        "yaml-syntax", f"YAML syntax: {text}",
        "check the indentation and the quoting on this line and the one before it",
    )


def _quote_start(doc: Document, index: int, col: int) -> Diagnostic:
    """The quote-start error for the value opening at 0-based line `index`, column `col`."""
    line = doc.line(index)
    key = line[:col].strip()
    key = f"{key[2:] if key.startswith('- ') else key} " if key.endswith(":") else ""
    first = line[col]
    if first == "'":
        hint = (f"{BLOCK_HINT.format(key=key)}; or, if the ' is an apostrophe, write it "
                "curly (’Twas), which YAML reads as plain text")
    else:
        hint = f"{BLOCK_HINT.format(key=key)}; and prefer curly quotes (“ ” ‘ ’) in prose"
    return Diagnostic(
        doc.path, index + 1, col + 1, "error", "quote-start",
        f"a one-line value that starts with {first} must end with it, so a passage that "
        "opens with a quotation (or an apostrophe) cannot be written on one line", hint)


def _runaway_quote(doc: Document, upto: int) -> tuple[int, int] | None:
    """Where a quoted value ran on past its line into the text below, if one did by `upto`.

    A value opened with a quote that is not closed on its line swallows the lines below
    up to the next such quote (often an apostrophe), and YAML reports an error later,
    on an innocent line. A quoted value that legitimately spans lines ends its line at
    the closing quote (or goes on with `,`, `]`, `}`, `:` or a comment); one whose
    closing quote is followed by more text is the culprit. Returns the 0-based (line,
    column) of its opening quote.
    """
    try:
        for token in yaml.scan(doc.text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
            start, end = token.start_mark, token.end_mark
            if start.line > upto:
                return None
            if (type(token) is not yaml.ScalarToken or token.style not in ("'", '"')
                    or start.line == end.line):
                continue
            rest = doc.line(end.line)[end.column:].strip()
            if rest and rest[0] not in ",]}:#":
                return start.line, start.column
    except yaml.YAMLError:
        return None
    return None


class Builder:
    """Builds plain values from a node tree, reporting tags, duplicates and prose cuts."""

    def __init__(self, doc: Document, prose_keys: frozenset[str], out: list[Diagnostic]) -> None:
        self.doc = doc
        self.prose_keys = prose_keys
        self.out = out
        self.memo: dict[int, Any] | None = None

    def build_root(self, node: Node, size: int, may_alias: bool) -> Any:
        """The value of the whole document; aliases are checked first when any may exist.

        Args:
            node: the root node.
            size: the file's length in bytes (a file of n bytes holds fewer than n values
                as written, so only aliases can take it past the cap).
            may_alias: whether the file could hold an anchor at all.
        """
        if may_alias:
            try:
                _expanded_size(node, max(MAX_EXPANDED, size), {}, set(), 0)
            except _AliasProblem as problem:
                self.out.append(self.doc.diagnostic(problem.node, problem.code, problem.message, problem.hint))
                return INVALID
            self.memo = {}
        return self.build(node, 0)

    def build(self, node: Node, depth: int) -> Any:
        """The value of `node` (recursive; `depth` counts enclosing collections)."""
        cls = type(node)
        if cls is ScalarNode:
            return node.value if node.tag == STR else self.scalar(node)
        memo = self.memo
        if memo is not None:
            known = memo.get(id(node), memo)
            if known is not memo:
                return known
        if depth >= MAX_DEPTH:
            self.out.append(self.doc.diagnostic(node, "too-deep", f"lists and mappings are nested more than {MAX_DEPTH} deep"))
            return INVALID
        if cls is MappingNode:
            value = self.mapping(node, depth) if node.tag == MAP else self.bad_tag(node)
        elif node.tag == SEQ:
            value = [self.build(item, depth + 1) for item in node.value]
        else:
            value = self.bad_tag(node)
        if memo is not None:
            memo[id(node)] = value
        return value

    def mapping(self, node: MappingNode, depth: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        prose = self.prose_keys
        pairs = self.split_by_commas(node) if node.flow_style else node.value
        for key_node, value_node in pairs:
            if type(key_node) is not ScalarNode:
                self.out.append(self.doc.diagnostic(
                    key_node, "bad-key", "a key must be a plain word, not a list or mapping"))
                continue
            key = key_node.value
            if key_node.tag != STR and self.scalar(key_node) is INVALID:
                continue  # a tag on a key: reported
            if key in result:
                self.duplicate(node, key_node)
            if type(value_node) is ScalarNode and value_node.tag == STR:
                result[key] = value_node.value
                if key in prose and not value_node.style:
                    self.check_cut(key, value_node)
            else:
                result[key] = self.build(value_node, depth + 1)
        return result

    def split_by_commas(self, node: MappingNode) -> list[tuple[Node, Node]]:
        """The pairs of a `{...}` mapping, less keys that a comma split off a value.

        `{name: Home, description: A lawn, a swing}` reads as three fields, the last
        `a swing` with no value; such valueless keys are reported once, after the value
        they were cut from, and dropped.
        """
        kept: list[tuple[Node, Node]] = []
        split: list[Node] = []
        for key_node, value_node in [*node.value, (None, None)]:
            cut = (kept and type(key_node) is ScalarNode and not key_node.style
                   and type(value_node) is ScalarNode and value_node.value == ""
                   and value_node.start_mark.index == key_node.end_mark.index)  # no colon
            if cut:
                split.append(key_node)
                continue
            if split:
                field = kept[-1][0].value
                pieces = ", ".join(f"'{piece.value}'" for piece in split)
                self.out.append(self.doc.diagnostic(
                    split[0], "flow-comma",
                    f"a comma inside '{{...}}' cut the {field} short: YAML read {pieces} as "
                    + ("fields of their own" if len(split) > 1 else "a field of its own"),
                    f"put the {field} in quotes (\"...\"), or write the mapping one field a line"))
                split = []
            if key_node is not None:
                kept.append((key_node, value_node))
        return kept

    def scalar(self, node: ScalarNode) -> Any:
        tag, text = node.tag, node.value
        if tag == NULL and text in ("", "~", "null"):
            return None
        if tag == BOOL and text in ("true", "false"):
            return text == "true"
        if tag == INT and INT_PATTERN.match(text):
            return int(text)
        if tag == FLOAT and (FLOAT_PATTERN.match(text) or INT_PATTERN.match(text)):
            return float(text)
        if tag in (NULL, BOOL, INT, FLOAT):
            self.out.append(self.doc.diagnostic(
                node, "yaml-tag", f"{_short_tag(tag)} does not fit the value '{text}'",
                "remove the tag; write true/false, a plain decimal number, or text"))
            return INVALID
        return self.bad_tag(node)

    def bad_tag(self, node: Node) -> Invalid:
        self.out.append(self.doc.diagnostic(
            node, "yaml-tag", f"the YAML tag {_short_tag(node.tag)} is not allowed",
            "story files hold only text, numbers, true/false, lists and mappings: "
            "remove the tag (and quote the value if it starts with '!')"))
        return INVALID

    def duplicate(self, node: MappingNode, second: ScalarNode) -> None:
        first = next(k for k, _ in node.value if type(k) is ScalarNode and k.value == second.value)
        line1, line2 = first.start_mark.line + 1, second.start_mark.line + 1
        self.out.append(self.doc.diagnostic(
            second, "duplicate-key",
            f"'{second.value}' is given twice in one mapping, at lines {line1} and {line2}",
            "YAML would silently keep only the last one: remove or rename one of them"))

    def check_cut(self, key: str, node: ScalarNode) -> None:
        """A plain prose value followed by ` #` on its line lost the rest to a comment."""
        end = node.end_mark
        rest = self.doc.line(end.line)[end.column:]
        stripped = rest.lstrip(" ")
        if not stripped.startswith("#"):
            return
        lost = stripped.rstrip()
        one_space = len(rest) - len(stripped) == 1
        self.out.append(self.doc.diagnostic(
            end, "hash-cut",
            f"' #' cut this {key} short: YAML read '{lost}' as a comment, so the value "
            f"is only '{node.value}'",
            BLOCK_HINT.format(key=f"{key}: ") + "; if it was meant as a comment, "
            "put the comment on a line of its own",
            "error" if one_space else "warning"))


class _AliasProblem(Exception):
    def __init__(self, node: Node, code: str, message: str, hint: str) -> None:
        super().__init__(message)
        self.node, self.code, self.message, self.hint = node, code, message, hint


def _expanded_size(node: Node, limit: int, sizes: dict[int, int], active: set[int], depth: int) -> int:
    """How many values `node` stands for once every alias is expanded, memoized by node.

    Raises:
        _AliasProblem: an alias inside its own anchor, too deep, or more than `limit`.
    """
    if type(node) is ScalarNode:
        return 1
    key = id(node)
    known = sizes.get(key)
    if known is not None:
        return known
    if key in active:
        raise _AliasProblem(node, "alias-loop", "an alias refers to the list or mapping it is inside",
                            "an anchor (&name) cannot be used (*name) inside itself")
    if depth >= MAX_DEPTH:
        raise _AliasProblem(node, "too-deep", f"lists and mappings are nested more than {MAX_DEPTH} deep", "")
    active.add(key)
    total = 1
    children: Iterable[Node] = (
        (n for pair in node.value for n in pair) if type(node) is MappingNode else node.value
    )
    for child in children:
        total += _expanded_size(child, limit, sizes, active, depth + 1)
        if total > limit:
            raise _AliasProblem(
                node, "alias-bomb",
                f"aliases (*name) here expand to more than {limit:,} values",
                "this looks like a 'billion laughs' file; write the values out, or use "
                "fewer nested aliases")
    active.discard(key)
    sizes[key] = total
    return total


def _short_tag(tag: str) -> str:
    return "!!" + tag[len(_T):] if tag.startswith(_T) else tag
