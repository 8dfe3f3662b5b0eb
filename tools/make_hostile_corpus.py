#!/usr/bin/env python3
"""Writes tests/Goldens/hostile/: malformed and hostile .pth and .safetensors files, and manifest.json describing them.

Every file in the corpus must make ResNetGen's loader throw WeightLoadException with a message naming the problem (the
manifest gives a fragment each message must contain), quickly, within the stated memory bound, and without running
anything. The valid base files (base.pth written by torch.save, base.safetensors written by hand to the format's
specification) must load; every other file is derived from them or built opcode by opcode:

  truncated     base.pth cut at every structural boundary of its zip (found with zipfile's own parse), its data.pkl
                cut at every pickle opcode boundary (found with pickletools) inside an intact zip, base.safetensors cut
                in its length field, header and data section, and its header cut with a consistent length field
  lengths       declared lengths, offsets, sizes, strides and counts past the end, negative, or overflowing int/long,
                in zip headers, pickle opcodes, storages, tensor views and safetensors headers
  zip-bomb      records that claim huge uncompressed sizes, real deflate bombs (16 MB from 16 KB), directories that claim
                2^40 records, a storage bomb behind a two-element view
  exhaustion    pickles built to exhaust the reader: a tuple shared through the memo so that it stands for 2^60
                elements used as a dict key, deep nesting of every kind, memo floods
  duplicates    a dict key set twice, a zip record stored twice, a safetensors key named twice, a storage described twice
  dtypes        storages and safetensors dtypes that are not float32/16, bfloat16, float64, int64 or int32, and dtypes
                whose size disagrees with the data
  globals       pickles that call code: os.system, posix.system, builtins.exec/eval/__import__/getattr,
                subprocess.Popen/run/check_call/getoutput, os.popen, runpy, importlib, pickle.loads and torch.load inside
                (torch.load, torch.serialization.load, torch.storage._load_from_bytes), INST/OBJ opcodes, model classes.
                Each payload would create a marker file under /tmp/resnetgen-hostile-markers/; this script proves every
                one is live by unpickling it with Python's pickle in a child process (the marker appears, then is
                deleted). The C# tests assert that no marker appears when ResNetGen loads them.
  outside       zips and pickles that try to reach outside the archive: '../', absolute and drive-letter record
                names, a symbolic-link record, storage keys with '../', '/', '\\', NUL, empty or missing
  legacy        PyTorch's legacy format (torch.save before 1.6): the base written by hand to torch's layout (torch.load
                reads it back), then cut at every pickle opcode and storage boundary, with lying element counts, storage
                keys unknown, repeated or missing, a wrong protocol version, big-endian or malformed system information,
                storage views, payloads in each of its pickles (proved live like the globals family) and exhausting pickles

Run with Debian's torch (python3-torch 1.13):
  /usr/bin/python3 tools/make_hostile_corpus.py [OUT_DIR] [--no-live-check]
Re-running reproduces every file byte for byte.
"""
import collections
import io
import json
import os
import pickle as pickle_module
import pickletools
import shutil
import struct
import subprocess
import sys
import zipfile
import zlib

import warnings

import torch

warnings.filterwarnings("ignore", "Duplicate name")  # the duplicate-record case writes one on purpose

ARGS = [a for a in sys.argv[1:] if not a.startswith("--")]
OUT = ARGS[0] if ARGS else os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "Goldens", "hostile")
LIVE_CHECK = "--no-live-check" not in sys.argv
MARKERS = "/tmp/resnetgen-hostile-markers"

CASES = []          # manifest entries
FILES = {}          # file name -> bytes


def case(name, category, data, expect, what, ext=".pth", marker=None, binds="w"):
    """Adds one corpus file. `expect` is a fragment the WeightLoadException's message must contain; `binds` names the
    manifest it is loaded against: "base" (the four tensors of the base files) or "w" (one float32 tensor of two)."""
    file = name + ext
    assert file not in FILES, file
    FILES[file] = bytes(data)
    entry = {"file": file, "category": category, "binds": binds, "what": what, "expect": expect}
    if marker:
        entry["marker"] = marker
    CASES.append(entry)


# ---------------------------------------------------------------- the valid base files

def base_state_dict():
    """Four tensors of four storage types, one a transposed view: small, but every reader path is used."""
    g = torch.Generator().manual_seed(0)
    sd = collections.OrderedDict()
    sd["conv1.weight"] = torch.randn(2, 1, 2, 2, generator=g)
    sd["bn1.weight"] = torch.tensor([1.5, 0.25], dtype=torch.float16)
    sd["bn1.num_batches_tracked"] = torch.tensor(7)
    sd["fc.weight"] = torch.randn(2, 3, generator=g).t()
    return sd


def torch_save_bytes(obj):
    buffer = io.BytesIO()
    torch.save(obj, buffer)
    return buffer.getvalue()


def records_of(zip_bytes):
    with zipfile.ZipFile(io.BytesIO(zip_bytes)) as z:
        return [(i.filename, z.read(i.filename)) for i in z.infolist()]


