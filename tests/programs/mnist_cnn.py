"""The MNIST tutorial, on synthetic digits: a CNN with Conv2d/MaxPool/Dropout/BatchNorm, a custom
Dataset with a transform, DataLoader batches, Adadelta with StepLR, train and test loops.

The "digits" are 28x28 images whose class sets which blobs are bright; data and weights come
from NumPy seeds, so losses and accuracy are the same on every PyTorch-compatible framework.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim
from torch.optim.lr_scheduler import StepLR
from torch.utils.data import DataLoader, Dataset


class SyntheticDigits(Dataset):
    """``n`` uint8 images of 10 classes; class k lights a 6x6 square at a class-dependent place."""

    def __init__(self, n, seed, transform=None):
        rng = np.random.default_rng(seed)
        self.targets = rng.integers(0, 10, size=n)
        imgs = rng.integers(0, 60, size=(n, 28, 28)).astype(np.uint8)
        for i, k in enumerate(self.targets):
            r, c = 2 + (k // 5) * 12, 2 + (k % 5) * 5
            imgs[i, r:r + 8, c:c + 5] = 255
        self.data = imgs
        self.transform = transform

    def __len__(self):
        return len(self.targets)

    def __getitem__(self, i):
        img = torch.from_numpy(self.data[i]).float().div(255).unsqueeze(0)
        if self.transform is not None:
            img = self.transform(img)
        return img, int(self.targets[i])


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 8, 3, 1)
        self.bn1 = nn.BatchNorm2d(8)
        self.conv2 = nn.Conv2d(8, 16, 3, 1)
        self.dropout1 = nn.Dropout(0.0)
        self.fc1 = nn.Linear(16 * 5 * 5, 32)
        self.fc2 = nn.Linear(32, 10)

    def forward(self, x):
        x = F.relu(self.bn1(self.conv1(x)))
        x = F.max_pool2d(x, 2)
        x = F.relu(self.conv2(x))
        x = F.max_pool2d(x, 2)
        x = self.dropout1(x)
        x = torch.flatten(x, 1)
        x = F.relu(self.fc1(x))
        return F.log_softmax(self.fc2(x), dim=1)


def init_from_numpy(model, seed):
    rng = np.random.default_rng(seed)
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, (nn.Conv2d, nn.Linear)):
                fan_in = m.weight[0].numel()
                w = rng.uniform(-1, 1, size=tuple(m.weight.shape)) * np.sqrt(3.0 / fan_in)
                m.weight.copy_(torch.from_numpy(w.astype(np.float32)))
                m.bias.zero_()


def normalize(img):
    return (img - 0.1307) / 0.3081


def train(model, loader, optimizer, epoch):
    model.train()
    for batch_idx, (data, target) in enumerate(loader):
        optimizer.zero_grad()
        loss = F.nll_loss(model(data), target)
        loss.backward()
        optimizer.step()
        if batch_idx % 2 == 0:
            print(f"LOSS epoch{epoch}_batch{batch_idx} {loss.item():.6f}")


def test(model, loader, epoch):
    model.eval()
    test_loss, correct = 0.0, 0
    with torch.no_grad():
        for data, target in loader:
            output = model(data)
            test_loss += F.nll_loss(output, target, reduction="sum").item()
            pred = output.argmax(dim=1, keepdim=True)
            correct += pred.eq(target.view_as(pred)).sum().item()
    test_loss /= len(loader.dataset)
    print(f"LOSS test{epoch} {test_loss:.6f} correct {correct}")
    return correct / len(loader.dataset)


def main():
    torch.manual_seed(1)
    train_loader = DataLoader(SyntheticDigits(192, 0, normalize), batch_size=32, shuffle=False)
    test_loader = DataLoader(SyntheticDigits(100, 1, normalize), batch_size=50)
    shuffled = DataLoader(SyntheticDigits(40, 2), batch_size=16, shuffle=True, drop_last=True)
    sizes = [tuple(x.shape) for x, _ in shuffled]
    print("CHECK shuffled_batches", sizes == [(16, 1, 28, 28)] * 2)
    model = Net()
    init_from_numpy(model, 0)
    optimizer = optim.Adadelta(model.parameters(), lr=1.0)
    scheduler = StepLR(optimizer, step_size=1, gamma=0.7)
    acc = 0.0
    for epoch in range(1, 4):
        train(model, train_loader, optimizer, epoch)
        acc = test(model, test_loader, epoch)
        scheduler.step()
    print(f"LOSS lr {scheduler.get_last_lr()[0]:.6f}")
    print(f"LOSS running_mean {model.bn1.running_mean.sum().item():.5f}")
    print("CHECK learned", acc > 0.5)


if __name__ == "__main__":
    main()
