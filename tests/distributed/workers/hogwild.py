"""Hogwild-style sharing: a child process (spawn start method) updates a shared model and a tensor
sent through a Queue; the parent sees both updates."""
import ember as torch, ember.multiprocessing as mp, ember.nn as nn

def work(model, q):
    with torch.no_grad():
        model.weight.add_(1.0)
    t = q.get()
    t.mul_(10)

if __name__ == "__main__":
    mp.set_start_method("spawn")
    m = nn.Linear(2, 2); m.share_memory()
    before = m.weight.detach().clone()
    q = mp.Queue(); t = torch.ones(3).share_memory_()
    u = torch.ones(2); q.put(u); u2 = q.get(); u2.add_(1)  # not shared: a copy travels
    p = mp.Process(target=work, args=(m, q)); p.start(); q.put(t); p.join()
    print(bool((u == 1).all()), p.exitcode, bool(((m.weight - before) == 1).all()), t, t.is_shared(), m.weight.is_shared())
