#!/usr/bin/env python3
"""The peer: torchvision models on PyTorch (Debian's python3-torch, oneDNN), eager and TorchScript-frozen.

    /usr/bin/python3 benchmarks/peer_pytorch.py --threads 2 --runs 30 resnet50-224-b1 resnet18-224-b1 ...

Workload names are MODEL-SIZE-bBATCH. Prints one JSON object per line:
{"workload": ..., "mode": "eager"|"frozen", "threads": T, "median_ms": ..., "runs": N}
Same input shape, torch.no_grad(), eval mode. With --weights FOLDER the model loads FOLDER/MODEL.pth strictly (the
comparison passes the state_dict ResNetGen and ONNX Runtime run, so all three engines compute with the same numbers);
without it, torchvision's random initialisation.
"""
import argparse
import json
import os
import statistics
import time

import torch
import torchvision


def build(name, weights):
    model, size, batch = name.split("-")
    net = getattr(torchvision.models, model)()
    if weights:
        net.load_state_dict(torch.load(os.path.join(weights, model + ".pth"), map_location="cpu"), strict=True)
    return net.eval(), torch.randn(int(batch[1:]), 3, int(size), int(size))


def median_ms(fn, runs, warmup):
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--modes", default="frozen,eager")
    parser.add_argument("--weights", default=None, help="folder holding MODEL.pth state_dicts")
    parser.add_argument("workloads", nargs="+")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    with torch.no_grad():
        for name in args.workloads:
            model, x = build(name, args.weights)
            for mode in args.modes.split(","):
                if mode == "frozen":
                    runner = torch.jit.optimize_for_inference(torch.jit.freeze(torch.jit.script(model)))
                else:
                    runner = model
                ms = median_ms(lambda: runner(x), args.runs, args.warmup)
                print(json.dumps({"workload": name, "mode": mode, "threads": args.threads, "median_ms": ms, "runs": args.runs}), flush=True)


if __name__ == "__main__":
    main()
