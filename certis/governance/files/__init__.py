"""The formats governance reads and writes, without touching the database: ``notice`` (the text of a notice,
read into a plan's outline) and ``excel`` (the task-division and progress tables)."""
