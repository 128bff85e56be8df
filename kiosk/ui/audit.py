"""The contrast and layout audit of a rendered page (`ipkiosk selftest --audit`, tests/test_ui_audit.py).

Walks the live item tree of a window (visible items with an opacity above 0 that reach into the window) and
measures what a visitor gets to see:

- every visible text: its pixel size on screen and its contrast ratio (WCAG 2 relative luminance) against the
  colours really behind its glyphs. The background is read from a grab of the window taken with every text made
  transparent, so cards, bars, badges, images and faded parents count as drawn. The text's colour is composited
  over that background with its colour alpha times its effective opacity (the product up the parent chain), at
  the dimmest phase of any opacity animation on the text or a parent (``from``/``to`` of a
  Number/PropertyAnimation or OpacityAnimator on ``opacity``, the value of a PropertyAction). A text that blinks
  by a Timer instead of an animation (cheaper for the software renderer) declares its dim phase in a
  ``dimOpacity`` property, which the audit reads the same way;
- every control (an item whose ``Accessible.role`` is an actionable role, or the item an enabled MouseArea or
  TapHandler makes tappable): its size on screen and the contrast of its boundary or fill against what
  surrounds it, read from the same grab along its edges (the most distinct colour just inside the edge against
  the commonest colour just outside it);
- texts whose painted rectangles intersect, and clipped text: a Text whose painted width or height exceeds its
  own box without eliding, that drops lines without an ellipsis, or that reaches out of a clipping parent or
  the window. Text running past a Flickable's edge in the direction it scrolls, or on a moving (animated x/y)
  item such as a ticker, is scrolling content, not clipped.

`audit_window` measures the screen as it is; `audit_scrolled` also scrolls every Flickable a visitor can scroll
to its end, a little less than a screenful at a time, and merges what each stop shows.

Disabled controls are left out (WCAG exempts inactive components); the texts on them are measured like any
other, since a visitor still reads them (such as a disabled print button that says why). A bare MouseArea that
is smaller than its parent (a hidden gesture corner) is a target with no boundary of its own: its size counts,
its contrast does not.
Qt does not say which property a value-source animation (``NumberAnimation on …``) drives: one whose
``from``/``to`` both lie in 0…1 is taken as an opacity animation (the safe side for contrast), any other one
as movement.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import shiboken6
from PySide6.QtCore import QEventLoop, QObject, QRectF, QTimer
from PySide6.QtGui import QAccessible, QAccessibleInterface, QColor, QFontInfo, QImage
from PySide6.QtQml import QQmlExpression, qmlContext
from PySide6.QtQuick import QQuickItem, QQuickWindow

# Roles of things a visitor can act on (Qt's QAccessible::Role names).
ACTIONABLE_ROLES = frozenset({"Button", "CheckBox", "RadioButton", "ComboBox", "Link", "MenuItem", "PageTab",
                              "Slider", "SpinBox", "EditableText", "ListItem", "ButtonMenu", "ButtonDropDown"})
_TEXT_CLASSES = ("QQuickText", "QQuickTextInput", "QQuickTextEdit")
_ELIDE_NONE = 3                 # Text.ElideNone
_TOLERANCE_PX = 2.0             # sub-pixel layout rounding is not an overlap or a clip
_MIN_SHARE = 0.05               # a background colour under less of a text than this is an edge or a stray pixel
_EDGE_BAND_PX = 8               # how deep the audit looks into and beyond a control's edge
_FAR = 1e7                      # 'no edge' for a clip rectangle
_SCROLL_SETTLE_MS = 60          # for a list view to lay out its rows after a scroll step
_MAX_SAMPLES = 4000             # pixels read per text (a grid over its painted rectangle)


def luminance(color: QColor) -> float:
    """WCAG 2 relative luminance of an opaque colour."""
    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4
    return 0.2126 * channel(color.redF()) + 0.7152 * channel(color.greenF()) + 0.0722 * channel(color.blueF())


def contrast(a: QColor, b: QColor) -> float:
    """WCAG 2 contrast ratio of two opaque colours, 1.0 … 21.0."""
    la, lb = luminance(a), luminance(b)
    return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)


def over(fg: QColor, alpha: float, bg: QColor) -> QColor:
    """FG drawn with ALPHA (0…1) over the opaque BG."""
    return QColor.fromRgbF(alpha * fg.redF() + (1 - alpha) * bg.redF(),
                           alpha * fg.greenF() + (1 - alpha) * bg.greenF(),
                           alpha * fg.blueF() + (1 - alpha) * bg.blueF())


@dataclass
class TextReport:
    text: str
    px: float                   # font pixel size on screen
    contrast: float             # against the least contrasting colour behind it, at the dimmest phase
    color: str                  # the text colour as seen at that phase, and that background colour (#rrggbb)
    background: str
    rect: QRectF                # the painted glyph rectangle in window coordinates (its visible part)
    item: QQuickItem = field(repr=False)
    key: int = field(repr=False, default=0)     # _key(item), kept: a scrolled-away list row may be deleted


@dataclass
class ControlReport:
    name: str
    role: str
    w: float
    h: float
    contrast: float | None      # None: nothing around the control to tell it from (it fills the window)
    item: QQuickItem = field(repr=False)
    key: int = field(repr=False, default=0)


@dataclass
class PageAudit:
    texts: list[TextReport]
    controls: list[ControlReport]
    overlaps: list[tuple[str, str]]
    clipped: list[tuple[str, str]]  # (text, why)

    def summary(self) -> dict[str, Any]:
        """The measured part of the `selftest --audit` document (docs/cli.md)."""
        rated = [c for c in self.controls if c.contrast is not None]
        return {
            "min_text_px": round(min((t.px for t in self.texts), default=0.0), 1),
            "min_text_contrast": round(min((t.contrast for t in self.texts), default=21.0), 2),
            "min_control_contrast": round(min((c.contrast for c in rated if c.contrast is not None), default=21.0), 2),
            "min_target_px": round(min((min(c.w, c.h) for c in self.controls), default=0.0), 1),
            "overlaps": [{"texts": [a, b]} for a, b in self.overlaps],
            "clipped": [{"text": text, "why": why} for text, why in self.clipped],
            "texts": [t.text for t in self.texts],
            "controls": [{"name": c.name, "role": c.role, "w": round(c.w), "h": round(c.h)} for c in self.controls],
            # The measurements behind the minimums, worst first, so a failure names its culprit.
            "text_details": [{"text": t.text, "px": round(t.px, 1), "contrast": round(t.contrast, 2),
                              "color": t.color, "background": t.background}
                             for t in sorted(self.texts, key=lambda t: t.contrast)],
            "control_details": [{"name": c.name, "role": c.role, "w": round(c.w), "h": round(c.h),
                                 "contrast": None if c.contrast is None else round(c.contrast, 2)}
                                for c in sorted(self.controls, key=lambda c: 99.0 if c.contrast is None else c.contrast)],
        }


@dataclass
class _Seen:
    """One visible item and what its ancestors do to it."""
    item: QQuickItem
    rect: QRectF                # its box in window coordinates
    view: QRectF                # the part of the window it can show in (every clipping ancestor and the window)
    hard_clip: QRectF           # the same without scrolling viewports (Flickables) and moving items
    opacity: float              # effective opacity now
    dim_opacity: float          # effective opacity at the dimmest phase of every opacity animation above it
    scale: float                # window pixels per item unit
    disabled: bool              # inside a disabled control


class _Pixels:
    """Random access to the colours of a grabbed window image."""

    def __init__(self, image: QImage, window_width: int):
        self.image = image.convertToFormat(QImage.Format.Format_RGB32)
        self.width, self.height = self.image.width(), self.image.height()
        self.ratio = self.width / max(1, window_width)
        self.line = self.image.bytesPerLine()
        self.bits = bytes(self.image.constBits())

    def rgb(self, x: int, y: int) -> tuple[int, int, int] | None:
        """The colour at window pixel (x, y); None outside the image."""
        px, py = int(x * self.ratio), int(y * self.ratio)
        if not (0 <= px < self.width and 0 <= py < self.height):
            return None
        at = py * self.line + px * 4
        return self.bits[at + 2], self.bits[at + 1], self.bits[at]   # stored B, G, R, A


def _key(obj: QObject) -> int:
    """The address of OBJ's C++ object: the same for every Python wrapper of it (unlike id())."""
    return int(shiboken6.getCppPointer(obj)[0])


