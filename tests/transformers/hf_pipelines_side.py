"""One side of the pipeline parity runs: ``python hf_pipelines_side.py torch|ember WORKDIR``.

``torch`` builds tiny random GPT-2 / BERT models with locally made tokenizers (a byte-level
BPE ``vocab.json`` + ``merges.txt`` for GPT-2, a WordPiece ``vocab.txt`` for BERT; nothing
is downloaded), saves them under WORKDIR and runs ``pipeline(...)`` on them; ``ember`` (with
``ember.compat`` installed first) runs the same pipelines from the same directories. Each
writes its results to ``WORKDIR/<side>.json``.
"""
import json
import os
import sys

SIDE, WORK = sys.argv[1], sys.argv[2]
if SIDE == "ember":
    from ember import compat
    compat.install()

import torch  # noqa: E402
import transformers  # noqa: E402
from transformers import pipeline  # noqa: E402

transformers.logging.set_verbosity_error()
transformers.utils.logging.disable_progress_bar()

WORDS = ["the", "cat", "dog", "sat", "on", "mat", "a", "good", "bad", "movie", "was", "very", "and", "it",
         "is", "fun", "not", "ran", "to", "home"]
TEXTS = ["the cat sat on the mat", "a very good movie", "it was not fun"]


def gpt2_tokenizer(path):
    """A byte-level BPE tokenizer over printable ASCII with a few merges."""
    b2u = {b: chr(b) for b in range(33, 127)}
    b2u[32] = "Ġ"  # byte-level BPE shows a space as U+0120
    vocab = {}
    for b in range(32, 127):
        vocab.setdefault(b2u[b], len(vocab))
    merges = [("Ġ", "t"), ("h", "e"), ("Ġt", "he"), ("a", "t"), ("Ġc", "at")]
    vocab.setdefault("Ġc", len(vocab))
    for a, b in merges:
        vocab.setdefault(a + b, len(vocab))
    vocab["<|endoftext|>"] = len(vocab)
    os.makedirs(path, exist_ok=True)
    with open(os.path.join(path, "vocab.json"), "w") as f:
        json.dump(vocab, f)
    with open(os.path.join(path, "merges.txt"), "w") as f:
        f.write("#version: 0.2\n" + "".join(f"{a} {b}\n" for a, b in [("Ġ", "c")] + merges))
    return transformers.GPT2Tokenizer(os.path.join(path, "vocab.json"), os.path.join(path, "merges.txt"))


def bert_tokenizer(path):
    os.makedirs(path, exist_ok=True)
    with open(os.path.join(path, "vocab.txt"), "w") as f:
        f.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + WORDS) + "\n")
    return transformers.BertTokenizer(os.path.join(path, "vocab.txt"))


def build():
    torch.manual_seed(0)
    tok = gpt2_tokenizer(os.path.join(WORK, "gpt2"))
    cfg = transformers.GPT2Config(vocab_size=len(tok), n_embd=32, n_layer=2, n_head=4, n_positions=64,
                                  bos_token_id=tok.eos_token_id, eos_token_id=tok.eos_token_id)
    transformers.GPT2LMHeadModel(cfg).save_pretrained(os.path.join(WORK, "gpt2"))
    tok.save_pretrained(os.path.join(WORK, "gpt2"))
    tok = bert_tokenizer(os.path.join(WORK, "bert"))
    common = dict(vocab_size=len(tok), hidden_size=32, num_hidden_layers=2, num_attention_heads=4,
                  intermediate_size=37, max_position_embeddings=64)
    transformers.BertForMaskedLM(transformers.BertConfig(**common)).save_pretrained(os.path.join(WORK, "bert"))
    tok.save_pretrained(os.path.join(WORK, "bert"))
    cfg = transformers.BertConfig(**common, num_labels=2, id2label={0: "NEG", 1: "POS"},
                                  label2id={"NEG": 0, "POS": 1})
    transformers.BertForSequenceClassification(cfg).save_pretrained(os.path.join(WORK, "bert_cls"))
    tok.save_pretrained(os.path.join(WORK, "bert_cls"))


def run():
    gen = pipeline("text-generation", model=os.path.join(WORK, "gpt2"), device="cpu")
    fill = pipeline("fill-mask", model=os.path.join(WORK, "bert"), device="cpu")
    cls = pipeline("text-classification", model=os.path.join(WORK, "bert_cls"), device="cpu")
    enc = fill.tokenizer(TEXTS, return_tensors="pt", padding=True)
    return {
        "encoded_type": type(enc["input_ids"]).__module__,
        "encoded": enc["input_ids"].tolist(),
        "encoded_mask": enc["attention_mask"].tolist(),
        "generate": [gen(t, max_new_tokens=6, do_sample=False)[0]["generated_text"] for t in TEXTS],
        "generate_ids": gen.tokenizer(TEXTS[0])["input_ids"],
        "fill": [[(r["token_str"], r["score"]) for r in fill(t, top_k=3)]
                 for t in ["the cat [MASK] on the mat", "a very [MASK] movie"]],
        "classify": [(r["label"], r["score"]) for r in cls(TEXTS)],
        "classify_all": cls(TEXTS[0], top_k=None),
    }


if __name__ == "__main__":
    if SIDE == "torch":
        build()
    with open(os.path.join(WORK, f"{SIDE}.json"), "w") as f:
        json.dump(run(), f)
    print("done", SIDE, torch.__name__)
