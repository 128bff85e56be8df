import QtQuick
import KioskBackend

// 办事指南 of one service: its key facts first (the fee visible without scrolling), jump chips to each part
// of the guide, every field the record has, its booking QR and a way to take it away (source QR, summary slip).
// Portrait: the booking panel comes right after the summary; landscape: it stays on the right.
KioskPage {
    id: page
    objectName: "serviceDetailPage"
    property string recordId: ""
    property var rec: Content.record(recordId)
    pageTitle: rec.title || "服务事项"

    Connections {
        target: Content
        function onDetailChanged(recordId) { if (recordId === page.recordId) page.rec = Content.record(recordId) }
    }

    readonly property bool hasBooking: (rec.bookingType || "") !== ""
    readonly property bool sidePanel: !Theme.portrait && hasBooking
    // The parts of the guide this record has, in page order: one jump chip each.
    readonly property var sections: [conditionsField, materialsField, processField, timeLimitField, feeField,
                                     channelsField, providerField, takeAway].filter(f => f.present)

    // Scroll so that ITEM (a part of the page) starts at the top of the visible area.
    function scrollTo(item) {
        const y = item.mapToItem(flick.contentItem, 0, 0).y - Theme.spacing / 2
        flick.cancelFlick()
        flick.contentY = Math.max(0, Math.min(y, flick.contentHeight - flick.height))
    }

    Flickable {
        id: flick
        objectName: "detailFlick"
        anchors { left: parent.left; top: parent.top; bottom: parent.bottom; bottomMargin: aids.footerHeight
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
                text: "该事项已下架或不存在。"
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
            KeyFactsCard {
                width: parent.width
                facts: page.rec.keyFacts || []
                feeNote: page.rec.feeNote || ""
            }
            JumpChips {
                width: parent.width
                labels: page.sections.map(f => f.label)
                onJump: index => page.scrollTo(page.sections[index])
            }
            Text {
                textFormat: Text.PlainText
                width: parent.width
                visible: text !== ""
                text: page.rec.category ? "分类：" + page.rec.category : ""
                color: Theme.textMuted
                font.family: Theme.fontFamily
                font.pixelSize: Theme.fontSmall
            }
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
            GuideField { id: conditionsField; width: parent.width; label: "受理条件"; text: page.rec.conditions || "" }
            GuideField { id: materialsField; width: parent.width; label: "申请材料"; blocks: page.rec.materials || [] }
            GuideField { id: processField; width: parent.width; label: "办理流程"; blocks: page.rec.process || [] }
            GuideField { id: timeLimitField; width: parent.width; label: "办理时限"; text: page.rec.timeLimit || "" }
            GuideField {
                id: feeField
                objectName: "feeSection"
                width: parent.width
                label: "收费标准"
                text: page.rec.fee ? page.rec.fee + (page.rec.feeNote ? "（" + page.rec.feeNote + "）" : "") : ""
            }
            GuideField { id: channelsField; width: parent.width; label: "办理渠道"; blocks: page.rec.channels || [] }
            GuideField { id: providerField; width: parent.width; label: "服务机构"; text: page.rec.provider || "" }
            SourceQr {
                id: takeAway
                width: parent.width
                recordId: page.recordId
                url: page.rec.sourceUrl || ""
                qr: page.rec.sourceQr || ({})
            }
        }
    }

    ScrollAids {
        id: aids
        anchors { left: flick.left; right: flick.right; top: flick.top; bottom: parent.bottom }
        flick: flick
    }

    Loader {
        id: side
        anchors { right: parent.right; top: parent.top; margins: Theme.pageMargin }
        width: page.sidePanel ? 560 : 0
        active: page.sidePanel
        sourceComponent: booking
    }

    Component {
        id: booking
        BookingPanel {
            objectName: "serviceBooking"
            serviceId: page.recordId
            bookingTypeId: page.rec.bookingTypeId || ""
            label: page.rec.bookingLabel || "扫码预约"
        }
    }
}
