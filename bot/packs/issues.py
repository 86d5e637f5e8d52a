"""Problems found in an exam pack, located by file, question id and field."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class PackIssue:
    severity: Severity
    file: str
    question_id: str | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.question_id:
            where += f" [{self.question_id}]"
        if self.field:
            where += f" {self.field}"
        return f"{self.severity.value}: {where}: {self.message}"


class PackError(Exception):
    """The pack has errors; the service must not start with it."""

    def __init__(self, issues: list[PackIssue]) -> None:
        self.issues = issues
        errors = [i for i in issues if i.severity is Severity.ERROR]
        lines = "\n".join(f"  {issue}" for issue in errors[:50])
        more = f"\n  … and {len(errors) - 50} more" if len(errors) > 50 else ""
        super().__init__(f"the exam pack has {len(errors)} error(s):\n{lines}{more}")
