"""Run by tests/distributed/test_ddp_mpi.py under `mpiexec -n 2`: DDP on half batches vs one
process on the full batch; writes a JSON report (rank 0) and a checkpoint to argv[1]."""
import datetime
import json
import os
import sys

import numpy as np

import ember as torch
import ember.distributed as dist
import ember.nn as nn

out_dir = sys.argv[1]
dist.init_process_group("gloo", timeout=datetime.timedelta(seconds=20))
rank, world = dist.get_rank(), dist.get_world_size()
report = {}


def make_model(seed):
    torch.manual_seed(seed + rank * 0)  # same init; DDP must broadcast anyway
    return nn.Sequential(nn.Linear(6, 16), nn.Tanh(), nn.Linear(16, 16), nn.Tanh(), nn.Linear(16, 3))


g = np.random.default_rng(0)
X = torch.tensor(g.standard_normal((20, 16, 6)).astype(np.float32))
Y = torch.tensor(g.integers(0, 3, (20, 16)))
lo, hi = rank * 8, rank * 8 + 8


def train(model, opt, full):
    for step in range(20):
        x, y = (X[step], Y[step]) if full else (X[step, lo:hi], Y[step, lo:hi])
        opt.zero_grad()
        nn.functional.cross_entropy(model(x), y).backward()
        opt.step()


for name, make_opt in [("sgd", lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9)),
                       ("adam", lambda p: torch.optim.Adam(p, lr=0.01))]:
    ref = make_model(1)
    if rank == 1:  # a different init on rank 1: DDP's construction broadcast must fix it
        torch.manual_seed(99)
        ddp_inner = nn.Sequential(nn.Linear(6, 16), nn.Tanh(), nn.Linear(16, 16), nn.Tanh(), nn.Linear(16, 3))
    else:
        ddp_inner = make_model(1)
    ddp = nn.parallel.DistributedDataParallel(ddp_inner, bucket_cap_mb=0.0005)  # several buckets
    train(ref, make_opt(ref.parameters()), True)
    train(ddp, make_opt(ddp.parameters()), False)
    diff = max(float((a - b).abs().max()) for a, b in zip(ref.parameters(), ddp.module.parameters()))
    flat = torch.cat([p.detach().reshape(-1) for p in ddp.module.parameters()])
    both = [torch.zeros_like(flat) for _ in range(world)]
    dist.all_gather(both, flat)
    report[name] = {"max_diff": diff, "ranks_identical": bool(np.array_equal(both[0].numpy(), both[1].numpy())),
                    "buckets": len(ddp._buckets)}

# no_sync: two micro-batches accumulated locally, synced on the second backward == one full batch
torch.manual_seed(3)
m = nn.Linear(6, 3)
ref = nn.Linear(6, 3)
ref.load_state_dict(m.state_dict())
ddp = nn.parallel.DistributedDataParallel(m)
with ddp.no_sync():
    ddp(X[0, lo:lo + 4]).pow(2).mean().backward()
local_only = m.weight.grad.clone()
ddp(X[0, lo + 4:hi]).pow(2).mean().backward()
(ref(X[0, :4]).pow(2).mean() + ref(X[0, 4:8]).pow(2).mean() + ref(X[0, 8:12]).pow(2).mean()
 + ref(X[0, 12:16]).pow(2).mean()).div(2).backward()
report["no_sync"] = {"max_diff": float((m.weight.grad - ref.weight.grad).abs().max()),
                     "local_differs": bool(float((local_only * 2 - m.weight.grad).abs().max()) > 1e-6)}


# find_unused_parameters: a branch used only on rank 0
class Branchy(nn.Module):
    def __init__(self):
        super().__init__()
        self.a, self.b = nn.Linear(6, 3), nn.Linear(6, 3)

    def forward(self, x, use_b):
        return self.a(x) + (self.b(x) if use_b else 0)


torch.manual_seed(4)
br = nn.parallel.DistributedDataParallel(Branchy(), find_unused_parameters=True)
for _ in range(2):
    br.zero_grad()
    br(X[1, lo:hi], rank == 0).sum().backward()
gb = br.module.b.weight.grad
report["unused"] = {"b_grad_mean_of_rank0": gb is not None}
try:
    strict = nn.parallel.DistributedDataParallel(Branchy())
    strict(X[1, lo:hi], False).sum().backward()
    strict(X[1, lo:hi], False)
    report["unused"]["strict_raises"] = False
except RuntimeError as e:
    report["unused"]["strict_raises"] = "find_unused_parameters" in str(e)

# SyncBatchNorm on half batches == BatchNorm on the full batch (output, grads, running stats)
torch.manual_seed(5)
bn = nn.Sequential(nn.Linear(6, 4), nn.BatchNorm1d(4))
sbn = nn.SyncBatchNorm.convert_sync_batchnorm(nn.Sequential(nn.Linear(6, 4), nn.BatchNorm1d(4)))
sbn.load_state_dict(bn.state_dict())
xb = X[2] * 3 + 1
full = bn(xb)
(full ** 3).sum().backward()
half = sbn(xb[lo:hi])
(half ** 3).sum().backward()
gw = sbn[0].weight.grad.clone()
dist.all_reduce(gw)
report["syncbn"] = {"out": float((half - full[lo:hi]).abs().max()),
                    "grad": float((gw - bn[0].weight.grad).abs().max()),
                    "running_var": float((sbn[1].running_var - bn[1].running_var).abs().max()),
                    "type": type(sbn[1]).__name__}

# DistributedSampler: disjoint shares that cover the dataset, same permutation on every rank
sampler = torch.utils.data.DistributedSampler(list(range(10)), shuffle=True, seed=7)
sampler.set_epoch(1)
mine = list(sampler)
shares = [None] * world
dist.all_gather_object(shares, mine)
report["sampler"] = sorted(shares[0] + shares[1]) == list(range(10))

if rank == 0:
    torch.save(ddp.state_dict(), os.path.join(out_dir, "ddp.pt"))
    with open(os.path.join(out_dir, "report.json"), "w") as f:
        json.dump(report, f)
dist.barrier()
dist.destroy_process_group()
