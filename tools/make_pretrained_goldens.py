#!/usr/bin/env python3
"""Writes tests/Goldens/pretrained/torchvision_weights.json: every ResNet weights entry of torchvision's
models/resnet.py (its ResNet*_Weights enums) with its URL, documented accuracy, parameter count, eval transform, and
the architecture of the model it is for, read from the model torchvision builds (block, layers, groups, width per group,
classes). ResNetGen's TorchvisionWeights catalogue is checked against this file; CI writes it again and compares.

    /usr/bin/python3 tools/make_pretrained_goldens.py [OUT_FILE]
"""
import json
import os
import sys

import torch
from torchvision.models import resnet

MODELS = ["resnet18", "resnet34", "resnet50", "resnet101", "resnet152", "resnext50_32x4d", "resnext101_32x8d",
          "resnext101_64x4d", "wide_resnet50_2", "wide_resnet101_2"]


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "tests", "Goldens", "pretrained", "torchvision_weights.json")
    entries = []
    for name in MODELS:
        weights_enum = _weights_enum(name)
        torch.manual_seed(0)
        model = resnet.__dict__[name]()
        block = type(model.layer1[0]).__name__
        layers = [len(getattr(model, f"layer{i}")) for i in range(1, 5)]
        for w in weights_enum:
            transform = w.transforms()
            metrics = w.meta["_metrics"]["ImageNet-1K"]
            entries.append({
                "model": name,
                "weights": f"{weights_enum.__name__}.{w.name}",
                "url": w.url,
                "acc@1": metrics["acc@1"],
                "acc@5": metrics["acc@5"],
                "num_params": w.meta["num_params"],
                "resize": transform.resize_size[0],
                "crop": transform.crop_size[0],
                "block": "Bottleneck" if block == "Bottleneck" else "Basic",
                "layers": layers,
                "groups": model.groups,
                "width_per_group": model.base_width,
                "num_classes": len(w.meta["categories"]),
            })
            assert sum(p.numel() for p in model.parameters()) == w.meta["num_params"], w
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    with open(out, "w") as f:
        f.write("[\n" + ",\n".join("  " + json.dumps(e) for e in entries) + "\n]\n")
    print(f"wrote {len(entries)} weights entries to {os.path.normpath(out)}")


def _weights_enum(model_name):
    """The ResNet*_Weights enum of a model constructor: resnext50_32x4d's is ResNeXt50_32X4D_Weights."""
    normalized = model_name.replace("_", "").lower()
    for value in resnet.__dict__.values():
        if isinstance(value, type) and value.__name__.endswith("_Weights") and value.__name__[:-len("_Weights")].replace("_", "").lower() == normalized:
            return value
    raise KeyError(model_name)


if __name__ == "__main__":
    main()
