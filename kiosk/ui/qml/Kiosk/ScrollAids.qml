import QtQuick

// Where am I on a long page, and a way back up: a scroll position bar along the right edge of FLICK,
// always shown while the page is longer than the screen, and a strip under FLICK that says there is more
// below ("向上滑动查看更多") and, once the visitor has scrolled, holds "回到顶部". The strip has a place of
// its own, so the button never covers the text. Lay it over FLICK and the page below it
// (anchors: left, right and top of FLICK, bottom of the page) and keep FLICK's bottom footerHeight above
// the page's bottom.
Item {
    id: aids
    property Flickable flick: null
    // Measured against the whole height (FLICK's and the strip's), so the strip never decides its own need.
    readonly property bool longPage: flick !== null && flick.contentHeight > height + 1
    readonly property real footerHeight: longPage ? Theme.touchMin + Theme.spacing : 0
    readonly property bool scrolled: longPage && flick.contentY > flick.height / 3
    readonly property bool atEnd: flick !== null && flick.contentY >= flick.contentHeight - flick.height - 1

    Rectangle {
        id: track
        objectName: "scrollTrack"
        visible: aids.longPage
        anchors { right: parent.right; top: parent.top; bottom: parent.bottom; margins: Theme.spacing / 3
                  bottomMargin: aids.footerHeight + Theme.spacing / 3 }
        width: Theme.spacing / 2
        radius: width / 2
        color: Theme.divider

        Rectangle {
            id: thumb
            objectName: "scrollThumb"
            width: parent.width
            radius: width / 2
            // textMuted on the page background: well over the 3:1 that a position mark needs.
            color: Theme.textMuted
            readonly property real ratio: aids.flick ? aids.flick.visibleArea.heightRatio : 1
            height: Math.max(Theme.touchMin, track.height * ratio)
            y: aids.flick && ratio < 1
               ? Math.max(0, Math.min(track.height - height,
                                      aids.flick.visibleArea.yPosition / (1 - ratio) * (track.height - height)))
               : 0
        }
    }

    // Opaque: the page's own background behind the hint, whatever the page draws (or leaves bare) there.
    Rectangle {
        id: footer
        anchors { left: parent.left; right: parent.right; bottom: parent.bottom }
        height: aids.footerHeight
        color: Theme.bg
        visible: aids.longPage

        Text {
            objectName: "moreBelowHint"
            textFormat: Text.PlainText
            anchors { left: parent.left; leftMargin: Theme.pageMargin; verticalCenter: parent.verticalCenter }
            visible: !aids.atEnd
            text: qsTr("向上滑动查看更多")
            color: Theme.textMuted
            font.family: Theme.fontFamily
            font.pixelSize: Theme.fontSmall
        }

        TouchButton {
            objectName: "backToTop"
            anchors { right: parent.right; rightMargin: Theme.pageMargin; verticalCenter: parent.verticalCenter }
            visible: aids.scrolled
            text: qsTr("回到顶部")
            fill: Theme.primary
            ink: Theme.onPrimary
            Accessible.role: Accessible.Button
            Accessible.name: qsTr("回到顶部")
            onClicked: {
                aids.flick.cancelFlick()
                aids.flick.contentY = 0
            }
        }
    }
}
