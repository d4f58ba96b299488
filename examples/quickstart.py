"""Train the seed CNN on real handwritten digits, offline, in about a minute.

    pip install -e '.[examples]' && python examples/quickstart.py

The data are the 1,797 8x8 handwritten digits that scikit-learn ships (no network
needed); ``--dataset mnist`` trains on MNIST instead where the network is available.
Prints a progress bar per epoch and the test accuracy, saves a checkpoint and a PNG of
the training curve, and logs to TensorBoard when the ``tensorboard`` package is installed. Written exactly as a PyTorch program: ``import ember as torch``.
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
from ember.optim.lr_scheduler import StepLR
from ember.utils.data import DataLoader, TensorDataset


class Net(nn.Module):
    """The seed articles' CNN: two convolutions, max-pooling, dropout, two linear layers."""

    def __init__(self, side=8):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, 3, 1)
        self.conv2 = nn.Conv2d(32, 64, 3, 1)
        self.dropout1 = nn.Dropout(0.25)
        self.dropout2 = nn.Dropout(0.5)
        flat = 64 * ((side - 4) // 2) ** 2
        self.fc1 = nn.Linear(flat, 128)
        self.fc2 = nn.Linear(128, 10)

    def forward(self, x):
        x = F.relu(self.conv1(x))
        x = F.relu(self.conv2(x))
        x = F.max_pool2d(x, 2)
        x = self.dropout1(x)
        x = torch.flatten(x, 1)
        x = F.relu(self.fc1(x))
        x = self.dropout2(x)
        return F.log_softmax(self.fc2(x), dim=1)


def load_digits(seed):
    try:
        from sklearn.datasets import load_digits as sk_digits
    except ImportError:
        sys.exit("The digits data set comes with scikit-learn: pip install -e '.[examples]'")
    d = sk_digits()
    x = (d.images.astype(np.float32) / 16.0 - 0.5) / 0.5
    y = d.target.astype(np.int64)
    order = np.random.default_rng(seed).permutation(len(y))
    n_test = len(y) // 5
    test, train = order[:n_test], order[n_test:]
    mk = lambda idx: TensorDataset(torch.from_numpy(x[idx][:, None].copy()), torch.from_numpy(y[idx].copy()))
    return mk(train), mk(test), 8


def load_mnist(root):
    try:
        from ember.vision import datasets, transforms
    except ImportError:
        sys.exit("--dataset mnist needs ember.vision, which is not built yet (see the issues)")
    tf = transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.1307,), (0.3081,))])
    return (datasets.MNIST(root, train=True, download=True, transform=tf),
            datasets.MNIST(root, train=False, download=True, transform=tf), 28)


def progress(iterable, desc, total):
    try:
        from tqdm import tqdm
        return tqdm(iterable, desc=desc, total=total, leave=False, mininterval=0.5, file=sys.stdout)
    except ImportError:
        return iterable


def train(model, loader, optimizer, epoch):
    model.train()
    losses = []
    bar = progress(loader, f"epoch {epoch}", len(loader))
    for data, target in bar:
        optimizer.zero_grad()
        loss = F.nll_loss(model(data), target)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
        if hasattr(bar, "set_postfix"):
            bar.set_postfix(loss=f"{loss.item():.4f}")
    return float(np.mean(losses))


def evaluate(model, loader):
    model.eval()
    loss, correct, n = 0.0, 0, 0
    with torch.no_grad():
        for data, target in loader:
            out = model(data)
            loss += F.nll_loss(out, target, reduction="sum").item()
            correct += (out.argmax(dim=1) == target).sum().item()
            n += len(target)
    return loss / n, correct / n


def save_curve(history, path):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("(matplotlib not installed: no training curve written)")
        return
    epochs = range(1, len(history) + 1)
    fig, ax1 = plt.subplots(figsize=(6, 4))
    ax1.plot(epochs, [h[0] for h in history], "o-", label="train loss")
    ax1.plot(epochs, [h[1] for h in history], "s-", label="test loss")
    ax1.set_xlabel("epoch")
    ax1.set_ylabel("loss")
    ax2 = ax1.twinx()
    ax2.plot(epochs, [100 * h[2] for h in history], "g^-", label="test accuracy")
    ax2.set_ylabel("test accuracy (%)")
    fig.legend(loc="center", bbox_to_anchor=(0.55, 0.5))
    ax1.set_title("ember: CNN on handwritten digits")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def open_tensorboard(out):
    """A SummaryWriter under ``<out>/tensorboard`` when tensorboard is installed, else None."""
    try:
        from ember.utils.tensorboard import SummaryWriter
    except ImportError:
        return None
    return SummaryWriter(os.path.join(out, "tensorboard"))


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--dataset", choices=["digits", "mnist"], default="digits")
    p.add_argument("--epochs", type=int, default=12)
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--lr", type=float, default=1.0)
    p.add_argument("--gamma", type=float, default=0.8)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--data", default="data", help="where --dataset mnist keeps its files")
    p.add_argument("--out", default="runs", help="folder for the checkpoint and the PNG")
    p.add_argument("--min-accuracy", type=float, default=0.97)
    args = p.parse_args(argv)

    torch.manual_seed(args.seed)
    if args.dataset == "digits":
        train_set, test_set, side = load_digits(args.seed)
    else:
        train_set, test_set, side = load_mnist(args.data)
    train_loader = DataLoader(train_set, batch_size=args.batch_size, shuffle=True)
    test_loader = DataLoader(test_set, batch_size=256)
    model = Net(side)
    optimizer = optim.Adadelta(model.parameters(), lr=args.lr)
    scheduler = StepLR(optimizer, step_size=1, gamma=args.gamma)
    print(f"{args.dataset}: {len(train_set)} training / {len(test_set)} test images; "
          f"{sum(p.numel() for p in model.parameters()):,} parameters")
    writer = open_tensorboard(args.out)
    history = []
    start = time.time()
    for epoch in range(1, args.epochs + 1):
        train_loss = train(model, train_loader, optimizer, epoch)
        test_loss, acc = evaluate(model, test_loader)
        scheduler.step()
        history.append((train_loss, test_loss, acc))
        if writer is not None:
            writer.add_scalars("loss", {"train": train_loss, "test": test_loss}, epoch)
            writer.add_scalar("accuracy/test", acc, epoch)
            writer.add_histogram("conv1.weight", model.conv1.weight, epoch)
        print(f"epoch {epoch:2d}  train loss {train_loss:.4f}  test loss {test_loss:.4f}  "
              f"test accuracy {100 * acc:.2f}%")
    print(f"trained in {time.time() - start:.1f} s; test accuracy {100 * history[-1][2]:.2f}%")
    os.makedirs(args.out, exist_ok=True)
    ckpt = os.path.join(args.out, f"{args.dataset}_cnn.pt")
    torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(),
                "scheduler": scheduler.state_dict(), "epoch": args.epochs}, ckpt)
    print(f"checkpoint: {ckpt} (loads in PyTorch too: torch.load(path, weights_only=True))")
    curve = os.path.join(args.out, f"{args.dataset}_curve.png")
    save_curve(history, curve)
    if os.path.exists(curve):
        print(f"training curve: {curve}")
    if writer is not None:
        writer.close()
        print(f"tensorboard logs: {writer.log_dir} (view: tensorboard --logdir {writer.log_dir})")
    if history[-1][2] < args.min_accuracy:
        print(f"test accuracy {100 * history[-1][2]:.2f}% is below {100 * args.min_accuracy:.0f}%")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
