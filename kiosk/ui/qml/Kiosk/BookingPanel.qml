import QtQuick
import KioskBackend

// The booking QR of a service or event, or a plain explanation when booking is not available
// (registration over, or this build has no booking module); and always how to reach a person.
Rectangle {
    id: panel
    property string serviceId: ""
    property string bookingTypeId: ""
    property string label: ""
    property bool closed: false        // e.g. a past event: registration greyed out
    property string closedText: qsTr("报名已结束")

    readonly property bool qrAvailable: !closed && bookingTypeId !== "" && Shell.hasSingleton("Booking")
    implicitHeight: column.implicitHeight + 2 * Theme.spacing
    radius: Theme.radius
    color: closed ? Theme.bg : Theme.surface
    border.color: closed ? Theme.disabled : Theme.accent
    border.width: 2

    Column {
        id: column
        anchors { left: parent.left; right: parent.right; top: parent.top; margins: Theme.spacing }
        spacing: Theme.spacing / 2
        Text {
            textFormat: Text.PlainText
            width: parent.width
            text: panel.closed ? panel.label + "（" + panel.closedText + "）" : panel.label
            color: panel.closed ? Theme.textMuted : Theme.accent
            font.family: Theme.fontFamily
            font.pixelSize: Theme.fontTitle
            font.bold: true
            wrapMode: Text.Wrap
        }
        Loader {
            objectName: "bookingQrLoader"
            anchors.horizontalCenter: parent.horizontalCenter
            active: panel.qrAvailable
            sourceComponent: Component {
                BookingQr {
                    serviceId: panel.serviceId
                    bookingTypeId: panel.bookingTypeId
                }
            }
        }
        Text {
            textFormat: Text.PlainText
            width: parent.width
            visible: !panel.qrAvailable
            text: panel.closed ? qsTr("该活动已结束，欢迎关注近期其他活动。")
                               : qsTr("请到服务窗口咨询工作人员，或在“预约咨询·维权援助”中扫码预约。")
            color: Theme.textMuted
            font.family: Theme.fontFamily
            font.pixelSize: Theme.fontBody
            wrapMode: Text.Wrap
        }
        StaffContact {
            objectName: "bookingContact"
            width: parent.width
        }
    }
}
