// One search hit (its kind is the list section): the title; a tap opens the record's detail page.
import QtQuick
import QtQuick.Controls

ItemDelegate {
    id: row

    required property string recordId
    required property string title
    required property int index

    objectName: "result_" + recordId
    implicitHeight: Math.max(Theme.touchMin + Theme.spacing, label.implicitHeight + Theme.spacing * 2)
    focusPolicy: Qt.NoFocus

    background: Rectangle {
        color: row.down ? Theme.bg : Theme.surface
        Rectangle {
            anchors.left: parent.left
            anchors.right: parent.right
            anchors.bottom: parent.bottom
            height: 1
            color: Theme.bg
        }
    }

    contentItem: Item {
        Text {
            id: label
            anchors.left: parent.left
            anchors.right: parent.right
            anchors.verticalCenter: parent.verticalCenter
            anchors.leftMargin: Theme.spacing
            anchors.rightMargin: Theme.spacing
            text: row.title
            wrapMode: Text.Wrap
            maximumLineCount: 2
            elide: Text.ElideRight
            font.family: Theme.fontFamily
            font.pixelSize: Theme.fontBody
            color: Theme.text
        }
    }

    onClicked: ApplicationWindow.window.openRecord(recordId)
}
