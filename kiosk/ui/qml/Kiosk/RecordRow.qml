import QtQuick

// One row of a record list: title, subtitle and date; greyed when inactive (expired / past).
Rectangle {
    id: row
    property string title: ""
    property string subtitle: ""
    property string date: ""
    property string badge: ""
    property bool inactive: false
    signal clicked()

    implicitHeight: Math.max(Theme.touchMin + Theme.px(40), column.implicitHeight + 2 * Theme.spacing)
    radius: Theme.radius
    color: tap.pressed ? Qt.darker(Theme.surface, 1.06) : Theme.surface
    border.color: Theme.controlBorder
    Accessible.role: Accessible.ListItem
    Accessible.name: title
    Accessible.description: [badge, date, subtitle].filter(s => s !== "").join(" ")
    Accessible.onPressAction: clicked()

    Column {
        id: column
        anchors { left: parent.left; right: parent.right; verticalCenter: parent.verticalCenter; margins: Theme.spacing }
        spacing: Theme.px(8)
        Row {
            width: parent.width
            spacing: Theme.spacing / 2
            Rectangle {
                id: badgeBox
                visible: row.badge !== ""
                width: badgeText.implicitWidth + Theme.px(20)
                height: badgeText.implicitHeight + Theme.px(8)
                radius: Theme.px(8)
                // White on these two is 6.8:1 and 5.8:1 (on the accent and the disabled grey it was 2.7:1 and 2.2:1).
                color: row.inactive ? Theme.textMuted : Theme.primary
                anchors.verticalCenter: parent.verticalCenter
                Text {
                    id: badgeText
                    textFormat: Text.PlainText
                    anchors.centerIn: parent
                    text: row.badge
                    color: Theme.onPrimary
                    font.family: Theme.fontFamily
                    font.pixelSize: Theme.fontSmall
                }
            }
            Text {
                textFormat: Text.PlainText
                width: parent.width - (badgeBox.visible ? badgeBox.width + parent.spacing : 0)
                text: row.title
                color: row.inactive ? Theme.textMuted : Theme.text
                font.family: Theme.fontFamily
                font.pixelSize: Theme.fontBody
                font.bold: true
                wrapMode: Text.Wrap
                maximumLineCount: 3
                elide: Text.ElideRight
            }
        }
        Text {
            textFormat: Text.PlainText
            width: parent.width
            visible: text !== ""
            text: [row.date, row.subtitle].filter(s => s !== "").join("　")
            color: Theme.textMuted
            font.family: Theme.fontFamily
            font.pixelSize: Theme.fontSmall
            wrapMode: Text.Wrap
            maximumLineCount: 2
            elide: Text.ElideRight
        }
    }

    MouseArea {
        id: tap
        anchors.fill: parent
        onClicked: row.clicked()
    }
}
