import QtQuick

// A large touch target: a rounded card with a title and an optional subtitle.
Rectangle {
    id: tile
    property string text: ""
    property string subtitle: ""
    property bool compact: false
    property color fill: compact ? Qt.lighter(Theme.primary, 1.25) : Theme.surface
    property color ink: compact ? Theme.onPrimary : Theme.text
    signal clicked()

    implicitHeight: Math.max(Theme.touchMin, column.implicitHeight + 2 * Theme.spacing)
    implicitWidth: Math.max(titleText.implicitWidth, subtitleText.implicitWidth) + 2 * Theme.spacing
    radius: Theme.radius
    color: tap.pressed ? Qt.darker(fill, 1.1) : fill
    border.color: compact ? "transparent" : Theme.divider
    border.width: 1
    opacity: enabled ? 1 : 0.5

    Column {
        id: column
        anchors { left: parent.left; right: parent.right; verticalCenter: parent.verticalCenter; margins: Theme.spacing }
        spacing: 6
        Text {
            id: titleText
            textFormat: Text.PlainText
            width: parent.width
            text: tile.text
            color: tile.ink
            font.family: Theme.fontFamily
            font.pixelSize: tile.compact ? Theme.fontBody : Theme.fontTitle
            font.bold: true
            horizontalAlignment: tile.compact ? Text.AlignHCenter : Text.AlignLeft
            wrapMode: Text.Wrap
        }
        Text {
            id: subtitleText
            textFormat: Text.PlainText
            width: parent.width
            visible: tile.subtitle !== ""
            text: tile.subtitle
            color: Theme.textMuted
            font.family: Theme.fontFamily
            font.pixelSize: Theme.fontSmall
            wrapMode: Text.Wrap
        }
    }

    MouseArea {
        id: tap
        anchors.fill: parent
        enabled: tile.enabled
        onClicked: tile.clicked()
    }
}
