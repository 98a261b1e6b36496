"""A compositor that paints the lines that changed, not the box around all of them.

Textual's compositor paints a partial update by taking the smallest box around every
dirty region of the frame and asking each widget that overlaps that box for all of its
visible lines. On the desk a frame often holds a few rows of one list and the footer's
line, 40 lines apart: the box is then the whole screen, and all thirty-odd widgets
render every line they show, about 10 ms, to change a few hundred cells.

Here the dirty regions are grouped into bands of lines (regions whose lines overlap or
lie within `BAND_GAP` lines of each other), and each widget that overlaps a band
renders only that band's lines. The cells written are the same: every widget that
covers a cell of a band is asked for that line, in the same front-to-back order, so
each cell shows what Textual's own paint would show (a test compares the two on the
desk's screens). It relies on Textual's compositor internals (`_dirty_regions`,
`visible_widgets`, `cuts`, `_regions_to_spans`, `ChopsUpdate`), pinned with textual.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from textual._compositor import ChopsUpdate, Compositor
from textual.geometry import Region
from textual.strip import Strip

# Dirty regions this many lines apart or closer are painted as one band: a widget that
# spans both then renders the lines between (a few µs each) rather than being asked
# twice (each request costs it 50-100 µs before any line).
BAND_GAP = 3


def bands(regions: Iterable[Region], gap: int = BAND_GAP) -> list[Region]:
    """The boxes around groups of `regions` whose line ranges lie within `gap` lines of
    each other; the boxes' line ranges never overlap."""
    ordered = sorted(regions, key=lambda region: region.y)
    found: list[Region] = []
    if not ordered:
        return found
    box = ordered[0]
    for region in ordered[1:]:
        if region.y <= box.bottom + gap:
            box = box.union(region)
        else:
            found.append(box)
            box = region
    found.append(box)
    return found


class BandedCompositor(Compositor):
    """Textual's compositor, painting partial updates band by band (see the module)."""

    def render_partial_update(self) -> ChopsUpdate | None:
        update_regions = self._dirty_regions.copy()
        self._dirty_regions.clear()
        screen = self.size.region
        update_regions = {
            inside for region in update_regions if (inside := region.intersection(screen))
        }
        if not update_regions:
            return None
        spans = list(self._regions_to_spans(update_regions))
        painted = {y for y, _, _ in spans}
        cuts = self.cuts
        chops: list[dict[int, Strip | None]] = [dict.fromkeys(cut_set[:-1]) for cut_set in cuts]
        for band in bands(update_regions):
            for render_region, strips in self._band_renders(band):
                x = render_region.x
                first_cut, last_cut = render_region.column_span
                for y, strip in zip(render_region.line_range, strips, strict=False):
                    if y not in painted:
                        continue
                    line = chops[y]
                    line_cuts = [cut for cut in cuts[y] if last_cut >= cut >= first_cut]
                    pieces = strip.divide([cut - x for cut in line_cuts[1:]])
                    # Front to back: the first widget to fill a cut is the one on top.
                    for cut, piece in zip(line_cuts, pieces, strict=False):
                        if line.get(cut) is None:
                            line[cut] = piece
        return ChopsUpdate(chops, spans, [cut_set[1:] for cut_set in cuts])  # type: ignore[arg-type]

    def _band_renders(self, band: Region) -> Iterator[tuple[Region, list[Strip]]]:
        """Each widget that shows anything inside `band`, front to back: the region it
        paints (its visible width, the band's lines) and those lines."""
        top, bottom = band.y, band.bottom
        for widget, (region, clip) in self.visible_widgets.items():
            visible = region.intersection(clip)
            if not visible.overlaps(band):
                continue
            y1, y2 = max(visible.y, top), min(visible.bottom, bottom)
            painted = Region(visible.x, y1, visible.width, y2 - y1)
            yield painted, widget.render_lines(painted.translate(-region.offset))
