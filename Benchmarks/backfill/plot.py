#!/usr/bin/env python3
"""Draws the workload's latency over time, one panel per approach, from backfill-bench's CSV.

    python3 Benchmarks/backfill/plot.py backfill-latency.csv backfill-latency.png

Standard library only (zlib + struct write the PNG; a 5x7 bitmap font writes the labels).
Each dot is one workload statement: x = seconds since the approach started, y = latency on a log scale
(0.1 ms … 10 s, grid lines at 1 ms, 10 ms, 100 ms, 1 s); failed statements are drawn in red.
"""
import csv
import math
import struct
import sys
import zlib

FONT = {
    "A": "01110100011000111111100011000110001", "B": "11110100011000111110100011000111110",
    "C": "01110100011000010000100001000101110", "D": "11110100011000110001100011000111110",
    "E": "11111100001000011110100001000011111", "F": "11111100001000011110100001000010000",
    "G": "01110100011000010111100011000101111", "H": "10001100011000111111100011000110001",
    "I": "01110001000010000100001000010001110", "J": "00111000100001000010000101001001100",
    "K": "10001100101010011000101001001010001", "L": "10000100001000010000100001000011111",
    "M": "10001110111010110101100011000110001", "N": "10001100011100110101100111000110001",
    "O": "01110100011000110001100011000101110", "P": "11110100011000111110100001000010000",
    "Q": "01110100011000110001101011001001101", "R": "11110100011000111110101001001010001",
    "S": "01111100001000001110000010000111110", "T": "11111001000010000100001000010000100",
    "U": "10001100011000110001100011000101110", "V": "10001100011000110001100010101000100",
    "W": "10001100011000110101101011010101010", "X": "10001100010101000100010101000110001",
    "Y": "10001100010101000100001000010000100", "Z": "11111000010001000100010001000011111",
    "0": "01110100011001110101110011000101110", "1": "00100011000010000100001000010001110",
    "2": "01110100010000100010001000100011111", "3": "11111000100010000010000011000101110",
    "4": "00010001100101010010111110001000010", "5": "11111100001111000001000011000101110",
    "6": "00110010001000011110100011000101110", "7": "11111000010001000100010000100001000",
    "8": "01110100011000101110100011000101110", "9": "01110100011000101111000010001001100",
    " ": "00000000000000000000000000000000000", ".": "00000000000000000000000000110001100",
    "-": "00000000000000011111000000000000000", "(": "00010001000100001000010000010000010",
    ")": "01000001000001000010000100010001000", ",": "00000000000000000000001100010001000",
    "/": "00000000010001000100010001000000000", ":": "00000011000110000000011000110000000",
    "=": "00000000001111100000111110000000000", "+": "00000001000010011111001000010000000",
}

WIDTH, PANEL_HEIGHT, LEFT, TOP_PAD = 1200, 170, 70, 22
COLORS = [(40, 90, 200), (200, 120, 20), (30, 150, 60), (120, 60, 170), (20, 140, 160), (170, 40, 120), (110, 110, 30)]


class Canvas:
    def __init__(self, width, height):
        self.width, self.height = width, height
        self.pixels = bytearray([255] * (width * height * 3))

    def set(self, x, y, color):
        if 0 <= x < self.width and 0 <= y < self.height:
            i = (y * self.width + x) * 3
            self.pixels[i:i + 3] = bytes(color)

    def hline(self, x0, x1, y, color):
        for x in range(x0, x1):
            self.set(x, y, color)

    def vline(self, x, y0, y1, color):
        for y in range(y0, y1):
            self.set(x, y, color)

    def text(self, x, y, string, color=(0, 0, 0)):
        for char in string.upper():
            glyph = FONT.get(char, FONT[" "])
            for row in range(7):
                for col in range(5):
                    if glyph[row * 5 + col] == "1":
                        self.set(x + col, y + row, color)
            x += 6

    def png(self, path):
        raw = b"".join(b"\x00" + bytes(self.pixels[y * self.width * 3:(y + 1) * self.width * 3]) for y in range(self.height))

        def chunk(kind, data):
            return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

        header = struct.pack(">IIBBBBB", self.width, self.height, 8, 2, 0, 0, 0)
        with open(path, "wb") as handle:
            handle.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def main():
    source, target = sys.argv[1], sys.argv[2]
    series = {}
    with open(source) as handle:
        for row in csv.DictReader(handle):
            series.setdefault(row["approach"], []).append((float(row["t_s"]), float(row["latency_ms"]), row["failed"] == "1"))
    names = list(series)
    longest = max((t for points in series.values() for t, _, _ in points), default=1.0)
    span = max(1.0, math.ceil(longest / 5) * 5)
    canvas = Canvas(WIDTH, PANEL_HEIGHT * len(names) + 40)
    low, high = math.log10(0.1), math.log10(10000)
    plot_width = WIDTH - LEFT - 20
    for index, name in enumerate(names):
        top = index * PANEL_HEIGHT + TOP_PAD
        bottom = top + PANEL_HEIGHT - TOP_PAD - 14
        canvas.text(LEFT, top - 14, name, COLORS[index % len(COLORS)])

        def y_of(latency):
            value = (math.log10(max(latency, 0.1)) - low) / (high - low)
            return int(bottom - min(1.0, value) * (bottom - top))

        for mark, label in [(1, "1MS"), (10, "10MS"), (100, "100MS"), (1000, "1S")]:
            y = y_of(mark)
            canvas.hline(LEFT, LEFT + plot_width, y, (225, 225, 225))
            canvas.text(LEFT - 6 * len(label) - 4, y - 3, label, (110, 110, 110))
        canvas.vline(LEFT, top, bottom + 1, (0, 0, 0))
        canvas.hline(LEFT, LEFT + plot_width, bottom, (0, 0, 0))
        for second in range(0, int(span) + 1, 5):
            x = LEFT + int(second / span * plot_width)
            canvas.vline(x, bottom, bottom + 3, (0, 0, 0))
        color = COLORS[index % len(COLORS)]
        for t, latency, failed in series[name]:
            x = LEFT + int(min(t, span) / span * plot_width)
            y = y_of(latency)
            dot = (220, 0, 0) if failed else color
            for dx in (0, 1):
                for dy in (0, 1):
                    canvas.set(x + dx, y + dy, dot)
    axis = PANEL_HEIGHT * len(names) + 8
    for second in range(0, int(span) + 1, 5):
        x = LEFT + int(second / span * plot_width)
        canvas.text(x - 3, axis, str(second), (60, 60, 60))
    canvas.text(LEFT + plot_width // 2 - 120, axis + 14, "SECONDS SINCE THE APPROACH STARTED", (60, 60, 60))
    canvas.png(target)


if __name__ == "__main__":
    main()
