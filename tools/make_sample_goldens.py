#!/usr/bin/env python3
"""Writes the sample's test images, torchvision's ImageNet eval tensor for each, and the ImageNet class names.

Run with Debian's torchvision (python3-torchvision 0.14, python3-pil 9.4):
    /usr/bin/python3 tools/make_sample_goldens.py [GOLDENS_DIR] [LABELS_FILE]
defaults: tests/Goldens/sample and runtime/Classification/imagenet_classes.txt.

GOLDENS_DIR/images/    small synthetic test images (PNG, JPEG, PPM/PGM; odd sizes, portrait, landscape, grayscale,
                       an alpha channel and a palette), written by PIL with fixed seeds.
GOLDENS_DIR/expected/  for each image NAME.EXT, NAME.EXT.levels: what torchvision's eval transform
                           Resize(256) -> CenterCrop(224) -> ToTensor() -> Normalize(ImageNet mean, std)
                       produces for Image.open(path).convert("RGB") (the loader of torchvision's ImageFolder).
GOLDENS_DIR/manifest.json  sizes, crop offsets and the SHA-256 of each float32 tensor.

Storage: every value of that tensor is (level / 255 - mean[c]) / std[c] in float32 for an integer level 0..255 (ToTensor
divides bytes by 255), so each tensor is stored losslessly as its 3x224x224 levels (CHW, one byte each, 147 KB instead of
588 KB). Before writing, this script rebuilds the float32 tensor from the levels with that formula and checks that it is
bit-for-bit torchvision's (torch.equal), and the manifest keeps the SHA-256 of torchvision's float32 bytes so a test can
check its own reconstruction too.

LABELS_FILE: the 1000 ImageNet class names in class-index order, one per line, from
torchvision.models._meta._IMAGENET_CATEGORIES (the labels torchvision shows for its pretrained ResNets).
"""
import hashlib
import json
import math
import os
import sys

import numpy as np
import torch
from PIL import Image, ImageDraw
from torchvision import transforms
from torchvision.models._meta import _IMAGENET_CATEGORIES

MEAN = [0.485, 0.456, 0.406]
STD = [0.229, 0.224, 0.225]

EVAL = transforms.Compose([
    transforms.Resize(256),
    transforms.CenterCrop(224),
    transforms.ToTensor(),
    transforms.Normalize(mean=MEAN, std=STD),
])


