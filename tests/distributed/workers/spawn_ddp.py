"""pytorch/examples-style DDP: mp.spawn(train) then init_process_group("gloo", rank=, world_size=);
then a spawned function that raises. Run by tests/distributed/test_launch_mpi.py."""
import os, sys
import ember as torch
import ember.distributed as dist
import ember.multiprocessing as mp
import ember.nn as nn

def train(rank, world_size, out):
    os.environ["MASTER_ADDR"] = "localhost"; os.environ["MASTER_PORT"] = "12355"
    dist.init_process_group("gloo", rank=rank, world_size=world_size)
    torch.manual_seed(rank)
    model = nn.parallel.DistributedDataParallel(nn.Linear(4, 2))
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    for _ in range(3):
        opt.zero_grad(); model(torch.randn(8, 4)).pow(2).mean().backward(); opt.step()
    w = model.module.weight.detach().clone(); ws = [torch.zeros_like(w) for _ in range(world_size)]
    dist.all_gather(ws, w)
    if rank == 0:
        with open(out, "w") as f: f.write(str(bool((ws[0] == ws[1]).all())))
    dist.destroy_process_group()

def bad(rank):
    if rank == 1: raise KeyError("bad rank")

if __name__ == "__main__":
    mp.spawn(train, args=(2, sys.argv[1]), nprocs=2, join=True)
    print(open(sys.argv[1]).read())
    try: mp.spawn(bad, nprocs=2)
    except mp.ProcessRaisedException as e: print("raised:", "KeyError" in str(e), e.error_index)
