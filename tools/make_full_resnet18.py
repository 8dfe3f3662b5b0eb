#!/usr/bin/env python3
"""Writes a full-size torchvision resnet18 checkpoint with torch.save, an input and torchvision's logits for it.

Used by CI (not committed: the checkpoint is 45 MB). Weights: torchvision's own initialisation under a fixed seed,
then random batch-norm statistics so that folding is exercised.

    /usr/bin/python3 tools/make_full_resnet18.py OUT_DIR
writes OUT_DIR/resnet18.pth, OUT_DIR/input.f32 (1x3x224x224, raw little-endian float32) and OUT_DIR/logits.f32.
"""
import os
import sys

import torch
import torchvision


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(2024)
    model = torchvision.models.resnet18()
    with torch.no_grad():
        for module in model.modules():
            if isinstance(module, torch.nn.BatchNorm2d):
                module.weight.uniform_(0.5, 1.5)
                module.bias.uniform_(-0.1, 0.1)
                module.running_mean.uniform_(-0.2, 0.2)
                module.running_var.uniform_(0.5, 2.0)
    model.eval()
    image = torch.randn(1, 3, 224, 224)
    with torch.no_grad():
        logits = model(image)
    torch.save(model.state_dict(), os.path.join(out, "resnet18.pth"))
    image.numpy().astype("<f4").tofile(os.path.join(out, "input.f32"))
    logits.numpy().astype("<f4").tofile(os.path.join(out, "logits.f32"))
    print(f"wrote {out}: resnet18.pth, top-1 {int(logits.argmax())}")


if __name__ == "__main__":
    main()
