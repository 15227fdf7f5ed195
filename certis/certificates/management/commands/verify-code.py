"""``certis verify-code CODE --jwks FILE``: the command lives in ``certis.certificates.offline``, whose name
mypy can check (a module name with a hyphen is not importable by the import statement)."""

from certis.certificates.offline import Command

__all__ = ["Command"]
