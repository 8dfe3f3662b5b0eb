#!/usr/bin/env python3
"""Exports torchvision ResNets to ONNX for the ONNX Runtime peer of the benchmarks, from given weights.

    /usr/bin/python3 tools/export_onnx.py FOLDER resnet50-224-b1 resnet18-224-b1 resnet50-32-b1 resnet50-224-b8

Workload names are MODEL-SIZE-bBATCH, as in benchmarks/peer_pytorch.py. For each one the script reads the state_dict
FOLDER/MODEL.pth (the benchmarks write it from the weights ResNetGen runs, so both engines compute with the same
numbers), loads it strictly into torchvision's MODEL in eval mode, and writes FOLDER/WORKLOAD.onnx: opset 13, fixed
shapes (input "input" of [BATCH, 3, SIZE, SIZE], output "logits" of [BATCH, 1000]); in eval mode the exporter folds each
batch norm into its convolution, as ResNetGen does at load. torch.onnx.export needs no `onnx` Python package. An
existing .onnx file is replaced.
"""
import argparse
import os
import sys

import torch
import torchvision


def parse(name):
    parts = name.split("-")
    if len(parts) != 3 or not parts[1].isdigit() or not parts[2].startswith("b") or not parts[2][1:].isdigit():
        sys.exit(f"export_onnx.py: '{name}' is not a workload name of the form MODEL-SIZE-bBATCH, e.g. resnet50-224-b1")
    model, size, batch = parts
    if not hasattr(torchvision.models, model):
        sys.exit(f"export_onnx.py: torchvision has no model '{model}' (workload '{name}')")
    return model, int(size), int(batch[1:])


def export(folder, name):
    model, size, batch = parse(name)
    weights = os.path.join(folder, model + ".pth")
    if not os.path.isfile(weights):
        sys.exit(f"export_onnx.py: the weights {weights} for workload '{name}' do not exist")
    net = getattr(torchvision.models, model)()
    net.load_state_dict(torch.load(weights, map_location="cpu"), strict=True)
    net.eval()
    target = os.path.join(folder, name + ".onnx")
    partial = f"{target}.{os.getpid()}.partial"
    with torch.no_grad():
        torch.onnx.export(
            net,
            torch.zeros(batch, 3, size, size),
            partial,
            opset_version=13,
            input_names=["input"],
            output_names=["logits"],
            do_constant_folding=True,
            training=torch.onnx.TrainingMode.EVAL,
        )
    # Renamed into place whole, so that a process reading the folder at the same time never sees half a file.
    os.replace(partial, target)
    print(target, flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", help="folder holding MODEL.pth; the .onnx files are written beside it")
    parser.add_argument("workloads", nargs="+", help="MODEL-SIZE-bBATCH, e.g. resnet50-224-b1")
    args = parser.parse_args()
    for name in args.workloads:
        export(args.folder, name)


if __name__ == "__main__":
    main()
