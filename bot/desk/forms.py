"""A desk form as typed, with its problems keyed by the field to fix.

Every desk form shows problems the same way (templates/_forms.html): beside the field, and in
a summary at the top that links to it in the order the fields come on the page. This is the one
place that keeps what was typed and those problems, so the pages cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TypeVar

# Never kept to show again, whichever form it was typed into.
SECRET_FIELDS = frozenset({"password"})

F = TypeVar("F", bound="Form")


@dataclass
class Form:
    """A form as typed, and its problems keyed by the name of the field to fix.

    `fields` is the order the fields come on the page. A field's input has the id
    `id_prefix + name`; the prefix is for a form whose names would clash with other ids.
    """

    fields: tuple[str, ...]
    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    id_prefix: str = ""

    @classmethod
    def read(cls: type[F], fields: tuple[str, ...], data: Mapping[str, str] | None = None) -> F:
        """The form from posted data, trimmed, never keeping a password to show again."""
        data = data or {}
        values = {name: "" if name in SECRET_FIELDS else data.get(name, "").strip()
                  for name in fields}
        return cls(fields=fields, values=values)

    def input_id(self, name: str) -> str:
        return self.id_prefix + name

    def fail(self, name: str, message: str) -> None:
        """Note a problem; the first one found for a field is the one the person sees."""
        self.errors.setdefault(name, message[:1].upper() + message[1:])

    def ordered_errors(self) -> list[tuple[str, str]]:
        """Problems in the order their fields come on the page, for the error summary.

        A problem with no field on the page (a stale link, say) comes last.
        """
        return sorted(self.errors.items(), key=lambda item: self.fields.index(item[0])
                      if item[0] in self.fields else len(self.fields))
