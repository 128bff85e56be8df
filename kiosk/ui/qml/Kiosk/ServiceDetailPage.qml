import QtQuick
import KioskBackend

// 办事指南 of one service: every field the record has, and its booking QR.
// Portrait: the QR panel comes right after the summary; landscape: it stays on the right.
KioskPage {
    id: page
    objectName: "serviceDetailPage"
    readingPage: true
    property string recordId: ""
    property var rec: Content.record(recordId)
    pageTitle: rec.title || qsTr("服务事项")
    // 朗读: the title, what it is, the fee, the time limit and where and how to apply (ReadAloud strips the markup).
    speechText: rec.title === undefined ? "" : [
        rec.title, rec.summary,
        rec.fee ? qsTr("收费标准") + "：" + rec.fee : "",
        rec.timeLimit ? qsTr("办理时限") + "：" + rec.timeLimit : "",
        (rec.channels || []).length > 0 ? qsTr("办理渠道") + "：" + rec.channels.map(b => b.text).join("；") : "",
        rec.provider ? qsTr("服务机构") + "：" + rec.provider : ""
    ].filter(s => s).join("。\n")

    Connections {
        target: Content
        function onDetailChanged(recordId) { if (recordId === page.recordId) page.rec = Content.record(recordId) }
    }

    readonly property bool hasBooking: (rec.bookingType || "") !== ""
    readonly property bool sidePanel: !Theme.portrait && hasBooking

    Flickable {
        id: flick
        objectName: "detailFlick"
        anchors { left: parent.left; top: parent.top; bottom: parent.bottom
                  right: page.sidePanel ? side.left : parent.right }
        contentHeight: column.implicitHeight + 2 * Theme.pageMargin
        clip: true
        boundsBehavior: Flickable.StopAtBounds

        Column {
            id: column
            x: Theme.pageMargin
            y: Theme.pageMargin
            width: flick.width - 2 * Theme.pageMargin
            spacing: Theme.spacing

            Text {
                textFormat: Text.PlainText
                width: parent.width
                visible: page.rec.title === undefined
                text: qsTr("该事项已下架或不存在。")
                color: Theme.textMuted
                font.family: Theme.fontFamily
                font.pixelSize: Theme.fontTitle
            }
            Text {
                textFormat: Text.PlainText
                objectName: "detailTitle"
                width: parent.width
                text: page.rec.title || ""
                color: Theme.text
                font.family: Theme.fontFamily
                font.pixelSize: Theme.fontHuge
                font.bold: true
                wrapMode: Text.Wrap
            }
            Text {
                textFormat: Text.PlainText
                width: parent.width
                visible: text !== ""
                text: page.rec.category ? qsTr("分类：%1").arg(page.rec.category) : ""
                color: Theme.textMuted
                font.family: Theme.fontFamily
                font.pixelSize: Theme.fontSmall
            }
            RatingPrompt { visible: page.rec.title !== undefined; serviceId: page.recordId; serviceTitle: page.rec.title || ""; offerAfterPrint: page.active }
            Text {
                width: parent.width
                text: page.rec.summary || ""
                textFormat: Text.StyledText
                color: Theme.text
                font.family: Theme.fontFamily
                font.pixelSize: Theme.fontBody
                lineHeight: 1.25
                wrapMode: Text.Wrap
            }
            Loader {
                width: parent.width
                active: page.hasBooking && !page.sidePanel
                visible: active
                sourceComponent: booking
            }
            GuideField { width: parent.width; label: qsTr("受理条件"); text: page.rec.conditions || "" }
            GuideField { width: parent.width; label: qsTr("申请材料"); blocks: page.rec.materials || [] }
            GuideField { width: parent.width; label: qsTr("办理流程"); blocks: page.rec.process || [] }
            GuideField { width: parent.width; label: qsTr("办理时限"); text: page.rec.timeLimit || "" }
            GuideField { width: parent.width; label: qsTr("收费标准"); text: page.rec.fee || "" }
            GuideField { width: parent.width; label: qsTr("办理渠道"); blocks: page.rec.channels || [] }
            GuideField { width: parent.width; label: qsTr("服务机构"); text: page.rec.provider || "" }
        }
    }

    // Scrolls on its own when the panel is taller than the screen (大字 mode in landscape).
    Flickable {
        id: side
        anchors { right: parent.right; top: parent.top; bottom: parent.bottom; rightMargin: Theme.pageMargin }
        width: page.sidePanel ? Theme.px(560) : 0
        contentHeight: sidePanelLoader.height + 2 * Theme.pageMargin
        clip: true
        boundsBehavior: Flickable.StopAtBounds
        Loader {
            id: sidePanelLoader
            y: Theme.pageMargin
            width: side.width
            active: page.sidePanel
            sourceComponent: booking
        }
    }

    Component {
        id: booking
        BookingPanel {
            objectName: "serviceBooking"
            serviceId: page.recordId
            bookingTypeId: page.rec.bookingTypeId || ""
            label: page.rec.bookingLabel || qsTr("扫码预约")
        }
    }
}
