#!/usr/bin/env python3
"""Writes tests/Goldens/accelerators/<config>.json: torchvision's logits for small networks, for the accelerator tests.

The accelerator tests run on ILGPU's CPU accelerator, which simulates a GPU thread by thread, so they need networks far
smaller than the parity configurations. These goldens use the same formula, fingerprints and file format as
tools/make_parity_goldens.py (imported from there), on torchvision.models.resnet.ResNet built directly with fewer blocks
and a small input. Configs marked with features also record the pooled features, torch.flatten(model.avgpool(...), 1),
one row per image, in the same float32 format as the logits (the output of the same model with fc = nn.Identity()).

It also writes tests/Goldens/gpu/<config>.json for the networks only the GPU check runs (resnet50 at 224x224, batch
32: too large for the CPU test suites, which read tests/Goldens/parity and tests/Goldens/accelerators).

Run with Debian's torchvision (python3-torch 1.13, python3-torchvision 0.14):
  /usr/bin/python3 tools/make_accelerator_goldens.py [--out DIR] [--gpu-out DIR]
"""
import argparse
import os
import sys

import make_parity_goldens as parity
import torch
from torchvision.models.resnet import BasicBlock, Bottleneck, ResNet


# The pooled features of the last forward pass of a model built below (its avgpool's output, flattened).
POOLED = {}


def builder(block, layers, groups=1, width_per_group=64):
    """A torchvision.models-style builder (weights=None, **kwargs) for ResNet(block, layers)."""
    def build(weights=None, **kwargs):
        assert weights is None
        model = ResNet(block, layers, groups=groups, width_per_group=width_per_group, **kwargs)
        model.avgpool.register_forward_hook(lambda module, inputs, output: POOLED.update(features=torch.flatten(output, 1)))
        return model
    return build


# name -> builder; registered on the module parity.run() looks builders up in, with the groups it must find.
BUILDERS = {
    "resnet_basic_1111": (builder(BasicBlock, [1, 1, 1, 1]), {}),
    "resnext_bottleneck_1111_2x16": (builder(Bottleneck, [1, 1, 1, 1], groups=2, width_per_group=16),
                                     {"groups": 2, "width_per_group": 16}),
    "resnext_bottleneck_1111_2x4": (builder(Bottleneck, [1, 1, 1, 1], groups=2, width_per_group=4),
                                    {"groups": 2, "width_per_group": 4}),
}

# Configs whose golden also records the pooled features.
WITH_FEATURES = {"every_tile_bottleneck_184_batch2", "basic_24x24_live_taps"}

CONFIGS = [
    parity.config("basic_32x40_batch2", "resnet_basic_1111", BasicBlock, [1, 1, 1, 1], batch=2, height=32, width=40,
                  num_classes=10,
                  description="torchvision ResNet(BasicBlock, [1, 1, 1, 1], num_classes=10), 32x40, batch 2"),
    parity.config("grouped_bottleneck_40x32_dilated", "resnext_bottleneck_1111_2x16", Bottleneck, [1, 1, 1, 1],
                  height=40, width=32, num_classes=12, groups=2, width_per_group=16, dilation=[False, False, True],
                  description="torchvision ResNet(Bottleneck, [1, 1, 1, 1], groups=2, width_per_group=16, "
                              "replace_stride_with_dilation=[False, False, True], num_classes=12), 40x32, batch 1"),
    # Its device schedule (for 132 multiprocessors) takes every tile of the family and splits K: the large tile for the
    # stem's 2 x 92 x 92 pixels, the grouped tile for layer1's 4-channel groups, the standard and small tiles further on.
    parity.config("every_tile_bottleneck_184_batch2", "resnext_bottleneck_1111_2x4", Bottleneck, [1, 1, 1, 1], batch=2,
                  height=184, width=184, num_classes=10, groups=2, width_per_group=4,
                  description="torchvision ResNet(Bottleneck, [1, 1, 1, 1], groups=2, width_per_group=4, num_classes=10), "
                              "184x184, batch 2"),
    # layer4 runs on a 1x1 map, where a 3x3 convolution reads its input through the centre tap alone (live taps).
    parity.config("basic_24x24_live_taps", "resnet_basic_1111", BasicBlock, [1, 1, 1, 1], height=24, width=24,
                  num_classes=10,
                  description="torchvision ResNet(BasicBlock, [1, 1, 1, 1], num_classes=10), 24x24, batch 1"),
]


# The GPU check's goldens (tools/GpuCheck compares resnet50's batch-32 X.Accelerated with them).
GPU_CONFIGS = [
    parity.config("resnet50_224_batch32", "resnet50", Bottleneck, [3, 4, 6, 3], batch=32,
                  description="torchvision resnet50, 224x224, batch 32"),
]


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default=os.path.normpath(os.path.join(here, "..", "tests", "Goldens", "accelerators")))
    parser.add_argument("--gpu-out", default=os.path.normpath(os.path.join(here, "..", "tests", "Goldens", "gpu")))
    args = parser.parse_args()
    for name, (build, defaults) in BUILDERS.items():
        setattr(parity.R, name, build)
        parity.BUILDER_DEFAULTS[name] = defaults
    parity.torch.manual_seed(0)
    for out, cfg in [(args.out, c) for c in CONFIGS] + [(args.gpu_out, c) for c in GPU_CONFIGS]:
        os.makedirs(out, exist_ok=True)
        golden = parity.run(cfg)
        if cfg["name"] in WITH_FEATURES:
            golden["features"] = [[parity.f32(v) for v in row] for row in POOLED["features"].float().numpy()]
        path = os.path.join(out, cfg["name"] + ".json")
        with open(path, "w") as f:
            f.write(parity.to_json(golden) + "\n")
        print(f"{cfg['name']:34s} top1 {golden['top1']} margin {['%.3g' % m for m in golden['top1_margin']]} -> {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
