"""Print the top-5 ImageNet classes of an image with a pretrained classifier from the hub cache.

    python examples/classify.py photo.jpg
    python examples/classify.py photo.jpg --model resnet50 --weights IMAGENET1K_V2

Written as a PyTorch program (``import ember as torch``): the weights' own preprocessing
(``weights.transforms()``) and class names (``weights.meta["categories"]``). Nothing is
downloaded: the checkpoint must already be in the hub cache (``$TORCH_HOME/hub/checkpoints``,
PyTorch's own location, so an existing PyTorch cache is reused). When it is missing, the
message names the file, its URL and the path to place it at.
"""
import argparse
import os
import sys

import ember as torch
from ember.vision import models


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("image", help="an image file (JPEG, PNG...; needs Pillow)")
    p.add_argument("--model", default="resnet18", help="a classifier name from ember.vision.models.list_models()")
    p.add_argument("--weights", default="DEFAULT", help="a weight set of that model, e.g. IMAGENET1K_V1")
    p.add_argument("--topk", type=int, default=5)
    args = p.parse_args(argv)

    weights_enum = models.get_model_weights(args.model)
    weights = weights_enum.DEFAULT if args.weights == "DEFAULT" else weights_enum.verify(args.weights)
    cached = os.path.join(torch.hub.get_dir(), "checkpoints", os.path.basename(weights.url))
    if not os.path.exists(cached):
        print(f"The checkpoint {os.path.basename(weights.url)} is not in the hub cache.\n"
              f"Download {weights.url}\nand place it at {cached}", file=sys.stderr)
        return 1
    try:
        from PIL import Image
    except ImportError:
        print("Reading images needs Pillow: pip install pillow", file=sys.stderr)
        return 1

    model = models.get_model(args.model, weights=weights).eval()
    img = Image.open(args.image).convert("RGB")
    batch = weights.transforms()(img).unsqueeze(0)
    with torch.no_grad():
        probs = model(batch).softmax(dim=1)[0]
    top = probs.topk(args.topk)
    categories = weights.meta["categories"]
    print(f"{args.model} ({weights}) on {args.image}:")
    for prob, idx in zip(top.values.tolist(), top.indices.tolist()):
        print(f"{100 * prob:6.2f}%  {categories[idx]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
