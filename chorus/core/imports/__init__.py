"""One pipeline for every spreadsheet import.

An import reads a table (``chorus.core.spreadsheets``, within the deployment's limits),
maps its columns to an import kind's fields, checks every row, finds which rows are
already in Chorus, shows the problems, and writes nothing until a person confirms.

- ``columns``: the fields a kind takes and the guess of which column holds each.
- ``rows``: ``CheckedRow`` and the ``RowChecker`` base every kind's checker extends.
- ``kinds``: ``ImportKind``, one entry of an app's table of kinds (fields, checker,
  matcher, batch writer).
- ``models``: abstract bases for the records of an import.
- ``files``: a big file stored with its job and read, checked and written by tasks,
  in batches that record their progress, so an interrupted import resumes.
- ``staged``: a small file read and checked while the person waits, its rows kept
  on the job until it is confirmed, then written once.
"""