def _inherits(obj: QObject, *class_names: str) -> bool:
    return any(obj.inherits(name) for name in class_names)


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _animation_effects(item: QQuickItem, dims: dict[int, float], moving: set[int]) -> None:
    """Record what the animations declared in ITEM do: the lowest opacity they reach (DIMS, by _key of the
    item) and whether they move their item (MOVING)."""
    def visit(anim: QObject, default_target: QObject | None, value_source: bool) -> None:
        if anim.inherits("QQuickAnimationGroup"):
            for child in anim.children():
                if _inherits(child, "QQuickAbstractAnimation", "QQuickAnimator"):
                    visit(child, default_target, value_source)
            return
        target = anim.property("target") or default_target
        if target is None:
            return
        names = {n.strip() for n in f"{anim.property('property') or ''},{anim.property('properties') or ''}"
                 .split(",") if n.strip()}
        if anim.inherits("QQuickPropertyAction"):
            values = [_number(anim.property("value"))]
        else:
            values = [_number(anim.property("from")), _number(anim.property("to"))]
        found = [v for v in values if v is not None]
        if anim.inherits("QQuickOpacityAnimator"):
            names = {"opacity"}
        elif _inherits(anim, "QQuickXAnimator", "QQuickYAnimator"):
            names = {"x"}
        elif not names and value_source:
            names = {"opacity"} if found and all(0.0 <= v <= 1.0 for v in found) else {"x"}
        if "opacity" in names and found:
            dims[_key(target)] = min(dims.get(_key(target), 1.0), *found)
        if names & {"x", "y", "contentX", "contentY"}:
            moving.add(_key(target))

    for child in item.children():
        if _inherits(child, "QQuickAbstractAnimation", "QQuickAnimator"):
            # An animation without a target inside an item is `Animation on property`: it drives the item.
            visit(child, item, child.property("target") is None)


