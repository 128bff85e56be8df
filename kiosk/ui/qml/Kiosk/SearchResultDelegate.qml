// One search hit (its kind is the list section): the title; a tap opens the record's detail page.
import QtQuick

Rectangle {
    id: row

    required property string recordId
    required property string title
    required property int index

    objectName: "result_" + recordId
    implicitHeight: Math.max(Theme.touchMin + Theme.spacing, label.implicitHeight + Theme.spacing * 2)
    color: tap.pressed ? Theme.bg : Theme.surface
    // The outline tells one tappable hit from the next (and from the white list around them).
    border.color: Theme.controlBorder
    border.width: 1

    Text {
        id: label
        textFormat: Text.PlainText
        anchors { left: parent.left; right: parent.right; verticalCenter: parent.verticalCenter
                  leftMargin: Theme.spacing; rightMargin: Theme.spacing }
        text: row.title
        wrapMode: Text.Wrap
        maximumLineCount: 2
        elide: Text.ElideRight
        font.family: Theme.fontFamily
        font.pixelSize: Theme.fontBody
        color: Theme.text
    }

    MouseArea {
        id: tap
        anchors.fill: parent
        onClicked: row.Window.window.openRecord(row.recordId)
    }
}
