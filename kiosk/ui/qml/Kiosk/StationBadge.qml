import QtQuick

// The visible label of a station announcement: 本站公告 (置顶 when pinned), in Theme.stationBadge.
Rectangle {
    property bool pinned: false
    width: label.implicitWidth + Theme.px(24)
    height: label.implicitHeight + Theme.px(10)
    radius: Theme.px(8)
    color: Theme.stationBadge
    Text {
        id: label
        textFormat: Text.PlainText
        anchors.centerIn: parent
        text: parent.pinned ? qsTr("本站公告 · 置顶") : qsTr("本站公告")
        color: Theme.onPrimary
        font.family: Theme.fontFamily
        font.pixelSize: Theme.fontSmall
        font.bold: true
    }
}
