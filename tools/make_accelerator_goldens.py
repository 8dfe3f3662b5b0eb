#!/usr/bin/env python3
"""Writes tests/Goldens/accelerators/<config>.json: torchvision's logits for small networks, for the accelerator tests.

The accelerator tests run on ILGPU's CPU accelerator, which simulates a GPU thread by thread, so they need networks far
smaller than the parity configurations. These goldens use the same formula, fingerprints and file format as
tools/make_parity_goldens.py (imported from there), on torchvision.models.resnet.ResNet built directly with fewer blocks
and a small input.

Run with Debian's torchvision (python3-torch 1.13, python3-torchvision 0.14):
  /usr/bin/python3 tools/make_accelerator_goldens.py [--out DIR]
"""
import argparse
import os
import sys

import make_parity_goldens as parity
from torchvision.models.resnet import BasicBlock, Bottleneck, ResNet


def builder(block, layers, groups=1, width_per_group=64):
    """A torchvision.models-style builder (weights=None, **kwargs) for ResNet(block, layers)."""
    def build(weights=None, **kwargs):
        assert weights is None
        return ResNet(block, layers, groups=groups, width_per_group=width_per_group, **kwargs)
    return build


# name -> builder; registered on the module parity.run() looks builders up in, with the groups it must find.
BUILDERS = {
    "resnet_basic_1111": (builder(BasicBlock, [1, 1, 1, 1]), {}),
    "resnext_bottleneck_1111_2x16": (builder(Bottleneck, [1, 1, 1, 1], groups=2, width_per_group=16),
                                     {"groups": 2, "width_per_group": 16}),
}

CONFIGS = [
    parity.config("basic_32x40_batch2", "resnet_basic_1111", BasicBlock, [1, 1, 1, 1], batch=2, height=32, width=40,
                  num_classes=10,
                  description="torchvision ResNet(BasicBlock, [1, 1, 1, 1], num_classes=10), 32x40, batch 2"),
    parity.config("grouped_bottleneck_40x32_dilated", "resnext_bottleneck_1111_2x16", Bottleneck, [1, 1, 1, 1],
                  height=40, width=32, num_classes=12, groups=2, width_per_group=16, dilation=[False, False, True],
                  description="torchvision ResNet(Bottleneck, [1, 1, 1, 1], groups=2, width_per_group=16, "
                              "replace_stride_with_dilation=[False, False, True], num_classes=12), 40x32, batch 1"),
]


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default=os.path.normpath(os.path.join(here, "..", "tests", "Goldens", "accelerators")))
    args = parser.parse_args()
    for name, (build, defaults) in BUILDERS.items():
        setattr(parity.R, name, build)
        parity.BUILDER_DEFAULTS[name] = defaults
    parity.torch.manual_seed(0)
    os.makedirs(args.out, exist_ok=True)
    for cfg in CONFIGS:
        golden = parity.run(cfg)
        path = os.path.join(args.out, cfg["name"] + ".json")
        with open(path, "w") as f:
            f.write(parity.to_json(golden) + "\n")
        print(f"{cfg['name']:34s} top1 {golden['top1']} margin {['%.3g' % m for m in golden['top1_margin']]} -> {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
