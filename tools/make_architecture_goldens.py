#!/usr/bin/env python3
"""Writes tests/Goldens/architectures.json: for each torchvision ResNet config, the state_dict keys with their
shapes in torchvision's order and the parameter count, as torchvision itself reports them.

Run with Debian's torchvision (python3-torchvision 0.14):  /usr/bin/python3 tools/make_architecture_goldens.py [out.json]
"""
import json
import sys

import torchvision
from torchvision.models.resnet import BasicBlock, Bottleneck, ResNet

CONFIGS = {
    "resnet18": lambda: torchvision.models.resnet18(),
    "resnet34": lambda: torchvision.models.resnet34(),
    "resnet50": lambda: torchvision.models.resnet50(),
    "resnet101": lambda: torchvision.models.resnet101(),
    "resnet152": lambda: torchvision.models.resnet152(),
    "resnext50_32x4d": lambda: torchvision.models.resnext50_32x4d(),
    "wide_resnet50_2": lambda: torchvision.models.wide_resnet50_2(),
    "resnet50_dilated": lambda: torchvision.models.resnet50(replace_stride_with_dilation=[False, True, True]),
    "basic_1111_classes10": lambda: ResNet(BasicBlock, [1, 1, 1, 1], num_classes=10),
}


def describe(model):
    return {
        "parameters": sum(p.numel() for p in model.parameters()),
        "state_dict": [[name, list(tensor.shape)] for name, tensor in model.state_dict().items()],
    }


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "tests/Goldens/architectures.json"
    result = {name: describe(make()) for name, make in CONFIGS.items()}
    with open(out, "w") as f:
        json.dump(result, f, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {out}: " + ", ".join(f"{k} {v['parameters']:,}" for k, v in result.items()))


if __name__ == "__main__":
    main()
