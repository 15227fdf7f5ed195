"""Development on one machine: SQLite under var/, debug pages, mail to the console."""

from .base import *  # noqa: F403
from .env import env_bool

DEBUG = env_bool("DEBUG", True)

# Demonstration data (`certis demo`); production leaves it out.
INSTALLED_APPS = [*INSTALLED_APPS, "certis.demo"]  # noqa: F405
