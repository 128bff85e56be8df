"""Exit 0 if a PNG screenshot is WIDTHxHEIGHT and not blank (many colours, not one flat fill).

Usage: python packaging/png_check.py OUT.png 1080x1920
"""

import sys

from PIL import Image

MIN_COLOURS = 16


def main(argv: list[str]) -> int:
    path, size = argv[0], argv[1]
    want = tuple(int(x) for x in size.split("x"))
    with Image.open(path) as image:
        rgb = image.convert("RGB")
        colours = rgb.getcolors(maxcolors=1 << 20)
        count = len(colours) if colours is not None else 1 << 20
        if rgb.size != want:
            print(f"png_check: {path} is {rgb.size[0]}x{rgb.size[1]}, expected {size}", file=sys.stderr)
            return 1
    if count < MIN_COLOURS:
        print(f"png_check: {path} has {count} colours: blank", file=sys.stderr)
        return 1
    print(f"png_check: {path} {size}, {count} colours")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
