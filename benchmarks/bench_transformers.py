"""Hugging Face transformers on ember vs on PyTorch: GPT-2 forward and generate, BERT-base forward.

    python benchmarks/bench_transformers.py            # both libraries, medians and ratios
    python benchmarks/bench_transformers.py --quick    # fewer repeats, no 12-layer models

Cases (random weights, float32, single-threaded BLAS, inference mode):

* tiny GPT-2 (2 layers, d_model 64): forward on 1 x 32 tokens; greedy generate of 20 tokens
* small GPT-2 (GPT-2 124M shape: 12 layers, d_model 768, vocab 50257): forward on 1 x 64 tokens;
  greedy generate of 8 tokens
* BERT-base shape (12 layers, d_model 768): forward on 1 x 128 tokens

transformers cannot load ember and the real torch into one process, so each library runs in
its own worker process (this script with ``--worker``): PyTorch builds the models with a seed
and saves them (safetensors) in a temporary folder, ember loads those files, so both run
the same weights; the table also shows the largest logit difference between them. Quote
ratios, not absolute times: the machines are noisy.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "VECLIB_MAXIMUM_THREADS",
           "NUMEXPR_NUM_THREADS"):
    os.environ[_v] = "1"
_HERE = os.path.dirname(os.path.abspath(__file__))
_ROOT = os.path.dirname(_HERE)


def cases(quick):
    out = [("tiny GPT-2 forward, 1x32", "gpt2_tiny", "forward", 32, 0),
           ("tiny GPT-2 generate 20 tokens", "gpt2_tiny", "generate", 8, 20)]
    if not quick:
        out += [("small GPT-2 (124M) forward, 1x64", "gpt2_small", "forward", 64, 0),
                ("small GPT-2 (124M) generate 8 tokens", "gpt2_small", "generate", 8, 8),
                ("BERT-base forward, 1x128", "bert_base", "forward", 128, 0)]
    return out


def build(name, transformers, torch):
    torch.manual_seed(0)
    if name == "gpt2_tiny":
        cfg = transformers.GPT2Config(vocab_size=1000, n_embd=64, n_layer=2, n_head=4, n_positions=128)
        return transformers.GPT2LMHeadModel(cfg)
    if name == "gpt2_small":
        return transformers.GPT2LMHeadModel(transformers.GPT2Config())
    return transformers.BertModel(transformers.BertConfig())


def worker(side, work, quick):
    if side == "ember":
        sys.path.insert(0, _ROOT)
        from ember import compat
        compat.install()
    sys.path.insert(0, _HERE)
    import numpy as np
    import torch
    import transformers
    from _harness import measure
    transformers.logging.set_verbosity_error()
    transformers.utils.logging.disable_progress_bar()
    if side == "torch":
        torch.set_num_threads(1)
    repeat = 3 if quick else 5
    models, results = {}, {}
    for label, name, kind, seq, new in cases(quick):
        path = os.path.join(work, name)
        if name not in models:
            if side == "torch":
                build(name, transformers, torch).save_pretrained(path)
            cls = transformers.BertModel if name.startswith("bert") else transformers.GPT2LMHeadModel
            models[name] = cls.from_pretrained(path).eval()
        model = models[name]
        ids = torch.tensor(np.random.default_rng(0).integers(0, 1000, size=(1, seq)))
        with torch.no_grad():
            if kind == "forward":
                fn = lambda: model(input_ids=ids)  # noqa: E731
                out = fn()
                logits = out.logits if hasattr(out, "logits") else out.last_hidden_state
                np.save(os.path.join(work, f"{side}_{name}.npy"), logits.numpy())
            else:
                fn = lambda: model.generate(ids, attention_mask=torch.ones_like(ids), max_new_tokens=new,  # noqa
                                            min_new_tokens=new, do_sample=False, pad_token_id=0)
                np.save(os.path.join(work, f"{side}_{name}_gen.npy"), fn().numpy())
            results[label] = measure(fn, repeat=repeat, warmup=1, min_time=0.05)
    with open(os.path.join(work, f"{side}.json"), "w") as f:
        json.dump(results, f)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="fewer repeats, only the tiny GPT-2")
    ap.add_argument("--worker", choices=["torch", "ember"], help=argparse.SUPPRESS)
    ap.add_argument("--work", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        return worker(args.worker, args.work, args.quick)

    sys.path.insert(0, _HERE)
    import numpy as np
    from _harness import Table
    work = tempfile.mkdtemp(prefix="bench_hf_")
    res = {}
    for side in ("torch", "ember"):
        cmd = [sys.executable, os.path.abspath(__file__), "--worker", side, "--work", work] + \
            (["--quick"] if args.quick else [])
        r = subprocess.run(cmd, capture_output=True, text=True)
        if r.returncode != 0:
            print(f"{side} worker failed:\n{r.stderr[-3000:]}")
            if side == "torch":
                return 1
            continue
        with open(os.path.join(work, f"{side}.json")) as f:
            res[side] = json.load(f)
    table = Table("Hugging Face transformers inference (random weights, float32, 1 thread)")
    for label, name, kind, _, _ in cases(args.quick):
        table.add(label, {side: res[side][label] for side in res if label in res[side]})
        if "ember" in res:
            suffix = "" if kind == "forward" else "_gen"
            a = np.load(os.path.join(work, f"torch_{name}{suffix}.npy"))
            b = np.load(os.path.join(work, f"ember_{name}{suffix}.npy"))
            table.note(f"{label}: " + (f"max |logit diff| {np.abs(a - b).max():.2e}" if kind == "forward"
                                       else f"tokens identical: {bool((a == b).all())}"))
    table.note("each library in its own process (transformers cannot hold both); same saved weights")
    table.print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
