"""The journal: every order state, fill, commission and message the core applies, and every request the
blotter sent (with the user action behind it), in one SQLite file per account; read back for a restart,
for earlier days and for export. Imports only blotter.domain and the standard library."""

from blotter.journal.db import JournalError, data_dir
from blotter.journal.reader import Archive, Record, parse_day
from blotter.journal.writer import Journal, Problem, day_of

__all__ = ["Archive", "Journal", "JournalError", "Problem", "Record", "data_dir", "day_of", "parse_day"]
