"""The loader's first pass: the shape of every value, per file.

msgspec builds the model Structs and is fast, but stops at the first problem, so it is
only the fast path: when it refuses a value, `shape` walks the same value against the
Struct's type information (from `msgspec.inspect`) and reports every unknown field (with
a did-you-mean), missing field and wrong type, with a hint for the YAML prose traps (a
text read as a mapping, a flow list that split a statement). The rules msgspec cannot
express are in `rules`.
"""

from __future__ import annotations

import re
from typing import Any

import msgspec
import msgspec.inspect as mi

from escape_game.errors import did_you_mean
from escape_game.yamlread import INVALID, Document
from escape_game.yamltraps import BLOCK_HINT

Path = tuple  # a path of mapping keys and list indexes from the document's root
_FALSY_WORDS = {"yes", "no", "on", "off", "y", "n", "True", "False", "TRUE", "FALSE"}


class Report:
    """Collects diagnostics for one document, locating each by its path in the file."""

    def __init__(self, doc: Document, out: list) -> None:
        self.doc = doc
        self.out = out

    def __call__(self, path: Path, code: str, message: str, hint: str = "",
                 severity: str = "error", key: bool = False) -> None:
        """Report a problem at the value (or with `key`, the key) found at `path`."""
        node = self.doc.node_at(path, key)
        if node is None:
            self.out.append(self.doc.whole_file(code, message, hint, severity))
        else:
            self.out.append(self.doc.diagnostic(node, code, message, hint, severity))


def convert(value: Any, cls: type, path: Path, report: Report) -> Any:
    """`value` as a `cls` Struct, or None after reporting every problem in it."""
    try:
        return msgspec.convert(value, cls)
    except msgspec.ValidationError as error:
        before = len(report.out)
        shape(value, mi.type_info(cls), path, report)
        if len(report.out) == before and not _holds_invalid(value):
            where, message = _msgspec_error(str(error))
            report(path + where, "type", message)
        return None


def shape(value: Any, kind: mi.Type, path: Path, report: Report) -> None:
    """Report every way `value` does not fit the msgspec type `kind`."""
    if value is INVALID or isinstance(kind, mi.AnyType):
        return
    if isinstance(kind, mi.UnionType):
        for member in kind.types:
            if _fits(value, member):
                shape(value, member, path, report)
                return
    elif _fits(value, kind):
        if isinstance(kind, mi.StructType):
            _shape_struct(value, kind, path, report)
        elif isinstance(kind, mi.DictType):
            for key, item in value.items():
                shape(item, kind.value_type, path + (key,), report)
        elif isinstance(kind, (mi.VarTupleType, mi.ListType)):
            for index, item in enumerate(value):
                shape(item, kind.item_type, path + (index,), report)
        return
    _wrong_type(value, kind, path, report)


def _shape_struct(value: dict, kind: mi.StructType, path: Path, report: Report) -> None:
    fields = {field.encode_name: field for field in kind.fields}
    meant = set()
    for key, item in value.items():
        field = fields.get(key)
        if field is None:
            close = did_you_mean(key, fields)
            meant.update(re.findall(r"'(.*)'", close))
            hint = close or "the fields here are " + ", ".join(fields)
            if key == "<<":
                hint = "merge keys (<<) are not supported; write the fields out"
            report(path + (key,), "unknown-field", f"unknown field '{key}'", hint, key=True)
        else:
            shape(item, field.type, path + (key,), report)
    for name, field in fields.items():
        if field.required and name not in value and name not in meant:
            report(path, "missing-field", f"'{name}' is missing here",
                   f"add `{name}:` ({_describe(field.type)})")


def _fits(value: Any, kind: mi.Type) -> bool:
    """Whether `value` has the right Python type for `kind` (members are checked later)."""
    if isinstance(kind, mi.StrType):
        return isinstance(value, str)
    if isinstance(kind, mi.BoolType):
        return isinstance(value, bool)
    if isinstance(kind, mi.IntType):
        return isinstance(value, int) and not isinstance(value, bool)
    if isinstance(kind, mi.FloatType):
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if isinstance(kind, mi.NoneType):
        return value is None
    if isinstance(kind, mi.LiteralType):
        return value in kind.values and type(value) is type(kind.values[0])
    if isinstance(kind, (mi.StructType, mi.DictType)):
        return isinstance(value, dict)
    if isinstance(kind, (mi.VarTupleType, mi.ListType)):
        return isinstance(value, list)
    return True


def _wrong_type(value: Any, kind: mi.Type, path: Path, report: Report) -> None:
    name = str(path[-1]) if path else "value"
    wanted = _describe(kind)
    message = f"'{name}' should be {wanted}, not {what_is(value)}"
    hint = ""
    code = "type"
    flow = getattr(report.doc.node_at(path), "flow_style", False)
    if "text" in wanted and isinstance(value, dict) and flow:
        code, hint = "text-as-mapping", BLOCK_HINT.format(key=f"{name}: ")
        message = f"YAML read this `{name}` as a mapping, because it starts with '{{'"
    elif "text" in wanted and isinstance(value, list) and flow:
        code, hint = "flow-list", BLOCK_HINT.format(key=f"{name}: ")
        message = (f"YAML read this `{name}` as a list of {len(value)} parts, split at its "
                   "commas, because it starts with '['")
    elif isinstance(value, str) and value in _FALSY_WORDS and "true" in wanted:
        hint = "only true and false (lowercase) are booleans in story files"
    elif isinstance(value, str) and "number" in wanted:
        hint = "numbers are plain decimals such as 42 or 2.5 (no leading zeros, no 10:45)"
    elif value is None:
        hint = f"write a value after '{name}:', or remove the line"
    elif isinstance(value, (bool, int, float)) and wanted == "text":
        written = str(value).lower() if isinstance(value, bool) else str(value)
        hint = f"put it in quotes to make it text: {name}: \"{written}\""
    elif isinstance(kind, mi.LiteralType):
        hint = did_you_mean(str(value), [str(v) for v in kind.values])
    report(path, code, message, hint)


def _describe(kind: mi.Type) -> str:
    if isinstance(kind, mi.UnionType):
        parts = [_describe(member) for member in kind.types if not isinstance(member, mi.NoneType)]
        return " or ".join(dict.fromkeys(parts))
    if isinstance(kind, mi.LiteralType):
        return "one of " + ", ".join(repr(v) for v in kind.values if v != "")
    return {
        mi.StrType: "text", mi.BoolType: "true or false", mi.IntType: "a whole number",
        mi.FloatType: "a number", mi.StructType: "a mapping of fields",
        mi.DictType: "a mapping", mi.VarTupleType: "a list", mi.ListType: "a list",
    }.get(type(kind), "a value")


def what_is(value: Any) -> str:
    """A value described for a message: "the number 3", "the text 'yes'", "a list"."""
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, str):
        return f"the text '{value[:40]}'"
    return "a mapping" if isinstance(value, dict) else "a list"


def _holds_invalid(value: Any) -> bool:
    if value is INVALID:
        return True
    if isinstance(value, dict):
        return any(_holds_invalid(item) for item in value.values())
    if isinstance(value, list):
        return any(_holds_invalid(item) for item in value)
    return False


def _msgspec_error(text: str) -> tuple[Path, str]:
    """('$.choices[1].goto' as a path, the message) from a msgspec ValidationError."""
    message, _, where = text.rpartition(" - at `")
    path: list = []
    for name, index in re.findall(r"\.([^.\[`]+)|\[(\d+)\]", where.rstrip("`")[1:]):
        path.append(int(index) if index else name)
    return tuple(path), message or text
