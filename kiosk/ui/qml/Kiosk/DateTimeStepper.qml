import QtQuick
import KioskBackend

// Pick an instant without typing: the China-time value in large type and −/+ steppers for
// day, hour and 10 minutes. `value` is a UTC ISO string (AdminAnnouncements.shiftInstant does the arithmetic).
Column {
    id: stepper
    property string value: ""
    property string namePrefix: "stepper"
    spacing: Theme.spacing / 2

    Text {
        textFormat: Text.PlainText
        objectName: stepper.namePrefix + "Value"
        text: AdminAnnouncements.formatInstant(stepper.value)
        color: Theme.text
        font.family: Theme.fontFamily
        font.pixelSize: Theme.fontTitle
        font.bold: true
    }

    Flow {
        width: parent.width
        spacing: Theme.spacing
        Repeater {
            model: [{ unit: "day", label: qsTr("日") }, { unit: "hour", label: qsTr("时") }, { unit: "minute", label: qsTr("10分") }]
            delegate: Row {
                id: group
                required property var modelData
                spacing: 8
                Tile {
                    objectName: stepper.namePrefix + "_" + group.modelData.unit + "_minus"
                    width: Theme.touchMin + 8; height: Theme.touchMin
                    compact: true
                    text: "−"
                    onClicked: stepper.value = AdminAnnouncements.shiftInstant(stepper.value, group.modelData.unit, -1)
                }
                Text {
                    textFormat: Text.PlainText
                    width: 84
                    height: Theme.touchMin
                    horizontalAlignment: Text.AlignHCenter
                    verticalAlignment: Text.AlignVCenter
                    text: group.modelData.label
                    color: Theme.textMuted
                    font.family: Theme.fontFamily
                    font.pixelSize: Theme.fontBody
                }
                Tile {
                    objectName: stepper.namePrefix + "_" + group.modelData.unit + "_plus"
                    width: Theme.touchMin + 8; height: Theme.touchMin
                    compact: true
                    text: "+"
                    onClicked: stepper.value = AdminAnnouncements.shiftInstant(stepper.value, group.modelData.unit, 1)
                }
            }
        }
    }
}
