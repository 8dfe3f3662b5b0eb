#!/usr/bin/env python3
"""Writes scikit-learn's bundled handwritten digits as a folder of images, one sub-folder per label.

Run with Debian's scikit-learn and PIL (python3-sklearn, python3-pil):
    /usr/bin/python3 tools/make_digits_goldens.py [FOLDER]
default: tests/Goldens/digits.

The set is UCI's "Optical Recognition of Handwritten Digits" test part as scikit-learn ships it inside the package
(sklearn/datasets/data/digits.csv.gz, no download): 1,797 images of 8x8 pixels, 16 gray levels (0..16), labels 0..9,
about 180 per label. Each becomes FOLDER/<label>/<index>.png, an 8-bit gray PNG whose level is round(v * 255 / 16),
white ink on black as in the data. The files are written in a fixed way (PIL's PNG encoder, no metadata), so running
the script again gives the same bytes.
"""
import os
import sys

import numpy as np
from PIL import Image
from sklearn.datasets import load_digits


def main():
    folder = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "tests", "Goldens", "digits")
    digits = load_digits()
    images = np.rint(digits.images * 255.0 / 16.0).astype(np.uint8)
    for label in range(10):
        os.makedirs(os.path.join(folder, str(label)), exist_ok=True)
    for index, (pixels, label) in enumerate(zip(images, digits.target)):
        Image.fromarray(pixels, mode="L").save(os.path.join(folder, str(label), f"{index:04d}.png"), optimize=True)
    print(f"{len(images)} images in {folder}")


if __name__ == "__main__":
    main()
