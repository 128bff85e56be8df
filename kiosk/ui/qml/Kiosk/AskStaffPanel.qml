import QtQuick
import KioskBackend

// The 找工作人员 panel: where staff are (desk), how to reach them (the station's phone, the hotline),
// the opening hours and, when a booking short code is on screen, what it is for. An opaque card over a
// dimmed page; the large 关闭 button, a tap beside the card or the idle reset close it.
Rectangle {
    id: panel
    objectName: "askStaffPanel"
    // The booking short code on the page beneath ('' when none).
    property string shortCode: ""

    function open(code) {
        shortCode = code
        visible = true
    }
    function close() {
        visible = false
    }

    anchors.fill: parent
    z: 50
    visible: false
    color: Qt.rgba(Theme.text.r, Theme.text.g, Theme.text.b, 0.6)

    Connections {
        target: Shell
        function onVisitorResetDone() { panel.close() }
    }

    // A tap beside the card closes the panel.
    MouseArea {
        anchors.fill: parent
        onClicked: panel.close()
    }

    Rectangle {
        id: card
        anchors.centerIn: parent
        width: Math.min(parent.width - 2 * Theme.pageMargin, Theme.readableWidth)
        height: Math.min(parent.height - 2 * Theme.pageMargin, content.implicitHeight + 2 * Theme.spacing)
        radius: Theme.radius
        color: Theme.surface

        // Taps on the card stay on the card.
        MouseArea { anchors.fill: parent }

        Flickable {
            anchors { fill: parent; margins: Theme.spacing }
            contentHeight: content.implicitHeight
            clip: true
            boundsBehavior: Flickable.StopAtBounds

            Column {
                id: content
                width: parent.width
                spacing: Theme.spacing

                Text {
                    textFormat: Text.PlainText
                    width: parent.width
                    text: qsTr("找工作人员")
                    color: Theme.primary
                    font.family: Theme.fontFamily
                    font.pixelSize: Theme.fontHuge
                    font.bold: true
                    wrapMode: Text.Wrap
                    Accessible.role: Accessible.Heading
                    Accessible.name: text
                }
                Text {
                    textFormat: Text.PlainText
                    width: parent.width
                    text: qsTr("工作人员可以当面帮您查找、预约和办理。")
                    color: Theme.text
                    font.family: Theme.fontFamily
                    font.pixelSize: Theme.fontBody
                    wrapMode: Text.Wrap
                }
                StaffContact {
                    objectName: "askStaffContact"
                    width: parent.width
                    showHours: true
                }
                Rectangle {
                    objectName: "askStaffShortCode"
                    visible: panel.shortCode !== ""
                    width: parent.width
                    height: shortCodeText.implicitHeight + Theme.spacing
                    radius: Theme.radius / 2
                    color: Theme.bg
                    Text {
                        id: shortCodeText
                        textFormat: Text.PlainText
                        anchors { fill: parent; margins: Theme.spacing / 2 }
                        text: qsTr("您的预约短码 %1：可报给工作人员，不用手机也能帮您办理预约。").arg(panel.shortCode)
                        color: Theme.text
                        font.family: Theme.fontFamily
                        font.pixelSize: Theme.fontBody
                        font.bold: true
                        wrapMode: Text.Wrap
                        Accessible.role: Accessible.StaticText
                        Accessible.name: text
                    }
                }
                TouchButton {
                    objectName: "askStaffClose"
                    width: parent.width
                    height: Theme.touchMin * 1.25
                    text: qsTr("关闭")
                    fill: Theme.primary
                    ink: Theme.onPrimary
                    font.bold: true
                    Accessible.role: Accessible.Button
                    Accessible.name: qsTr("关闭")
                    Accessible.onPressAction: panel.close()
                    onClicked: panel.close()
                }
            }
        }
    }
}