def make_zip(records, deflate=(), external_attr=None):
    """A zip of (name, bytes) records; names in `deflate` are compressed. Deterministic (fixed dates)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, data in records:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED if name in deflate else zipfile.ZIP_STORED
            if external_attr and name in external_attr:
                info.external_attr = external_attr[name]
            z.writestr(info, data)
    return out.getvalue()


def rezip(records, replace=None, drop=(), add=(), deflate=(), rename=None):
    replace = replace or {}
    rename = rename or {}
    result = []
    for name, data in records:
        if name in drop:
            continue
        result.append((rename.get(name, name), replace.get(name, data)))
    return make_zip(result + list(add), deflate=deflate)


def safetensors_bytes(header, data):
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text + data


def base_safetensors(sd):
    header, data = {"__metadata__": {"format": "pt"}}, b""
    codes = {torch.float32: "F32", torch.float16: "F16", torch.int64: "I64"}
    for name, t in sd.items():
        raw = t.contiguous().numpy().tobytes()
        header[name] = {"dtype": codes[t.dtype], "shape": list(t.shape), "data_offsets": [len(data), len(data) + len(raw)]}
        data += raw
    return header, data


# ---------------------------------------------------------------- pickle building, opcode by opcode

class P:
    """Writes pickle opcodes; nothing here is ever unpickled except in the child process of the live check."""

    def __init__(self, protocol=2):
        self.b = bytearray(b"\x80" + bytes([protocol]))

    def op(self, *parts):
        for p in parts:
            self.b += p if isinstance(p, (bytes, bytearray)) else bytes([p])
        return self

    def glob(self, module, name):
        return self.op(b"c" + module.encode() + b"\n" + name.encode() + b"\n")

    def s(self, text):
        raw = text.encode() if isinstance(text, str) else text
        return self.op(b"X" + struct.pack("<I", len(raw)) + raw)

    def by(self, raw):
        return self.op(b"B" + struct.pack("<I", len(raw)) + raw)

    def i(self, value):
        return self.op(b"\x8a\x08" + struct.pack("<q", value))

    def ints(self, values):
        self.op(b"(")
        for v in values:
            self.i(v)
        return self.op(b"t")

    def tensor(self, storage_type, key, numel, offset, shape, strides, location="cpu"):
        """_rebuild_tensor_v2(('storage', torch.<type>, key, location, numel), offset, shape, strides, False, OrderedDict())"""
        self.glob("torch._utils", "_rebuild_tensor_v2").op(b"(")
        self.op(b"(").s("storage").glob("torch", storage_type).s(key).s(location).i(numel).op(b"tQ")
        self.i(offset).ints(shape).ints(strides).op(b"\x89").glob("collections", "OrderedDict").op(b")R")
        return self.op(b"tR")

    def call(self, module, name, *args):
        """module.name(*args) via GLOBAL + REDUCE; args are str, bytes or int."""
        self.glob(module, name).op(b"(")
        for a in args:
            if isinstance(a, str):
                self.s(a)
            elif isinstance(a, (bytes, bytearray)):
                self.by(a)
            elif isinstance(a, list):
                self.op(b"]")
                self.op(b"(")
                for x in a:
                    self.s(x)
                self.op(b"e")
            else:
                self.i(a)
        return self.op(b"tR")

    def stop(self):
        return bytes(self.op(b".").b)


def state_dict_pickle(items):
    """{name: writer(P)} as torch.save lays a state_dict out: an empty dict, then SETITEMS."""
    p = P().op(b"}(")
    for name, write in items:
        p.s(name)
        write(p)
    return p.op(b"u").stop()


def torch_zip(pickle_bytes, storages=(), archive="archive", deflate=()):
    records = [(f"{archive}/data.pkl", pickle_bytes), (f"{archive}/version", b"3\n")]
    records += [(f"{archive}/data/{key}", data) for key, data in storages]
    return make_zip(records, deflate={f"{archive}/{d}" for d in deflate})


def floats(*values):
    return struct.pack(f"<{len(values)}f", *values)


# The manifest the hand-made files bind to (a subset of the base's: one float32 tensor of two elements).
W2 = [("w", lambda p: p.tensor("FloatStorage", "0", 2, 0, [2], [1]))]


def w2_zip(pickle_bytes=None, storages=None, **kw):
    return torch_zip(pickle_bytes or state_dict_pickle(W2), storages if storages is not None else [("0", floats(1, 2))], **kw)


# ---------------------------------------------------------------- zip structure (parsed independently of .NET)

def zip_boundaries(data):
    """Offsets where a zip structure starts or ends: local headers, names, data, central entries, the end record."""
    points = set()
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for info in z.infolist():
            start = info.header_offset
            name_length, extra_length = struct.unpack_from("<HH", data, start + 26)
            data_start = start + 30 + name_length + extra_length
            points.update([start, start + 4, start + 30, start + 30 + name_length, data_start, data_start + info.compress_size])
    end = data.rfind(b"PK\x05\x06")
    cd_size, cd_offset = struct.unpack_from("<II", data, end + 12)
    at = cd_offset
    while at < cd_offset + cd_size:
        name_length, extra_length, comment_length = struct.unpack_from("<HHH", data, at + 28)
        points.update([at, at + 46, at + 46 + name_length])
        at += 46 + name_length + extra_length + comment_length
    points.update([end, end + 10, end + 21])
    return sorted(p for p in points if 0 < p < len(data))


def central_entry(data, name):
    """Offset of the central directory entry of record `name`."""
    end = data.rfind(b"PK\x05\x06")
    cd_size, cd_offset = struct.unpack_from("<II", data, end + 12)
    at = cd_offset
    while at < cd_offset + cd_size:
        name_length, extra_length, comment_length = struct.unpack_from("<HHH", data, at + 28)
        if data[at + 46:at + 46 + name_length].decode() == name:
            return at
        at += 46 + name_length + extra_length + comment_length
    raise KeyError(name)


def patched(data, offset, fmt, *values):
    copy = bytearray(data)
    struct.pack_into(fmt, copy, offset, *values)
    return bytes(copy)


def with_zip64_sizes(data, name, uncompressed, compressed):
    """Rewrites `name`'s central entry to say 0xFFFFFFFF and carry a zip64 extra field with the given sizes."""
    at = central_entry(data, name)
    name_length, extra_length, comment_length = struct.unpack_from("<HHH", data, at + 28)
    extra = struct.pack("<HHQQ", 1, 16, uncompressed, compressed)
    entry = bytearray(data[at:at + 46 + name_length]) + extra
    struct.pack_into("<II", entry, 20, 0xFFFFFFFF, 0xFFFFFFFF)
    struct.pack_into("<H", entry, 30, len(extra))
    old_length = 46 + name_length + extra_length + comment_length
    end = data.rfind(b"PK\x05\x06")
    result = bytearray(data[:at] + bytes(entry) + data[at + old_length:])
    end += len(entry) - old_length
    cd_size = struct.unpack_from("<I", result, end + 12)[0]
    struct.pack_into("<I", result, end + 12, cd_size + len(entry) - old_length)
    return bytes(result)


# ---------------------------------------------------------------- the families

