"""Draws the app icons (run once; the PNGs are committed): `python web/icons/generate.py`.

Needs Pillow, which is not a dependency of the app: `pip install pillow` in a scratch venv.
The mark is the header's wave (web/index.html), white on the app's blue.
"""

from pathlib import Path

from PIL import Image, ImageDraw

HERE = Path(__file__).resolve().parent
BLUE = (11, 92, 151, 255)
WHITE = (255, 255, 255, 255)
SCALE = 4  # draw large, then shrink: smooth edges without an anti-aliasing library

# The header's SVG path in a 24-unit box: M2 14 c3 0 4-6 7-6 s4 8 7 8 3-4 6-4
SEGMENTS = [
    ((2, 14), (5, 14), (6, 8), (9, 8)),
    ((9, 8), (12, 8), (13, 16), (16, 16)),
    ((16, 16), (19, 16), (19, 12), (22, 12)),
]


def bezier(p0, p1, p2, p3, steps=400):
    for i in range(steps + 1):
        t = i / steps
        u = 1 - t
        yield (
            u**3 * p0[0] + 3 * u * u * t * p1[0] + 3 * u * t * t * p2[0] + t**3 * p3[0],
            u**3 * p0[1] + 3 * u * u * t * p1[1] + 3 * u * t * t * p2[1] + t**3 * p3[1],
        )


def icon(size: int, *, maskable: bool) -> Image.Image:
    big = size * SCALE
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    if maskable:
        draw.rectangle((0, 0, big, big), fill=BLUE)
        mark = big * 0.56  # inside the 80 % safe circle with room to spare
    else:
        draw.rounded_rectangle((0, 0, big - 1, big - 1), radius=big * 0.22, fill=BLUE)
        mark = big * 0.64
    offset = (big - mark) / 2
    unit = mark / 20  # the path spans x 2..22
    width = max(2, round(2.6 * unit))
    points = [
        (offset + (x - 2) * unit, offset + (y - 2) * unit + mark * 0.05)
        for segment in SEGMENTS
        for x, y in bezier(*segment)
    ]
    # A round pen stamped along the curve: smooth joins and round caps.
    r = width / 2
    for x, y in points:
        draw.ellipse((x - r, y - r, x + r, y + r), fill=WHITE)
    return image.resize((size, size), Image.LANCZOS)


def main() -> None:
    for size in (192, 512):
        icon(size, maskable=False).save(HERE / f"icon-{size}.png", optimize=True)
        icon(size, maskable=True).save(HERE / f"maskable-{size}.png", optimize=True)
    icon(180, maskable=True).convert("RGB").save(HERE / "apple-touch-icon.png", optimize=True)
    icon(32, maskable=False).save(HERE / "icon-32.png", optimize=True)
    icon(48, maskable=False).save(HERE.parent / "favicon.ico", sizes=[(16, 16), (32, 32), (48, 48)])


if __name__ == "__main__":
    main()
