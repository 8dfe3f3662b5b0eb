#!/usr/bin/env python3
"""Writes tests/Goldens/architectures.json: for each torchvision ResNet config, as torchvision itself reports them,
- "parameters": the parameter count, and "state_dict": the keys with their shapes in torchvision's order;
- "repr" (some configs): the exact text of print(model);
- "zero_init_residual" (some configs): which batch-norm weights the model built with zero_init_residual=True starts
  at all zeros, and which at all ones.

Run with Debian's torchvision (python3-torchvision 0.14):  /usr/bin/python3 tools/make_architecture_goldens.py [out.json]
"""
import json
import sys

import torch
import torchvision
from torchvision.models.resnet import BasicBlock, Bottleneck, ResNet


def headless(make):
    def build(**options):
        model = make(**options)
        model.fc = torch.nn.Identity()
        return model
    return build


# name -> (factory taking ResNet's keyword options, whether to record the repr, whether to record zero_init_residual)
CONFIGS = {
    "resnet18": (torchvision.models.resnet18, True, True),
    "resnet34": (torchvision.models.resnet34, False, False),
    "resnet50": (torchvision.models.resnet50, True, True),
    "resnet101": (torchvision.models.resnet101, False, False),
    "resnet152": (torchvision.models.resnet152, False, False),
    "resnext50_32x4d": (torchvision.models.resnext50_32x4d, True, True),
    "wide_resnet50_2": (torchvision.models.wide_resnet50_2, True, False),
    "resnet50_dilated": (lambda **o: torchvision.models.resnet50(replace_stride_with_dilation=[False, True, True], **o), True, False),
    "basic_1111_classes10": (lambda **o: ResNet(BasicBlock, [1, 1, 1, 1], num_classes=10, **o), True, True),
    "resnet18_headless": (headless(torchvision.models.resnet18), True, True),
    "basic_1111_headless": (headless(lambda **o: ResNet(BasicBlock, [1, 1, 1, 1], **o)), True, True),
    "bottleneck_1112_grouped_dilated_classes7": (lambda **o: ResNet(Bottleneck, [1, 1, 1, 2], groups=4, width_per_group=8, replace_stride_with_dilation=[False, False, True], num_classes=7, **o), True, True),
    "bottleneck_2121_dilated_classes5": (lambda **o: ResNet(Bottleneck, [2, 1, 2, 1], num_classes=5, replace_stride_with_dilation=[True, False, True], **o), True, True),
}


def batch_norm_weights(model):
    """The state_dict key of every batch norm's weight, in module order."""
    return [name + ".weight" for name, module in model.named_modules() if isinstance(module, torch.nn.BatchNorm2d)]


def describe(make, with_repr, with_zero_init):
    model = make()
    result = {
        "parameters": sum(p.numel() for p in model.parameters()),
        "state_dict": [[name, list(tensor.shape)] for name, tensor in model.state_dict().items()],
    }
    if with_repr:
        result["repr"] = str(model)
    if with_zero_init:
        zero_init = make(zero_init_residual=True)
        weights = zero_init.state_dict()
        keys = batch_norm_weights(zero_init)
        result["zero_init_residual"] = {
            "zero": [k for k in keys if bool((weights[k] == 0).all())],
            "one": [k for k in keys if bool((weights[k] == 1).all())],
        }
    return result


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "tests/Goldens/architectures.json"
    result = {name: describe(*config) for name, config in CONFIGS.items()}
    with open(out, "w") as f:
        json.dump(result, f, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {out}: " + ", ".join(f"{k} {v['parameters']:,}" for k, v in result.items()))


if __name__ == "__main__":
    main()
