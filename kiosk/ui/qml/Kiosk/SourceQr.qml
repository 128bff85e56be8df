import QtQuick
import QtQuick.Shapes
import KioskBackend

// Take the page away: the QR of the record's official web page ("扫码查看原文", only when the record has
// a source_url) and "打印摘要", which prints a summary slip (only while a printer can print). Without
// either the block is absent, never a disabled-looking control.
Column {
    id: root
    objectName: "sourceQr"
    property string recordId: ""
    property string url: ""
    property var qr: ({})            // {size, path} from the Content facade, {} without a url
    // Side of the QR frame in px: at least 300 so a phone reads it from 40 cm.
    property int qrSizePx: 360
    readonly property int qrSide: Math.max(300, qrSizePx)

    readonly property bool hasQr: url !== "" && (qr.size || 0) > 0
    readonly property bool canPrint: Shell.hasSingleton("Booking") && Booking.printerAvailable
    // idle | printing | done | failed — only this block's own print job moves it.
    property string printState: "idle"
    property string printMessage: ""

    // For the page's jump chips: whether the block is there, and what its chip says.
    readonly property bool present: hasQr || canPrint
    readonly property string label: hasQr ? qsTr("扫码查看原文") : qsTr("打印摘要")
    visible: present
    spacing: Theme.spacing / 2

    onRecordIdChanged: printState = "idle"

    Connections {
        target: Shell.hasSingleton("Booking") ? Booking : null
        ignoreUnknownSignals: true
        function onSummaryPrintFinished(ok, message) {
            if (root.printState !== "printing")
                return
            root.printState = ok ? "done" : "failed"
            root.printMessage = message
            messageTimer.restart()
        }
        function onStateCleared() { root.printState = "idle" }
    }

    Timer {
        id: messageTimer
        interval: 10000
        onTriggered: root.printState = "idle"
    }

    Text {
        textFormat: Text.PlainText
        width: parent.width
        visible: root.hasQr
        text: qsTr("扫码查看原文")
        color: Theme.primary
        font.family: Theme.fontFamily
        font.pixelSize: Theme.fontTitle
        font.bold: true
    }

    // Made only for a record with a source: most pages have none, and a Shape is not free to build.
    Loader {
        active: root.hasQr
        visible: active
        sourceComponent: Component {
            Rectangle {
                id: frame
                objectName: "sourceQrFrame"
                width: root.qrSide
                height: width
                color: "white"
                radius: Theme.radius / 2
                border.color: Theme.divider
                border.width: 1
                Accessible.role: Accessible.Graphic
                Accessible.name: qsTr("原文网址二维码")

                // The dark modules as one vector path in module units, scaled by a whole number of px per
                // module so every edge is sharp (as BookingQr draws the booking QR).
                Item {
                    id: qrImage
                    objectName: "sourceQrImage"
                    // Drawn through a layer: the software renderer does not clip a Shape to a scrolling page's
                    // Flickable, and a QR scrolled half out of view would be painted over the bars around it.
                    layer.enabled: true
                    anchors.centerIn: parent
                    readonly property int modules: root.qr.size || 0
                    readonly property int modulePx: modules ? Math.floor((frame.width - 4) / modules) : 0
                    width: modulePx * modules
                    height: width
                    visible: modules > 0

                    Shape {
                        width: qrImage.modules
                        height: qrImage.modules
                        scale: qrImage.modulePx
                        transformOrigin: Item.TopLeft
                        ShapePath {
                            fillColor: "black"
                            strokeWidth: -1
                            PathSvg { path: qrImage.modules ? root.qr.path : "" }
                        }
                    }
                }
            }
        }
    }

    Text {
        objectName: "sourceUrlText"
        textFormat: Text.PlainText
        width: parent.width
        visible: root.hasQr
        text: root.url
        color: Theme.textMuted
        font.family: Theme.fontFamily
        font.pixelSize: Theme.fontSmall
        wrapMode: Text.WrapAnywhere
    }

    TouchButton {
        objectName: "printSummaryButton"
        visible: root.canPrint
        enabled: root.printState !== "printing"
        width: Math.max(root.qrSide, implicitWidth)
        text: root.printState === "printing" ? qsTr("正在打印…") : qsTr("打印摘要")
        fill: Theme.primary
        ink: Theme.onPrimary
        Accessible.role: Accessible.Button
        Accessible.name: qsTr("打印摘要")
        onClicked: {
            root.printState = "printing"
            Booking.printSummary(root.recordId)
        }
    }

    Text {
        objectName: "printSummaryMessage"
        textFormat: Text.PlainText
        width: parent.width
        visible: root.printState === "done" || root.printState === "failed"
        text: root.printMessage
        color: root.printState === "failed" ? Theme.danger : Theme.primary
        font.family: Theme.fontFamily
        font.pixelSize: Theme.fontBody
        font.bold: true
        wrapMode: Text.Wrap
    }
}
