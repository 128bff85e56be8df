import QtQuick
import QtQuick.Layouts
import KioskBackend

// 预约咨询 / 维权援助: pick one of the booking types (big buttons) → its QR, short code and 打印凭条.
// Opened from a service (serviceId) the service's own type is pre-selected and the QR names the
// service; picking another type books that type without the service.
KioskPage {
    id: page
    objectName: "bookingPage"
    pageTitle: "预约咨询 · 维权援助"
    property string serviceId: ""
    property string bookingTypeId: ""

    // The type that lists serviceId (or the one given), chosen once: when the page opens, or when the
    // service's record has come from the data service (Booking.recordLookedUp).
    property string serviceTypeId: bookingTypeId
    property string selectedTypeId: ""
    readonly property string selectedServiceId: selectedTypeId !== "" && selectedTypeId === serviceTypeId ? serviceId : ""
    property string serviceTitle: ""

    Component.onCompleted: {
        selectedTypeId = serviceTypeId
        if (serviceId !== "")
            Booking.lookUp(serviceId)
    }

    Connections {
        target: Booking
        function onRecordLookedUp(recordId, title, typeId) {
            if (recordId !== page.serviceId)
                return
            page.serviceTitle = title
            if (page.bookingTypeId === "" && page.selectedTypeId === "") {
                page.serviceTypeId = typeId
                page.selectedTypeId = typeId
            }
        }
    }


    Flickable {
        id: flick
        anchors.fill: parent
        contentHeight: layout.implicitHeight + 2 * Theme.pageMargin
        clip: true

        GridLayout {
            id: layout
            x: Theme.pageMargin
            y: Theme.pageMargin
            width: flick.width - 2 * Theme.pageMargin
            columns: Theme.portrait ? 1 : 2
            columnSpacing: Theme.spacing * 2
            rowSpacing: Theme.spacing

            // ---- left / top: what can be booked
            Column {
                // Landscape: the type buttons get 48 % of the width, the QR panel the rest.
                Layout.preferredWidth: Theme.portrait ? layout.width : (layout.width - layout.columnSpacing) * 0.48
                Layout.alignment: Qt.AlignTop
                spacing: Theme.spacing

                Text {
                    textFormat: Text.PlainText
                    width: parent.width
                    text: "选择预约类型"
                    color: Theme.primary
                    font.family: Theme.fontFamily
                    font.pixelSize: Theme.fontHuge
                    font.bold: true
                    wrapMode: Text.Wrap
                }
                Text {
                    textFormat: Text.PlainText
                    width: parent.width
                    text: "用手机扫码即可预约专业人员，本机不收集任何个人信息。"
                    color: Theme.textMuted
                    font.family: Theme.fontFamily
                    font.pixelSize: Theme.fontBody
                    wrapMode: Text.Wrap
                }
                Text {
                    textFormat: Text.PlainText
                    objectName: "bookingServiceTitle"
                    width: parent.width
                    visible: page.serviceTitle !== ""
                    text: "办理事项：" + page.serviceTitle
                    color: Theme.text
                    font.family: Theme.fontFamily
                    font.pixelSize: Theme.fontBody
                    font.bold: true
                    wrapMode: Text.Wrap
                }

                Grid {
                    id: typeGrid
                    width: parent.width
                    columns: 2
                    spacing: Theme.spacing
                    Repeater {
                        model: Booking.bookingTypes
                        delegate: Rectangle {
                            id: typeButton
                            required property string typeId
                            required property string title
                            readonly property bool selected: typeId === page.selectedTypeId
                            objectName: "bookingType_" + typeId
                            width: (typeGrid.width - typeGrid.spacing) / 2
                            height: Math.max(Theme.touchMin * 1.5, label.implicitHeight + Theme.spacing)
                            radius: Theme.radius
                            color: selected ? Theme.primary : tap.pressed ? Qt.darker(Theme.surface, 1.1) : Theme.surface
                            border.color: selected ? Theme.primary : Theme.controlBorder
                            border.width: 2
                            Text {
                                id: label
                                textFormat: Text.PlainText
                                anchors { left: parent.left; right: parent.right; verticalCenter: parent.verticalCenter
                                          margins: Theme.spacing / 2 }
                                text: typeButton.title
                                color: typeButton.selected ? Theme.onPrimary : Theme.text
                                font.family: Theme.fontFamily
                                font.pixelSize: Theme.fontBody
                                font.bold: true
                                horizontalAlignment: Text.AlignHCenter
                                wrapMode: Text.Wrap
                            }
                            MouseArea {
                                id: tap
                                anchors.fill: parent
                                onClicked: page.selectedTypeId = typeButton.typeId
                            }
                        }
                    }
                }
            }

            // ---- right / bottom: the QR of the chosen type
            Rectangle {
                id: qrPanel
                objectName: "bookingQrPanel"
                Layout.preferredWidth: Theme.portrait ? layout.width : (layout.width - layout.columnSpacing) * 0.52
                Layout.alignment: Qt.AlignTop
                implicitHeight: panelRow.implicitHeight + 2 * Theme.spacing
                radius: Theme.radius
                color: Theme.surface
                border.color: Theme.accent
                border.width: 2

                readonly property var info: Booking.bookingTypeInfo(page.selectedTypeId)

                Text {
                    textFormat: Text.PlainText
                    objectName: "bookingChooseHint"
                    anchors.centerIn: parent
                    width: parent.width - 2 * Theme.spacing
                    visible: page.selectedTypeId === ""
                    text: "请先选择一种预约类型"
                    color: Theme.textMuted
                    font.family: Theme.fontFamily
                    font.pixelSize: Theme.fontTitle
                    horizontalAlignment: Text.AlignHCenter
                    wrapMode: Text.Wrap
                }

                Flow {
                    id: panelRow
                    visible: page.selectedTypeId !== ""
                    x: Theme.spacing
                    y: Theme.spacing
                    width: parent.width - 2 * Theme.spacing
                    spacing: Theme.spacing

                    BookingQr {
                        id: bookingQr
                        width: implicitWidth
                        serviceId: page.selectedServiceId
                        bookingTypeId: page.selectedTypeId
                    }

                    Column {
                        // Beside the QR when there is room, else below it.
                        width: panelRow.width - bookingQr.width - panelRow.spacing >= 360
                               ? panelRow.width - bookingQr.width - panelRow.spacing : panelRow.width
                        spacing: Theme.spacing / 2
                        Text {
                            textFormat: Text.PlainText
                            objectName: "bookingTypeTitle"
                            width: parent.width
                            text: qrPanel.info.title || ""
                            color: Theme.accent
                            font.family: Theme.fontFamily
                            font.pixelSize: Theme.fontTitle
                            font.bold: true
                            wrapMode: Text.Wrap
                        }
                        Text {
                            textFormat: Text.PlainText
                            width: parent.width
                            text: qrPanel.info.summary || ""
                            color: Theme.text
                            font.family: Theme.fontFamily
                            font.pixelSize: Theme.fontBody
                            wrapMode: Text.Wrap
                        }
                        Text {
                            textFormat: Text.PlainText
                            width: parent.width
                            visible: text !== ""
                            text: qrPanel.info.prepare ? "请携带：" + qrPanel.info.prepare : ""
                            color: Theme.textMuted
                            font.family: Theme.fontFamily
                            font.pixelSize: Theme.fontBody
                            wrapMode: Text.Wrap
                        }
                    }
                }
            }
        }
    }
}
