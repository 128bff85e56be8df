import QtQuick

// Where am I on a long page, and a way back up: a scroll position bar along the right edge of FLICK,
// always shown while the page is longer than the screen, and "回到顶部" once the visitor has scrolled.
// Lay it over the Flickable (anchors.fill: flick).
Item {
    id: aids
    property Flickable flick: null
    readonly property bool longPage: flick !== null && flick.contentHeight > flick.height + 1
    readonly property bool scrolled: flick !== null && flick.contentY > flick.height / 3

    Rectangle {
        id: track
        objectName: "scrollTrack"
        visible: aids.longPage
        anchors { right: parent.right; top: parent.top; bottom: parent.bottom; margins: Theme.spacing / 3 }
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

    TouchButton {
        objectName: "backToTop"
        anchors { right: track.left; bottom: parent.bottom; margins: Theme.spacing }
        visible: aids.longPage && aids.scrolled
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
