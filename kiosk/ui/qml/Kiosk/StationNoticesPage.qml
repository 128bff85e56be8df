import QtQuick
import KioskBackend

// 本站公告: announcements of this station (from station.db), pinned first.
KioskPage {
    id: page
    objectName: "stationNoticesPage"
    pageTitle: qsTr("本站公告")

    ListView {
        id: list
        objectName: "announcementList"
        anchors { fill: parent; leftMargin: Theme.pageMargin; rightMargin: Theme.pageMargin }
        topMargin: Theme.spacing
        bottomMargin: Theme.spacing
        spacing: Theme.spacing / 2
        clip: true
        boundsBehavior: Flickable.StopAtBounds
        model: Announcements
        delegate: Rectangle {
            required property var model
            width: ListView.view.width
            height: column.implicitHeight + 2 * Theme.spacing
            radius: Theme.radius
            color: Theme.surface
            border.color: Theme.stationBadge
            border.width: 2
            Column {
                id: column
                anchors { left: parent.left; right: parent.right; top: parent.top; margins: Theme.spacing }
                spacing: Theme.spacing / 2
                Row {
                    spacing: Theme.spacing / 2
                    width: parent.width
                    StationBadge { id: badge; pinned: model.pinned }
                    Text {
                        textFormat: Text.PlainText
                        width: parent.width - badge.width - parent.spacing
                        text: model.title
                        color: Theme.text
                        font.family: Theme.fontFamily
                        font.pixelSize: Theme.fontBody
                        font.bold: true
                        wrapMode: Text.Wrap
                    }
                }
                Text {
                    textFormat: Text.PlainText
                    visible: text !== ""
                    text: model.period
                    color: Theme.textMuted
                    font.family: Theme.fontFamily
                    font.pixelSize: Theme.fontSmall
                }
                BodyText { width: parent.width; blocks: model.blocks }
            }
        }
        Text {
            textFormat: Text.PlainText
            anchors.centerIn: parent
            visible: list.count === 0
            text: qsTr("暂无本站公告")
            color: Theme.textMuted
            font.family: Theme.fontFamily
            font.pixelSize: Theme.fontTitle
        }
    }
}
