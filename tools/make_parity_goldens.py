#!/usr/bin/env python3
"""Writes tests/Goldens/parity/<config>.json: torchvision's logits for weights and inputs that come from a formula.

No weight file is committed. Every state_dict entry and every input element is a pure function of its position, computed
with operations that are correctly rounded in IEEE double (integer hashing, +, -, *, /, sqrt) and rounded once to float32,
so the C# tests (tests/Parity/ParityFormula.cs) rebuild bit-identical tensors, prove it against the fingerprint recorded
here, run the generated Forward and compare with these logits.

The formula (version 1)
  h(key)   = SplitMix64's output for state `key`: z = key + 0x9E3779B97F4A7C15; z = (z ^ z>>30) * 0xBF58476D1CE4E5B9;
             z = (z ^ z>>27) * 0x94D049BB133111EB; h = z ^ z>>31            (all mod 2**64)
  key      = (stream << 32) | element, element = the flat row-major index inside the tensor,
             stream = 0 for the input, t + 1 for the t-th state_dict entry (0-based, torchvision order)
  u        = (h >> 11) * 2**-53                                               (exact double in [0, 1))
  value    = float32(f(u)) with f by what the entry is:
    conv weight            (2u - 1) * sqrt(6 / fan_in), fan_in = in/groups * kh * kw   (uniform, variance 2/fan_in)
    bn weight              0.5 + u; for the last BN of each residual branch (bn3 in Bottleneck nets, bn2 in Basic nets,
                           i.e. layerI.J.bnK.weight) 0.1 + 0.2u, so the residual stream stays bounded through 152 layers
    bn bias                (u - 0.5) * 0.2
    bn running_mean        (u - 0.5) * 0.4
    bn running_var         0.5 + 1.5u
    bn num_batches_tracked the int64 t (the entry's index; unused in eval mode)
    fc weight, fc bias     (2u - 1) / sqrt(fan_in), fan_in = fc.weight.shape[1]
    input (NCHW, batch)    (2u - 1) * 2

Fingerprint (proves the C# weights are the ones torch used): for entry t with float32 bit patterns b_i,
  S_t = sum_i b_i * (i + 1) mod 2**64 and checksum = sum_t S_t * (2t + 1) mod 2**64,
plus the float64 sum and sum of absolute values of all elements, and the first 4 values (float32 bits) of a few entries.

Run with Debian's torchvision (python3-torch 1.13, python3-torchvision 0.14):
  /usr/bin/python3 tools/make_parity_goldens.py [--out DIR] [--only name,name]
tools/check_parity_goldens.py re-runs this into a temporary folder and compares with the committed goldens.
"""
import argparse
import json
import math
import os
import re
import sys
import time

import numpy as np
import torch
import torchvision
from torchvision.models.resnet import BasicBlock, Bottleneck

FORMULA_VERSION = 1

FORMULA = {
    "version": FORMULA_VERSION,
    "hash": "splitmix64(key): z = key + 0x9E3779B97F4A7C15; z = (z ^ z>>30) * 0xBF58476D1CE4E5B9; "
            "z = (z ^ z>>27) * 0x94D049BB133111EB; z ^ z>>31 (mod 2^64)",
    "key": "(stream << 32) | element; stream 0 = input, t + 1 = t-th state_dict entry; element = flat row-major index",
    "u": "(h >> 11) * 2^-53",
    "conv_weight": "(2u - 1) * sqrt(6 / fan_in)",
    "bn_weight": "0.5 + u",
    "bn_weight_residual_last": "0.1 + 0.2u (layerI.J.bn3.weight in Bottleneck nets, layerI.J.bn2.weight in Basic nets)",
    "bn_bias": "(u - 0.5) * 0.2",
    "bn_running_mean": "(u - 0.5) * 0.4",
    "bn_running_var": "0.5 + 1.5u",
    "bn_num_batches_tracked": "t",
    "fc_weight": "(2u - 1) / sqrt(fan_in)",
    "fc_bias": "(2u - 1) / sqrt(fan_in)",
    "input": "(2u - 1) * 2",
    "rounding": "every expression evaluated in IEEE double, left to right, then rounded once to float32 (nearest even)",
}

