import os
import sys

# One BLAS thread: the report's only linear algebra is a two-parameter fit (the shrinkage
# prior), where OpenBLAS spends 60 ms starting and syncing threads for 5 ms of work. Set
# before numpy loads; a user's own setting wins.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
# Polars' allocator (jemalloc, read under this name) keeps freed pages for 10 s by default,
# so the text of every file read stays resident while the tables are typed and joined:
# 1.40 GB peak for a 1M-lead report. A background thread that returns pages unused for
# 0.1 s gives 1.0-1.1 GB in the same time (0 ms: 0.98 GB but 0.5 s slower). Set before
# Polars loads; a user's own setting wins.
os.environ.setdefault(
    "_RJEM_MALLOC_CONF", "background_thread:true,dirty_decay_ms:100,muzzy_decay_ms:0"
)

from truce.cli import main  # after the setting above

code = main()
if sys.getprofile() or sys.gettrace():
    sys.exit(code)  # a profiler or coverage run writes its results on the way out
# Leave without tearing down: the frames of a large export take a fifth of a second to free,
# memory the system takes back at once when the process ends. Nothing is left to write
# (the command registers no exit handler), so only what is buffered is flushed first.
sys.stdout.flush()
sys.stderr.flush()
os._exit(code)
