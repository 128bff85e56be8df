import QtQuick
import KioskBackend

// Detail of a policy, notice, news item or event: issuer, 文号, date, an outline of the body's headings
// (一、二、三… as jump chips), the body as text blocks (no HTML, no remote loads, links inert), validity /
// event time, registration, a way to take it away (source QR, summary slip) and related records.
KioskPage {
    id: page
    objectName: "recordDetailPage"
    property string recordId: ""
    property var rec: Content.record(recordId)
    pageTitle: rec.kindTitle || ""

    Connections {
        target: Content
        function onDetailChanged(recordId) { if (recordId === page.recordId) page.rec = Content.record(recordId) }
    }

    readonly property bool isEvent: rec.kind === "events"
    readonly property bool hasRegistration: isEvent && (rec.registrationType || "") !== ""
    // Landscape: the registration panel stays beside the text instead of inside it.
    readonly property bool sidePanel: !Theme.portrait && hasRegistration
    readonly property var outline: rec.outline || []
    // After the outline's chips, one to the take-away block (a short page without an outline needs none).
    readonly property bool takeAwayChip: outline.length > 0 && takeAway.present

    // Scroll so that ITEM (a heading of the body) starts at the top of the visible area.
    function scrollTo(item) {
        if (!item)
            return
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
            // Long lines are hard to read on a wide screen: keep the text column at most readableWidth.
            width: Math.min(flick.width - 2 * Theme.pageMargin, Theme.readableWidth)
            x: (flick.width - width) / 2
            y: Theme.pageMargin
            spacing: Theme.spacing

            Text {
                textFormat: Text.PlainText
                width: parent.width
                visible: page.rec.title === undefined
                text: "该内容已下架或不存在。"
                color: Theme.textMuted
                font.family: Theme.fontFamily
                font.pixelSize: Theme.fontTitle
            }
            Rectangle {
                objectName: "expiredBadge"
                visible: page.rec.expired === true || page.rec.past === true
                width: expiredText.implicitWidth + 32
                height: expiredText.implicitHeight + 16
                radius: 8
                color: Theme.disabled
                Text {
                    id: expiredText
                    textFormat: Text.PlainText
                    anchors.centerIn: parent
                    text: page.rec.expired ? "已过期 · 有效期至 " + page.rec.validUntil : "活动已结束"
                    color: "white"
                    font.family: Theme.fontFamily
                    font.pixelSize: Theme.fontSmall
                    font.bold: true
                }
            }
            Text {
                textFormat: Text.PlainText
                objectName: "detailTitle"
                width: parent.width
                text: page.rec.title || ""
                color: page.rec.expired || page.rec.past ? Theme.textMuted : Theme.text
                font.family: Theme.fontFamily
                font.pixelSize: Theme.fontTitle + 4
                font.bold: true
                lineHeight: 1.15
                wrapMode: Text.Wrap
            }
            Text {
                textFormat: Text.PlainText
                objectName: "detailMeta"
                width: parent.width
                text: [page.rec.issuer, page.rec.docNumber, page.rec.date ? "发布日期：" + page.rec.date : ""]
                      .filter(s => s).join("\n")
                visible: text !== ""
                color: Theme.textMuted
                font.family: Theme.fontFamily
                font.pixelSize: Theme.fontSmall
                lineHeight: 1.2
                wrapMode: Text.Wrap
            }
            Text {
                textFormat: Text.PlainText
                width: parent.width
                visible: !page.rec.expired && (page.rec.validUntil || "") !== ""
                text: "有效期至 " + page.rec.validUntil
                color: Theme.textMuted
                font.family: Theme.fontFamily
                font.pixelSize: Theme.fontSmall
            }
            GuideField { width: parent.width; visible: page.isEvent; label: "时间"; text: page.rec.time || "" }
            GuideField { width: parent.width; visible: page.isEvent && text !== ""; label: "地点"; text: page.rec.venue || "" }
            Loader {
                width: parent.width
                active: page.hasRegistration && !page.sidePanel
                visible: active
                sourceComponent: registration
            }
            JumpChips {
                objectName: "outlineChips"
                width: parent.width
                labels: page.outline.map(entry => entry.title).concat(page.takeAwayChip ? [takeAway.label] : [])
                onJump: index => page.scrollTo(index < page.outline.length ? body.blockItem(page.outline[index].index)
                                                                           : takeAway)
            }
            Rectangle { width: parent.width; height: 2; color: Theme.divider }
            BodyText {
                id: body
                objectName: "detailBody"
                width: parent.width
                blocks: page.rec.blocks || []
            }
            SourceQr {
                id: takeAway
                width: parent.width
                recordId: page.recordId
                url: page.rec.sourceUrl || ""
                qr: page.rec.sourceQr || ({})
            }
            Text {
                textFormat: Text.PlainText
                width: parent.width
                visible: (page.rec.related || []).length > 0
                text: "相关内容"
                color: Theme.primary
                font.family: Theme.fontFamily
                font.pixelSize: Theme.fontTitle
                font.bold: true
            }
            Repeater {
                model: page.rec.related || []
                RecordRow {
                    required property var modelData
                    width: column.width
                    title: modelData.title
                    subtitle: modelData.kindTitle
                    onClicked: page.Window.window.openRecord(modelData.recordId)
                }
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
        sourceComponent: registration
    }

    Component {
        id: registration
        BookingPanel {
            objectName: "eventRegistration"
            serviceId: page.recordId
            bookingTypeId: page.rec.registrationType || ""
            label: page.rec.registrationLabel || "扫码报名"
            closed: page.rec.past === true
        }
    }
}
