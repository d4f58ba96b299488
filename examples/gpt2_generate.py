"""Generate text with Hugging Face GPT-2 on ember, offline.

    python examples/gpt2_generate.py --prompt "The meaning of life is"
    python examples/gpt2_generate.py --torch        # the same program on real PyTorch

Uses the GPT-2 checkpoint in the local Hugging Face cache (``~/.cache/huggingface``) when one
is there (nothing is downloaded); otherwise builds a tiny random GPT-2 and a small byte-level
tokenizer locally, and says so (its text is then noise, but every step runs). The program is
plain transformers code: ``ember.compat.install()`` before the imports is the only change.
Prints the greedy continuation, a sampled one (top-k / top-p) and tokens per second.
"""
import argparse
import json
import os
import sys
import tempfile
import time

if "--torch" not in sys.argv:
    from ember import compat
    compat.install()          # from here on, `import torch` (also inside transformers) is ember

import torch  # noqa: E402
import transformers  # noqa: E402
from transformers import AutoModelForCausalLM, AutoTokenizer  # noqa: E402

transformers.logging.set_verbosity_error()
transformers.utils.logging.disable_progress_bar()


def cached_gpt2(name):
    """Model and tokenizer from the local cache only, or None when not cached."""
    try:
        tok = AutoTokenizer.from_pretrained(name, local_files_only=True)
        model = AutoModelForCausalLM.from_pretrained(name, local_files_only=True)
    except (OSError, ValueError):
        return None
    return model, tok


def tiny_random_gpt2(seed=0):
    """A 2-layer GPT-2 with random weights and a byte-level BPE tokenizer over printable ASCII."""
    path = tempfile.mkdtemp(prefix="tiny_gpt2_")
    vocab = {chr(b): i for i, b in enumerate(range(33, 127))}   # byte-level BPE: printable ASCII as is
    for tokstr in ["Ġ", "Ġt", "he", "Ġthe", "in", "Ġa", "<|endoftext|>"]:
        vocab.setdefault(tokstr, len(vocab))
    merges = [("Ġ", "t"), ("h", "e"), ("Ġt", "he"), ("i", "n"), ("Ġ", "a")]
    with open(os.path.join(path, "vocab.json"), "w") as f:
        json.dump(vocab, f)
    with open(os.path.join(path, "merges.txt"), "w") as f:
        f.write("#version: 0.2\n" + "".join(f"{a} {b}\n" for a, b in merges))
    tok = transformers.GPT2Tokenizer(os.path.join(path, "vocab.json"), os.path.join(path, "merges.txt"))
    torch.manual_seed(seed)
    config = transformers.GPT2Config(vocab_size=len(tok), n_embd=64, n_layer=2, n_head=4, n_positions=256,
                                     bos_token_id=tok.eos_token_id, eos_token_id=tok.eos_token_id)
    return transformers.GPT2LMHeadModel(config).eval(), tok


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model", default="gpt2", help="a model name in the local Hugging Face cache")
    ap.add_argument("--prompt", default="The meaning of life is")
    ap.add_argument("--max-new-tokens", type=int, default=30)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--tiny", action="store_true", help="skip the cache: always use a tiny random GPT-2")
    ap.add_argument("--torch", action="store_true", help="run on real PyTorch instead of ember")
    args = ap.parse_args()

    found = None if args.tiny else cached_gpt2(args.model)
    if found is None:
        model, tok = tiny_random_gpt2(args.seed)
        print(f"no {args.model!r} checkpoint in the local Hugging Face cache: using a tiny random GPT-2 "
              f"({sum(p.numel() for p in model.parameters()):,} parameters; its text is noise)")
    else:
        model, tok = found
        model.eval()
        print(f"using {args.model!r} from the local Hugging Face cache "
              f"({sum(p.numel() for p in model.parameters()):,} parameters)")
    print(f"running on {torch.__name__} {torch.__version__}")

    enc = tok(args.prompt, return_tensors="pt")
    n = enc["input_ids"].shape[1]
    t0 = time.perf_counter()
    with torch.no_grad():
        greedy = model.generate(**enc, max_new_tokens=args.max_new_tokens, do_sample=False,
                                pad_token_id=tok.eos_token_id)
    dt = time.perf_counter() - t0
    print("greedy :", repr(tok.decode(greedy[0], skip_special_tokens=True)))
    print(f"         {greedy.shape[1] - n} tokens in {dt:.2f} s ({(greedy.shape[1] - n) / dt:.1f} tokens/s)")
    torch.manual_seed(args.seed)
    with torch.no_grad():
        sampled = model.generate(**enc, max_new_tokens=args.max_new_tokens, do_sample=True, top_k=50, top_p=0.95,
                                 temperature=0.8, pad_token_id=tok.eos_token_id)
    print("sampled:", repr(tok.decode(sampled[0], skip_special_tokens=True)))


if __name__ == "__main__":
    main()
