"""Train a small CNN and watch it in TensorBoard: scalars, images, histograms, a PR curve, text,
hyperparameters and the profile of one training step.

    pip install -e '.[tensorboard]' && python examples/tensorboard_demo.py
    tensorboard --logdir runs/tensorboard_demo

The data are 8x8 images of a horizontal or a vertical bar with noise (made here, offline).
Written as a PyTorch program: ``import ember as torch``.
"""
import argparse
import os
import sys

import numpy as np

import ember as torch
import ember.nn as nn
import ember.nn.functional as F
from ember.profiler import ProfilerActivity, profile, record_function
from ember.utils.data import DataLoader, TensorDataset


def bars(n, seed):
    """``n`` noisy 8x8 images: label 0 a horizontal bar, 1 a vertical bar."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    x = rng.normal(0, 0.3, (n, 1, 8, 8)).astype(np.float32)
    pos = rng.integers(1, 7, n)
    for i in range(n):
        if y[i]:
            x[i, 0, :, pos[i]] += 1.0
        else:
            x[i, 0, pos[i], :] += 1.0
    return TensorDataset(torch.from_numpy(x), torch.from_numpy(y))


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 4, 3)
        self.fc = nn.Linear(4 * 3 * 3, 2)

    def forward(self, x):
        return self.fc(torch.flatten(F.max_pool2d(F.relu(self.conv(x)), 2), 1))


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--epochs", type=int, default=5)
    p.add_argument("--lr", type=float, default=0.1)
    p.add_argument("--out", default="runs", help="folder under which tensorboard_demo/ is written")
    args = p.parse_args(argv)
    try:
        from ember.utils.tensorboard import SummaryWriter
    except ImportError:
        sys.exit("this demo needs the tensorboard package: pip install tensorboard")
    torch.manual_seed(0)
    train, test = bars(512, 0), bars(128, 1)
    loader = DataLoader(train, batch_size=32, shuffle=True)
    model = Net()
    opt = torch.optim.SGD(model.parameters(), lr=args.lr, momentum=0.9)
    logdir = os.path.join(args.out, "tensorboard_demo")
    writer = SummaryWriter(logdir)
    writer.add_images("data/train_batch", next(iter(loader))[0][:16] * 0.5 + 0.5, 0)
    try:
        writer.add_graph(model, train[0][0][None])
    except NotImplementedError as e:
        print(f"(no graph: {e})")
    step = 0
    for epoch in range(1, args.epochs + 1):
        model.train()
        for x, y in loader:
            loss = F.cross_entropy(model(x), y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            writer.add_scalar("loss/train", loss.item(), step)
            step += 1
        model.eval()
        with torch.no_grad():
            logits = model(test.tensors[0])
            prob = F.softmax(logits, dim=1)[:, 1]
            acc = (logits.argmax(1) == test.tensors[1]).float().mean().item()
        writer.add_scalars("accuracy", {"test": acc}, epoch)
        for name, p_ in model.named_parameters():
            writer.add_histogram(name, p_, epoch)
        writer.add_image("filters/conv", model.conv.weight[:, 0][:, None].repeat(1, 3, 1, 1)
                         .abs().amax(0) / model.conv.weight.abs().max(), epoch)
        print(f"epoch {epoch}  loss {loss.item():.4f}  test accuracy {100 * acc:.1f}%")
    writer.add_pr_curve("pr/vertical", test.tensors[1], prob, args.epochs)
    writer.add_text("notes", f"bars demo, {args.epochs} epochs, lr {args.lr}")
    writer.add_hparams({"lr": args.lr, "epochs": args.epochs}, {"hparam/accuracy": acc},
                       run_name="hparams")
    x, y = next(iter(loader))
    with profile(activities=[ProfilerActivity.CPU], record_shapes=True) as prof:
        with record_function("train_step"):
            loss = F.cross_entropy(model(x), y)
            opt.zero_grad()
            loss.backward()
            opt.step()
    writer.add_text("profile", "```\n" + prof.key_averages().table(sort_by="self_cpu_time_total",
                                                                    row_limit=10) + "```")
    writer.close()
    print(f"logs in {logdir}; view them with: tensorboard --logdir {logdir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
