import QtQuick
import QtQuick.Controls

// A modal yes/no question with large buttons (delete, restore, restart, exit).
Popup {
    id: popup
    property string message: ""
    property string confirmText: qsTr("确定")
    signal confirmed()

    parent: Overlay.overlay
    anchors.centerIn: parent
    width: Math.min(parent ? parent.width - 80 : 800, 860)
    modal: true
    focus: true
    closePolicy: Popup.CloseOnPressOutside
    padding: Theme.spacing * 1.5
    background: Rectangle { color: Theme.surface; radius: Theme.radius; border.color: Theme.divider }

    contentItem: Column {
        spacing: Theme.spacing * 1.5
        Text {
            textFormat: Text.PlainText
            width: parent.width
            text: popup.message
            wrapMode: Text.Wrap
            color: Theme.text
            font.family: Theme.fontFamily
            font.pixelSize: Theme.fontBody
        }
        Row {
            spacing: Theme.spacing
            anchors.right: parent.right
            Tile {
                objectName: popup.objectName + "Cancel"
                width: 240
                compact: true
                fill: Theme.textMuted
                text: qsTr("取消")
                onClicked: popup.close()
            }
            Tile {
                objectName: popup.objectName + "Ok"
                width: 240
                compact: true
                fill: Theme.danger
                text: popup.confirmText
                onClicked: { popup.close(); popup.confirmed() }
            }
        }
    }
}
