import QtQuick

// A large on/off control (the Basic Switch indicator is too small for fingers).
Rectangle {
    id: toggle
    property string text: ""
    property bool checked: false
    signal toggled()

    implicitWidth: box.width + label.implicitWidth + 3 * Theme.spacing
    implicitHeight: Theme.touchMin
    radius: Theme.radius
    color: tap.pressed ? Qt.darker(Theme.surface, 1.08) : Theme.surface
    border.color: toggle.checked ? Theme.primary : Theme.controlBorder
    border.width: 2
    Accessible.role: Accessible.CheckBox
    Accessible.name: text
    Accessible.checkable: true
    Accessible.checked: checked
    Accessible.onToggleAction: accessibleToggle()
    Accessible.onPressAction: accessibleToggle()
    // What a tap does, for a screen reader's toggle or press action.
    function accessibleToggle() { checked = !checked; toggled() }

    Rectangle {
        id: box
        anchors { left: parent.left; leftMargin: Theme.spacing; verticalCenter: parent.verticalCenter }
        width: 44; height: 44; radius: 8
        color: toggle.checked ? Theme.primary : "transparent"
        border.color: toggle.checked ? Theme.primary : Theme.textMuted
        border.width: 3
        Text {
            textFormat: Text.PlainText
            anchors.centerIn: parent
            visible: toggle.checked
            text: "✓"
            color: Theme.onPrimary
            font.family: Theme.fontFamily
            font.pixelSize: Theme.fontBody
            font.bold: true
        }
    }
    Text {
        id: label
        textFormat: Text.PlainText
        anchors { left: box.right; leftMargin: Theme.spacing; right: parent.right; rightMargin: Theme.spacing
                  verticalCenter: parent.verticalCenter }
        text: toggle.text
        color: Theme.text
        font.family: Theme.fontFamily
        font.pixelSize: Theme.fontBody
        elide: Text.ElideRight
    }
    MouseArea {
        id: tap
        anchors.fill: parent
        onClicked: { toggle.checked = !toggle.checked; toggle.toggled() }
    }
}
