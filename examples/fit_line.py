"""Fit a line y = 2x + 1 by gradient descent with ember tensors and autograd.

This is PyTorch code; the only change is the import. Run it with

    python examples/fit_line.py

It prints the loss as it goes, then the fitted slope and intercept, and exits
with status 1 if they are not within 0.05 of the true values 2 and 1.
"""
import sys

import ember as torch

TRUE_W, TRUE_B = 2.0, 1.0
TOLERANCE = 0.05

torch.manual_seed(0)

# 100 points on [-1, 1] as a column (shape 100x1), with a little noise on y.
x = torch.linspace(-1, 1, 100).unsqueeze(1)
y = TRUE_W * x + TRUE_B + 0.05 * torch.randn(100, 1)

# The parameters start at zero; autograd records every operation on them.
w = torch.zeros(1, requires_grad=True)
b = torch.zeros(1, requires_grad=True)

lr = 0.1
for step in range(101):
    loss = ((x * w + b - y) ** 2).mean()  # mean squared error
    loss.backward()                       # fills w.grad and b.grad

    with torch.no_grad():                 # the update itself is not recorded
        w -= lr * w.grad
        b -= lr * b.grad
    w.grad.zero_()                        # gradients accumulate: reset them
    b.grad.zero_()

    if step % 10 == 0:
        print(f"step {step:3d}  loss {loss.item():.5f}  w {w.item():.4f}  b {b.item():.4f}")

fitted_w, fitted_b = w.item(), b.item()
print(f"fitted: y = {fitted_w:.4f} x + {fitted_b:.4f}   (true: y = {TRUE_W} x + {TRUE_B})")

if abs(fitted_w - TRUE_W) > TOLERANCE or abs(fitted_b - TRUE_B) > TOLERANCE:
    print(f"FAIL: fitted w, b are not within {TOLERANCE} of {TRUE_W}, {TRUE_B}", file=sys.stderr)
    sys.exit(1)
print("ok")
