"""certis load_catalogue: load the seed of the CCC catalogue and HS code table (what is missing of it)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from certis.catalogue.services.seed import load_seed


class Command(BaseCommand):
    help = (
        "Load the CCC catalogue's categories, products, adjustments and HS codes from certis/catalogue/seed."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            loaded = load_seed(acting_user=None)
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        self.stdout.write(f"Catalogue seed: added {loaded}.")
