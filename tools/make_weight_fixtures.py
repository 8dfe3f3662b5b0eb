#!/usr/bin/env python3
"""Writes the small weight files the loader tests read, into tests/Goldens/weights/ (or the folder given).

Every .pth file here is written by torch.save itself (Debian's python3-torch 1.13), so the tests check the C# readers
against the real format, not against our idea of it. The .safetensors twins are written by hand below with struct
and json (the safetensors package is not available), following the format's specification: an 8-byte little-endian
header length, a JSON header padded with spaces to a multiple of 8 bytes, then the raw little-endian data.

expected.json holds, for every fixture that loads, its keys in order with shape, stored dtype and the float32 values
torch's .float() gives (json floats are the exact float32 values: each is a double that round-trips exactly).

Re-running reproduces every file byte for byte except legacy.pth and legacy_views.pth (the legacy format names storages
by Python object ids; the values they hold are the same on every run) and torchscript.pt (TorchScript's printed code
depends on PYTHONHASHSEED; the tests only read it to check that it is refused).

Run:  /usr/bin/python3 tools/make_weight_fixtures.py [out_dir]
"""
import collections
import io
import json
import os
import pickle
import struct
import sys
import zipfile

import torch

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "tests", "Goldens", "weights")


class TinyNet(torch.nn.Module):
    """Named like a torchvision ResNet's stem and classifier, so the state_dict looks like the real thing."""

    def __init__(self):
        super().__init__()
        self.conv1 = torch.nn.Conv2d(1, 2, 2, bias=False)
        self.bn1 = torch.nn.BatchNorm2d(2)
        self.fc = torch.nn.Linear(2, 3)


def mixed_state_dict():
    """A real module's state_dict (an OrderedDict with _metadata) whose tensors are re-typed in place."""
    g = torch.Generator().manual_seed(0)
    sd = TinyNet().state_dict()
    sd["conv1.weight"] = torch.randn(2, 1, 2, 2, generator=g)
    # float16: a normal value, a value that float16 rounds, a subnormal, a negative
    sd["bn1.weight"] = torch.tensor([1.5, 0.1], dtype=torch.float16)
    sd["bn1.bias"] = torch.tensor([-0.3, 3.0e-39], dtype=torch.bfloat16)
    # float64 values that float32 must round (0.1, 1/3) and one below float32's normal range
    sd["bn1.running_mean"] = torch.tensor([0.1, 1.0 / 3.0], dtype=torch.float64)
    sd["bn1.running_var"] = torch.tensor([1e-40, 2.5], dtype=torch.float64)
    # int64 scalar; 123456789 is not a float32, so the conversion's rounding is checked too
    sd["bn1.num_batches_tracked"] = torch.tensor(123456789, dtype=torch.int64)
    sd["fc.weight"] = torch.randn(3, 2, generator=g)
    sd["fc.bias"] = torch.randn(3, generator=g).half()
    return sd


def views_state_dict():
    """Non-contiguous views and storages shared by several tensors, saved as they are (torch.save keeps views)."""
    g = torch.Generator().manual_seed(1)
    base = torch.randn(10, generator=g)
    grid16 = torch.randn(4, 6, generator=g).half()
    cube64 = torch.randn(2, 3, 4, generator=g).double()
    sd = collections.OrderedDict()
    sd["fc.weight"] = torch.randn(2, 3, generator=g).t()          # transposed: shape [3, 2], strides (1, 3)
    sd["a"] = base[2:5]                                             # shares base's storage, offset 2
    sd["b"] = base[5:9]                                             # same storage, offset 5
    sd["scalar"] = base[7]                                          # a 0-d view, offset 7
    sd["every_other"] = grid16[:, ::2]                              # float16, strides (6, 2)
    sd["permuted"] = cube64.permute(2, 0, 1)                        # float64, shape [4, 2, 3]
    sd["column"] = grid16[1:, 3:4]                                  # offset 9, shape [3, 1]
    assert not sd["fc.weight"].is_contiguous() and not sd["every_other"].is_contiguous()
    return sd


def describe(sd):
    entries = []
    for name, t in sd.items():
        entries.append({
            "name": name,
            "shape": list(t.shape),
            "dtype": str(t.dtype).replace("torch.", ""),
            "values": t.float().contiguous().view(-1).tolist(),
        })
    return entries


SAFETENSORS_DTYPES = {
    torch.float32: ("F32", "<f4"), torch.float16: ("F16", "<f2"), torch.bfloat16: ("BF16", None),
    torch.float64: ("F64", "<f8"), torch.int64: ("I64", "<i8"),
}


def tensor_bytes(t):
    t = t.contiguous()
    if t.dtype == torch.bfloat16:  # numpy has no bfloat16: reinterpret the 16-bit patterns as int16
        return t.view(torch.int16).numpy().astype("<i2").tobytes()
    return t.numpy().astype(SAFETENSORS_DTYPES[t.dtype][1]).tobytes()


