#!/usr/bin/env python3
"""Writes full-size torchvision resnet18 and resnet50 checkpoints in PyTorch's legacy serialization format, an input,
and torchvision's logits for each.

The legacy format is what torch.save wrote before PyTorch 1.6, and what the original torchvision model_urls files
(resnet18-5c106cde.pth, ...) are in; torch still writes it with _use_new_zipfile_serialization=False. Used by CI (not
committed: 45 and 98 MB). Weights: torchvision's own initialisation under a fixed seed, then random batch-norm
statistics so that folding is exercised.

    /usr/bin/python3 tools/make_legacy_checkpoints.py OUT_DIR
writes OUT_DIR/{resnet18,resnet50}-legacy.pth, OUT_DIR/input.f32 (1x3x224x224, raw little-endian float32) and
OUT_DIR/{resnet18,resnet50}-logits.f32.
"""
import os
import sys

import torch
import torchvision

MAGIC = bytes.fromhex("80028a0a6cfc9c46f9206aa85019")  # the pickled magic number 0x1950a86a20f9469cfc6c


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(2025)
    image = torch.randn(1, 3, 224, 224)
    image.numpy().astype("<f4").tofile(os.path.join(out, "input.f32"))
    for name in ("resnet18", "resnet50"):
        model = getattr(torchvision.models, name)()
        with torch.no_grad():
            for module in model.modules():
                if isinstance(module, torch.nn.BatchNorm2d):
                    module.weight.uniform_(0.5, 1.5)
                    module.bias.uniform_(-0.1, 0.1)
                    module.running_mean.uniform_(-0.2, 0.2)
                    module.running_var.uniform_(0.5, 2.0)
        model.eval()
        with torch.no_grad():
            logits = model(image)
        path = os.path.join(out, f"{name}-legacy.pth")
        torch.save(model.state_dict(), path, _use_new_zipfile_serialization=False)
        with open(path, "rb") as f:
            assert f.read(len(MAGIC)) == MAGIC, "not the legacy format"
        reloaded = torch.load(path)
        assert all(torch.equal(reloaded[k], v) for k, v in model.state_dict().items())
        logits.numpy().astype("<f4").tofile(os.path.join(out, f"{name}-logits.f32"))
        print(f"wrote {path} ({os.path.getsize(path) / 1e6:.1f} MB, legacy format), top-1 {int(logits.argmax())}")


if __name__ == "__main__":
    main()
