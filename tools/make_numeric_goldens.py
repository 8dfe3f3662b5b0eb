#!/usr/bin/env python3
"""Writes tests/Goldens/numeric/nonfinite.json: torchvision's logits for images holding NaN, +Inf, -Inf and denormals.

The network is torchvision's resnet18(num_classes=10) run on a batch of 7 images of 32x32, with the parity formula's
weights and input (tools/make_parity_goldens.py, version 1; the C# tests rebuild both bit for bit and check the
fingerprint recorded here). Then some images of the batch are changed:

  0  unchanged                                   4  a NaN pixel and a +Inf pixel
  1  one NaN pixel (channel 0, row 5, column 7)  5  every value times 1e-40 (all denormal)
  2  one +Inf pixel (channel 1, row 16, col 16)  6  unchanged (follows the non-finite images in the batch)
  3  one -Inf pixel in the corner (channel 2, row 0, column 0)

Logits are written as strings: "NaN", "Infinity", "-Infinity", or the shortest decimal that reads back as the same
float32. The tests require the same NaN/Inf pattern as torch and the finite logits within the parity tolerance.

Run:  /usr/bin/python3 tools/make_numeric_goldens.py [OUT_FILE]
      /usr/bin/python3 tools/make_numeric_goldens.py --check [GOLDEN]   (re-runs torch and compares: same NaN/Inf
                                                                         pattern, finite logits within 1e-5)
"""
import json
import math
import os
import sys

import numpy as np
import torch
import torchvision

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_parity_goldens as parity  # noqa: E402  (the formula, shared so the two cannot drift apart)

HERE = os.path.dirname(os.path.abspath(__file__))
CHECK = "--check" in sys.argv
ARGS = [a for a in sys.argv[1:] if a != "--check"]
OUT = ARGS[0] if ARGS else os.path.join(HERE, "..", "tests", "Goldens", "numeric", "nonfinite.json")

SPEC = {"batch": 7, "channels": 3, "height": 32, "width": 32}
CHANGES = [
    {"image": 1, "what": "one NaN pixel", "set": [[0, 5, 7, "NaN"]]},
    {"image": 2, "what": "one +Inf pixel", "set": [[1, 16, 16, "Infinity"]]},
    {"image": 3, "what": "one -Inf pixel in the corner", "set": [[2, 0, 0, "-Infinity"]]},
    {"image": 4, "what": "a NaN pixel and a +Inf pixel", "set": [[0, 10, 3, "NaN"], [2, 20, 30, "Infinity"]]},
    {"image": 5, "what": "every value times 1e-40 (denormal)", "scale": 1e-40},
]


def text(value):
    value = np.float32(value)
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    return str(value)


def main():
    model = torchvision.models.resnet18(num_classes=10)
    state = model.state_dict()
    fc_fan_in = state["fc.weight"].shape[1]
    fresh = {name: parity.formula_tensor(t, name, tensor, parity.entry_kind(name, tensor), "bn2", fc_fan_in)
             for t, (name, tensor) in enumerate(state.items())}
    model.load_state_dict(fresh, strict=True)
    model.eval()

    x = parity.formula_input(SPEC).clone()
    input_fingerprint = parity.fingerprint([("input", x.numpy())])
    for change in CHANGES:
        image = change["image"]
        for c, h, w, value in change.get("set", []):
            x[image, c, h, w] = float(value)
        if "scale" in change:
            x[image] = (x[image].double() * change["scale"]).float()
    with torch.no_grad():
        logits = model(x).numpy()

    golden = {
        "description": "torchvision resnet18(num_classes=10), batch 7 of 32x32, parity formula v1; images changed as listed",
        "versions": {"torch": torch.__version__, "torchvision": torchvision.__version__},
        "spec": {**SPEC, "num_classes": 10, "layers": [2, 2, 2, 2], "block": "Basic"},
        "formula_version": parity.FORMULA_VERSION,
        "fingerprint": parity.fingerprint([(n, t.numpy()) for n, t in model.state_dict().items()]),
        "input_fingerprint": input_fingerprint,
        "changes": CHANGES,
        "scaling": "x[image] = float32(float64(x[image]) * scale)",
        "logits": [[text(v) for v in row] for row in logits],
    }
    if CHECK:
        return check(golden)
    os.makedirs(os.path.dirname(os.path.abspath(OUT)), exist_ok=True)
    with open(OUT, "w") as f:
        f.write(parity.to_json(golden) + "\n")
    for i, row in enumerate(golden["logits"]):
        kinds = {"NaN": 0, "Infinity": 0, "-Infinity": 0}
        for v in row:
            if v in kinds:
                kinds[v] += 1
        print(f"image {i}: {kinds['NaN']} NaN, {kinds['Infinity']} +Inf, {kinds['-Infinity']} -Inf, first {row[0]}")
    print(f"wrote {os.path.normpath(OUT)}")


def check(fresh):
    """Compares a fresh run with the committed golden: identical fingerprints and NaN/Inf pattern, finite values close."""
    with open(OUT) as f:
        committed = json.load(f)
    assert committed["fingerprint"] == fresh["fingerprint"], "the weights differ"
    assert committed["input_fingerprint"] == fresh["input_fingerprint"], "the input differs"
    worst = 0.0
    for old_row, new_row in zip(committed["logits"], fresh["logits"]):
        for old, new in zip(old_row, new_row):
            special = {"NaN", "Infinity", "-Infinity"}
            assert (old in special or new in special) is False or old == new, f"{old} != {new}"
            if old not in special:
                worst = max(worst, abs(float(old) - float(new)) / max(1.0, abs(float(old))))
    assert worst <= 1e-5, f"finite logits differ by {worst:.2e}"
    print(f"{os.path.normpath(OUT)}: torch gives the same NaN/Inf pattern, finite logits within {worst:.1e}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
