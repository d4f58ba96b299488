"""Fine-tune a small Hugging Face BERT for sentiment classification on ember, offline.

    python examples/bert_finetune.py
    python examples/bert_finetune.py --torch       # the same program on real PyTorch

The task needs no download: short movie reviews are generated from templates ("the acting
was not good at all", "a truly wonderful film"), where negation flips the label, so a
bag of words is not enough. A WordPiece vocabulary and ``BertTokenizer`` are built from
the words, a 2-layer ``BertForSequenceClassification`` is trained with AdamW in a plain
PyTorch loop (no ``Trainer``), and the held-out accuracy is printed before and after.
``ember.compat.install()`` before the imports is the only change from a PyTorch program.
"""
import argparse
import os
import random
import sys
import tempfile
import time

if "--torch" not in sys.argv:
    from ember import compat
    compat.install()          # from here on, `import torch` (also inside transformers) is ember

import torch  # noqa: E402
import transformers  # noqa: E402
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer  # noqa: E402

transformers.logging.set_verbosity_error()
transformers.utils.logging.disable_progress_bar()

GOOD = ["good", "great", "wonderful", "brilliant", "moving", "fun", "excellent", "charming"]
BAD = ["bad", "awful", "boring", "dull", "terrible", "weak", "painful", "clumsy"]
SUBJECTS = ["the film", "the acting", "the plot", "the music", "this movie", "the ending", "the cast",
            "the script"]
OPENERS = ["", "honestly", "overall", "i think", "to be fair"]
ENDINGS = ["", "at all", "really", "to me", "in the end"]


def make_reviews(n, rng):
    """``n`` (text, label) pairs; label 1 = positive. "not" flips the sentiment word's polarity."""
    data = []
    for _ in range(n):
        positive_word = rng.random() < 0.5
        negated = rng.random() < 0.4
        word = rng.choice(GOOD if positive_word else BAD)
        words = [rng.choice(OPENERS), rng.choice(SUBJECTS), "was", "not" if negated else "", word,
                 rng.choice(ENDINGS)]
        data.append((" ".join(w for w in words if w), int(positive_word != negated)))
    return data


def build_tokenizer(path):
    words = set("was not".split()) | set(GOOD) | set(BAD)
    for phrase in SUBJECTS + OPENERS + ENDINGS:
        words |= set(phrase.split())
    with open(os.path.join(path, "vocab.txt"), "w") as f:
        f.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(words)) + "\n")
    return BertTokenizer(os.path.join(path, "vocab.txt"))


def accuracy(model, tok, data, batch_size=64):
    model.eval()
    right = 0
    with torch.no_grad():
        for i in range(0, len(data), batch_size):
            texts, labels = zip(*data[i:i + batch_size])
            enc = tok(list(texts), return_tensors="pt", padding=True)
            pred = model(**enc).logits.argmax(-1)
            right += int((pred == torch.tensor(labels)).sum())
    return right / len(data)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--train", type=int, default=1024, help="training reviews")
    ap.add_argument("--test", type=int, default=256, help="held-out reviews")
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", default=None, help="directory to save the fine-tuned model in")
    ap.add_argument("--torch", action="store_true", help="run on real PyTorch instead of ember")
    args = ap.parse_args()

    rng = random.Random(args.seed)
    train, test = make_reviews(args.train, rng), make_reviews(args.test, rng)
    tok = build_tokenizer(tempfile.mkdtemp(prefix="bert_vocab_"))
    torch.manual_seed(args.seed)
    config = BertConfig(vocab_size=len(tok), hidden_size=64, num_hidden_layers=2, num_attention_heads=4,
                        intermediate_size=128, max_position_embeddings=32, num_labels=2,
                        hidden_dropout_prob=0.0, attention_probs_dropout_prob=0.0)
    model = BertForSequenceClassification(config)
    print(f"running on {torch.__name__} {torch.__version__}; "
          f"{sum(p.numel() for p in model.parameters()):,} parameters; {len(train)} train / {len(test)} test reviews")
    print(f"accuracy before fine-tuning: {accuracy(model, tok, test):.3f}")

    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.01)
    t0 = time.perf_counter()
    for epoch in range(args.epochs):
        model.train()
        order = list(range(len(train)))
        rng.shuffle(order)
        total = 0.0
        for i in range(0, len(order), args.batch_size):
            texts, labels = zip(*(train[j] for j in order[i:i + args.batch_size]))
            enc = tok(list(texts), return_tensors="pt", padding=True)
            out = model(**enc, labels=torch.tensor(labels))
            opt.zero_grad()
            out.loss.backward()
            opt.step()
            total += out.loss.item() * len(labels)
        print(f"epoch {epoch + 1}: train loss {total / len(train):.4f}  "
              f"test accuracy {accuracy(model, tok, test):.3f}  ({time.perf_counter() - t0:.1f} s)")
    print(f"accuracy after fine-tuning: {accuracy(model, tok, test):.3f}")
    print("example:", [(t, "positive" if p else "negative") for t, p in zip(
        ["the plot was not boring at all", "honestly the cast was clumsy"],
        model.eval()(**tok(["the plot was not boring at all", "honestly the cast was clumsy"],
                           return_tensors="pt", padding=True)).logits.argmax(-1).tolist())])
    if args.out:
        model.save_pretrained(args.out)
        tok.save_pretrained(args.out)
        print("saved to", args.out)


if __name__ == "__main__":
    main()
