"""Compress the seed CNN: train it on the digits, prune it, quantize it, compare.

    pip install -e '.[examples]' && python examples/compress.py

Trains the quickstart CNN on scikit-learn's 8x8 digits, prunes the smallest weights
across all layers at once (``prune.global_unstructured`` with ``L1Unstructured``),
fine-tunes briefly, makes the pruning permanent, then quantizes the Linear layers to
int8 (``torch.quantization.quantize_dynamic``). Prints sparsity, accuracy and the size
of each model's ``state_dict`` on disk. Written as a PyTorch program: ``import ember as torch``.

ember's dynamic quantization gives PyTorch's x86 numbers and stores Linear weights in
int8 (about 4x smaller); it does not make inference faster (NumPy has no int8 GEMM).
"""
import argparse
import os
import sys

import ember as torch
import ember.nn as nn
import ember.nn.utils.prune as prune
import ember.optim as optim

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from quickstart import Net, load_digits, train, evaluate  # noqa: E402
from ember.utils.data import DataLoader  # noqa: E402


def size_on_disk(model, path):
    torch.save(model.state_dict(), path)
    return os.path.getsize(path)


def sparsity(model):
    """(zeros, total) over the weights of the conv and linear layers, per layer and overall."""
    per = {}
    for name, m in model.named_modules():
        if isinstance(m, (nn.Conv2d, nn.Linear)):
            per[name] = (int((m.weight == 0).sum()), m.weight.numel())
    return per, (sum(z for z, _ in per.values()), sum(n for _, n in per.values()))


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--epochs", type=int, default=8)
    p.add_argument("--finetune-epochs", type=int, default=1)
    p.add_argument("--amount", type=float, default=0.6, help="fraction of weights to prune")
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--out", default="runs")
    p.add_argument("--min-accuracy", type=float, default=0.95)
    args = p.parse_args(argv)
    os.makedirs(args.out, exist_ok=True)

    torch.manual_seed(args.seed)
    train_set, test_set, side = load_digits(args.seed)
    train_loader = DataLoader(train_set, batch_size=args.batch_size, shuffle=True)
    test_loader = DataLoader(test_set, batch_size=256)
    model = Net(side)
    optimizer = optim.Adadelta(model.parameters(), lr=1.0)
    for epoch in range(1, args.epochs + 1):
        train(model, train_loader, optimizer, epoch)
    _, acc_float = evaluate(model, test_loader)
    size_float = size_on_disk(model, os.path.join(args.out, "cnn_float.pt"))
    print(f"float model:     accuracy {100 * acc_float:.2f}%   state_dict {size_float / 1024:.1f} KiB")

    # The seed's call passes the module and a made-up keyword; PyTorch (and ember) refuse it:
    try:
        prune.global_unstructured(model.conv1, prune_ratio=0.5)
    except TypeError as e:
        print(f"seed's prune call: TypeError: {e}")

    params = [(model.conv1, "weight"), (model.conv2, "weight"), (model.fc1, "weight"),
              (model.fc2, "weight")]
    prune.global_unstructured(params, pruning_method=prune.L1Unstructured, amount=args.amount)
    _, acc_pruned = evaluate(model, test_loader)
    per, (zeros, total) = sparsity(model)
    print(f"pruned {100 * args.amount:.0f}% globally: accuracy {100 * acc_pruned:.2f}%   "
          f"sparsity {100 * zeros / total:.1f}% ("
          + ", ".join(f"{n} {100 * z / t:.0f}%" for n, (z, t) in per.items()) + ")")
    if args.finetune_epochs:
        optimizer = optim.Adadelta(model.parameters(), lr=0.5)
        for epoch in range(1, args.finetune_epochs + 1):
            train(model, train_loader, optimizer, epoch)   # masks keep the pruned weights at zero
        _, acc_pruned = evaluate(model, test_loader)
        print(f"after {args.finetune_epochs} fine-tuning epoch(s): accuracy {100 * acc_pruned:.2f}%")
    for module, name in params:
        prune.remove(module, name)
    size_pruned = size_on_disk(model, os.path.join(args.out, "cnn_pruned.pt"))
    print(f"pruned model:    accuracy {100 * acc_pruned:.2f}%   state_dict {size_pruned / 1024:.1f} KiB "
          f"(dense storage: zeros still take space)")

    # The seed's {0: 1, 1: 1, 2: 1} names no submodule (keys are types or names): nothing changes.
    same = torch.quantization.quantize_dynamic(model, {0: 1, 1: 1, 2: 1})
    print(f"seed's quantize_dynamic(net, {{0: 1, 1: 1, 2: 1}}): fc1 is still {type(same.fc1).__name__}")
    qmodel = torch.quantization.quantize_dynamic(model, {nn.Linear}, dtype=torch.qint8)
    _, acc_q = evaluate(qmodel, test_loader)
    size_q = size_on_disk(qmodel, os.path.join(args.out, "cnn_pruned_int8.pt"))
    print(f"int8 Linear:     accuracy {100 * acc_q:.2f}%   state_dict {size_q / 1024:.1f} KiB "
          f"({size_float / size_q:.1f}x smaller than float)")
    print(qmodel)
    if min(acc_pruned, acc_q) < args.min_accuracy:
        print(f"accuracy below {100 * args.min_accuracy:.0f}%")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
