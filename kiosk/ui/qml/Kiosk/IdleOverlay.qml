import QtQuick

// The idle countdown: covers the page; any touch cancels it (Main restarts the idle timer).
Rectangle {
    id: overlay
    property int seconds: 10
    property int remaining: seconds
    signal expired()

    visible: false
    color: "#cc000000"

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
        width: parent.width * 0.8
        spacing: Theme.spacing
        Text {
            textFormat: Text.PlainText
            width: parent.width
            horizontalAlignment: Text.AlignHCenter
            text: qsTr("还在使用吗？")
            color: "white"
            font.family: Theme.fontFamily
            font.pixelSize: Theme.fontHuge
            font.bold: true
        }
        Text {
            textFormat: Text.PlainText
            objectName: "idleCountdownText"
            width: parent.width
            horizontalAlignment: Text.AlignHCenter
            text: qsTr("%1 秒后返回首页，触摸屏幕继续浏览").arg(overlay.remaining)
            color: "white"
            font.family: Theme.fontFamily
            font.pixelSize: Theme.fontTitle
            wrapMode: Text.Wrap
        }
    }
}
