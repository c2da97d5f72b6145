"""The Graph API `fields` syntax: `id,from{id,name},comments.limit(5).summary(true){message}`."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class FieldsError(ValueError):
    """The fields parameter does not parse."""


@dataclass
class FieldSpec:
    name: str
    modifiers: dict[str, str] = field(default_factory=dict)
    sub: dict[str, FieldSpec] | None = None


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def parse(self) -> dict[str, FieldSpec]:
        fields = self._list()
        self._space()
        if self.pos != len(self.text):
            self._fail("expected a comma or the end")
        return fields

    def _fail(self, what: str) -> None:
        raise FieldsError(f'Syntax error "{what}" at character {self.pos}: {self.text}')

    def _space(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos].isspace():
            self.pos += 1

    def _peek(self) -> str:
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def _name(self) -> str:
        self._space()
        match = _NAME.match(self.text, self.pos)
        if match is None:
            self._fail("expected a field name")
        self.pos = match.end()
        return match.group()

    def _list(self) -> dict[str, FieldSpec]:
        fields: dict[str, FieldSpec] = {}
        while True:
            spec = self._item()
            fields[spec.name] = spec
            self._space()
            if self._peek() != ",":
                return fields
            self.pos += 1

    def _item(self) -> FieldSpec:
        spec = FieldSpec(self._name())
        while True:
            self._space()
            char = self._peek()
            if char == ".":
                self.pos += 1
                modifier = self._name()
                if self._peek() != "(":
                    self._fail("expected ( after a modifier")
                close = self.text.find(")", self.pos)
                if close < 0:
                    self._fail("expected )")
                spec.modifiers[modifier] = self.text[self.pos + 1 : close].strip()
                self.pos = close + 1
            elif char == "{" and spec.sub is None:
                self.pos += 1
                spec.sub = self._list()
                self._space()
                if self._peek() != "}":
                    self._fail("expected }")
                self.pos += 1
            else:
                return spec


def parse_fields(text: str | None) -> dict[str, FieldSpec] | None:
    """Parsed fields, or None when the parameter is absent or blank (use the defaults)."""
    if text is None or not text.strip():
        return None
    return _Parser(text).parse()


def fields_text(fields: dict[str, FieldSpec]) -> str:
    """Write parsed fields back as a parameter, for the next links of nested edges."""
    parts = []
    for spec in fields.values():
        text = spec.name + "".join(f".{name}({arg})" for name, arg in spec.modifiers.items())
        if spec.sub is not None:
            text += "{" + fields_text(spec.sub) + "}"
        parts.append(text)
    return ",".join(parts)
