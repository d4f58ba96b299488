"""Run by tests/distributed/test_join_mpi.py under `mpiexec -n 2`: DDP.join with uneven inputs
(rank 0 has 3 batches, rank 1 has 5), checked against one process replaying torch's semantics;
writes a JSON report (rank 0) to argv[1]."""
import datetime
import json
import os
import sys

import numpy as np

import ember as torch
import ember.distributed as dist
import ember.nn as nn
from ember.distributed.algorithms import Join
from ember.distributed.algorithms.ddp_comm_hooks import default_hooks

dist.init_process_group("gloo", timeout=datetime.timedelta(seconds=20))
rank, world = dist.get_rank(), dist.get_world_size()
NB = [3, 5]
g = np.random.default_rng(0)
X = [torch.tensor(g.standard_normal((NB[r], 8, 6)).astype(np.float32)) for r in range(world)]
Y = [torch.tensor(g.integers(0, 3, (NB[r], 8))) for r in range(world)]
LR = 0.1
report = {}


def make(bn=False):
    torch.manual_seed(1)
    layers = [nn.Linear(6, 16), nn.Tanh(), nn.Linear(16, 16), nn.Tanh(), nn.Linear(16, 3)]
    if bn:
        layers.insert(1, nn.BatchNorm1d(16))
    return nn.Sequential(*layers)


def loss_of(model, r, i):
    return nn.functional.cross_entropy(model(X[r][i]), Y[r][i])


def reference(divide_by_initial):
    """One process: at step i, the gradient is the sum over the ranks that still have a batch,
    divided by the world size (or by how many ranks are active)."""
    model = make()
    for i in range(max(NB)):
        active = [r for r in range(world) if i < NB[r]]
        total = None
        for r in active:
            model.zero_grad()
            loss_of(model, r, i).backward()
            gs = [p.grad.clone() for p in model.parameters()]
            total = gs if total is None else [a + b for a, b in zip(total, gs)]
        div = world if divide_by_initial else len(active)
        with torch.no_grad():
            for p, gr in zip(model.parameters(), total):
                p -= LR * gr / div
    return model


def train(ddp, **join_kwargs):
    opt = torch.optim.SGD(ddp.parameters(), lr=LR)
    steps = 0
    with ddp.join(**join_kwargs):
        for i in range(NB[rank]):
            opt.zero_grad()
            loss_of(ddp, rank, i).backward()
            opt.step()
            steps += 1
    return steps


def state(model):
    return [t.detach().clone() for t in list(model.parameters()) + list(model.buffers())]


def gathered_diff(model):
    """Largest difference between this rank's model and rank 0's (0 on every rank when equal)."""
    s = state(model)
    for t in s:
        dist.broadcast(t, src=0)
    mine = state(model)
    return max(float((a - b).abs().max()) for a, b in zip(s, mine))


def vs(model, ref):
    return max(float((p - q).abs().max()) for p, q in zip(model.parameters(), ref.parameters()))


for divide in (True, False):
    ref = reference(divide)
    ddp = nn.parallel.DistributedDataParallel(make(), bucket_cap_mb=0.0002)
    steps = train(ddp, divide_by_initial_world_size=divide)
    report[f"divide_{divide}"] = {"vs_ref": vs(ddp.module, ref), "ranks_differ": gathered_diff(ddp.module),
                                  "steps": steps, "buckets": len(ddp._buckets),
                                  "final": [p.tolist() for p in ddp.module.parameters()]}
report["modes_differ"] = vs(reference(True), reference(False))
report["init"] = [p.tolist() for p in make().parameters()]

# a registered comm hook is run on the joined rank's zero buckets too (allreduce_hook divides by
# the group size, so it matches divide_by_initial_world_size=True)
ddp = nn.parallel.DistributedDataParallel(make(), bucket_cap_mb=0.0002)
ddp.register_comm_hook(None, default_hooks.allreduce_hook)
train(ddp)
report["hook"] = {"vs_ref": vs(ddp.module, reference(True)), "ranks_differ": gathered_diff(ddp.module)}

# buffers: the joined rank shadows the buffer broadcast; the last joiner's model wins
ddp = nn.parallel.DistributedDataParallel(make(bn=True), bucket_cap_mb=0.0002)
train(ddp)
report["batchnorm"] = {"ranks_differ": gathered_diff(ddp.module)}

# no_sync under join: the joined rank skips the bucket allreduces when the active ranks do
ddp = nn.parallel.DistributedDataParallel(make(), bucket_cap_mb=0.0002)
opt = torch.optim.SGD(ddp.parameters(), lr=LR)
with ddp.join():
    for i in range(NB[rank]):
        if i % 2:
            with ddp.no_sync():
                loss_of(ddp, rank, i).backward()
        else:
            loss_of(ddp, rank, i).backward()
            opt.step()
            opt.zero_grad()
report["no_sync"] = {"ranks_differ": gathered_diff(ddp.module), "order": ddp._bucket_order}

# throw_on_early_termination: every rank raises as soon as one runs out of inputs
ddp = nn.parallel.DistributedDataParallel(make(), bucket_cap_mb=0.0002)
try:
    train(ddp, throw_on_early_termination=True)
    msg = None
except RuntimeError as e:
    msg = str(e)
msgs = [None] * world
dist.all_gather_object(msgs, msg)
report["throw"] = msgs

# the group still works afterwards: every rank is back in step
t = torch.ones(1)
dist.all_reduce(t)
report["after"] = t.item()

if rank == 0:
    with open(os.path.join(sys.argv[1], "report.json"), "w") as f:
        json.dump(report, f)
dist.destroy_process_group()