def pattern(width, height, seed):
    """A deterministic RGB picture with smooth gradients, hard-edged shapes, thin lines and a fine checkerboard:
    enough structure that a wrong filter tap, rounding or crop offset shows, yet small when compressed."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width].astype(np.float64)
    u, v = x / width, y / height
    r = 127.5 + 127.5 * np.sin(2 * math.pi * (1.3 * u + 0.4 * v) + seed)
    g = 255.0 * v * (1.0 - 0.5 * u)
    b = 127.5 + 127.5 * np.cos(9.0 * np.hypot(u - 0.6, v - 0.4))
    base = np.stack([r, g, b], axis=-1).round().clip(0, 255).astype(np.uint8)
    image = Image.fromarray(base, "RGB")
    draw = ImageDraw.Draw(image)
    for _ in range(7):
        x0, y0 = int(rng.integers(0, width - 8)), int(rng.integers(0, height - 8))
        x1, y1 = x0 + int(rng.integers(6, width // 3)), y0 + int(rng.integers(6, height // 3))
        colour = tuple(int(c) for c in rng.integers(0, 256, 3))
        if rng.random() < 0.5:
            draw.ellipse([x0, y0, x1, y1], fill=colour)
        else:
            draw.rectangle([x0, y0, x1, y1], fill=colour)
    for i in range(5):
        colour = tuple(int(c) for c in rng.integers(0, 256, 3))
        draw.line([(0, int(rng.integers(0, height))), (width - 1, int(rng.integers(0, height)))], fill=colour, width=1 + i % 2)
    # A fine checkerboard: aliasing-sensitive, so the resampling filter's support must be exactly PIL's.
    cx, cy = width // 5, height // 2
    for j in range(0, min(36, height - cy), 3):
        for i in range(0, min(48, width - cx), 3):
            if (i // 3 + j // 3) % 2 == 0:
                draw.rectangle([cx + i, cy + j, cx + i + 2, cy + j + 2], fill=(250, 250, 250))
    return image


def write_plain_ppm(image, path, maxval):
    """PIL writes only binary PPM; a plain (ASCII) P3 with a maxval other than 255 exercises the text parser and scaling."""
    data = np.asarray(image.convert("RGB"), dtype=np.float64)
    scaled = np.floor(data * maxval / 255.0 + 0.5).astype(int)
    with open(path, "w", newline="\n") as f:
        f.write(f"P3\n# ResNetGen sample test image, maxval {maxval}\n{image.width} {image.height}\n{maxval}\n")
        for row in scaled:
            f.write(" ".join(str(value) for value in row.reshape(-1)) + "\n")


def make_images(directory):
    """Returns (file name, how it was made) for every image written."""
    made = []

    pattern(613, 419, seed=1).save(os.path.join(directory, "landscape.jpg"), quality=85)
    made.append(("landscape.jpg", "JPEG YCbCr 4:2:0, quality 85, 613x419 landscape: downscaled by 1.64 (a filter of about three taps)"))

    portrait = pattern(203, 305, seed=2).convert("RGBA")
    alpha = np.fromfunction(lambda yy, xx: (xx * 255 // 202).astype(np.uint8), (305, 203), dtype=np.int64)
    portrait.putalpha(Image.fromarray(alpha, "L"))
    portrait.save(os.path.join(directory, "portrait.png"), optimize=True)
    made.append(("portrait.png", "PNG RGBA 203x305 portrait: upscaled to 256x384; the alpha channel is dropped"))

    pattern(331, 263, seed=3).convert("L").save(os.path.join(directory, "gray.jpg"), quality=85)
    made.append(("gray.jpg", "JPEG grayscale 331x263: downscaled by 1.03, gray replicated to RGB"))

    pattern(104, 79, seed=4).convert("L").save(os.path.join(directory, "gray.pgm"))
    made.append(("gray.pgm", "binary PGM (P5) 104x79: upscaled to 337x256, crop left (337-224)/2 = 56.5 rounds half to even: 56"))

    pattern(90, 64, seed=5).save(os.path.join(directory, "small.ppm"))
    made.append(("small.ppm", "binary PPM (P6) 90x64: upscaled four times"))

    write_plain_ppm(pattern(37, 29, seed=6), os.path.join(directory, "plain.ppm"), maxval=1000)
    made.append(("plain.ppm", "plain PPM (P3) with maxval 1000, 37x29: values scaled to 0..255 as PIL does"))

    palette = pattern(700, 500, seed=7).quantize(colors=24, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    palette.save(os.path.join(directory, "palette.png"), optimize=True)
    made.append(("palette.png", "PNG with a 24-colour palette, 700x500: downscaled by 1.95 to 358x256"))
    return made


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "tests/Goldens/sample"
    labels = sys.argv[2] if len(sys.argv) > 2 else "runtime/Classification/imagenet_classes.txt"
    images = os.path.join(out, "images")
    expected = os.path.join(out, "expected")
    os.makedirs(images, exist_ok=True)
    os.makedirs(expected, exist_ok=True)

    mean = torch.tensor(MEAN, dtype=torch.float32).view(3, 1, 1)
    std = torch.tensor(STD, dtype=torch.float32).view(3, 1, 1)
    entries = []
    for name, description in make_images(images):
        path = os.path.join(images, name)
        with Image.open(path) as opened:
            mode = opened.mode
            rgb = opened.convert("RGB")
        tensor = EVAL(rgb)
        assert tensor.shape == (3, 224, 224) and tensor.dtype == torch.float32

        # Recover the byte levels and prove they reproduce torchvision's float32 tensor exactly.
        levels = torch.round((tensor * std + mean) * 255.0).clamp(0, 255).to(torch.uint8)
        rebuilt = (levels.to(torch.float32) / 255.0 - mean) / std
        if not torch.equal(rebuilt, tensor):
            raise SystemExit(f"{name}: the levels do not reproduce torchvision's tensor bit for bit")
        with open(os.path.join(expected, name + ".levels"), "wb") as f:
            f.write(levels.numpy().tobytes())

        resized = transforms.Resize(256)(rgb)
        entries.append({
            "file": name,
            "description": description,
            "pil_mode": mode,
            "width": rgb.width,
            "height": rgb.height,
            "resized_width": resized.width,
            "resized_height": resized.height,
            "crop_top": int(round((resized.height - 224) / 2.0)),
            "crop_left": int(round((resized.width - 224) / 2.0)),
            "tensor_sha256": hashlib.sha256(tensor.numpy().astype("<f4").tobytes()).hexdigest(),
        })

    manifest = {
        "about": "torchvision 0.14 ImageNet eval transform of Image.open(file).convert('RGB'); levels are CHW uint8, "
                 "tensor = (level / 255 - mean) / std in float32 (checked bit-exact); written by tools/make_sample_goldens.py",
        "mean": MEAN,
        "std": STD,
        "images": entries,
    }
    with open(os.path.join(out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
        f.write("\n")

    assert len(_IMAGENET_CATEGORIES) == 1000
    with open(labels, "w", newline="\n") as f:
        for label in _IMAGENET_CATEGORIES:
            assert "\n" not in label
            f.write(label + "\n")

    sizes = ", ".join(f"{e['file']} {os.path.getsize(os.path.join(images, e['file'])) / 1024:.1f} KB" for e in entries)
    print(f"wrote {out}: {sizes}; {labels}: 1000 labels")


if __name__ == "__main__":
    main()
