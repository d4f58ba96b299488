"""What each MPI rank started by ``ember.multiprocessing.spawn`` runs: restore the parent's
``__main__`` (as multiprocessing's spawn does), unpickle ``fn``/``args``, call ``fn(rank, *args)``;
on failure write the traceback for the parent and stop the whole job."""
import os
import pickle
import sys
import traceback
import multiprocessing.spawn as _mp_spawn


def main(workdir):
    rank = int(os.environ.get("PMI_RANK", os.environ.get("OMPI_COMM_WORLD_RANK", "0")))
    try:
        with open(os.path.join(workdir, "job.pkl"), "rb") as f:
            job = pickle.load(f)
        if job.get("compat"):  # the parent ran under ember.compat: `import torch` is ember here too
            from ember import compat
            compat.install()
        _mp_spawn.prepare(job["prep"])
        fn, args = pickle.loads(job["payload"])
        fn(rank, *args)
    except BaseException as e:  # noqa: BLE001 - report to the parent, stop the job
        if isinstance(e, SystemExit) and not e.code:
            return
        with open(os.path.join(workdir, f"error_{rank}.txt"), "w") as f:
            f.write(traceback.format_exc())
        sys.stderr.flush()
        mpi = sys.modules.get("mpi4py.MPI")
        if mpi is not None and mpi.Is_initialized() and not mpi.Is_finalized():
            mpi.COMM_WORLD.Abort(1)
        os._exit(1)


if __name__ == "__main__":
    main(sys.argv[1])
