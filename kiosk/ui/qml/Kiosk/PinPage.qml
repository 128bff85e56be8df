import QtQuick
import KioskBackend

// Staff entry behind the hidden corner. With no PIN yet there is no pad: whoever taps the corner first
// must not choose it, so the page asks for a technician to run `ipkiosk admin set-pin`.
// Wrong PINs count towards the lockout (5 tries → 60 s, doubling up to 1 h), kept in station.db.
KioskPage {
    id: page
    objectName: "pinPage"
    staffPage: true
    pageTitle: "管理员登录"

    // enter | noPin | broken
    readonly property string mode: !AdminSession.stationOk ? "broken" : (AdminSession.pinIsSet ? "enter" : "noPin")
    property string message: ""

    function openAdmin() {
        pad.clear()
        page.Window.window.replacePage(page, "AdminPage.qml", {})
    }

    function submit(pin) {
        if (mode !== "enter")
            return
        AdminSession.checkPin(pin)
    }

    // The answer comes from the data service later; the entered dots stay until then.
    Connections {
        target: AdminSession
        function onPinChecked(result) {
            pad.clear()
            if (result.ok)
                page.openAdmin()
            else
                page.message = result.message
        }
    }

    // The PIN state and station.db's health are read when the page opens, then follow their signals.
    Component.onCompleted: AdminSession.refreshPin()
    onRemoved: pad.clear()

    Flickable {
        anchors.fill: parent
        contentHeight: column.implicitHeight + 2 * Theme.pageMargin
        clip: true
        boundsBehavior: Flickable.StopAtBounds

        Column {
            id: column
            y: Theme.portrait ? Theme.pageMargin * 3 : Theme.pageMargin
            width: parent.width
            spacing: Theme.spacing * 1.5

            Text {
                objectName: "pinPrompt"
                anchors.horizontalCenter: parent.horizontalCenter
                width: Math.min(parent.width - 2 * Theme.pageMargin, 900)
                horizontalAlignment: Text.AlignHCenter
                wrapMode: Text.Wrap
                textFormat: Text.PlainText
                text: page.mode === "broken" ? "本机数据库（station.db）无法打开"
                    : page.mode === "noPin" ? "尚未设置管理密码"
                    : AdminSession.lockedForS > 0 ? "已锁定，请 " + AdminSession.lockedForS + " 秒后再试"
                    : "请输入管理密码"
                color: (AdminSession.lockedForS > 0 && page.mode === "enter") || page.mode === "noPin" ? Theme.danger : Theme.text
                font.family: Theme.fontFamily
                font.pixelSize: Theme.fontTitle
                font.bold: true
            }

            Text {
                objectName: "pinMessage"
                anchors.horizontalCenter: parent.horizontalCenter
                width: Math.min(parent.width - 2 * Theme.pageMargin, 900)
                horizontalAlignment: Text.AlignHCenter
                wrapMode: Text.Wrap
                visible: text !== ""
                // The station problem names a file and an error from the data service: plain text, never markup.
                textFormat: Text.PlainText
                text: page.mode === "broken" ? AdminSession.stationProblem : page.mode === "noPin" ? AdminSession.noPinMessage
                    : page.message
                color: Theme.danger
                font.family: Theme.fontFamily
                font.pixelSize: Theme.fontBody
            }

            PinPad {
                id: pad
                objectName: "pinPad"
                visible: page.mode === "enter"
                anchors.horizontalCenter: parent.horizontalCenter
                minDigits: AdminSession.pinMinDigits
                maxDigits: AdminSession.pinMaxDigits
                active: AdminSession.lockedForS === 0
                onSubmitted: (pin) => page.submit(pin)
            }

            // station.db is corrupt: no PIN can be checked; offer the restore of a backup copy.
            Tile {
                objectName: "pinOpenRestore"
                visible: page.mode === "broken"
                anchors.horizontalCenter: parent.horizontalCenter
                width: Math.min(parent.width - 2 * Theme.pageMargin, 700)
                text: "从备份恢复本站数据"
                subtitle: "公告与密码保存在 station.db；原文件会被保留"
                onClicked: page.openAdmin()
            }
        }
    }
}
