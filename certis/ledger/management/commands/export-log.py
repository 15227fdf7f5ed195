"""``certis export-log DIRECTORY``: the command lives in ``certis.ledger.commands`` (a module name with a hyphen
is not importable by the import statement)."""

from certis.ledger.commands import ExportCommand as Command

__all__ = ["Command"]
