import QtQuick
import QtQuick.Shapes
import KioskBackend

// Booking QR for one (service or event, booking type): the QR (>= 300 px), the short code (what it
// is for: staff can book with it too) and the 打印凭条 button, or, with no usable printer, a plain
// sentence saying so (never a disabled-looking button). Used by the detail pages and BookingPage.
Item {
    id: root
    objectName: "bookingQr"
    property string serviceId: ""
    property string bookingTypeId: ""
    // Side of the QR frame in px; never below 300 so a phone reads it from 40 cm. The image
    // inside is a whole number of px per module (53 modules: 7 px → 371 px at 420).
    property int qrSizePx: 420

    // Reads Shell.language: the link's {lang} is the visitor's language (urlFor reads it), so a switch makes it again.
    readonly property string url: bookingTypeId !== "" && Shell.language ? Booking.urlFor(serviceId, bookingTypeId) : ""
    readonly property string shortCode: url !== "" ? Booking.shortCode(serviceId, bookingTypeId) : ""
    // idle | printing | done | failed — only this instance's own print job moves it.
    property string printState: "idle"
    property string printMessage: ""

    implicitWidth: Math.max(qrFrame.width, printButton.implicitWidth)
    implicitHeight: column.implicitHeight

    onServiceIdChanged: printState = "idle"
    onBookingTypeIdChanged: printState = "idle"

    Connections {
        target: Booking
        function onPrintFinished(ok, message) {
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

    Column {
        id: column
        width: parent.width
        spacing: Theme.spacing / 2

        Rectangle {
            id: qrFrame
            anchors.horizontalCenter: parent.horizontalCenter
            // No link (a production terminal still on the demo booking host): no empty frame, a person instead.
            visible: root.url !== ""
            width: Math.max(300, root.qrSizePx)
            height: width
            color: "white"
            radius: Theme.radius / 2
            border.color: Theme.divider
            border.width: 1

            // The dark modules as one vector path in module units, scaled by a whole number of px
            // per module so every edge is sharp. A path, not an image: no image provider (PySide's
            // QtQuick binding), no image decoder, and it goes with the page.
            Item {
                id: qrImage
                objectName: "bookingQrImage"
                // Drawn through a layer: the software renderer does not clip a Shape to a scrolling page's
                // Flickable, and a QR scrolled half out of view would be painted over the bars around it.
                layer.enabled: true
                Accessible.role: Accessible.Graphic
                Accessible.name: qsTr("预约二维码")
                Accessible.description: root.shortCode !== "" ? qsTr("短码") + " " + root.shortCode : ""
                anchors.centerIn: parent
                property var qr: root.url !== "" ? Booking.qrModules(root.serviceId, root.bookingTypeId) : ({})
                readonly property int modules: qr.size || 0
                readonly property int modulePx: modules ? Math.floor((qrFrame.width - 4) / modules) : 0
                readonly property int paintedWidth: modulePx * modules
                readonly property int paintedHeight: paintedWidth
                width: paintedWidth
                height: paintedHeight
                visible: modules > 0

                Shape {
                    width: qrImage.modules
                    height: qrImage.modules
                    scale: qrImage.modulePx
                    transformOrigin: Item.TopLeft
                    ShapePath {
                        fillColor: "black"
                        strokeWidth: -1
                        PathSvg { path: qrImage.modules ? qrImage.qr.path : "" }
                    }
                }
            }
        }

        Text {
            textFormat: Text.PlainText
            anchors.horizontalCenter: parent.horizontalCenter
            width: parent.width
            objectName: "bookingQrHint"
            text: root.url !== "" ? qsTr("请用手机扫描二维码完成预约") : qsTr("本站预约服务暂未开通，请咨询工作人员")
            color: Theme.text
            font.family: Theme.fontFamily
            font.pixelSize: Theme.fontBody
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.Wrap
        }

        Text {
            textFormat: Text.PlainText
            objectName: "bookingShortCode"
            anchors.horizontalCenter: parent.horizontalCenter
            width: parent.width
            visible: root.shortCode !== ""
            // Without a printer the sentence below already says to give the code to staff.
            text: Booking.printerAvailable ? qsTr("短码 %1\n可报给工作人员").arg(root.shortCode)
                                           : qsTr("短码 %1").arg(root.shortCode)
            color: Theme.text
            font.family: Theme.fontFamily
            font.pixelSize: Theme.fontBody
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.Wrap
            Accessible.role: Accessible.StaticText
            Accessible.name: text
        }

        TouchButton {
            id: printButton
            objectName: "bookingPrintButton"
            anchors.horizontalCenter: parent.horizontalCenter
            visible: root.url !== "" && Booking.printerAvailable
            width: Math.max(qrFrame.width, implicitWidth)
            enabled: !Booking.printing && root.printState !== "printing"
            text: root.printState === "printing" ? qsTr("正在打印…") : qsTr("打印凭条")
            // While printing: a light button whose grey text stays readable.
            fill: enabled ? Theme.primary : Theme.bg
            ink: enabled ? Theme.onPrimary : Theme.textMuted
            Accessible.role: Accessible.Button
            Accessible.name: qsTr("打印凭条")
            Accessible.onPressAction: if (enabled) clicked()
            onClicked: {
                root.printState = "printing"
                Booking.printSlip(root.serviceId, root.bookingTypeId)
            }
        }

        // No usable printer: said plainly, with what to do instead.
        Text {
            textFormat: Text.PlainText
            objectName: "bookingNoPrinter"
            anchors.horizontalCenter: parent.horizontalCenter
            width: parent.width
            visible: root.url !== "" && !Booking.printerAvailable
            text: qsTr("本机暂不能打印，\n请扫码或把短码报给工作人员")
            color: Theme.text
            font.family: Theme.fontFamily
            font.pixelSize: Theme.fontBody
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.Wrap
        }

        Text {
            textFormat: Text.PlainText
            objectName: "bookingPrintMessage"
            anchors.horizontalCenter: parent.horizontalCenter
            width: parent.width
            visible: root.printState === "done" || root.printState === "failed"
            text: root.printMessage
            color: root.printState === "failed" ? Theme.danger : Theme.primary
            font.family: Theme.fontFamily
            font.pixelSize: Theme.fontBody
            font.bold: true
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.Wrap
        }
    }
}
