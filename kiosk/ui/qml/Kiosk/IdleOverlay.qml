import QtQuick

// The idle countdown: covers the page with an opaque screen (nothing of the page shows through) that
// says where the kiosk goes and when; 继续浏览 or any touch cancels it (Main restarts the idle timer).
Rectangle {
    id: overlay
    property int seconds: 10
    property int remaining: seconds
    signal expired()

    visible: false
    color: Theme.bg

    function open() {
        remaining = seconds
        visible = true
        tick.restart()
    }
    function close() {
        tick.stop()
        visible = false
    }

    Timer {
        id: tick
        interval: 1000
        repeat: true
        onTriggered: {
            overlay.remaining -= 1
            if (overlay.remaining <= 0) {
                overlay.close()
                overlay.expired()
            }
        }
    }

    // Swallow the cancelling touch so it does not also press whatever is underneath.
    MouseArea {
        anchors.fill: parent
        onClicked: overlay.close()
        Accessible.role: Accessible.Button
        Accessible.name: qsTr("继续浏览")
        Accessible.onPressAction: overlay.close()
    }

    Column {
        anchors.centerIn: parent
        width: Math.min(parent.width - 2 * Theme.pageMargin, Theme.readableWidth)
        spacing: Theme.spacing * 2
        Text {
            textFormat: Text.PlainText
            width: parent.width
            horizontalAlignment: Text.AlignHCenter
            text: qsTr("还在使用吗？")
            color: Theme.text
            font.family: Theme.fontFamily
            font.pixelSize: Theme.fontHuge
            font.bold: true
            wrapMode: Text.Wrap
        }
        Text {
            textFormat: Text.PlainText
            objectName: "idleCountdownText"
            width: parent.width
            horizontalAlignment: Text.AlignHCenter
            text: qsTr("%1 秒后返回欢迎页").arg(overlay.remaining)
            color: Theme.text
            font.family: Theme.fontFamily
            font.pixelSize: Theme.fontTitle
            wrapMode: Text.Wrap
        }
        TouchButton {
            objectName: "idleKeepReading"
            anchors.horizontalCenter: parent.horizontalCenter
            width: Math.min(parent.width, Math.max(implicitWidth, Theme.touchMin * 5))
            height: Math.max(Theme.touchMin * 1.5, implicitHeight)
            text: qsTr("继续浏览")
            font.pixelSize: Theme.fontTitle
            font.bold: true
            fill: Theme.primary
            ink: Theme.onPrimary
            Accessible.role: Accessible.Button
            Accessible.name: qsTr("继续浏览")
            Accessible.onPressAction: overlay.close()
            onClicked: overlay.close()
        }
    }
}
