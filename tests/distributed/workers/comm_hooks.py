"""Run by tests/distributed/test_comm_hooks_mpi.py under `mpiexec -n 2`: DDP communication hooks
and Work futures; writes a JSON report (rank 0) to argv[1]."""
import datetime
import json
import os
import sys

import numpy as np

import ember as torch
import ember.distributed as dist
import ember.nn as nn
from ember.distributed.algorithms.ddp_comm_hooks import DDPCommHookType, register_ddp_comm_hook
from ember.distributed.algorithms.ddp_comm_hooks import default_hooks, debugging_hooks

dist.init_process_group("gloo", timeout=datetime.timedelta(seconds=20))
rank, world = dist.get_rank(), dist.get_world_size()
report = {}

g = np.random.default_rng(0)
X = torch.tensor(g.standard_normal((6, 16, 6)).astype(np.float32))
Y = torch.tensor(g.integers(0, 3, (6, 16)))
lo, hi = rank * 8, rank * 8 + 8


def make():
    torch.manual_seed(1)
    return nn.Sequential(nn.Linear(6, 16), nn.Tanh(), nn.Linear(16, 3))


def train(model, full, steps=6):
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    for step in range(steps):
        x, y = (X[step], Y[step]) if full else (X[step, lo:hi], Y[step, lo:hi])
        opt.zero_grad()
        nn.functional.cross_entropy(model(x), y).backward()
        opt.step()
    return model


def diff(a, b):
    return max(float((p - q).abs().max()) for p, q in zip(a.parameters(), b.parameters()))


ref = train(make(), True)
plain = train(nn.parallel.DistributedDataParallel(make(), bucket_cap_mb=0.0002), False).module

# the allreduce hook gives what DDP gives without a hook, bit for bit
seen = []


def logging_allreduce(state, bucket):
    seen.append((bucket.index(), bucket.is_last(), bucket.buffer().numel(),
                 [tuple(t.shape) for t in bucket.gradients()], len(bucket.parameters())))
    return default_hooks.allreduce_hook(state, bucket)


ddp = nn.parallel.DistributedDataParallel(make(), bucket_cap_mb=0.0002)
ddp.register_comm_hook(None, logging_allreduce)
hooked = train(ddp, False).module
try:
    ddp.register_comm_hook(None, logging_allreduce)
    twice = None
except RuntimeError as e:
    twice = str(e)
report["allreduce"] = {"vs_plain": diff(hooked, plain), "vs_full": diff(hooked, ref),
                       "buckets": len(ddp._buckets), "first_iter": seen[:len(ddp._buckets)], "twice": twice}

for name, kind in (("fp16", DDPCommHookType.FP16_COMPRESS), ("bf16", DDPCommHookType.BF16_COMPRESS)):
    ddp = nn.parallel.DistributedDataParallel(make())
    register_ddp_comm_hook(kind, ddp)
    report[name] = {"vs_full": diff(train(ddp, False).module, ref)}

ddp = nn.parallel.DistributedDataParallel(make())
ddp.register_comm_hook(None, default_hooks.fp16_compress_wrapper(default_hooks.allreduce_hook))
report["fp16_wrapper"] = {"vs_full": diff(train(ddp, False).module, ref)}

# noop: no communication, each rank trains on its own half
ddp = nn.parallel.DistributedDataParallel(make())
ddp.register_comm_hook(None, debugging_hooks.noop_hook)
local = train(ddp, False).module
flat = torch.cat([p.detach().reshape(-1) for p in local.parameters()])
both = [torch.zeros_like(flat) for _ in range(world)]
dist.all_gather(both, flat)
report["noop"] = {"ranks_differ": not np.array_equal(both[0].numpy(), both[1].numpy())}

# a custom hook with a state: sum instead of mean (gradients twice the mean)
ddp = nn.parallel.DistributedDataParallel(make())


def summing(state, bucket):
    state["calls"] += 1
    return dist.all_reduce(bucket.buffer(), async_op=True).get_future().then(lambda f: f.value()[0])


state = {"calls": 0}
ddp.register_comm_hook(state, summing)
ddp(X[0, lo:hi]).sum().backward()
plain2 = nn.parallel.DistributedDataParallel(make())
plain2(X[0, lo:hi]).sum().backward()
ratio = [float((a.grad / b.grad).mean()) for a, b in zip(ddp.module.parameters(), plain2.module.parameters())]
report["custom"] = {"calls": state["calls"], "ratio": ratio}

# Work futures
t = torch.full((3,), float(rank + 1))
fut = dist.all_reduce(t, async_op=True).get_future()
chained = fut.then(lambda f: f.value()[0] * 10)
report["future"] = {"value": chained.wait().tolist(), "done": fut.done(),
                    "wait_all": [v[0].tolist() for v in torch.futures.wait_all(
                        [dist.all_reduce(torch.ones(2), async_op=True).get_future()])]}

if rank == 0:
    with open(os.path.join(sys.argv[1], "report.json"), "w") as f:
        json.dump(report, f)
dist.destroy_process_group()
