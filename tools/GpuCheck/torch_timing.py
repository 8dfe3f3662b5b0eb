#!/usr/bin/env python3
"""Times torchvision's resnet50 in PyTorch eager mode on the first CUDA device, batch 1 and 32, and prints JSON.

Two settings: strict fp32 (TF32 off for convolutions and matmuls, the arithmetic ResNetGen.Ilgpu does) and PyTorch's
defaults (cuDNN may use TF32). Median of timed calls after warm-up, each call ended by torch.cuda.synchronize().
Prints {"error": "..."} instead when torch, torchvision or a CUDA device is missing.
"""
import json
import sys
import time


def median_ms(model, x, seconds):
    import torch
    with torch.no_grad():
        for _ in range(5):
            model(x)
        torch.cuda.synchronize()
        times = []
        start = time.perf_counter()
        while len(times) < 5 or (time.perf_counter() - start < seconds and len(times) < 200):
            t = time.perf_counter()
            model(x)
            torch.cuda.synchronize()
            times.append((time.perf_counter() - t) * 1000)
    times.sort()
    return times[len(times) // 2]


def main():
    size = int(sys.argv[1]) if len(sys.argv) > 1 else 224
    seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 5
    try:
        import torch
        import torchvision
    except ImportError as e:
        print(json.dumps({"error": f"python3 has no {e.name}"}))
        return 0
    if not torch.cuda.is_available():
        print(json.dumps({"error": "torch sees no CUDA device"}))
        return 0
    model = torchvision.models.resnet50().cuda().eval()
    result = {"torch": torch.__version__, "device": torch.cuda.get_device_name(0), "milliseconds": {}}
    for setting, tf32 in (("fp32", False), ("default", None)):
        if tf32 is None:
            torch.backends.cudnn.allow_tf32 = True
            torch.backends.cuda.matmul.allow_tf32 = False
        else:
            torch.backends.cudnn.allow_tf32 = tf32
            torch.backends.cuda.matmul.allow_tf32 = tf32
        for batch in (1, 32):
            x = torch.randn(batch, 3, size, size, device="cuda")
            result["milliseconds"][f"{setting}_batch{batch}"] = median_ms(model, x, seconds)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
