"""``certis ledger-key create|rotate|show``: the command lives in ``certis.ledger.commands`` (a module name with a hyphen
is not importable by the import statement)."""

from certis.ledger.commands import KeyCommand as Command

__all__ = ["Command"]