def _walk(window: QQuickWindow) -> list[_Seen]:
    root = window.contentItem()
    while root.parentItem() is not None:
        root = root.parentItem()
    window_rect = QRectF(0, 0, window.width(), window.height())
    dims: dict[int, float] = {}
    moving: set[int] = set()
    seen: list[_Seen] = []
    todo: list[tuple[QQuickItem, QRectF, QRectF, float, float, bool, bool]] = [
        (root, window_rect, window_rect, 1.0, 1.0, False, False)]
    while todo:
        item, view, hard, opacity, dim, scrolling, disabled = todo.pop()
        if not item.isVisible() or item.opacity() <= 0:
            continue
        _animation_effects(item, dims, moving)
        declared_dim = _number(item.property("dimOpacity"))
        own_dim = min(item.opacity(), dims.get(_key(item), 1.0), 1.0 if declared_dim is None else declared_dim)
        opacity, dim = opacity * item.opacity(), dim * own_dim
        rect = item.mapRectToScene(QRectF(0, 0, item.width(), item.height()))
        scale = rect.width() / item.width() if item.width() > 0 else 1.0
        scrolling = scrolling or _key(item) in moving
        if _key(item) in moving:
            # A moving item (a ticker running through its lane) is meant to pass the edges of the lane that clips
            # it: its movement brings every part into view, so no clipping ancestor cuts it off.
            hard = QRectF(-_FAR, -_FAR, 2 * _FAR, 2 * _FAR)
        disabled = disabled or not item.isEnabled()
        seen.append(_Seen(item, rect, view, hard, opacity, dim, scale, disabled))
        if item.clip():
            view = view.intersected(rect)
            if not (scrolling or item.inherits("QQuickFlickable")):
                hard = hard.intersected(rect)
            if view.isEmpty():
                continue
        if item.inherits("QQuickFlickable"):
            # A Flickable's content is meant to run past its edges (and past the window's) where it scrolls.
            scrolling = True
            if float(item.property("contentHeight")) > item.height() + 1:
                hard = QRectF(hard.left(), -_FAR, hard.width(), 2 * _FAR)
            if float(item.property("contentWidth")) > item.width() + 1:
                hard = QRectF(-_FAR, hard.top(), 2 * _FAR, hard.height())
        # Reversed onto the stack, so items come out in tree (painting) order.
        for child in reversed(item.childItems()):
            todo.append((child, view, hard, opacity, dim, scrolling, disabled))
    return seen


