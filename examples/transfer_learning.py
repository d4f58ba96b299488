"""Transfer learning, offline: a ResNet-18 backbone, frozen, with a new head fine-tuned on digits.

    python examples/transfer_learning.py            # about half a minute on 2 cores
    python examples/transfer_learning.py --quick    # a few seconds (used by the tests)

The recipe of PyTorch's transfer-learning tutorial ("ConvNet as fixed feature extractor"),
written exactly as a PyTorch program (``import ember as torch``): build
``resnet18(weights=ResNet18_Weights.DEFAULT)``, freeze every parameter, replace ``fc`` with
a new ``nn.Linear`` for 10 classes, and train only that head with SGD.

Pretrained weights are used when ``resnet18-f37072fd.pth`` is already in the hub cache
(``$TORCH_HOME/hub/checkpoints``, the same place PyTorch keeps it, so an existing PyTorch
cache is reused); otherwise the backbone is randomly initialised (a note says so) and the
head learns from random features, which still works on this easy task. Nothing is downloaded.

Data: scikit-learn's 1,797 8x8 handwritten digits, upscaled to ``--size`` pixels and
repeated over 3 channels, normalized with the ImageNet mean and std. Without scikit-learn,
a synthetic 10-class set (a bright square at a class-dependent place, plus noise) is used.
"""
import argparse
import os
import sys
import time

import numpy as np

import ember as torch
import ember.nn as nn
import ember.nn.functional as F
import ember.optim as optim
from ember.utils.data import DataLoader, TensorDataset
from ember.vision import models

MEAN = np.array([0.485, 0.456, 0.406], dtype=np.float32).reshape(1, 3, 1, 1)
STD = np.array([0.229, 0.224, 0.225], dtype=np.float32).reshape(1, 3, 1, 1)


def load_images(n, size, seed):
    """``n`` images (N, 3, size, size) in [0, 1] and their labels: the digits, or a synthetic set."""
    rng = np.random.default_rng(seed)
    try:
        from sklearn.datasets import load_digits
        d = load_digits()
        x, y, name = d.images.astype(np.float32) / 16.0, d.target.astype(np.int64), "scikit-learn digits"
    except ImportError:
        y = rng.integers(0, 10, 1797).astype(np.int64)
        x = rng.uniform(0, 0.3, (1797, 8, 8)).astype(np.float32)
        for i, k in enumerate(y):
            r, c = divmod(int(k), 4)
            x[i, 2 * r:2 * r + 3, 2 * c:2 * c + 2] += 0.7
        name = "synthetic squares (scikit-learn not installed)"
    order = rng.permutation(len(y))[:n]
    x, y = x[order], y[order]
    rep = size // 8
    x = np.kron(x, np.ones((rep, rep), dtype=np.float32))      # nearest-neighbour upscaling
    x = np.repeat(x[:, None], 3, axis=1)
    return (x - MEAN) / STD, y, name


def build_model(num_classes):
    """ResNet-18 with cached ImageNet weights when available, frozen, with a new trainable head."""
    weights = models.ResNet18_Weights.DEFAULT
    cached = os.path.join(torch.hub.get_dir(), "checkpoints", os.path.basename(weights.url))
    if os.path.exists(cached):
        print(f"using pretrained weights from {cached}")
    else:
        print(f"note: {cached} is not in the hub cache; the backbone is randomly initialised.\n"
              f"      To use ImageNet weights, download {weights.url} and place it there.")
        weights = None
    model = models.resnet18(weights=weights)
    for p in model.parameters():
        p.requires_grad = False
    model.fc = nn.Linear(model.fc.in_features, num_classes)    # new head: trainable
    return model


def evaluate(model, loader):
    model.eval()
    correct = total = 0
    with torch.no_grad():
        for xb, yb in loader:
            correct += (model(xb).argmax(1) == yb).sum().item()
            total += len(yb)
    return correct / total


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--quick", action="store_true", help="tiny run for tests")
    p.add_argument("--size", type=int, default=32, help="image side (a multiple of 8)")
    p.add_argument("--epochs", type=int, default=None)
    p.add_argument("--train", type=int, default=None, help="number of training images")
    p.add_argument("--lr", type=float, default=0.05)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", default=None, help="directory for the fine-tuned head's state_dict")
    args = p.parse_args(argv)
    epochs = args.epochs or (2 if args.quick else 6)
    n_train = args.train or (200 if args.quick else 1200)
    n_test = 100 if args.quick else 500

    torch.manual_seed(args.seed)
    x, y, name = load_images(n_train + n_test, args.size, args.seed)
    print(f"data: {name}, {n_train} train / {n_test} test images of 3x{args.size}x{args.size}")
    train = TensorDataset(torch.from_numpy(x[:n_train]), torch.from_numpy(y[:n_train]))
    test = TensorDataset(torch.from_numpy(x[n_train:]), torch.from_numpy(y[n_train:]))
    train_loader = DataLoader(train, batch_size=50, shuffle=True)
    test_loader = DataLoader(test, batch_size=100)

    model = build_model(10)
    trainable = [p for p in model.parameters() if p.requires_grad]
    print(f"trainable parameters: {sum(p.numel() for p in trainable)} of {sum(p.numel() for p in model.parameters())}")
    optimizer = optim.SGD(trainable, lr=args.lr, momentum=0.9)
    print(f"accuracy before fine-tuning: {evaluate(model, test_loader):.3f}")
    t0 = time.time()
    for epoch in range(1, epochs + 1):
        model.train()
        total = 0.0
        for xb, yb in train_loader:
            optimizer.zero_grad()
            loss = F.cross_entropy(model(xb), yb)
            loss.backward()
            optimizer.step()
            total += loss.item() * len(yb)
        print(f"epoch {epoch}: train loss {total / n_train:.4f}, test accuracy {evaluate(model, test_loader):.3f}")
    print(f"fine-tuned the head in {time.time() - t0:.1f} s")
    if args.out:
        os.makedirs(args.out, exist_ok=True)
        torch.save(model.fc.state_dict(), os.path.join(args.out, "transfer_head.pt"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
