"""Run through ember.distributed.run by tests/distributed/test_launch_mpi.py: prints torchrun's
variables; with argv[1] == "fail" rank 1 raises while rank 0 waits in a collective."""
import json
import os
import sys
import time

keys = ("RANK", "LOCAL_RANK", "WORLD_SIZE", "LOCAL_WORLD_SIZE", "MASTER_ADDR", "MASTER_PORT", "TORCHELASTIC_RUN_ID")
sys.stdout.write(json.dumps({k: os.environ.get(k) for k in keys} | {"argv": sys.argv[1:], "name": __name__}) + "\n")
sys.stdout.flush()  # one write: ranks share the pipe
if sys.argv[1] == "fail":
    import ember
    import ember.distributed as dist
    dist.init_process_group("gloo")
    if dist.get_rank() == 1:
        raise ValueError("rank 1 failed on purpose")
    dist.all_reduce(ember.ones(1))  # would wait 30 minutes: the launcher must stop the job first
    time.sleep(60)