def _painted_rect(seen: _Seen) -> QRectF:
    """Where the glyphs of a text item are drawn, in window coordinates (text items report their laid-out,
    aligned text as their bounding rectangle)."""
    return seen.item.mapRectToScene(seen.item.boundingRect())


def _qml_value(item: QQuickItem, name: str) -> Any:
    """A property as QML reads it (enum properties, which PySide6 cannot convert, come back as numbers)."""
    context = qmlContext(item)
    if context is None:
        raise ValueError(f"{item} was not made by QML")
    value, undefined = QQmlExpression(context, item, name).evaluate()
    return None if undefined else value


def _text_of(item: QQuickItem) -> str:
    return str(item.property("text") or "")


def _pixel_size(item: QQuickItem, scale: float) -> float:
    font = item.property("font")
    size = font.pixelSize() if font.pixelSize() > 0 else QFontInfo(font).pixelSize()
    return float(size) * scale


def _colour_shares(pixels: _Pixels, rect: QRectF) -> Counter[tuple[int, int, int]]:
    """How often each colour occurs on a grid of at most _MAX_SAMPLES points over RECT."""
    left, top = int(rect.left()), int(rect.top())
    width, height = max(1, int(rect.width())), max(1, int(rect.height()))
    step = max(1, int((width * height / _MAX_SAMPLES) ** 0.5))
    counts: Counter[tuple[int, int, int]] = Counter()
    for y in range(top, top + height, step):
        for x in range(left, left + width, step):
            rgb = pixels.rgb(x, y)
            if rgb is not None:
                counts[rgb] += 1
    return counts


def _measure_text(seen: _Seen, pixels: _Pixels) -> TextReport | None:
    painted = _painted_rect(seen)
    visible = painted.intersected(seen.view)
    if visible.width() < 1 or visible.height() < 1:
        return None
    ink: QColor = seen.item.property("color")
    alpha = ink.alphaF() * seen.dim_opacity
    shares = _colour_shares(pixels, visible)
    total = sum(shares.values())
    backgrounds = [QColor(*rgb) for rgb, n in shares.items() if n >= _MIN_SHARE * total] or \
        [QColor(*shares.most_common(1)[0][0])]
    worst = min(((contrast(over(ink, alpha, bg), bg), bg) for bg in backgrounds), key=lambda pair: pair[0])
    ratio, bg = worst
    return TextReport(text=_text_of(seen.item), px=_pixel_size(seen.item, seen.scale), contrast=ratio,
                      color=over(ink, alpha, bg).name(), background=bg.name(), rect=visible, item=seen.item,
                      key=_key(seen.item))


def _clip_problem(seen: _Seen) -> str | None:
    """Why the text of SEEN is cut off, or None."""
    item = seen.item
    if item.inherits("QQuickText"):
        elided = _qml_value(item, "elide") != _ELIDE_NONE
        if bool(item.property("truncated")) and not elided:
            return "lines dropped without an ellipsis (maximumLineCount and no elide)"
        cw, ch = float(item.property("contentWidth")), float(item.property("contentHeight"))
        if not elided and cw > item.width() + _TOLERANCE_PX:
            return f"painted {cw:.0f} px wide in a box of {item.width():.0f} px, not elided"
        if not elided and ch > item.height() + _TOLERANCE_PX:
            return f"painted {ch:.0f} px high in a box of {item.height():.0f} px, not elided"
    painted = _painted_rect(seen)
    inside = seen.hard_clip.adjusted(-_TOLERANCE_PX, -_TOLERANCE_PX, _TOLERANCE_PX, _TOLERANCE_PX)
    if not inside.contains(painted):
        return "reaches out of a clipping parent or the window"
    return None


def _role_and_name(item: QQuickItem) -> tuple[str, str]:
    """The item's Accessible.role (a QAccessible.Role name) and Accessible.name, or ("", "") without them."""
    if not any(c.inherits("QQuickAccessibleAttached") for c in item.children()):
        return "", ""
    interface: QAccessibleInterface | None = QAccessible.queryAccessibleInterface(item)
    if interface is None:
        return "", ""
    return interface.role().name, interface.text(QAccessible.Text.Name)


