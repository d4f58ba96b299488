"""Train the quickstart's CNN on the handwritten digits with DistributedDataParallel.

    pip install -e '.[examples,distributed]'
    python -m ember.distributed.run --nproc-per-node 2 examples/ddp_train.py --epochs 3

(or `ember-run --nproc-per-node 2 ...`, or `mpiexec -n 2 python examples/ddp_train.py`; run
directly, the script launches itself with `--nproc-per-node`). Each rank trains on its share of
every epoch (DistributedSampler); DDP averages the gradients, so the ranks hold the same model.
Rank 0 prints the loss and test accuracy and saves a checkpoint that PyTorch loads.
Written as a PyTorch program: `import ember as torch`.
"""
import argparse
import os
import subprocess
import sys
import time

import numpy as np

import ember as torch
import ember.distributed as dist
import ember.nn.functional as F
import ember.optim as optim
from ember.nn.parallel import DistributedDataParallel as DDP
from ember.utils.data import DataLoader, DistributedSampler

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from quickstart import Net, evaluate, load_digits  # noqa: E402


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--epochs", type=int, default=4)
    p.add_argument("--batch-size", type=int, default=32, help="per rank")
    p.add_argument("--lr", type=float, default=1.0)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--nproc-per-node", type=int, default=2, help="ranks, when the script launches itself")
    p.add_argument("--out", default="runs")
    p.add_argument("--min-accuracy", type=float, default=0.9)
    args = p.parse_args(argv)
    if "RANK" not in os.environ and "PMI_RANK" not in os.environ:  # not launched: launch ourselves
        cmd = [sys.executable, "-m", "ember.distributed.run", "--nproc-per-node", str(args.nproc_per_node),
               os.path.abspath(__file__)] + (sys.argv[1:] if argv is None else list(argv))
        return subprocess.call(cmd)

    dist.init_process_group("gloo")
    rank, world = dist.get_rank(), dist.get_world_size()
    torch.manual_seed(args.seed)
    train_set, test_set, side = load_digits(args.seed)
    sampler = DistributedSampler(train_set, shuffle=True, seed=args.seed)
    loader = DataLoader(train_set, batch_size=args.batch_size, sampler=sampler)
    model = DDP(Net(side))
    optimizer = optim.Adadelta(model.parameters(), lr=args.lr)
    if rank == 0:
        print(f"{world} ranks; {len(train_set)} training images, {len(sampler)} per rank per epoch")
    start = time.time()
    for epoch in range(1, args.epochs + 1):
        sampler.set_epoch(epoch)
        model.train()
        losses = []
        for data, target in loader:
            optimizer.zero_grad()
            loss = F.nll_loss(model(data), target)
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
        mean = torch.tensor([float(np.mean(losses))])
        dist.all_reduce(mean, op=dist.ReduceOp.AVG)
        if rank == 0:
            _, acc = evaluate(model.module, DataLoader(test_set, batch_size=256))
            print(f"epoch {epoch}  train loss {mean.item():.4f}  test accuracy {100 * acc:.2f}%", flush=True)
    if rank == 0:
        print(f"trained in {time.time() - start:.1f} s")
        os.makedirs(args.out, exist_ok=True)
        ckpt = os.path.join(args.out, "ddp_cnn.pt")
        torch.save(model.state_dict(), ckpt)
        print(f"checkpoint: {ckpt} (keys 'module.*', as PyTorch's DDP writes them)")
    dist.barrier()
    dist.destroy_process_group()
    if rank == 0 and acc < args.min_accuracy:
        print(f"test accuracy {100 * acc:.2f}% is below {100 * args.min_accuracy:.0f}%")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
