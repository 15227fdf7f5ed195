"""``certis verify-log URL_OR_DIRECTORY [--key KEY] [--previous FILE]``: the command lives in ``certis.ledger.commands`` (a module name with a hyphen
is not importable by the import statement)."""

from certis.ledger.commands import VerifyCommand as Command

__all__ = ["Command"]
