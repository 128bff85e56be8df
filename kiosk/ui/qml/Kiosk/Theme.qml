pragma Singleton
import QtQuick

// Touch tokens shared by every page: use these, never literal sizes or colours.
QtObject {
    // Set by Main.qml from the window size.
    property bool portrait: true
    // Set by Main.qml from Shell.largeText (大字 mode; off on staff screens): sizes and targets grow by `scale`.
    property bool largeText: false
    readonly property real scale: largeText ? 1.4 : 1.0

    // A literal size that no token covers, grown with 大字 mode: Theme.px(8).
    function px(size) { return Math.round(size * scale) }

    readonly property int touchMin: px(72)      // smallest touch target, px (>= 64; >= 88 in 大字 mode)
    // The least a target may shrink to where a row of them must fit (the keyboard): 64, 90 in 大字 mode.
    readonly property int touchFloor: px(64)
    readonly property string fontFamily: "Kiosk Sans SC"
    readonly property int fontSmall: px(portrait ? 24 : 22)    // >= 30 px in 大字 mode
    readonly property int fontBody: px(portrait ? 30 : 28)     // >= 28 px
    readonly property int fontTitle: px(portrait ? 40 : 36)
    readonly property int fontHuge: px(portrait ? 60 : 54)
    readonly property int spacing: px(24)
    readonly property int radius: px(16)
    readonly property int navBarHeight: px(104)
    readonly property int pageMargin: portrait ? 40 : 56
    readonly property int readableWidth: px(1320)   // widest text column of reading pages, px

    readonly property color bg: "#f3f5f9"
    readonly property color surface: "#ffffff"
    readonly property color primary: "#1e5aa8"
    // WORKAROUND: QML reads "onPrimary: …" as a signal handler, so this contract name
    // cannot have an initialiser; it is set once when the singleton is created.
    property color onPrimary
    Component.onCompleted: onPrimary = "#ffffff"
    // Contrast (checked by tests/test_ui_audit.py): text colours are at least 4.5:1 against bg and surface, and
    // white text is at least 4.5:1 on primary, accent, stationBadge, danger and disabled.
    readonly property color text: "#1b2430"
    readonly property color textMuted: "#5c6673"
    readonly property color accent: "#a35a00"           // orange, dark enough for text and white labels
    readonly property color danger: "#c0392b"
    readonly property color stationBadge: "#b34700"
    // Lines that only separate; the outline of a control is controlBorder.
    readonly property color divider: "#dde2ea"
    // The outline of a light control on bg or surface: at least 3:1 against both, so a visitor sees where to tap.
    readonly property color controlBorder: "#7d8794"
    readonly property color disabled: "#6b7480"         // grey chips (已结束 / 已过期) with white text
}
