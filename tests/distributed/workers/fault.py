"""Run under `mpiexec -n 2`: rank 1 leaves without joining the collective (argv[1] = "exit") or
dies with an exception ("raise"); rank 0's all_reduce must raise DistBackendError within the
timeout and name the cause, not hang."""
import datetime
import sys
import time

import ember as torch
import ember.distributed as dist

dist.init_process_group("gloo", timeout=datetime.timedelta(seconds=2))
if dist.get_rank() == 1:
    if sys.argv[1] == "raise":
        raise ValueError("rank 1 failed on purpose")
    sys.exit(0)
start = time.monotonic()
try:
    dist.all_reduce(torch.ones(4))
except dist.DistBackendError as e:
    print(f"rank 0 raised after {time.monotonic() - start:.1f}s: {e}", flush=True)
    raise
