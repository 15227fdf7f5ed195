"""Development on one machine: SQLite under var/, debug pages, mail to the console."""

from .base import *  # noqa: F403
from .env import env_bool

DEBUG = env_bool("DEBUG", True)
