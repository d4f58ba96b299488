"""Train the quickstart CNN briefly, export it to ONNX, and check onnxruntime gives the same answers.

    pip install -e '.[examples,onnx]' onnxruntime && python examples/export_onnx.py

Trains examples/quickstart.py's CNN on the 8x8 handwritten digits scikit-learn ships (no network
needed), exports it with ``torch.onnx.export`` (a dynamic batch axis, named inputs and outputs),
then runs the file in onnxruntime -- when it is installed -- on the whole test set and prints the
largest difference from ember's own outputs and whether the predicted digits agree. Written as a
PyTorch program: ``import ember as torch``.
"""
import argparse
import os
import sys
import time

import numpy as np

import ember as torch
import ember.nn.functional as F
import ember.optim as optim
from ember.utils.data import DataLoader

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from quickstart import Net, load_digits  # noqa: E402  (the same model and data as the quickstart)


def train(model, loader, epochs, lr):
    optimizer = optim.Adadelta(model.parameters(), lr=lr)
    for epoch in range(1, epochs + 1):
        model.train()
        total = 0.0
        for data, target in loader:
            optimizer.zero_grad()
            loss = F.nll_loss(model(data), target)
            loss.backward()
            optimizer.step()
            total += loss.item() * len(target)
        print(f"epoch {epoch}: train loss {total / len(loader.dataset):.4f}")


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--epochs", type=int, default=2)
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--lr", type=float, default=1.0)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--out", default="runs", help="folder for the .onnx file")
    args = p.parse_args(argv)

    torch.manual_seed(args.seed)
    train_set, test_set, side = load_digits(args.seed)
    model = Net(side)
    start = time.time()
    train(model, DataLoader(train_set, batch_size=args.batch_size, shuffle=True), args.epochs, args.lr)
    print(f"trained in {time.time() - start:.1f} s")

    model.eval()
    x_test = torch.stack([test_set[i][0] for i in range(len(test_set))])
    y_test = torch.stack([test_set[i][1] for i in range(len(test_set))])
    with torch.no_grad():
        ours = model(x_test)
    acc = (ours.argmax(1) == y_test).float().mean().item()
    print(f"ember: test accuracy {100 * acc:.2f}% on {len(y_test)} images")

    os.makedirs(args.out, exist_ok=True)
    path = os.path.join(args.out, "digits_cnn.onnx")
    try:
        torch.onnx.export(model, (x_test[:1],), path, input_names=["image"], output_names=["log_probs"],
                          dynamic_axes={"image": {0: "batch"}, "log_probs": {0: "batch"}}, dynamo=False)
    except ImportError as e:
        print(f"export needs the onnx package ({e}): pip install onnx")
        return 0
    print(f"exported: {path} ({os.path.getsize(path):,} bytes)")

    try:
        import onnxruntime as ort
    except ImportError:
        print("onnxruntime is not installed: pip install onnxruntime to run the exported model")
        return 0
    sess = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    theirs = sess.run(None, {"image": x_test.numpy()})[0]          # the whole test set: another batch size
    diff = float(np.abs(theirs - ours.numpy()).max())
    same = float((theirs.argmax(1) == ours.numpy().argmax(1)).mean())
    print(f"onnxruntime vs ember on {len(y_test)} images: max abs difference {diff:.3g}, "
          f"same prediction for {100 * same:.1f}%")
    return 0 if diff < 1e-4 and same == 1.0 else 1


if __name__ == "__main__":
    sys.exit(main())
