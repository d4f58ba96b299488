import sys
"""Run under `mpiexec -n 2` by tests/distributed/test_collectives_mpi.py; asserts every collective's
result on every rank (a failed assert exits non-zero) and prints `OK <rank>`."""
import datetime

import numpy as np

import ember as torch
import ember.distributed as dist


class Point:  # a user class: object collectives fall back to full pickling for it
    def __init__(self, v):
        self.v = v


def eq(t, expected):
    np.testing.assert_array_equal(t.numpy(), np.asarray(expected, dtype=t.numpy().dtype))


dist.init_process_group("mpi", init_method="env://", timeout=datetime.timedelta(seconds=20))
r, w = dist.get_rank(), dist.get_world_size()
assert (w, dist.get_backend(), dist.is_initialized()) == (2, "mpi", True)

t = torch.tensor([1., 2.]) * (r + 1)
dist.all_reduce(t)
eq(t, [3., 6.])
for op, want in [(dist.ReduceOp.MAX, [2, 4]), (dist.ReduceOp.MIN, [1, 2]), (dist.ReduceOp.PRODUCT, [2, 8]),
                 (dist.ReduceOp.AVG, [1.5, 3.])]:
    t = torch.tensor([1., 2.]) * (r + 1)
    dist.all_reduce(t, op=op)
    eq(t, want)
t = torch.tensor([3, 5]) + r
dist.all_reduce(t, op=dist.ReduceOp.BXOR)
eq(t, [3 ^ 4, 5 ^ 6])
t = torch.arange(6.).reshape(2, 3).t() * (r + 1)  # non-contiguous: written back in place
dist.all_reduce(t)
eq(t, np.arange(6.).reshape(2, 3).T * 3)
t = torch.ones(3, dtype=torch.float16) * (r + 1)
dist.all_reduce(t)
eq(t, [3, 3, 3])

t = torch.full((2,), float(r))
dist.broadcast(t, src=1)
eq(t, [1, 1])
t = torch.full((2,), float(r + 1))
dist.reduce(t, dst=0)
eq(t, [3, 3] if r == 0 else [2, 2])

lst = [torch.zeros(2) for _ in range(w)]
dist.all_gather(lst, torch.full((2,), float(r)))
eq(torch.stack(lst), [[0, 0], [1, 1]])
o = torch.zeros(2 * w)
dist.all_gather_into_tensor(o, torch.full((2,), float(r)))
eq(o, [0, 0, 1, 1])
o = torch.zeros(2)
dist.reduce_scatter_tensor(o, torch.arange(4.) * (r + 1))
eq(o, [0, 3] if r == 0 else [6, 9])
o = torch.zeros(2)
dist.reduce_scatter(o, [torch.ones(2), torch.ones(2) * 2])
eq(o, [2, 2] if r == 0 else [4, 4])
gl = [torch.zeros(2) for _ in range(w)] if r == 0 else None
dist.gather(torch.full((2,), float(r)), gl, dst=0)
if r == 0:
    eq(torch.stack(gl), [[0, 0], [1, 1]])
t = torch.zeros(2)
dist.scatter(t, [torch.ones(2), torch.ones(2) * 5] if r == 0 else None, src=0)
eq(t, [1, 1] if r == 0 else [5, 5])
o = torch.zeros(4)
dist.all_to_all_single(o, torch.arange(4.) + 10 * r)
eq(o, [0, 1, 10, 11] if r == 0 else [2, 3, 12, 13])
outs = [torch.zeros(1 + r), torch.zeros(1 + r)]
dist.all_to_all(outs, [torch.full((1,), 10. * r), torch.full((2,), 10. * r + 1)])
eq(torch.cat(outs), [0, 10] if r == 0 else [1, 1, 11, 11])

if r == 0:
    dist.send(torch.tensor([7., 8.]), dst=1)
    dist.isend(torch.tensor([9.]), dst=1, tag=3).wait()
else:
    x = torch.zeros(2)
    assert dist.recv(x) == 0
    eq(x, [7, 8])
    y = torch.zeros(1)
    dist.irecv(y, src=0, tag=3).wait()
    eq(y, [9])

t = torch.ones(2)
work = dist.all_reduce(t, async_op=True)
assert work.wait() is True and work.is_completed()
eq(t, [2, 2])
assert dist.barrier(async_op=True).wait()

objs = [None] * w
dist.all_gather_object(objs, {"r": r, "t": torch.ones(1) * r})
assert [o["r"] for o in objs] == [0, 1] and float(objs[1]["t"]) == 1.0
ol = [Point(3), "x"] if r == 0 else [None, None]
dist.broadcast_object_list(ol, src=0)
assert ol[0].v == 3 and ol[1] == "x"
go = [None] * w if r == 1 else None
dist.gather_object(r * 10, go, dst=1)
assert r == 0 or go == [0, 10]
so = [None]
dist.scatter_object_list(so, ["a", "b"] if r == 0 else None, src=0)
assert so[0] == "ab"[r]

g = dist.new_group([1])
if r == 0:
    assert g is dist.GroupMember.NON_GROUP_MEMBER and dist.get_rank(g) == -1
else:
    assert dist.get_rank(g) == 0 and dist.get_world_size(g) == 1
    t = torch.ones(1)
    dist.all_reduce(t, group=g)
    eq(t, [1])

try:
    dist.all_reduce(torch.ones(r + 1))
    raise AssertionError("mismatched shapes did not raise")
except RuntimeError as e:
    assert "different sizes" in str(e)
try:
    dist.init_process_group("gloo")
    raise AssertionError("second init did not raise")
except ValueError as e:
    assert "twice" in str(e)
dist.barrier()
dist.destroy_process_group()
assert not dist.is_initialized()
sys.stdout.write(f"OK {r}\n"); sys.stdout.flush()  # one write: ranks share the pipe