def truncated(base_pth, base_records, st_header, st_data):
    for cut in zip_boundaries(base_pth):
        case(f"truncated-zip-at-{cut:04d}", "truncated", base_pth[:cut], "",
             f"base.pth cut to {cut} bytes at a zip structure boundary", binds="base")
    pickle = dict(base_records)["archive/data.pkl"]
    cuts = sorted({pos for _, _, pos in pickletools.genops(pickle)} | {len(pickle) - 1})
    for cut in cuts:
        case(f"truncated-pickle-at-{cut:03d}", "truncated", rezip(base_records, replace={"archive/data.pkl": pickle[:cut]}),
             "archive/data.pkl", f"data.pkl cut to {cut} bytes at an opcode boundary, inside an intact zip", binds="base")
    storage = dict(base_records)["archive/data/0"]
    for cut in (0, 4, len(storage) - 1):
        case(f"truncated-storage-at-{cut:02d}", "truncated", rezip(base_records, replace={"archive/data/0": storage[:cut]}),
             "'archive/data/0' holds", f"the storage record of conv1.weight cut to {cut} bytes", binds="base")

    text = json.dumps(st_header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    whole = struct.pack("<Q", len(text)) + text + st_data
    for cut in (1, 4, 7):
        case(f"truncated-safetensors-length-at-{cut}", "truncated", whole[:cut], "", f"base.safetensors cut inside its length field ({cut} bytes)",
             ext=".safetensors", binds="base")
    # structural points of the JSON header: after every ':' ',' '{' '}' '[' ']' (the bytes where a token ends)
    header_points = sorted({8 + i + 1 for i, c in enumerate(text) if chr(c) in ":,{}[]"} | {8})
    for cut in header_points:
        case(f"truncated-safetensors-at-{cut:03d}", "truncated", whole[:cut], "header claims" if cut > 8 else "neither",
             f"base.safetensors cut to {cut} bytes inside its header", ext=".safetensors", binds="base")
    for cut in sorted({i + 1 for i, c in enumerate(text.rstrip()) if chr(c) in ":,{}[]"})[:-1]:
        short = text[:cut]
        case(f"truncated-safetensors-header-at-{cut:03d}", "truncated", struct.pack("<Q", len(short)) + short + st_data, "",
             f"the header cut to {cut} bytes with a length field that agrees, so the JSON itself ends early", ext=".safetensors", binds="base")
    data_start = 8 + len(text)
    for name, entry in st_header.items():
        if name == "__metadata__":
            continue
        begin, end = entry["data_offsets"]
        for cut in sorted({begin, (begin + end) // 2}):
            if cut < len(st_data):
                case(f"truncated-safetensors-data-{name.replace('.', '_')}-at-{cut:02d}", "truncated", whole[:data_start + cut],
                     "outside the data section", f"base.safetensors cut inside the data of '{name}'", ext=".safetensors", binds="base")


def lengths(base_pth, base_records):
    pickle_at = central_entry(base_pth, "archive/data.pkl")
    local = 0
    for label, fmt, offset, value, expect in [
        ("zip-usize-2gb", "<I", pickle_at + 24, 0x7FFFFFFF, "claims"),
        ("zip-usize-4gb", "<I", pickle_at + 24, 0xFFFFFFFE, "claims"),
        ("zip-csize-past-end", "<I", pickle_at + 20, 0x7FFFFFFF, ""),
        ("zip-local-offset-past-end", "<I", pickle_at + 42, 0x7FFFFFF0, ""),
        ("zip-name-length-past-end", "<H", pickle_at + 28, 0xFFFF, ""),
        ("zip-local-name-length-past-end", "<H", local + 26, 0xFFFF, ""),
        ("zip-local-extra-length-past-end", "<H", local + 28, 0xFFFF, ""),
        ("zip-method-unknown", "<H", pickle_at + 10, 99, ""),
    ]:
        case(f"lengths-{label}", "lengths", patched(base_pth, offset, fmt, value), expect, f"{label.replace('-', ' ')} in the zip headers",
             binds="base")
    end = base_pth.rfind(b"PK\x05\x06")
    for label, fmt, offset, value in [
        ("eocd-cd-offset-past-end", "<I", end + 16, 0x7FFFFFF0),
        ("eocd-cd-size-past-end", "<I", end + 12, 0x7FFFFFF0),
        ("eocd-comment-past-end", "<H", end + 20, 0xFFFF),
        ("eocd-disk-number", "<H", end + 4, 3),
    ]:
        case(f"lengths-{label}", "lengths", patched(base_pth, offset, fmt, value), "", f"{label.replace('-', ' ')} in the end-of-directory record",
             binds="base")
    case("lengths-zip64-usize-long-max", "lengths",
         with_zip64_sizes(base_pth, "archive/data.pkl", 0x7FFFFFFFFFFFFFFF, 435), "", "a zip64 extra field claims long.MaxValue uncompressed bytes", binds="base")
    case("lengths-zip64-usize-negative", "lengths",
         with_zip64_sizes(base_pth, "archive/data.pkl", 0xFFFFFFFFFFFFFFFF, 435), "", "a zip64 extra field claims 2^64-1 (-1 as a long) bytes", binds="base")

    # pickle opcodes with lengths past the end or overflowing
    for label, raw, expect in [
        ("binunicode-int-max", b"X" + struct.pack("<I", 0x7FFFFFFF) + b"ab", "runs past the end"),
        ("binunicode-uint-max", b"X" + struct.pack("<I", 0xFFFFFFFF) + b"ab", "runs past the end"),
        ("binunicode8-long-max", b"\x8d" + struct.pack("<Q", 0x7FFFFFFFFFFFFFFF) + b"ab", "runs past the end"),
        ("binunicode8-negative", b"\x8d" + struct.pack("<Q", 0xFFFFFFFFFFFFFFFF) + b"ab", "runs past the end"),
        ("binbytes8-2pow63", b"\x8e" + struct.pack("<Q", 1 << 63) + b"ab", "runs past the end"),
        ("binstring-negative", b"T" + struct.pack("<i", -1) + b"ab", "runs past the end"),
        ("long4-2gb", b"\x8b" + struct.pack("<I", 0x7FFFFFFF) + b"ab", "runs past the end"),
        ("long1-9-bytes", b"\x8a\x09" + b"\x01" * 9, "too large"),
        ("frame-long-max", b"\x95" + struct.pack("<Q", 0x7FFFFFFFFFFFFFFF), "FRAME"),
        ("long-binget-uint-max", b"j" + struct.pack("<I", 0xFFFFFFFF), "memo entry 4294967295"),
        ("short-binunicode-past-end", b"\x8c\xff" + b"ab", "runs past the end"),
    ]:
        case(f"lengths-pickle-{label}", "lengths", w2_zip(bytes(P(4).op(raw).op(b".").b)), expect, f"pickle opcode {label.replace('-', ' ')}")

    # storages and tensor views
    for label, storage_type, numel, offset, shape, strides, data, expect in [
        ("numel-negative", "FloatStorage", -1, 0, [2], [1], floats(1, 2), "persistent id is malformed"),
        ("numel-long-max", "FloatStorage", 2 ** 63 - 1, 0, [2], [1], floats(1, 2), "persistent id is malformed"),
        ("numel-bytes-overflow", "DoubleStorage", 2 ** 61, 0, [2], [1], floats(1, 2), "persistent id is malformed"),
        ("numel-past-record", "FloatStorage", 1 << 40, 0, [2], [1], floats(1, 2), "holds 8 bytes"),
        ("offset-negative", "FloatStorage", 2, -1, [2], [1], floats(1, 2), "storage offset"),
        ("offset-long-max", "FloatStorage", 2, 2 ** 63 - 1, [2], [1], floats(1, 2), "reaches past the end"),
        ("offset-past-storage", "FloatStorage", 2, 1, [2], [1], floats(1, 2), "reaches past the end"),
        ("size-negative", "FloatStorage", 2, 0, [-2], [1], floats(1, 2), "out of range"),
        ("size-int-max", "FloatStorage", 2, 0, [2 ** 31], [1], floats(1, 2), "out of range"),
        ("size-product-overflow", "FloatStorage", 2, 0, [2 ** 30, 2 ** 30, 2 ** 30], [1, 1, 1], floats(1, 2), "too many elements"),
        ("stride-negative", "FloatStorage", 2, 0, [2], [-1], floats(1, 2), "negative stride"),
        ("stride-long-max", "FloatStorage", 2, 0, [2], [2 ** 63 - 1], floats(1, 2), "reaches past the end"),
        ("stride-times-size-overflow", "FloatStorage", 2, 1, [2, 2], [2 ** 62, 2 ** 62], floats(1, 2), "reaches past the end"),
        ("rank-17", "FloatStorage", 2, 0, [1] * 17, [1] * 17, floats(1, 2), "17 dimensions"),
        ("rank-100000-list", None, 0, 0, None, None, b"", "100000 dimensions"),
        ("sizes-and-strides-differ", "FloatStorage", 2, 0, [2], [1, 1], floats(1, 2), "sizes but"),
    ]:
        if storage_type is None:
            # sizes given as a list of 100,000 ints (the reader must not copy it before checking its length)
            p = P().op(b"}").s("w").glob("torch._utils", "_rebuild_tensor_v2").op(b"(")
            p.op(b"(").s("storage").glob("torch", "FloatStorage").s("0").s("cpu").i(2).op(b"tQ").i(0)
            p.op(b"]").op(b"(").op(b"K\x01" * 100000).op(b"e").ints([1]).op(b"\x89").glob("collections", "OrderedDict").op(b")R").op(b"tRs")
            case(f"lengths-tensor-{label}", "lengths", torch_zip(p.stop(), [("0", floats(1, 2))], deflate=["data.pkl"]), expect,
                 "a tensor's size is a list of 100,000 ints")
            continue
        pickle = state_dict_pickle([("w", lambda p, a=(storage_type, numel, offset, shape, strides): p.tensor(a[0], "0", a[1], a[2], a[3], a[4]))])
        case(f"lengths-tensor-{label}", "lengths", torch_zip(pickle, [("0", data)]), expect, f"a storage or view with {label.replace('-', ' ')}")

    # safetensors lengths and offsets
    def st(header_text, data=floats(1, 2), length=None):
        raw = header_text.encode()
        return struct.pack("<Q", len(raw) if length is None else length) + raw + data

    good = '{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}'
    for label, blob, expect in [
        ("header-length-zero", st(good, length=0), ""),
        ("header-length-past-end", st(good, length=1000), "header claims 1000 bytes"),
        ("header-length-long-max", st(good, length=2 ** 63 - 1), "header claims"),
        ("header-length-ulong-max", st(good, length=2 ** 64 - 1), "header claims"),
        ("offsets-past-end", st(good.replace("[0,8]", "[0,16]")), "outside the data section"),
        ("offsets-reversed", st(good.replace("[0,8]", "[8,0]")), "outside the data section"),
        ("offsets-ulong-max", st(good.replace("[0,8]", "[18446744073709551615,18446744073709551615]")), "outside the data section"),
        ("offsets-overflow-ulong", st(good.replace("[0,8]", "[0,18446744073709551616]")), "data_offsets [begin, end]"),
        ("offsets-negative", st(good.replace("[0,8]", "[-8,0]")), "data_offsets [begin, end]"),
        ("offsets-float", st(good.replace("[0,8]", "[0.0,8.0]")), "data_offsets [begin, end]"),
        ("offsets-strings", st(good.replace("[0,8]", '["0","8"]')), "data_offsets [begin, end]"),
        ("offsets-three", st(good.replace("[0,8]", "[0,4,8]")), "data_offsets [begin, end]"),
        ("offsets-span-short", st(good.replace("[0,8]", "[0,4]")), "needs 8 bytes"),
        ("shape-negative", st(good.replace("[2]", "[-2]")), "invalid dimension"),
        ("shape-int-max", st(good.replace("[2]", "[2147483648]")), "invalid dimension"),
        ("shape-product-overflow", st(good.replace("[2]", "[1073741824,1073741824,1073741824]")), "too many elements"),
        ("shape-rank-17", st(good.replace("[2]", "[" + ",".join(["1"] * 17) + "]")), "17 dimensions"),
        ("shape-not-array", st(good.replace("[2]", "2")), "no shape"),
        ("shape-float", st(good.replace("[2]", "[2.0]")), "invalid dimension"),
    ]:
        case(f"lengths-safetensors-{label}", "lengths", blob, expect, f"safetensors {label.replace('-', ' ')}", ext=".safetensors")


def zip_bombs(base_pth, base_records):
    pickle_at = central_entry(base_pth, "archive/data.pkl")
    # a stored record that claims 4 GB (and a zip64 one that claims an exabyte): the claim is checked before allocating
    case("zip-bomb-claims-4gb", "zip-bomb", patched(patched(base_pth, pickle_at + 24, "<I", 0xFFFFFFF0), 22, "<I", 0xFFFFFFF0),
         "claims", "data.pkl claims 4 GB uncompressed from 435 stored bytes (central and local headers)", binds="base")
    case("zip-bomb-zip64-exabyte", "zip-bomb", with_zip64_sizes(base_pth, "archive/data.pkl", 1 << 60, 435), "",
         "a zip64 extra field claims 2^60 uncompressed bytes for data.pkl", binds="base")
    # real deflate bombs: 16 MB of opcodes that each build an object, deflated to about 16 KB
    flood = bytes(P().op(b"]" * (16 << 20)).op(b".").b)
    case("zip-bomb-deflated-pickle-16mb", "zip-bomb", torch_zip(flood, deflate=["data.pkl"]), "zip bomb",
         "data.pkl is 16 MB of EMPTY_LIST deflated to 16 KB")
    storage = bytes(16 << 20)
    pickle = state_dict_pickle([("w", lambda p: p.tensor("FloatStorage", "0", len(storage) // 4, 0, [2], [1]))])
    case("zip-bomb-deflated-storage-16mb", "zip-bomb", torch_zip(pickle, [("0", storage)], deflate=["data/0"]), "zip bomb",
         "a two-element tensor viewing a 16 MB storage deflated to 16 KB")
    # the central directory claims 2^40 records (zip64) or 65,535 (classic): refused before .NET parses it
    end = base_pth.rfind(b"PK\x05\x06")
    count, size, offset = struct.unpack_from("<HII", base_pth, end + 10)
    zip64 = struct.pack("<IQHHIIQQQQ", 0x06064B50, 44, 45, 45, 0, 0, 1 << 40, 1 << 40, size, offset)
    locator = struct.pack("<IIQI", 0x07064B50, 0, end, 1)
    tail = bytearray(base_pth[end:])
    struct.pack_into("<HHII", tail, 8, 0xFFFF, 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF)
    case("zip-bomb-zip64-directory-2pow40-records", "zip-bomb", base_pth[:end] + zip64 + locator + bytes(tail), "zip directory claims",
         "a zip64 end record claims 2^40 records", binds="base")
    small = w2_zip()  # written without zip64 records, unlike torch.save's
    small_end = small.rfind(b"PK\x05\x06")
    case("zip-bomb-directory-65535-records", "zip-bomb", patched(small, small_end + 8, "<HH", 0xFFFF, 0xFFFF), "zip directory claims",
         "the end record claims 65,535 records, with no zip64 record")
    case("zip-bomb-zip64-hidden-count", "zip-bomb", patched(base_pth, base_pth.rfind(b"PK\x06\x06") + 24, "<QQ", 1 << 40, 1 << 40),
         "zip directory claims", "torch.save's zip64 end record patched to claim 2^40 records behind a truthful classic record",
         binds="base")
    case("zip-bomb-directory-4gb", "zip-bomb", patched(base_pth, end + 12, "<I", 0xFFFFFFF0), "zip directory claims",
         "the end record claims a 4 GB central directory", binds="base")
    # overlapping records: two storages whose central entries point at the same local record (Fifield's overlap bomb)
    data = w2_zip(state_dict_pickle([("w", lambda p: p.tensor("FloatStorage", "0", 2, 0, [2], [1])),
                                     ("v", lambda p: p.tensor("FloatStorage", "1", 2, 0, [2], [1]))]),
                  [("0", floats(1, 2)), ("1", floats(3, 4))])
    at0 = central_entry(data, "archive/data/0")
    at1 = central_entry(data, "archive/data/1")
    local0 = struct.unpack_from("<I", data, at0 + 42)[0]
    case("zip-bomb-overlapping-records", "zip-bomb", patched(data, at1 + 42, "<I", local0), "",
         "two central entries point at the same local record: each is read within the 2 x file budget, so nothing is "
         "amplified; refused because the network has no 'v'")


def exhaustion():
    # a tuple shared through the memo: depth 60, 2^60 elements, used as a dict key (hashing it would never end)
    p = P().op(b"}").op(b"K\x01").op(b"2\x86" * 60).op(b"K\x02s")
    case("exhaustion-tuple-dag-key", "exhaustion", torch_zip(p.stop()), "steps", "a dict key that is a tuple DAG of 2^60 elements")
    # a 64 KB string key set in 4,096 fresh dicts (each insertion hashes all of it)
    key = "k" * 65536
    p = P().op(b"]").s(key).op(b"q\x00").op(b"0")
    p.op((b"}" + b"h\x00" + b"N" + b"s" + b"a") * 4096)
    case("exhaustion-long-key-rehashed", "exhaustion", torch_zip(p.stop(), deflate=["data.pkl"]), "steps",
         "a 64 KB key inserted into 4,096 dicts through the memo")
    # int keys that all share .NET's long hash ((x << 32) | x hashes to 0): would make a dict quadratic
    body = b"".join(b"\x8a\x08" + struct.pack("<q", (x << 32) | x) + b"N" for x in range(1, 5001))
    case("exhaustion-colliding-int-keys", "exhaustion", torch_zip(bytes(P().op(b"}(").op(body).op(b"u.").b), deflate=["data.pkl"]),
         "has a key that is an int", "5,000 int keys that collide under long.GetHashCode, in one dict")
    # nesting
    case("exhaustion-mark-depth-100000", "exhaustion", torch_zip(bytes(P().op(b"(" * 100000).op(b".").b), deflate=["data.pkl"]),
         "MARKs nest deeper", "100,000 nested MARKs")
    case("exhaustion-tuple-depth-100000", "exhaustion", torch_zip(bytes(P().op(b")").op(b"\x85" * 100000).op(b".").b), deflate=["data.pkl"]),
         "tuples nest deeper", "a tuple nested 100,000 deep")
    case("exhaustion-list-depth-100000", "exhaustion", torch_zip(bytes(P().op(b"]" * 100000).op(b"a" * 99999).op(b".").b), deflate=["data.pkl"]),
         "a list at the top level", "a list nested 100,000 deep")
    case("exhaustion-dict-depth-20000", "exhaustion",
         torch_zip(bytes(P().op((b"}" + b"\x8c\x01k") * 20000).op(b"}" + b"s" * 20000).op(b".").b), deflate=["data.pkl"]),
         "without any tensors", "dicts nested 20,000 deep")
    case("exhaustion-state-dict-nesting", "exhaustion",
         torch_zip(bytes(P().op((b"}" + b"\x8c\x0astate_dict") * 1000).op(b"}" + b"s" * 1000).op(b".").b)), "without any tensors",
         "'state_dict' nested 1,000 deep")
    # under a megabyte each, so that the zip-bomb check lets them through to the pickle reader's own budget
    case("exhaustion-memo-flood", "exhaustion", torch_zip(bytes(P(4).op(b"N").op(b"\x94" * 900000).op(b".").b), deflate=["data.pkl"]),
         "bytes of objects", "900,000 MEMOIZE opcodes (each a memo entry)")
    case("exhaustion-stack-flood", "exhaustion", torch_zip(bytes(P().op(b"]" * 900000).op(b".").b), deflate=["data.pkl"]),
         "bytes of objects", "900,000 lists left on the stack")
    deep_json = "{" + '"a":{' * 200 + "}" * 201
    raw = deep_json.encode()
    case("exhaustion-safetensors-json-depth-200", "exhaustion", struct.pack("<Q", len(raw)) + raw, "not valid JSON",
         "a safetensors header nested 200 deep", ext=".safetensors")


def duplicates(base_records):
    pickle = state_dict_pickle(W2 + W2)
    case("duplicates-pickle-key", "duplicates", w2_zip(pickle), "sets the key 'w' twice", "the state_dict sets 'w' twice")
    p = P().glob("collections", "OrderedDict").op(b"(]((").s("w").i(1).op(b"t(").s("w").i(2).op(b"tetR")
    case("duplicates-ordereddict-pairs", "duplicates", w2_zip(p.stop()), "sets the key 'w' twice", "OrderedDict([('w', 1), ('w', 2)])")
    case("duplicates-numeric-keys", "duplicates", w2_zip(bytes(P().op(b"}(K\x01N\x88N").op(b"G" + struct.pack(">d", 1.0) + b"N").op(b"u.").b)),
         "twice", "keys 1, True and 1.0, equal in Python, in one dict")
    records = [("archive/data.pkl", state_dict_pickle(W2)), ("archive/data/0", floats(1, 2)), ("archive/data/0", floats(3, 4))]
    case("duplicates-zip-record", "duplicates", make_zip(records), "twice", "the record archive/data/0 stored twice")
    pickle = state_dict_pickle([("w", lambda p: p.tensor("FloatStorage", "0", 2, 0, [2], [1])),
                                ("v", lambda p: p.tensor("FloatStorage", "0", 4, 0, [2], [1]))])
    case("duplicates-storage-described-twice", "duplicates", w2_zip(pickle), "described twice", "storage '0' with 2 and then 4 elements")
    header = '{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}'.encode()
    case("duplicates-safetensors-key", "duplicates", struct.pack("<Q", len(header)) + header + floats(1, 2), "twice",
         "a safetensors header names 'w' twice", ext=".safetensors")
    records = [("archive/data.pkl", state_dict_pickle(W2)), ("archive/data/0", floats(1, 2)),
               ("second/data.pkl", state_dict_pickle(W2)), ("second/data/0", floats(3, 4))]
    case("duplicates-two-archives", "duplicates", make_zip(records), "several torch archives", "two data.pkl archives in one zip")


def dtypes():
    for storage in ["BoolStorage", "ByteStorage", "CharStorage", "ShortStorage", "ComplexFloatStorage", "QInt8Storage", "UntypedStorage"]:
        pickle = state_dict_pickle([("w", lambda p, s=storage: p.tensor(s, "0", 2, 0, [2], [1]))])
        case(f"dtypes-pth-{storage}", "dtypes", w2_zip(pickle, [("0", bytes(32))]), f"torch.{storage}", f"a tensor stored as torch.{storage}")
    pickle = state_dict_pickle([("w", lambda p: p.glob("torch._utils", "_rebuild_tensor_v2").op(b"(")
                                 .op(b"(").s("storage").glob("torch.cuda", "FloatStorage").s("0").s("cuda:0").i(2).op(b"tQ")
                                 .i(0).ints([2]).ints([1]).op(b"\x89").glob("collections", "OrderedDict").op(b")RtR"))])
    case("dtypes-pth-cuda-storage", "dtypes", w2_zip(pickle), "'torch.cuda.FloatStorage'", "a tensor stored as torch.cuda.FloatStorage")
    for label, dtype, expect in [("bool", '"BOOL"', "'BOOL'"), ("u8", '"U8"', "'U8'"), ("f8", '"F8_E4M3"', "'F8_E4M3'"),
                                 ("c64", '"C64"', "'C64'"), ("lowercase", '"f32"', "'f32'"), ("number", "32", "no dtype"),
                                 ("null", "null", "no dtype"), ("empty", '""', "dtype ''")]:
        header = ('{"w":{"dtype":%s,"shape":[2],"data_offsets":[0,8]}}' % dtype).encode()
        case(f"dtypes-safetensors-{label}", "dtypes", struct.pack("<Q", len(header)) + header + floats(1, 2), expect,
             f"a safetensors dtype of {dtype}", ext=".safetensors")
    header = b'{"w":{"dtype":"F16","shape":[2],"data_offsets":[0,8]}}'
    case("dtypes-safetensors-size-disagrees", "dtypes", struct.pack("<Q", len(header)) + header + floats(1, 2), "needs 4 bytes",
         "an F16 tensor of two elements given 8 bytes", ext=".safetensors")


# ---------------------------------------------------------------- code execution attempts

def marker(name):
    return f"{MARKERS}/{name}"


def touch(name):
    return f"open('{marker(name)}', 'w').close()"


def globals_family():
    payloads = []

    def add(name, pickle, what, expect):
        payloads.append(name)
        case(f"globals-{name}", "globals", w2_zip(pickle), expect, what, marker=marker(name))

    add("os-system", P().call("os", "system", f"touch {marker('os-system')}").stop(), "os.system('touch ...')", "'os.system'")
    add("posix-system", P().call("posix", "system", f"touch {marker('posix-system')}").stop(), "posix.system('touch ...')", "'posix.system'")
    add("builtins-exec", P().call("builtins", "exec", touch("builtins-exec")).stop(), "builtins.exec(code)", "'builtins.exec'")
    add("builtins-eval", P().call("builtins", "eval", touch("builtins-eval")).stop(), "builtins.eval(code)", "'builtins.eval'")
    add("python2-builtin-eval", P().call("__builtin__", "eval", touch("python2-builtin-eval")).stop(),
        "__builtin__.eval(code), Python 2's spelling (pickle maps it to builtins)", "'__builtin__.eval'")
    p = P().glob("builtins", "getattr").op(b"(").call("builtins", "__import__", "os").s("system").op(b"tR")
    p.op(b"(").s(f"touch {marker('import-getattr')}").op(b"tR")
    add("import-getattr", p.stop(), "getattr(__import__('os'), 'system')('touch ...')", "'builtins.getattr'")
    p = P().glob("builtins", "getattr").op(b"(").call("importlib", "import_module", "os").s("system").op(b"tR")
    p.op(b"(").s(f"touch {marker('importlib')}").op(b"tR")
    add("importlib", p.stop(), "getattr(importlib.import_module('os'), 'system')('touch ...')", "'builtins.getattr'")
    add("subprocess-popen", P().call("subprocess", "Popen", ["touch", marker("subprocess-popen")]).stop(),
        "subprocess.Popen(['touch', ...])", "'subprocess.Popen'")
    add("subprocess-run", P().call("subprocess", "run", ["touch", marker("subprocess-run")]).stop(), "subprocess.run([...])", "'subprocess.run'")
    add("subprocess-check-call", P().call("subprocess", "check_call", ["touch", marker("subprocess-check-call")]).stop(),
        "subprocess.check_call([...])", "'subprocess.check_call'")
    add("subprocess-getoutput", P().call("subprocess", "getoutput", f"touch {marker('subprocess-getoutput')}").stop(),
        "subprocess.getoutput('touch ...')", "'subprocess.getoutput'")
    add("os-popen", P().call("os", "popen", f"touch {marker('os-popen')}").stop(), "os.popen('touch ...')", "'os.popen'")
    add("runpy", P().glob("runpy", "_run_code").op(b"(").s(touch("runpy")).op(b"}tR").stop(), "runpy._run_code(code, {})",
        "'runpy._run_code'")
    inner = P().call("os", "system", f"touch {marker('pickle-loads')}").stop()
    add("pickle-loads", P().call("pickle", "loads", inner).stop(), "pickle.loads(a pickle calling os.system)", "'pickle.loads'")
    inner = P().call("os", "system", f"touch {marker('c-pickle-loads')}").stop()
    add("c-pickle-loads", P().call("_pickle", "loads", inner).stop(), "_pickle.loads(...)", "'_pickle.loads'")

    # torch.load inside: an inner torch.save-style zip whose data.pkl calls os.system, loaded by torch itself
    def torch_load_inside(name, module, function, through_bytesio):
        inner = torch_zip(P().call("os", "system", f"touch {marker(name)}").stop())
        p = P().glob(module, function).op(b"(")
        if through_bytesio:
            p.call("_io", "BytesIO", inner)
        else:
            p.by(inner)
        return p.op(b"tR").stop()

    add("torch-load", torch_load_inside("torch-load", "torch", "load", True), "torch.load(io.BytesIO(an inner hostile .pth))", "'torch.load'")
    add("torch-serialization-load", torch_load_inside("torch-serialization-load", "torch.serialization", "load", True),
        "torch.serialization.load(io.BytesIO(...))", "'torch.serialization.load'")
    add("torch-storage-load-from-bytes", torch_load_inside("torch-storage-load-from-bytes", "torch.storage", "_load_from_bytes", False),
        "torch.storage._load_from_bytes(an inner hostile .pth), which calls torch.load", "'torch.storage._load_from_bytes'")
    # os.system hidden where a state_dict would be ignored: a checkpoint's extra entry
    p = P().op(b"}(").s("extra").call("os", "system", f"touch {marker('hidden-in-checkpoint')}")
    p.s("state_dict").op(b"}").s("w").tensor("FloatStorage", "0", 2, 0, [2], [1]).op(b"su")
    add("hidden-in-checkpoint", p.stop(), "{'state_dict': ..., 'extra': os.system(...)}", "'os.system'")
    # os.system as the storage of a tensor
    p = P().op(b"}").s("w").glob("torch._utils", "_rebuild_tensor_v2").op(b"(").call("os", "system", f"touch {marker('as-storage')}")
    p.i(0).ints([2]).ints([1]).op(b"\x89").glob("collections", "OrderedDict").op(b")RtRs")
    add("as-storage", p.stop(), "_rebuild_tensor_v2(os.system(...), ...)", "'os.system'")
    # STACK_GLOBAL with memoized strings (protocol 4)
    p = P(4).op(b"\x8c\x02os\x94\x8c\x06system\x94\x93")
    p.s(f"touch {marker('stack-global')}").op(b"\x85R")
    add("stack-global", p.stop(), "os.system through STACK_GLOBAL and the memo", "'os.system'")
    # INST and OBJ: the protocol 0/1 ways to call a class
    add("inst-opcode", bytes(P().op(b"(").s(f"touch {marker('inst-opcode')}").op(b"ios\nsystem\n.").b),
        "INST os system (protocol 0)", "opcode 0x69")
    add("obj-opcode", bytes(P().op(b"(").glob("os", "system").s(f"touch {marker('obj-opcode')}").op(b"o.").b),
        "OBJ with os.system (protocol 1)", "'os.system'")
    # a whole pickled model and a __main__ class, whose rebuild would run code named by the file
    case("globals-model-class", "globals", w2_zip(bytes(P().glob("torchvision.models.resnet", "ResNet").op(b")\x81.").b)),
         "whole pickled model", "torchvision.models.resnet.ResNet(): a whole pickled model")
    return payloads


def outside(base_records):
    pickle = state_dict_pickle(W2)
    for label, name in [("dotdot-archive", "../data.pkl"), ("absolute", "/tmp/archive/data.pkl"), ("drive", "C:/archive/data.pkl"),
                        ("backslash", "archive\\..\\..\\data.pkl")]:
        records = [("archive/data.pkl", pickle), ("archive/data/0", floats(1, 2)), (name, b"\x80\x02}.")]
        case(f"outside-record-{label}", "outside", make_zip(records), "outside the archive", f"a zip record named '{name}'")
    records = [("../data.pkl", pickle), ("../data/0", floats(1, 2))]
    case("outside-archive-named-dotdot", "outside", make_zip(records), "outside the archive", "the whole archive is named '..'")
    link = make_zip([("archive/data.pkl", pickle), ("archive/data/0", b"/etc/passwd")],
                    external_attr={"archive/data/0": (0o120777 << 16)})
    case("outside-symlink-record", "outside", link, "symbolic link", "archive/data/0 is a symbolic link to /etc/passwd")
    for label, key in [("dotdot", "../../../../etc/passwd"), ("absolute", "/etc/passwd"), ("dot-dot", ".."), ("dot", "."),
                       ("empty", ""), ("sub-path", "0/../0"), ("backslash", "..\\..\\x"), ("nul", "0\x00"), ("long", "9" * 1000),
                       ("to-pickle", "../data.pkl")]:
        pickle = state_dict_pickle([("w", lambda p, k=key: p.tensor("FloatStorage", k, 2, 0, [2], [1]))])
        case(f"outside-storage-key-{label}", "outside", w2_zip(pickle), "not a plain name", f"a storage key {key[:40]!r}")
    pickle = state_dict_pickle([("w", lambda p: p.tensor("FloatStorage", "7", 2, 0, [2], [1]))])
    case("outside-storage-key-missing", "outside", w2_zip(pickle), "'archive/data/7'", "a storage key with no record")


# ---------------------------------------------------------------- the legacy format (torch.save before PyTorch 1.6)

LEGACY_MAGIC = bytes.fromhex("80028a0a6cfc9c46f9206aa850192e")   # pickle.dumps(0x1950a86a20f9469cfc6c, protocol=2)
LEGACY_VERSION = b"\x80\x02M\xe9\x03."                            # pickle.dumps(1001, protocol=2)
LEGACY_TYPES = {torch.float32: "FloatStorage", torch.float16: "HalfStorage", torch.int64: "LongStorage"}


def legacy_sys_info(little_endian=True):
    info = {"protocol_version": 1001, "little_endian": little_endian, "type_sizes": {"short": 2, "int": 4, "long": 4}}
    return pickle_module.dumps(info, protocol=2)


def legacy_tensor(p, storage_type, key, numel, offset, shape, strides, old=False, view=None, items=6):
    """A tensor as torch's legacy format pickles it: persistent id ('storage', type, key, location, numel, view), rebuilt
    by _rebuild_tensor_v2 (or, with `old`, by _rebuild_tensor as PyTorch before 0.4 did)."""
    p.glob("torch._utils", "_rebuild_tensor" if old else "_rebuild_tensor_v2").op(b"(")
    p.op(b"(").s("storage").glob("torch", storage_type).s(key).s("cpu").i(numel)
    if items == 6:
        if view is None:
            p.op(b"N")
        else:
            p.op(b"(").s(view[0]).i(view[1]).i(view[2]).op(b"t")
    p.op(b"tQ").i(offset).ints(shape).ints(strides)
    if not old:
        p.op(b"\x89").glob("collections", "OrderedDict").op(b")R")
    return p.op(b"tR")


def legacy_parts(sd, old=False, view=None, items=6):
    """The base's main pickle (an OrderedDict, as torch writes a state_dict) and its storages: (key, numel, bytes)."""
    p = P().glob("collections", "OrderedDict").op(b")R(")
    storages = []
    for i, (name, t) in enumerate(sd.items()):
        storage = t.storage()
        raw = torch.tensor(storage.tolist(), dtype=t.dtype).numpy().tobytes()
        p.s(name)
        legacy_tensor(p, LEGACY_TYPES[t.dtype], str(i), storage.size(), t.storage_offset(), list(t.shape), list(t.stride()),
                      old=old, view=view if i == 0 else None, items=items)
        storages.append((str(i), storage.size(), raw))
    return p.op(b"u").stop(), storages


def legacy_file(main, storages, keys=None, version=LEGACY_VERSION, sys_info=None, counts=None):
    """magic, protocol version, system information, the main pickle, the list of storage keys, then each storage's
    element count (8 bytes, little-endian) and bytes, in the list's order: torch's _legacy_save layout."""
    keys = [k for k, _, _ in storages] if keys is None else keys
    data = {k: (n, raw) for k, n, raw in storages}
    out = LEGACY_MAGIC + version + (legacy_sys_info() if sys_info is None else sys_info) + main + pickle_module.dumps(keys, protocol=2)
    for k in keys:
        if k in data:
            n, raw = data[k]
            out += struct.pack("<q", (counts or {}).get(k, n)) + raw
    return out


def legacy(sd):
    main, storages = legacy_parts(sd)
    base = legacy_file(main, storages)
    old_main, _ = legacy_parts(sd, old=True)
    old = legacy_file(old_main, storages)
    for name, data in (("legacy-base.pth", base), ("legacy-base-rebuild-tensor.pth", old)):
        FILES[name] = data
        loaded = torch.load(io.BytesIO(data))
        assert list(loaded) == list(sd) and all(torch.equal(loaded[k], sd[k]) for k in sd), name

    def add(name, data, expect, what, marker_name=None, binds="base"):
        case(f"legacy-{name}", "legacy", data, expect, what, binds=binds, marker=marker(marker_name) if marker_name else None)

    # cut at every part and pickle-opcode boundary, and inside every storage
    parts = [("magic number", LEGACY_MAGIC), ("protocol version", LEGACY_VERSION), ("system information", legacy_sys_info()),
             ("object (the state_dict)", main), ("storage keys", pickle_module.dumps([k for k, _, _ in storages], protocol=2))]
    at = 0
    for label, part in parts:
        points = {0} if label == "magic number" else {0} | {pos for _, _, pos in pickletools.genops(part)} | {len(part) - 1}
        for point in sorted(points):
            cut = at + point
            if label == "magic number":
                cut, expect = at + 14, "magic number is damaged"
            else:
                expect = f"the pickle of the {label}"
            add(f"truncated-at-{cut:04d}", base[:cut], expect, f"the legacy base cut to {cut} bytes, inside its {label}")
        at += len(part)
    for key, n, raw in storages:
        add(f"truncated-storage-{key}-count", base[:at + 4], f"ends before storage '{key}'", f"cut inside storage {key}'s element count")
        add(f"truncated-storage-{key}-data", base[:at + 8 + len(raw) // 2], "past the end of the file", f"cut inside storage {key}'s bytes")
        at += 8 + len(raw)

    # lying counts and sizes
    add("count-disagrees", legacy_file(main, storages, counts={"0": 7}), "says it holds 7 elements", "storage 0's count field says 7 of its 8")
    add("count-negative", legacy_file(main, storages, counts={"3": -1}), "says it holds -1 elements", "a count field of -1")
    add("count-int64-max", legacy_file(main, storages, counts={"1": 2 ** 63 - 1}), "says it holds", "a count field of 2^63-1")
    huge = 2 ** 40
    big_main = state_dict_pickle([("w", lambda p: legacy_tensor(p, "FloatStorage", "0", huge, 0, [2], [1]))])
    add("storage-2-to-40-elements", legacy_file(big_main, [("0", huge, floats(1, 2))]), "past the end of the file",
        "a storage of 2^40 float32 elements (4 TB) in a file of a few hundred bytes, its count field agreeing", binds="w")

    # the list of storage keys
    keys = [k for k, _, _ in storages]
    add("keys-unknown", legacy_file(main, storages + [("9", 2, floats(1, 2))], keys=keys + ["9"]), "which no tensor of the file uses",
        "the key list names a storage no tensor uses")
    add("keys-repeated", legacy_file(main, storages, keys=keys + ["0"]), "twice", "the key list names storage 0 twice")
    add("keys-missing", legacy_file(main, storages, keys=keys[:-1]), "missing from the file's list of storages",
        "the key list leaves out fc.weight's storage")
    add("keys-not-strings", legacy_file(main, storages, keys=[0, 1, 2, 3]), "not a key", "the key list holds ints")
    add("keys-not-a-list", LEGACY_MAGIC + LEGACY_VERSION + legacy_sys_info() + main + pickle_module.dumps({"0": 1}, protocol=2),
        "where its list of storage keys belongs", "a dict where the key list belongs")

    # the header pickles
    add("protocol-version-1000", legacy_file(main, storages, version=b"\x80\x02M\xe8\x03."), "protocol version is 1000", "version 1000")
    add("protocol-version-a-string", legacy_file(main, storages, version=P().s("1001").stop()), "protocol version is a str", "version '1001'")
    add("big-endian", legacy_file(main, storages, sys_info=legacy_sys_info(little_endian=False)), "big-endian",
        "system information saying little_endian=False")
    add("sys-info-a-list", legacy_file(main, storages, sys_info=pickle_module.dumps([1001], protocol=2)), "system information (a dict)",
        "a list where the system information belongs")
    pid = P().op(b"(").s("storage").glob("torch", "FloatStorage").s("0").s("cpu").i(2).op(b"NtQ").stop()
    add("storage-in-sys-info", legacy_file(main, storages, sys_info=pid), "refers to a storage", "a persistent id in the system information")

    # persistent ids
    view_main, _ = legacy_parts(sd, view=("1", 0, 4))
    add("storage-view", legacy_file(view_main, storages), "view of another storage", "conv1.weight's storage a view of another")
    five_main, _ = legacy_parts(sd, items=5)
    add("persistent-id-of-five", legacy_file(five_main, storages), "('storage', type, key, location, numel, view)",
        "the zip format's five-item persistent ids in the legacy format")

    # payloads in each pickle: each would create a marker; prove_live_legacy shows Python's pickle runs them
    payloads = []
    for where in ("protocol-version", "sys-info", "object", "keys"):
        name = f"legacy-payload-in-{where}"
        payloads.append(name)
        call = P().call("os", "system", f"touch {marker(name)}").stop()
        parts = {"protocol-version": LEGACY_VERSION, "sys-info": legacy_sys_info(), "object": main, "keys": pickle_module.dumps(keys, protocol=2)}
        parts[where] = call
        data = LEGACY_MAGIC + parts["protocol-version"] + parts["sys-info"] + parts["object"] + parts["keys"]
        add(f"payload-in-{where}", data, "'os.system'", f"os.system('touch ...') as the {where} pickle", marker_name=name)

    # pickles built to exhaust the reader, where a legacy file holds them
    dag = P().op(b"}").op(b"K\x01").op(b"2\x86" * 60).op(b"K\x02s").stop()
    add("exhaustion-tuple-dag-key", legacy_file(dag, []), "steps", "a dict key that is a tuple DAG of 2^60 elements", binds="w")
    add("exhaustion-mark-depth-100000", legacy_file(bytes(P().op(b"(" * 100000).op(b".").b), []), "MARKs nest deeper", "100,000 nested MARKs", binds="w")
    add("exhaustion-unterminated-main-pickle", LEGACY_MAGIC + LEGACY_VERSION + legacy_sys_info() + bytes(P().op(b"]" * 50000).b),
        "ends without a STOP", "a main pickle of 50,000 opcodes that never stops", binds="w")
    return payloads


# ---------------------------------------------------------------- live check and output

def prove_live(names):
    """Unpickles every payload with Python's own pickle in a child process and checks that its marker appears."""
    shutil.rmtree(MARKERS, ignore_errors=True)
    os.makedirs(MARKERS)
    script = ("import io, pickle, sys, zipfile\n"
              "data = open(sys.argv[1], 'rb').read()\n"
              "z = zipfile.ZipFile(io.BytesIO(data))\n"
              "pk = [n for n in z.namelist() if n.endswith('data.pkl')][0]\n"
              "try:\n"
              "    pickle.loads(z.read(pk))\n"
              "except Exception as e:\n"
              "    print(type(e).__name__, e)\n")
    dead = []
    for name in names:
        path = os.path.join(OUT, f"globals-{name}.pth")
        subprocess.run([sys.executable, "-c", script, path], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, timeout=300)
        if not os.path.exists(marker(name)):
            dead.append(name)
    shutil.rmtree(MARKERS, ignore_errors=True)
    return dead


def prove_live_legacy(names):
    """Reads each legacy file's pickles one after another with Python's own pickle, as torch's legacy loader does,
    and checks that the payload's marker appears."""
    shutil.rmtree(MARKERS, ignore_errors=True)
    os.makedirs(MARKERS)
    # torch's globals and storages are stood in for by no-ops, so that a payload after the object pickle is reached too
    script = ("import pickle, sys\n"
              "class Reader(pickle.Unpickler):\n"
              "    def find_class(self, module, name):\n"
              "        return (lambda *a: None) if module.startswith('torch') else super().find_class(module, name)\n"
              "    def persistent_load(self, pid):\n"
              "        return None\n"
              "f = open(sys.argv[1], 'rb')\n"
              "try:\n"
              "    for _ in range(5):\n"
              "        Reader(f).load()\n"
              "except Exception as e:\n"
              "    print(type(e).__name__, e)\n")
    dead = []
    for name in names:
        subprocess.run([sys.executable, "-c", script, os.path.join(OUT, f"{name}.pth")], stdin=subprocess.DEVNULL,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=300)
        if not os.path.exists(marker(name)):
            dead.append(name)
    shutil.rmtree(MARKERS, ignore_errors=True)
    return dead


def main():
    sd = base_state_dict()
    base_pth = torch_save_bytes(sd)
    base_records = records_of(base_pth)
    st_header, st_data = base_safetensors(sd)
    FILES["base.pth"] = base_pth
    FILES["base.safetensors"] = safetensors_bytes(st_header, st_data)

    truncated(base_pth, base_records, st_header, st_data)
    lengths(base_pth, base_records)
    zip_bombs(base_pth, base_records)
    exhaustion()
    duplicates(base_records)
    dtypes()
    payloads = globals_family()
    outside(base_records)
    legacy_payloads = legacy(sd)

    if os.path.isdir(OUT):
        for old in os.listdir(OUT):
            os.remove(os.path.join(OUT, old))
    os.makedirs(OUT, exist_ok=True)
    for name, data in FILES.items():
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(data)

    manifest = {
        "about": "Written by tools/make_hostile_corpus.py. Every file but the two bases must fail to load with a "
                 "WeightLoadException whose message contains 'expect'; 'marker' is a file its payload would create.",
        "bases": {"base.pth": "torch.save of the four tensors below", "base.safetensors": "the same four tensors",
                  "legacy-base.pth": "the same four tensors in PyTorch's legacy format",
                  "legacy-base-rebuild-tensor.pth": "the same, its tensors rebuilt by _rebuild_tensor (PyTorch before 0.4)"},
        "entries": [{"name": n, "shape": list(t.shape)} for n, t in sd.items()],
        "hand_made_entries": [{"name": "w", "shape": [2]}],
        "cases": CASES,
    }
    with open(os.path.join(OUT, "manifest.json"), "w") as f:
        f.write("{\n")
        for key in ("about", "bases", "entries", "hand_made_entries"):
            f.write(f" {json.dumps(key)}: {json.dumps(manifest[key])},\n")
        f.write(' "cases": [\n' + ",\n".join("  " + json.dumps(c) for c in CASES) + "\n ]\n}\n")

    # self-checks: torch reads the base back; Python's pickle runs every payload (so the corpus's attacks are real)
    loaded = torch.load(io.BytesIO(base_pth))
    assert list(loaded) == list(sd) and all(torch.equal(loaded[k], sd[k]) for k in sd)
    if LIVE_CHECK:
        dead = prove_live(payloads) + prove_live_legacy(legacy_payloads)
        assert not dead, f"payloads that did not run under Python's pickle: {dead}"
        print(f"live check: all {len(payloads) + len(legacy_payloads)} payloads create their marker under Python's pickle")
    total = sum(len(d) for d in FILES.values())
    counts = collections.Counter(c["category"] for c in CASES)
    print(f"wrote {len(FILES)} files ({total:,} bytes) to {os.path.normpath(OUT)}: " +
          ", ".join(f"{k} {v}" for k, v in counts.items()))


if __name__ == "__main__":
    main()