def _controls(seen: list[_Seen]) -> list[tuple[_Seen, str, str]]:
    """(item, role, name) of every control among the visible items, each once, in tree order."""
    by_id = {_key(s.item): s for s in seen}
    found: dict[int, tuple[_Seen, str, str]] = {}
    for s in seen:
        role, name = _role_and_name(s.item)
        if role in ACTIONABLE_ROLES:
            found.setdefault(_key(s.item), (s, role, name))
            continue
        mouse_area = s.item.inherits("QQuickMouseArea")
        tap_handler = any(c.inherits("QQuickTapHandler") and bool(c.property("enabled")) for c in s.item.children())
        if not (mouse_area or tap_handler):
            continue
        face = s
        parent = s.item.parentItem()
        if mouse_area and _key(parent) in by_id:
            # A MouseArea filling its parent makes the parent the control; a smaller one is a control itself.
            p = by_id[_key(parent)]
            if abs(p.rect.width() - s.rect.width()) <= _TOLERANCE_PX and \
                    abs(p.rect.height() - s.rect.height()) <= _TOLERANCE_PX:
                face = p
        if _key(face.item) not in found:
            role, name = _role_and_name(face.item)
            found[_key(face.item)] = (face, role, name)
    return list(found.values())


def _edge_contrast(seen: _Seen, pixels: _Pixels) -> float | None:
    """Contrast of a control's boundary or fill against what surrounds it: the most distinct of the dominant
    colours at each depth just inside its edges, against the commonest colour just outside them. Corners (where
    a radius rounds the shape off) and edges cut off by a clipping parent (a list row scrolled half out of view)
    are left out. None when no edge of the control shows with anything of the window around it."""
    full, shown = seen.rect, seen.rect.intersected(seen.view)
    if shown.width() < 4 or shown.height() < 4:
        return None
    margin = float(seen.item.property("radius") or 0) * seen.scale + 2
    span_x = range(int(shown.left() + margin), int(shown.right() - margin), 3)
    span_y = range(int(shown.top() + margin), int(shown.bottom() - margin), 3)
    left, top, right, bottom = int(full.left()), int(full.top()), int(full.right()) - 1, int(full.bottom()) - 1
    # Each edge that shows: its points at a given distance outside it (negative: inside).
    edges: list[Callable[[int], list[tuple[int, int]]]] = []
    if full.top() >= seen.view.top() - _TOLERANCE_PX:
        edges.append(lambda d: [(x, top - d) for x in span_x])
    if full.bottom() <= seen.view.bottom() + _TOLERANCE_PX:
        edges.append(lambda d: [(x, bottom + d) for x in span_x])
    if full.left() >= seen.view.left() - _TOLERANCE_PX:
        edges.append(lambda d: [(left - d, y) for y in span_y])
    if full.right() <= seen.view.right() + _TOLERANCE_PX:
        edges.append(lambda d: [(right + d, y) for y in span_y])
    inside: list[tuple[int, int, int]] = []
    for depth in range(min(_EDGE_BAND_PX, int(shown.width() / 2), int(shown.height() / 2))):
        ring = Counter(rgb for edge in edges for x, y in edge(-depth) if (rgb := pixels.rgb(x, y)) is not None)
        if ring:
            inside.append(ring.most_common(1)[0][0])
    outside = Counter(rgb for distance in range(2, _EDGE_BAND_PX) for edge in edges for x, y in edge(distance)
                      if (rgb := pixels.rgb(x, y)) is not None)
    if not outside or not inside:
        return None
    around = QColor(*outside.most_common(1)[0][0])
    return max(contrast(QColor(*rgb), around) for rgb in inside)


def _grab_without_text(window: QQuickWindow, texts: list[_Seen]) -> QImage:
    """The window as drawn with every text transparent: what lies behind the glyphs and around the controls.
    The opacities are put back at once, before anything else runs."""
    before = [(s.item, s.item.opacity()) for s in texts]
    try:
        for s in texts:
            s.item.setOpacity(0.0)
        return window.grabWindow()
    finally:
        for item, opacity in before:
            item.setOpacity(opacity)