# Entries whose first values are recorded in the fingerprint (when present).
SAMPLED = ["conv1.weight", "bn1.weight", "bn1.running_mean", "bn1.running_var", "layer1.0.conv1.weight", "fc.weight", "fc.bias"]

R = torchvision.models


def config(name, builder, block, layers, *, batch=1, height=224, width=224, num_classes=1000, groups=1,
           width_per_group=64, dilation=None, description):
    kwargs = {}
    if num_classes != 1000:
        kwargs["num_classes"] = num_classes
    if dilation is not None:
        kwargs["replace_stride_with_dilation"] = dilation
    return {
        "name": name,
        "description": description,
        "torchvision": {"builder": builder, "kwargs": kwargs},
        "spec": {
            "block": block.__name__.replace("Block", ""),
            "layers": layers,
            "num_classes": num_classes,
            "groups": groups,
            "width_per_group": width_per_group,
            "replace_stride_with_dilation": dilation or [False, False, False],
            "batch": batch,
            "channels": 3,
            "height": height,
            "width": width,
        },
    }


CONFIGS = [
    config("resnet18", "resnet18", BasicBlock, [2, 2, 2, 2], description="torchvision resnet18, 224x224, batch 1"),
    config("resnet34", "resnet34", BasicBlock, [3, 4, 6, 3], description="torchvision resnet34, 224x224, batch 1"),
    config("resnet50", "resnet50", Bottleneck, [3, 4, 6, 3], description="torchvision resnet50, 224x224, batch 1"),
    config("resnet101", "resnet101", Bottleneck, [3, 4, 23, 3], description="torchvision resnet101, 224x224, batch 1"),
    config("resnet152", "resnet152", Bottleneck, [3, 8, 36, 3], description="torchvision resnet152, 224x224, batch 1"),
    config("resnext50_32x4d", "resnext50_32x4d", Bottleneck, [3, 4, 6, 3], groups=32, width_per_group=4,
           description="torchvision resnext50_32x4d (groups 32, width per group 4), 224x224, batch 1"),
    config("wide_resnet50_2", "wide_resnet50_2", Bottleneck, [3, 4, 6, 3], width_per_group=128,
           description="torchvision wide_resnet50_2 (width per group 128), 224x224, batch 1"),
    config("resnet50_dilated", "resnet50", Bottleneck, [3, 4, 6, 3], dilation=[False, True, True],
           description="torchvision resnet50(replace_stride_with_dilation=[False, True, True]), 224x224, batch 1"),
    config("resnet50_classes10_96x64", "resnet50", Bottleneck, [3, 4, 6, 3], num_classes=10, height=96, width=64,
           description="torchvision resnet50(num_classes=10) on a non-square 96x64 (HxW) input, batch 1"),
    config("resnet18_batch2", "resnet18", BasicBlock, [2, 2, 2, 2], batch=2,
           description="torchvision resnet18, 224x224, batch 2"),
]

# Default torchvision builder arguments implied by the builder names above.
BUILDER_DEFAULTS = {
    "resnext50_32x4d": {"groups": 32, "width_per_group": 4},
    "wide_resnet50_2": {"width_per_group": 128},
}

M64 = (1 << 64) - 1


def splitmix64(keys):
    """SplitMix64's output for each uint64 state in `keys` (numpy uint64 arithmetic wraps mod 2**64)."""
    z = keys + np.uint64(0x9E3779B97F4A7C15)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


def uniform(stream, count):
    """u for elements 0..count-1 of a stream, as exact doubles in [0, 1)."""
    keys = (np.uint64(stream) << np.uint64(32)) | np.arange(count, dtype=np.uint64)
    return (splitmix64(keys) >> np.uint64(11)).astype(np.float64) * (2.0 ** -53)


