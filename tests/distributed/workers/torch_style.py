"""An unmodified PyTorch program (`import torch`), run under ember.compat through the launcher
(argv[1] == "launch") or with torch.multiprocessing.spawn as pytorch/examples do ("spawn")."""
import os
import sys

import torch
import torch.distributed as dist
import torch.multiprocessing as mp


def show(rank, world_size):
    if world_size:
        os.environ.setdefault("MASTER_ADDR", "localhost")
        os.environ.setdefault("MASTER_PORT", "12355")
        dist.init_process_group("gloo", rank=rank, world_size=world_size)
    else:
        dist.init_process_group("gloo")
    t = torch.ones(2) * (dist.get_rank() + 1)
    dist.all_reduce(t)
    sys.stdout.write(f"{type(t).__module__.split('.')[0]} {dist.get_rank()} {t.tolist()}\n"); sys.stdout.flush()
    dist.destroy_process_group()


if __name__ == "__main__":
    if sys.argv[1] == "spawn":
        mp.spawn(show, args=(2,), nprocs=2, join=True)
    else:
        show(None, None)
