"""The project's own error type: one line that names file, sheet, row, column and the problem."""

from __future__ import annotations


class EtlError(Exception):
    """A problem with an input or a check, reported to the user without a traceback.

    Every parser and check raises this (never a bare ValueError) so the CLI can print one
    line, exit non-zero and leave the published database untouched.
    """

    def __init__(
        self,
        problem: str,
        *,
        file: str | None = None,
        sheet: str | None = None,
        row: int | str | None = None,
        column: str | None = None,
    ) -> None:
        self.problem = problem
        self.file = file
        self.sheet = sheet
        self.row = row
        self.column = column
        super().__init__(str(self))

    def __str__(self) -> str:
        where = [
            f"{label} {value}"
            for label, value in (
                ("file", self.file),
                ("sheet", self.sheet),
                ("row", self.row),
                ("column", self.column),
            )
            if value is not None
        ]
        return f"{', '.join(where)}: {self.problem}" if where else self.problem


def first_line(err: BaseException) -> str:
    """The first line of a library's error (fastexcel's go on with a 'Context:' block)."""
    text = str(err).strip()
    return text.splitlines()[0] if text else type(err).__name__