def write_safetensors(path, sd):
    header = {"__metadata__": {"format": "pt"}}
    data = b""
    for name in sorted(sd):  # like the reference writer: header keys sorted, data in the same order
        t = sd[name]
        raw = tensor_bytes(t)
        header[name] = {"dtype": SAFETENSORS_DTYPES[t.dtype][0], "shape": list(t.shape),
                        "data_offsets": [len(data), len(data) + len(raw)]}
        data += raw
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + data)


def write_torch_layout_zip(path, archive, pickle_bytes):
    """A zip laid out like torch.save's (archive/data.pkl, archive/version), holding a hand-made pickle."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as z:
        for name, content in ((f"{archive}/data.pkl", pickle_bytes), (f"{archive}/version", b"3\n")):
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            z.writestr(info, content)


def os_system_pickle():
    """What `pickle.dumps` makes of an object whose __reduce__ returns (os.system, (cmd,)), built byte by byte so that
    nothing here can run it: PROTO 2, GLOBAL 'os system', BINUNICODE cmd, TUPLE1, REDUCE, STOP."""
    cmd = b"touch /tmp/resnetgen-pwned"
    return b"\x80\x02" + b"cos\nsystem\n" + b"X" + struct.pack("<I", len(cmd)) + cmd + b"\x85" + b"R" + b"."


class _Eval:
    def __reduce__(self):
        return (eval, ("1 + 1",))


def main():
    os.makedirs(OUT, exist_ok=True)
    p = lambda name: os.path.join(OUT, name)
    mixed = mixed_state_dict()
    views = views_state_dict()

    torch.save(mixed, p("mixed.pth"))
    torch.save(mixed, p("mixed_protocol4.pth"), pickle_protocol=4)
    torch.save(views, p("views.pth"))
    torch.save(collections.OrderedDict(("module." + k, v) for k, v in mixed.items()), p("dataparallel.pth"))
    torch.save({"epoch": 7, "arch": "tinynet", "best_acc1": 0.5, "state_dict": mixed,
                "optimizer": {"state": {}, "param_groups": [{"lr": 0.1, "momentum": 0.9, "params": [0, 1, 2]}]}},
               p("checkpoint.pth"))
    torch.save({"model": mixed, "epoch": 3}, p("checkpoint_model.pth"))
    torch.manual_seed(0)  # the module fixtures' initial weights, so re-running reproduces them
    torch.save(torch.nn.Linear(2, 2), p("whole_model.pth"))
    # the legacy format (torch.save before PyTorch 1.6) names storages by Python object ids, so these differ from run to run
    torch.save(mixed, p("legacy.pth"), _use_new_zipfile_serialization=False)
    torch.save(views, p("legacy_views.pth"), _use_new_zipfile_serialization=False)
    # TorchScript's printed code orders some attributes by Python's per-run string hashing (PYTHONHASHSEED)
    torch.jit.save(torch.jit.script(torch.nn.Linear(2, 2)), p("torchscript.pt"))
    write_torch_layout_zip(p("os_system.pth"), "os_system", os_system_pickle())
    # pickle.dumps only references eval (STACK_GLOBAL 'builtins' 'eval' at protocol 4); it does not call it
    write_torch_layout_zip(p("builtins_eval.pth"), "builtins_eval", pickle.dumps(_Eval(), protocol=4))
    write_safetensors(p("mixed.safetensors"), mixed)
    write_safetensors(p("views.safetensors"), views)

    expected = {
        "sets": {"mixed": describe(mixed), "views": describe(views)},
        "files": {
            "mixed.pth": "mixed", "mixed_protocol4.pth": "mixed", "dataparallel.pth": "mixed",
            "checkpoint.pth": "mixed", "checkpoint_model.pth": "mixed", "mixed.safetensors": "mixed",
            "views.pth": "views", "views.safetensors": "views", "legacy.pth": "mixed", "legacy_views.pth": "views",
        },
    }
    with open(p("expected.json"), "w") as f:  # one line per tensor, so a diff shows which tensor changed
        f.write('{\n "sets": {\n')
        f.write(",\n".join(
            f'  {json.dumps(set_name)}: [\n' + ",\n".join("   " + json.dumps(e) for e in entries) + "\n  ]"
            for set_name, entries in expected["sets"].items()))
        f.write('\n },\n "files": ' + json.dumps(expected["files"]) + "\n}\n")
    assert json.load(open(p("expected.json"))) == expected

    # Self-check: torch reads back what it wrote, and the expected values are what torch loads.
    for name, set_name in expected["files"].items():
        if name.endswith(".pth"):
            loaded = torch.load(p(name))
            loaded = loaded.get("state_dict", loaded.get("model", loaded))
            keys = [k[len("module."):] if k.startswith("module.") else k for k in loaded]
            assert keys == [e["name"] for e in expected["sets"][set_name]], name
    total = sum(os.path.getsize(p(n)) for n in os.listdir(OUT))
    print(f"wrote {len(os.listdir(OUT))} files, {total} bytes, to {os.path.normpath(OUT)}")


if __name__ == "__main__":
    main()