def audit_window(window: QQuickWindow) -> PageAudit:
    """Measure the page WINDOW shows now (see the module docstring)."""
    seen = _walk(window)
    text_items = [s for s in seen if _inherits(s.item, *_TEXT_CLASSES) and _text_of(s.item).strip()]
    image = _grab_without_text(window, text_items)
    if image.isNull():
        raise RuntimeError("the window could not be grabbed (is it shown?)")
    pixels = _Pixels(image, window.width())

    texts: list[TextReport] = []
    clipped: list[tuple[str, str]] = []
    for s in text_items:
        report = _measure_text(s, pixels)
        if report is None:
            continue
        texts.append(report)
        if not s.item.inherits("QQuickText"):
            continue    # an input scrolls its own text
        why = _clip_problem(s)
        if why is not None:
            clipped.append((report.text, why))

    overlaps = []
    for a, b in itertools.combinations(texts, 2):
        both = a.rect.intersected(b.rect)
        if both.width() > _TOLERANCE_PX and both.height() > _TOLERANCE_PX:
            overlaps.append((a.text, b.text))

    controls = []
    for s, role, name in _controls(seen):
        if s.disabled or s.rect.intersected(s.view).isEmpty():
            continue
        if not name:
            inner = sorted((t for t in texts if s.rect.contains(t.rect.center())),
                           key=lambda t: (round(t.rect.top()), t.rect.left()))
            name = " ".join(t.text for t in inner)
        bare = s.item.inherits("QQuickMouseArea")
        controls.append(ControlReport(name=name, role=role, w=s.rect.width(), h=s.rect.height(),
                                      contrast=None if bare else _edge_contrast(s, pixels), item=s.item,
                                      key=_key(s.item)))
    return PageAudit(texts=texts, controls=controls, overlaps=overlaps, clipped=clipped)


def _settle(ms: int = _SCROLL_SETTLE_MS) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def _scroll_positions(flickable: QQuickItem, axis: str) -> list[float]:
    """The content positions that show every part of FLICKABLE's content along AXIS ("x" or "y"), a little less
    than a screenful apart, from the start to the end."""
    size = flickable.height() if axis == "y" else flickable.width()
    content = float(flickable.property("contentHeight" if axis == "y" else "contentWidth"))
    origin = float(flickable.property("originY" if axis == "y" else "originX"))
    if content <= size + 1 or size <= 0:
        return []
    last = origin + content - size
    step = size * 0.8
    count = int((last - origin) // step) + 1
    return [min(origin + i * step, last) for i in range(1, count + 1)]


def audit_scrolled(window: QQuickWindow) -> PageAudit:
    """Measure the page WINDOW shows and every part of it a visitor can scroll to: each view that scrolls is moved
    a little less than a screenful at a time to its end, measured at every stop and put back. The findings are
    merged; a text or control seen at several stops counts with its worst measurement."""
    audits = [audit_window(window)]
    flickables = [s.item for s in _walk(window)
                  if s.item.inherits("QQuickFlickable") and bool(s.item.property("interactive"))]
    for flickable in flickables:
        for axis in ("y", "x"):
            prop = "contentY" if axis == "y" else "contentX"
            start = flickable.property(prop)
            # A list view knows its full length only as it creates its rows: look again after each step. Its
            # estimate of where its content starts moves as rows of other heights are created, so the stops are
            # taken only forwards (each past the last one), or the walk would never end.
            reached: float | None = None
            while True:
                ahead = [p for p in _scroll_positions(flickable, axis) if reached is None or p > reached + 1]
                if not ahead:
                    break
                reached = ahead[0]
                flickable.setProperty(prop, reached)
                _settle()
                audits.append(audit_window(window))
            if reached is not None:
                flickable.setProperty(prop, start)
                _settle()
    return _merged(audits)


def _merged(audits: list[PageAudit]) -> PageAudit:
    texts: dict[tuple[int, str], TextReport] = {}
    controls: dict[tuple[int, str], ControlReport] = {}
    overlaps: dict[tuple[str, str], None] = {}
    clipped: dict[tuple[str, str], None] = {}
    for audit in audits:
        for t in audit.texts:
            key = (t.key, t.text)
            if key not in texts or t.contrast < texts[key].contrast:
                texts[key] = t
        for c in audit.controls:
            ckey = (c.key, c.name)
            known = controls.get(ckey)
            if known is None or (c.contrast is not None and (known.contrast is None or c.contrast < known.contrast)):
                controls[ckey] = c
        overlaps.update(dict.fromkeys(audit.overlaps))
        clipped.update(dict.fromkeys(audit.clipped))
    return PageAudit(texts=list(texts.values()), controls=list(controls.values()), overlaps=list(overlaps),
                     clipped=list(clipped))
