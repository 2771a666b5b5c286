"""The frame both of our charts share (timeline.py, bootbench.py): an SVG of the given size on white, its title and
a line under it, and the two axes of the plot area inside the margins. `subtitle` is SVG text, already escaped."""
from html import escape


def frame(width, height, left, right, top, bottom, title, subtitle):
    return [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
            'font-family="sans-serif" font-size="12">',
            f'<rect width="{width}" height="{height}" fill="white"/>',
            f'<text x="{left}" y="20" font-size="14" font-weight="bold">{escape(title)}</text>',
            f'<text x="{left}" y="36" fill="#555">{subtitle}</text>',
            f'<line x1="{left}" y1="{height - bottom}" x2="{width - right}" y2="{height - bottom}" stroke="black"/>',
            f'<line x1="{left}" y1="{top}" x2="{left}" y2="{height - bottom}" stroke="black"/>']
