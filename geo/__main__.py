import gc
import os
import sys

from geo.cli import main

# A one-shot command keeps everything it loads until it exits: the cyclic collector's rescans
# of 100,000 events find nothing to free (reference counting still frees as usual).
gc.disable()
code = main()
# Everything is written and closed: skip tearing down hundreds of MB of objects one by one.
try:
    sys.stdout.flush()
    sys.stderr.flush()
except BrokenPipeError:  # the reader of a pipe went away before the end
    code = 1
except OSError as exc:  # standard output full (ENOSPC)
    os.write(2, f"standard output: cannot write: {exc.strerror or exc}\n".encode())
    code = 1
os._exit(code)