def entry_kind(name, tensor):
    if name.endswith("num_batches_tracked"):
        return "bn_num_batches_tracked"
    if name.endswith("running_mean"):
        return "bn_running_mean"
    if name.endswith("running_var"):
        return "bn_running_var"
    if name.startswith("fc."):
        return "fc_weight" if name.endswith("weight") else "fc_bias"
    if tensor.dim() == 4:
        return "conv_weight"
    return "bn_weight" if name.endswith("weight") else "bn_bias"


def formula_tensor(t, name, tensor, kind, last_bn, fc_fan_in):
    """The float32 (or int64 for num_batches_tracked) values of state_dict entry t."""
    shape = tuple(tensor.shape)
    if kind == "bn_num_batches_tracked":
        return torch.tensor(t, dtype=torch.int64)
    count = int(np.prod(shape, dtype=np.int64)) if shape else 1
    u = uniform(t + 1, count)
    if kind == "conv_weight":
        fan_in = shape[1] * shape[2] * shape[3]
        values = (2.0 * u - 1.0) * math.sqrt(6.0 / fan_in)
    elif kind == "bn_weight":
        if re.fullmatch(r"layer\d+\.\d+\." + last_bn + r"\.weight", name):
            values = 0.1 + 0.2 * u
        else:
            values = 0.5 + u
    elif kind == "bn_bias":
        values = (u - 0.5) * 0.2
    elif kind == "bn_running_mean":
        values = (u - 0.5) * 0.4
    elif kind == "bn_running_var":
        values = 0.5 + 1.5 * u
    elif kind in ("fc_weight", "fc_bias"):
        values = (2.0 * u - 1.0) / math.sqrt(fc_fan_in)
    else:
        raise ValueError(kind)
    return torch.from_numpy(values.astype(np.float32).reshape(shape))


def formula_input(spec):
    shape = (spec["batch"], spec["channels"], spec["height"], spec["width"])
    u = uniform(0, int(np.prod(shape)))
    return torch.from_numpy(((2.0 * u - 1.0) * 2.0).astype(np.float32).reshape(shape))


def bits(array):
    return np.ascontiguousarray(array, dtype=np.float32).reshape(-1).view(np.uint32)


def fingerprint(named_arrays):
    """Order-sensitive, exact checksum of float32 bit patterns plus float64 sums (see the module docstring)."""
    checksum = 0
    total = 0.0
    total_abs = 0.0
    elements = 0
    samples = {}
    for t, (name, array) in enumerate(named_arrays):
        array = np.asarray(array).astype(np.float32).reshape(-1)
        b = bits(array).astype(np.uint64)
        weighted = int((b * np.arange(1, b.size + 1, dtype=np.uint64)).sum(dtype=np.uint64))
        checksum = (checksum + weighted * (2 * t + 1)) & M64
        total += float(array.astype(np.float64).sum())
        total_abs += float(np.abs(array.astype(np.float64)).sum())
        elements += array.size
        if name in SAMPLED:
            samples[name] = [f"0x{v:08X}" for v in bits(array[:4])]
    return {
        "entries": len(named_arrays),
        "elements": elements,
        "checksum": f"0x{checksum:016X}",
        "sum": total,
        "abs_sum": total_abs,
        "first_values_bits": samples,
    }


def f32(value):
    """A float32 as the shortest decimal that reads back as the same float32."""
    return float(str(np.float32(value)))  # str, not repr: numpy 2 reprs as np.float32(...)


def to_json(value, indent=""):
    """JSON with one key per line, but every list of scalars (a shape, a row of logits) on a single line."""
    inner = indent + " "
    if isinstance(value, dict):
        items = [f"{inner}{json.dumps(k)}: {to_json(v, inner)}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + indent + "}" if items else "{}"
    if isinstance(value, list) and any(isinstance(v, (dict, list)) for v in value):
        return "[\n" + ",\n".join(inner + to_json(v, inner) for v in value) + "\n" + indent + "]"
    return json.dumps(value)


