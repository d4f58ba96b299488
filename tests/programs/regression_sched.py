"""A regression tutorial: fit a polynomial with nn.Sequential, SGD with momentum and Nesterov,
Adam with OneCycleLR, ReduceLROnPlateau, TensorDataset/DataLoader, and a checkpoint round trip
(model + optimizer + scheduler) whose resumed run must match an uninterrupted one exactly.
"""
import io

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset

W_TARGET = np.array([0.5, -1.2, 0.8, 0.3], dtype=np.float32)


def make_features(x):
    return torch.cat([x ** i for i in range(1, 5)], 1)


def make_model(seed):
    model = nn.Sequential(nn.Linear(4, 16), nn.Tanh(), nn.Linear(16, 1), nn.Flatten(0))
    rng = np.random.default_rng(seed)
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(torch.from_numpy(rng.uniform(-0.5, 0.5, size=tuple(p.shape)).astype(np.float32)))
    return model


def data():
    rng = np.random.default_rng(0)
    x = torch.from_numpy(rng.uniform(-1, 1, size=(64, 1)).astype(np.float32))
    feats = make_features(x)
    y = feats @ torch.from_numpy(W_TARGET) + 0.1
    return TensorDataset(feats, y)


def train(model, opt, sched, loader, epochs, tag, plateau=False):
    loss_fn = nn.MSELoss()
    for epoch in range(epochs):
        total = 0.0
        for xb, yb in loader:
            loss = loss_fn(model(xb), yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
            if sched is not None and not plateau:
                sched.step()
            total += loss.item() * len(xb)
        total /= len(loader.dataset)
        if plateau:
            sched.step(total)
        print(f"LOSS {tag}_epoch{epoch} {total:.7f} lr {opt.param_groups[0]['lr']:.7f}")
    return total


def main():
    loader = DataLoader(data(), batch_size=16)
    model = make_model(1)
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, nesterov=True, weight_decay=1e-4)
    first = train(model, opt, torch.optim.lr_scheduler.ReduceLROnPlateau(opt, factor=0.5, patience=0), loader, 1, "sgd",
                  plateau=True)
    last = train(model, opt, torch.optim.lr_scheduler.ReduceLROnPlateau(opt, factor=0.5, patience=0), loader, 4, "sgd2",
                 plateau=True)
    print("CHECK sgd_learns", last < first)

    model = make_model(2)
    opt = torch.optim.Adam(model.parameters(), lr=0.01, amsgrad=True)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=0.05, total_steps=6 * len(loader))
    train(model, opt, sched, loader, 3, "adam")
    buf = io.BytesIO()
    torch.save({"model": model.state_dict(), "opt": opt.state_dict(), "sched": sched.state_dict()}, buf)
    continuous = train(model, opt, sched, loader, 3, "adam_cont")

    buf.seek(0)
    ckpt = torch.load(buf)
    model2 = make_model(3)
    model2.load_state_dict(ckpt["model"])
    opt2 = torch.optim.Adam(model2.parameters(), lr=0.01, amsgrad=True)
    sched2 = torch.optim.lr_scheduler.OneCycleLR(opt2, max_lr=0.05, total_steps=6 * len(loader))
    opt2.load_state_dict(ckpt["opt"])  # after the scheduler, which sets the group's lr when built
    sched2.load_state_dict(ckpt["sched"])
    resumed = train(model2, opt2, sched2, loader, 3, "adam_resumed")
    print("CHECK resume_matches", resumed == continuous)
    print("CHECK state_keys", list(ckpt["model"]) == ["0.weight", "0.bias", "2.weight", "2.bias"])
    print(f"LOSS final_weight {model2[2].weight.sum().item():.7f}")


if __name__ == "__main__":
    main()
