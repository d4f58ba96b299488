"""Distributed: ember on MPI vs PyTorch's gloo, 2 processes on this machine.

    python benchmarks/bench_distributed.py [--quick]

Prints allreduce latency (1 float32) and bandwidth (10M float32), and the time of one
DistributedDataParallel training step (an MLP, global batch 64) on 2 ranks vs 1 rank, for
ember and torch. Both run as `mpiexec -n N` jobs (torch's ranks rendezvous over TCP with gloo).
Quote ratios, not absolute times: the machines are noisy.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time


def _worker(lib, quick):
    rank, world = int(os.environ.get("PMI_RANK", 0)), int(os.environ.get("PMI_SIZE", 1))
    if lib == "torch":
        import torch
        import torch.distributed as dist
        dist.init_process_group("gloo", init_method="tcp://127.0.0.1:29533", rank=rank, world_size=world)
    else:
        import ember as torch
        import ember.distributed as dist
        dist.init_process_group("gloo", rank=rank, world_size=world)
    res = {}

    def timed(fn, n):
        fn()
        ts = []
        for _ in range(n):
            dist.barrier()
            t0 = time.perf_counter()
            fn()
            ts.append(time.perf_counter() - t0)
        return statistics.median(ts)

    if world > 1:
        one = torch.ones(1)
        res["allreduce_1_us"] = 1e6 * timed(lambda: dist.all_reduce(one), 50 if quick else 300)
        big = torch.ones(10_000_000 if not quick else 1_000_000)
        t = timed(lambda: dist.all_reduce(big), 3 if quick else 10)
        res["allreduce_10M_ms" if not quick else "allreduce_1M_ms"] = 1e3 * t
        res["allreduce_GBps"] = big.numel() * 4 / t / 1e9
    nn = torch.nn
    torch.manual_seed(0)
    model = nn.parallel.DistributedDataParallel(
        nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(), nn.Linear(512, 10)))
    opt = torch.optim.SGD(model.parameters(), lr=0.01)
    x, y = torch.randn(64 // world, 784), torch.randint(0, 10, (64 // world,))

    def step():
        opt.zero_grad()
        nn.functional.cross_entropy(model(x), y).backward()
        opt.step()
    res["ddp_step_ms"] = 1e3 * timed(step, 5 if quick else 30)
    if rank == 0:
        print(json.dumps(res), flush=True)
    dist.destroy_process_group()


def _job(lib, n, quick):
    here = os.path.join(os.path.dirname(sys.executable), "mpiexec")
    cmd = [here if os.path.exists(here) else "mpiexec", "-n", str(n), sys.executable, os.path.abspath(__file__),
           "--worker", lib] + (["--quick"] if quick else [])
    env = dict(os.environ, OMP_NUM_THREADS="1")
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env["PYTHONPATH"] = root + os.pathsep + env.get("PYTHONPATH", "")
    p = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=600)
    if p.returncode:
        raise RuntimeError(f"{lib} x{n} failed:\n{p.stderr[-2000:]}")
    return json.loads(p.stdout.strip().splitlines()[-1])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--worker")
    ap.add_argument("--quick", action="store_true")
    a = ap.parse_args()
    if a.worker:
        return _worker(a.worker, a.quick)
    libs = ["ember"]
    try:
        import torch  # noqa: F401
        libs.append("torch")
    except ImportError:
        pass
    rows = {lib: (_job(lib, 2, a.quick), _job(lib, 1, a.quick)) for lib in libs}
    size = "1M" if a.quick else "10M"
    print(f"{'':28s}" + "".join(f"{lib:>12s}" for lib in libs) + ("   ember/torch" if len(libs) == 2 else ""))
    for key, label, pick in [("allreduce_1_us", "allreduce 1 float (us)", 0),
                             (f"allreduce_{size}_ms", f"allreduce {size} floats (ms)", 0),
                             ("allreduce_GBps", "allreduce bandwidth (GB/s)", 0),
                             ("ddp_step_ms", "DDP step, 2 ranks (ms)", 0), ("ddp_step_ms", "DDP step, 1 rank (ms)", 1)]:
        vals = [rows[lib][pick][key] for lib in libs]
        ratio = f"   {vals[0] / vals[1]:.2f}x" if len(vals) == 2 else ""
        print(f"{label:28s}" + "".join(f"{v:12.2f}" for v in vals) + ratio)
    for lib in libs:
        two, one = rows[lib][0]["ddp_step_ms"], rows[lib][1]["ddp_step_ms"]
        print(f"{lib}: 2-rank DDP step / 1-rank step = {two / one:.2f} (each rank has half the batch)")


if __name__ == "__main__":
    main()