def run(cfg):
    builder = getattr(R, cfg["torchvision"]["builder"])
    model = builder(weights=None, **cfg["torchvision"]["kwargs"])
    spec = cfg["spec"]
    # The builder must give exactly the architecture the spec (and so the C# declaration) describes.
    expected = {"groups": 1, "width_per_group": 64, **BUILDER_DEFAULTS.get(cfg["torchvision"]["builder"], {})}
    assert (model.groups, model.base_width) == (expected["groups"], expected["width_per_group"])
    assert (spec["groups"], spec["width_per_group"]) == (model.groups, model.base_width), cfg["name"]
    assert [len(getattr(model, f"layer{i}")) for i in range(1, 5)] == spec["layers"], cfg["name"]
    assert model.fc.out_features == spec["num_classes"]

    state = model.state_dict()
    names = list(state.keys())
    last_bn = "bn3" if any(".bn3." in n for n in names) else "bn2"
    assert last_bn == ("bn3" if spec["block"] == "Bottleneck" else "bn2")
    fc_fan_in = state["fc.weight"].shape[1]
    fresh = {}
    for t, (name, tensor) in enumerate(state.items()):
        fresh[name] = formula_tensor(t, name, tensor, entry_kind(name, tensor), last_bn, fc_fan_in)
        assert fresh[name].shape == tensor.shape and fresh[name].dtype == tensor.dtype, name
    model.load_state_dict(fresh, strict=True)
    model.eval()

    x = formula_input(spec)
    with torch.no_grad():
        logits = model(x).float().numpy()

    used = [(name, tensor.numpy()) for name, tensor in model.state_dict().items()]
    rows = [[f32(v) for v in row] for row in logits]
    top1 = [int(np.argmax(row)) for row in logits]
    margins = []
    for row in logits:
        ordered = np.sort(row.astype(np.float64))
        margins.append(float(ordered[-1] - ordered[-2]))
    return {
        "config": cfg["name"],
        "description": cfg["description"],
        "torchvision": cfg["torchvision"],
        "spec": spec,
        "versions": {"torch": torch.__version__, "torchvision": torchvision.__version__, "numpy": np.__version__},
        "formula": FORMULA,
        "residual_last_bn": last_bn,
        "fingerprint": fingerprint(used),
        "input_fingerprint": fingerprint([("input", x.numpy())]),
        "logits_format": "float32 values as the shortest decimal that reads back as the same float32; one row per image",
        "logits": rows,
        "logits_stats": {
            "min": float(logits.min()),
            "max": float(logits.max()),
            "std": float(logits.astype(np.float64).std()),
        },
        "top1": top1,
        "top1_margin": margins,
    }


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default=os.path.normpath(os.path.join(here, "..", "tests", "Goldens", "parity")))
    parser.add_argument("--only", default="", help="comma-separated config names (default: all)")
    parser.add_argument("--list", action="store_true", help="print the config names and exit")
    args = parser.parse_args()
    if args.list:
        print("\n".join(c["name"] for c in CONFIGS))
        return 0
    wanted = [n for n in args.only.split(",") if n]
    unknown = set(wanted) - {c["name"] for c in CONFIGS}
    if unknown:
        parser.error(f"unknown config(s): {', '.join(sorted(unknown))}")
    torch.manual_seed(0)  # torchvision's own initialisation is overwritten; this only keeps runs identical anyway
    os.makedirs(args.out, exist_ok=True)
    for cfg in CONFIGS:
        if wanted and cfg["name"] not in wanted:
            continue
        start = time.perf_counter()
        golden = run(cfg)
        path = os.path.join(args.out, cfg["name"] + ".json")
        with open(path, "w") as f:
            f.write(to_json(golden) + "\n")
        s = golden["logits_stats"]
        print(f"{cfg['name']:26s} top1 {golden['top1']} margin {['%.3g' % m for m in golden['top1_margin']]} "
              f"logits [{s['min']:.3g}, {s['max']:.3g}] std {s['std']:.3g} "
              f"({time.perf_counter() - start:.1f} s) -> {path}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
