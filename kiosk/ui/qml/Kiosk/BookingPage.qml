import QtQuick
import QtQuick.Layouts
import KioskBackend

// 预约咨询 / 维权援助: pick one of the booking types (big buttons) → its QR, short code and 打印凭条;
// the QR panel is there only once a type is chosen. How to reach a person is always in view: in a card
// until the choice, then beside the QR.
// Opened from a service (serviceId) the service's own type is pre-selected and the QR names the
// service; picking another type books that type without the service.
KioskPage {
    id: page
    objectName: "bookingPage"
    pageTitle: qsTr("预约咨询 · 维权援助")
    property string serviceId: ""
    property string bookingTypeId: ""

    // The type that lists serviceId (or the one given), chosen once: when the page opens, or when the
    // service's record has come from the data service (Booking.recordLookedUp).
    property string serviceTypeId: bookingTypeId
    property string selectedTypeId: ""
    readonly property string selectedServiceId: selectedTypeId !== "" && selectedTypeId === serviceTypeId ? serviceId : ""
    property string serviceTitle: ""
    // 朗读: the chosen type, how to book (scan the QR) and what to bring; before a choice, how to choose.
    readonly property var selectedInfo: Booking.bookingTypeInfo(selectedTypeId)
    speechText: [
        serviceTitle !== "" ? qsTr("办理事项") + "：" + serviceTitle : "",
        selectedTypeId === "" ? qsTr("请先选择一种预约类型") : selectedInfo.title || "",
        selectedInfo.summary || "",
        qsTr("用手机扫码即可预约专业人员，本机不收集任何个人信息。"),
        selectedInfo.prepare ? qsTr("请携带") + "：" + selectedInfo.prepare : ""
    ].filter(s => s).join("。\n")

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
                    text: qsTr("选择预约类型")
                    color: Theme.primary
                    font.family: Theme.fontFamily
                    font.pixelSize: Theme.fontHuge
                    font.bold: true
                    wrapMode: Text.Wrap
                }
                Text {
                    textFormat: Text.PlainText
                    width: parent.width
                    text: qsTr("用手机扫码即可预约专业人员，本机不收集任何个人信息。")
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
                    text: qsTr("办理事项：%1").arg(page.serviceTitle)
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
                            Accessible.role: Accessible.RadioButton
                            Accessible.name: typeButton.title
                            Accessible.checkable: true
                            Accessible.checked: typeButton.selected
                            Accessible.onPressAction: page.selectedTypeId = typeButton.typeId
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

                Text {
                    textFormat: Text.PlainText
                    objectName: "bookingChooseHint"
                    width: parent.width
                    visible: page.selectedTypeId === ""
                    text: qsTr("请先选择一种预约类型，选好后显示预约二维码")
                    color: Theme.textMuted
                    font.family: Theme.fontFamily
                    font.pixelSize: Theme.fontBody
                    wrapMode: Text.Wrap
                }
            }

            // ---- right / bottom: the QR of the chosen type, then how to reach a person
            Column {
                id: side
                Layout.preferredWidth: Theme.portrait ? layout.width : (layout.width - layout.columnSpacing) * 0.52
                Layout.alignment: Qt.AlignTop
                spacing: Theme.spacing

                Rectangle {
                    id: qrPanel
                    objectName: "bookingQrPanel"
                    width: side.width
                    // Only once a type is chosen: no empty box waiting for the choice.
                    visible: page.selectedTypeId !== ""
                    implicitHeight: panelRow.implicitHeight + 2 * Theme.spacing
                    radius: Theme.radius
                    color: Theme.surface
                    border.color: Theme.accent
                    border.width: 2

                    // Reads Shell.language so that a switch of language reads it again (bookingTypeInfo answers in it).
                    readonly property var info: Shell.language ? Booking.bookingTypeInfo(page.selectedTypeId) : ({})

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
                                text: qrPanel.info.prepare ? qsTr("请携带：%1").arg(qrPanel.info.prepare) : ""
                                color: Theme.textMuted
                                font.family: Theme.fontFamily
                                font.pixelSize: Theme.fontBody
                                wrapMode: Text.Wrap
                            }
                            // A person, in view with the QR (the card below is only there before the choice).
                            Rectangle {
                                width: parent.width
                                height: 2
                                color: Theme.divider
                            }
                            StaffContact {
                                objectName: "bookingContact"
                                width: parent.width
                            }
                        }
                    }
                }

                Rectangle {
                    objectName: "bookingContactCard"
                    width: side.width
                    visible: page.selectedTypeId === ""
                    height: contactColumn.implicitHeight + 2 * Theme.spacing
                    radius: Theme.radius
                    color: Theme.surface
                    border.color: Theme.divider
                    border.width: 2
                    Column {
                        id: contactColumn
                        anchors { left: parent.left; right: parent.right; top: parent.top; margins: Theme.spacing }
                        spacing: Theme.spacing / 2
                        Text {
                            textFormat: Text.PlainText
                            width: parent.width
                            text: qsTr("不方便用手机？请找工作人员")
                            color: Theme.primary
                            font.family: Theme.fontFamily
                            font.pixelSize: Theme.fontTitle
                            font.bold: true
                            wrapMode: Text.Wrap
                        }
                        StaffContact {
                            objectName: "bookingContact"
                            width: parent.width
                        }
                    }
                }
            }

            RatingPrompt { Layout.columnSpan: layout.columns; Layout.fillWidth: true; visible: page.selectedTypeId !== ""; invite: true; serviceId: page.selectedServiceId || page.selectedTypeId; serviceTitle: page.selectedServiceId !== "" ? page.serviceTitle : (qrPanel.info.title || ""); offerAfterPrint: page.active }
        }
    }
}
