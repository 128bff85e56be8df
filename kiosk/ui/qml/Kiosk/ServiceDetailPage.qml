import QtQuick
import KioskBackend

// 办事指南 of one service: its key facts first (the fee visible without scrolling), jump chips to each part
// of the guide, every field the record has, its booking QR and a way to take it away (source QR, summary slip).
// Portrait: the booking panel comes right after the summary; landscape: it stays on the right.
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
    // The parts of the guide this record has, in page order: one jump chip each.
    readonly property var sections: [bookingInline, conditionsField, materialsField, processField, timeLimitField,
                                     feeField, channelsField, providerField, takeAway].filter(f => f.present)

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
            // 评价 right under the title: in view at both sizes, so rating takes 3 taps from home.
            RatingPrompt { visible: page.rec.title !== undefined; serviceId: page.recordId; serviceTitle: page.rec.title || ""; offerAfterPrint: page.active }
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
                text: page.rec.category ? qsTr("分类：%1").arg(page.rec.category) : ""
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
                id: bookingInline
                // In portrait the booking QR comes after the summary: its chip ("扫码预约") brings it up in one tap.
                readonly property bool present: active
                readonly property string label: qsTr("扫码预约")
                width: parent.width
                active: page.hasBooking && !page.sidePanel
                visible: active
                sourceComponent: booking
            }
            GuideField { id: conditionsField; width: parent.width; label: qsTr("受理条件"); text: page.rec.conditions || "" }
            GuideField { id: materialsField; width: parent.width; label: qsTr("申请材料"); blocks: page.rec.materials || [] }
            GuideField { id: processField; width: parent.width; label: qsTr("办理流程"); blocks: page.rec.process || [] }
            GuideField { id: timeLimitField; width: parent.width; label: qsTr("办理时限"); text: page.rec.timeLimit || "" }
            GuideField {
                id: feeField
                objectName: "feeSection"
                width: parent.width
                label: qsTr("收费标准")
                text: page.rec.fee ? page.rec.fee + (page.rec.feeNote ? "（" + page.rec.feeNote + "）" : "") : ""
            }
            GuideField { id: channelsField; width: parent.width; label: qsTr("办理渠道"); blocks: page.rec.channels || [] }
            GuideField { id: providerField; width: parent.width; label: qsTr("服务机构"); text: page.rec.provider || "" }
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
