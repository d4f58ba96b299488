"""The VAE tutorial on synthetic binary images: an MLP encoder to (mu, logvar), the
reparameterization trick, a sigmoid decoder, BCE + KL loss summed over the batch, Adam.

The noise of the reparameterization comes from NumPy (a PyTorch script would call
``torch.randn_like``), so every framework sees the same numbers.
"""
import numpy as np
import torch
import torch.nn.functional as F
from torch import nn, optim
from torch.utils.data import DataLoader, TensorDataset


class VAE(nn.Module):
    def __init__(self, d=64, h=32, z=4):
        super().__init__()
        self.fc1 = nn.Linear(d, h)
        self.fc21 = nn.Linear(h, z)
        self.fc22 = nn.Linear(h, z)
        self.fc3 = nn.Linear(z, h)
        self.fc4 = nn.Linear(h, d)

    def encode(self, x):
        h1 = F.relu(self.fc1(x))
        return self.fc21(h1), self.fc22(h1)

    def reparameterize(self, mu, logvar, eps):
        std = torch.exp(0.5 * logvar)
        return mu + eps * std

    def decode(self, z):
        return torch.sigmoid(self.fc4(F.relu(self.fc3(z))))

    def forward(self, x, eps):
        mu, logvar = self.encode(x.view(-1, 64))
        return self.decode(self.reparameterize(mu, logvar, eps)), mu, logvar


def loss_function(recon_x, x, mu, logvar):
    bce = F.binary_cross_entropy(recon_x, x.view(-1, 64), reduction="sum")
    kld = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())
    return bce + kld


def main():
    rng = np.random.default_rng(0)
    protos = (rng.random((4, 64)) > 0.5).astype(np.float32)
    flips = (rng.random((128, 64)) < 0.05).astype(np.float32)
    images = np.abs(protos[rng.integers(0, 4, size=128)] - flips).reshape(128, 1, 8, 8)
    loader = DataLoader(TensorDataset(torch.from_numpy(images)), batch_size=32)
    model = VAE()
    wrng = np.random.default_rng(1)
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(torch.from_numpy(wrng.normal(0, 0.2, size=tuple(p.shape)).astype(np.float32)))
    optimizer = optim.Adam(model.parameters(), lr=1e-2)
    erng = np.random.default_rng(2)
    losses = []
    for epoch in range(1, 4):
        model.train()
        train_loss = 0.0
        for (data,) in loader:
            eps = torch.from_numpy(erng.standard_normal((data.size(0), 4)).astype(np.float32))
            optimizer.zero_grad()
            recon, mu, logvar = model(data, eps)
            loss = loss_function(recon, data, mu, logvar)
            loss.backward()
            train_loss += loss.item()
            optimizer.step()
        losses.append(train_loss / len(loader.dataset))
        print(f"LOSS epoch{epoch} {losses[-1]:.5f}")
    model.eval()
    with torch.no_grad():
        sample = model.decode(torch.from_numpy(erng.standard_normal((8, 4)).astype(np.float32)))
    print(f"LOSS sample_mean {sample.mean().item():.6f}")
    print("CHECK sample_shape", tuple(sample.view(8, 1, 8, 8).shape) == (8, 1, 8, 8))
    print("CHECK loss_decreased", losses[-1] < losses[0])


if __name__ == "__main__":
    main()
