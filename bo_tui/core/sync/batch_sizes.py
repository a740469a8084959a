"""How much the sync engine handles at once (SPEC sections 4 and 11, R-SYNC-2, R-SYNC-6): every
batch size in one place, each with the reason for its value."""

from __future__ import annotations

# SPEC section 4: a transfer request holds at most 1,000 staff members (more: 413).
TRANSFER_MAX = 1000
# Values in one ``IN (...)`` list: well under the 999 bound parameters old SQLite builds allow.
IN_LIST = 500
# Rows per ``executemany`` and rows buffered before an insert: flat memory, few round trips.
INSERT_ROWS = 10_000
# Records of an HR file checked as one batch (one worker task): big enough that a worker's
# start-up per task is noise, small enough that every worker gets work on a mid-sized file.
FILE_CHECK_RECORDS = 2000
# Records of an HR file staged per write transaction: each commit syncs the disk, so fewer.
FILE_WRITE_RECORDS = 10_000
# Staff members applied per commit-job transaction (R-SYNC-6): short write locks, cheap commits,
# and little work lost or repeated when a job resumes.
COMMIT_STAFF = 200
# Report rows read per query when a whole category is exported.
REPORT_READ_ROWS = 2000
