"""The "defining new autograd functions" tutorial: a custom ``torch.autograd.Function``
(P3(x) = (5x^3 - 3x)/2 with its own backward) fits sin(x) by gradient descent, a second
Function with two outputs and ``needs_input_grad``, gradcheck, and a custom Dataset.
"""
import math

import numpy as np
import torch
from torch.utils.data import DataLoader, Dataset


class LegendrePolynomial3(torch.autograd.Function):
    @staticmethod
    def forward(ctx, input):
        ctx.save_for_backward(input)
        return 0.5 * (5 * input ** 3 - 3 * input)

    @staticmethod
    def backward(ctx, grad_output):
        input, = ctx.saved_tensors
        return grad_output * 1.5 * (5 * input ** 2 - 1)


class ScaledSplit(torch.autograd.Function):
    """(x * s, x - s) with a non-tensor argument; gradients only where needed."""

    @staticmethod
    def forward(ctx, x, s, factor):
        ctx.factor = factor
        ctx.save_for_backward(x, s)
        return x * s * factor, x - s

    @staticmethod
    def backward(ctx, g1, g2):
        x, s = ctx.saved_tensors
        gx = gs = None
        if ctx.needs_input_grad[0]:
            gx = g1 * s * ctx.factor + g2
        if ctx.needs_input_grad[1]:
            gs = g1 * x * ctx.factor - g2
        return gx, gs, None


class SineSamples(Dataset):
    def __init__(self, n):
        self.x = torch.linspace(-math.pi, math.pi, n, dtype=torch.float64)
        self.y = torch.sin(self.x)

    def __len__(self):
        return len(self.x)

    def __getitem__(self, i):
        return self.x[i], self.y[i]


def main():
    dtype = torch.float64
    a = torch.full((), 0.0, dtype=dtype, requires_grad=True)
    b = torch.full((), -1.0, dtype=dtype, requires_grad=True)
    c = torch.full((), 0.0, dtype=dtype, requires_grad=True)
    d = torch.full((), 0.3, dtype=dtype, requires_grad=True)
    lr = 5e-6
    loader = DataLoader(SineSamples(200), batch_size=200)
    P3 = LegendrePolynomial3.apply
    for t in range(300):
        for x, y in loader:
            y_pred = a + b * P3(c + d * x)
            loss = (y_pred - y).pow(2).sum()
            if t % 60 == 59:
                print(f"LOSS step{t} {loss.item():.8f}")
            loss.backward()
            with torch.no_grad():
                for p in (a, b, c, d):
                    p -= lr * p.grad
                    p.grad = None
    print(f"LOSS coeffs {a.item():.8f} {b.item():.8f} {c.item():.8f} {d.item():.8f}")

    x = torch.from_numpy(np.linspace(-1, 1, 5)).requires_grad_()
    s = torch.from_numpy(np.linspace(0.5, 1.5, 5)).requires_grad_()
    print("CHECK gradcheck_p3", torch.autograd.gradcheck(P3, (x,)))
    print("CHECK gradcheck_split", torch.autograd.gradcheck(lambda u, v: ScaledSplit.apply(u, v, 2.0), (x, s)))
    u, v = ScaledSplit.apply(x, s.detach(), 3.0)
    (u.sum() + 2 * v.sum()).backward()
    print(f"LOSS split_grad {x.grad.sum().item():.8f}")
    print("CHECK no_grad_for_constant", s.grad is None)
    out = P3(torch.tensor([0.5], requires_grad=True))
    print("CHECK grad_fn_name", type(out.grad_fn).__name__ == "LegendrePolynomial3Backward")


if __name__ == "__main__":
    main()
