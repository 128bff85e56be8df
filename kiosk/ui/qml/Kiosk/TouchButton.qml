import QtQuick

// A touch button of the visitor's screens: a rounded card with one centred line of text that
// darkens while pressed. Drawn here rather than taken from QtQuick.Controls, whose style and
// templates cost the UI process about 6 MB (docs/benchmarks.md) for a few buttons.
Rectangle {
    id: button

    property string text: ""
    property alias font: label.font
    property color fill: Theme.surface
    property color ink: Theme.text
    property real horizontalPadding: Theme.spacing
    readonly property alias down: tap.pressed
    signal clicked()

    implicitWidth: label.implicitWidth + 2 * horizontalPadding
    implicitHeight: Math.max(Theme.touchMin, label.implicitHeight + Theme.spacing)
    radius: Theme.radius
    color: down ? Qt.darker(fill, 1.15) : fill
    border.color: Theme.primary
    border.width: 0
    Accessible.role: Accessible.Button
    Accessible.name: text
    Accessible.onPressAction: if (enabled) clicked()

    Text {
        id: label
        textFormat: Text.PlainText
        anchors { fill: parent; leftMargin: button.horizontalPadding; rightMargin: button.horizontalPadding }
        text: button.text
        color: button.enabled ? button.ink : Theme.textMuted
        font.family: Theme.fontFamily
        font.pixelSize: Theme.fontBody
        horizontalAlignment: Text.AlignHCenter
        verticalAlignment: Text.AlignVCenter
        wrapMode: Text.Wrap
        maximumLineCount: 2
        elide: Text.ElideRight
    }

    MouseArea {
        id: tap
        anchors.fill: parent
        enabled: button.enabled
        onClicked: button.clicked()
    }
}
