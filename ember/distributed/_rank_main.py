"""The program each MPI rank runs under ``ember.distributed.run``: sets torchrun's per-rank
variables from MPI's, then runs the user's script as ``__main__``. A rank that fails aborts the
whole MPI job, so the other ranks stop at once instead of waiting for their timeout."""
import os
import runpy
import sys
import traceback


def _set_env():
    rank = int(os.environ.get("PMI_RANK", os.environ.get("OMPI_COMM_WORLD_RANK", "0")))
    local = int(os.environ.get("MPI_LOCALRANKID", os.environ.get("OMPI_COMM_WORLD_LOCAL_RANK", rank)))
    lws = int(os.environ.get("LOCAL_WORLD_SIZE", "1"))
    os.environ.update(RANK=str(rank), LOCAL_RANK=str(local), GROUP_RANK=str(rank // max(lws, 1)),
                      ROLE_RANK=str(rank))


def _abort(code):
    sys.stdout.flush()
    sys.stderr.flush()
    mpi = sys.modules.get("mpi4py.MPI")
    if mpi is not None and mpi.Is_initialized() and not mpi.Is_finalized():
        mpi.COMM_WORLD.Abort(code)
    os._exit(code)


def main(argv):
    _set_env()
    if os.environ.get("EMBER_COMPAT") == "1":
        from ember import compat
        compat.install()
    if argv[0] == "--no-python":
        os.execvp(argv[1], argv[1:])
    module = argv[0] == "-m"
    if module:
        argv = argv[1:]
    sys.argv = list(argv)
    try:
        if module:
            runpy.run_module(argv[0], run_name="__main__", alter_sys=True)
        else:
            sys.path.insert(0, os.path.dirname(os.path.abspath(argv[0])))
            runpy.run_path(argv[0], run_name="__main__")
    except SystemExit as e:
        code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
        if code:
            _abort(code)
        raise
    except BaseException:  # noqa: BLE001 - report, then stop every rank
        print(f"[rank{os.environ['RANK']}]: " + traceback.format_exc().replace("\n", f"\n[rank{os.environ['RANK']}]: "),
              file=sys.stderr)
        _abort(1)


if __name__ == "__main__":
    main(sys.argv[1:])
