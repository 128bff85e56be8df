import QtQuick
import KioskBackend

// 大字 (large-text) mode on/off for the visitor: one tap scales every text and target (Theme.scale).
// On shows a filled box with a check mark and a blue frame, not a colour change alone.
Rectangle {
    id: toggle
    objectName: "largeTextToggle"
    readonly property bool checked: Shell.largeText
    function flip() { Shell.largeText = !Shell.largeText }

    implicitWidth: box.anchors.leftMargin + box.width + label.anchors.leftMargin + label.implicitWidth + Theme.spacing
    implicitHeight: Theme.touchMin
    radius: Theme.radius
    color: tap.pressed ? Qt.darker(Theme.surface, 1.08) : Theme.surface
    border.color: checked ? Theme.primary : Theme.textMuted
    border.width: Theme.px(checked ? 4 : 2)

    Accessible.role: Accessible.CheckBox
    Accessible.name: qsTr("大字模式")
    Accessible.checkable: true
    Accessible.checked: checked
    Accessible.onPressAction: toggle.flip()
    Accessible.onToggleAction: toggle.flip()

    Rectangle {
        id: box
        anchors { left: parent.left; leftMargin: Theme.spacing / 2 + Theme.spacing / 4; verticalCenter: parent.verticalCenter }
        width: Math.round(Theme.touchMin * 0.6)
        height: width
        radius: Theme.radius / 2
        color: toggle.checked ? Theme.primary : Theme.surface
        border.color: toggle.checked ? Theme.primary : Theme.textMuted
        border.width: Theme.px(3)
        Text {
            textFormat: Text.PlainText
            anchors.centerIn: parent
            visible: toggle.checked
            text: "✓"
            color: Theme.onPrimary
            font.family: Theme.fontFamily
            font.pixelSize: Math.round(box.height * 0.6)   // the mark's line fits inside the box
            font.bold: true
        }
    }
    Text {
        id: label
        objectName: "largeTextLabel"
        textFormat: Text.PlainText
        anchors { left: box.right; leftMargin: Theme.spacing / 2; verticalCenter: parent.verticalCenter }
        text: qsTr("大字")
        color: Theme.text
        font.family: Theme.fontFamily
        font.pixelSize: Theme.fontBody
        font.bold: toggle.checked
    }
    MouseArea {
        id: tap
        anchors.fill: parent
        onClicked: toggle.flip()
    }
}
