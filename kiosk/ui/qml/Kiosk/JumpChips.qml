import QtQuick

// A row of chips, one per part of a long page (受理条件, 申请材料 … or a policy's 一、二、三…); tapping one
// emits jump(index) and the page scrolls that part to the top. Wraps onto more lines, never clips.
Flow {
    id: chips
    objectName: "jumpChips"
    property var labels: []
    // The chip at this index acts on the page instead of jumping (a long outline's 还有 N 个标题，点此显示):
    // drawn filled, as a button, and named by its own words. -1: none.
    property int actionIndex: -1
    signal jump(int index)

    visible: labels.length > 0
    spacing: Theme.spacing / 2

    Repeater {
        model: chips.labels
        TouchButton {
            required property string modelData
            required property int index
            objectName: "jumpChip"
            // A chip never grows wider than the row: a long heading wraps inside it.
            width: Math.min(implicitWidth, chips.width)
            readonly property bool action: index === chips.actionIndex
            text: modelData
            fill: action ? Theme.primary : Theme.surface
            ink: action ? Theme.onPrimary : Theme.primary
            border.width: 2
            Accessible.role: Accessible.Button
            Accessible.name: action ? modelData : qsTr("跳到：%1").arg(modelData)
            onClicked: chips.jump(index)
        }
    }
}
