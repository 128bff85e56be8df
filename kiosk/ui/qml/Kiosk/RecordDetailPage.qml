import QtQuick
import KioskBackend

// Detail of a policy, notice, news item or event: issuer, 文号, date, an outline of the body's headings
// (一、二、三… as jump chips), the body as text blocks (no HTML, no remote loads, links inert), validity /
// event time, registration, a way to take it away (source QR, summary slip) and related records.
KioskPage {
    id: page
    objectName: "recordDetailPage"
    readingPage: true
    property string recordId: ""
    property var rec: Content.record(recordId)
    pageTitle: rec.kindTitle || ""
    // 朗读: the title, the date (an event's time and place), and the summary or else the first paragraph.
    speechText: rec.title === undefined ? "" : [
        rec.title,
        rec.kind === "events" ? rec.time : rec.date ? qsTr("发布日期") + "：" + rec.date : "",
        rec.kind === "events" && rec.venue ? qsTr("地点") + "：" + rec.venue : "",
        rec.summary || ((rec.blocks || []).find(b => b.type === "p") || {}).text || ""
    ].filter(s => s).join("。\n")

    Connections {
        target: Content
        function onDetailChanged(recordId) { if (recordId === page.recordId) page.rec = Content.record(recordId) }
    }

    readonly property bool isEvent: rec.kind === "events"
    readonly property bool hasRegistration: isEvent && (rec.registrationType || "") !== ""
    // Landscape: the registration panel stays beside the text instead of inside it.
    readonly property bool sidePanel: !Theme.portrait && hasRegistration
    readonly property var outline: rec.outline || []
    // A long text's outline (a law of 80 articles) shows its first outlineFirst headings, then a chip that says how
    // many more there are and shows them all when tapped: every heading stays reachable, and the text itself does
    // not start screens below its title behind a wall of chips.
    readonly property int outlineFirst: 20
    property bool outlineAll: false
    readonly property int outlineShown: outlineAll ? outline.length : Math.min(outline.length, outlineFirst)
    readonly property int outlineMore: outline.length - outlineShown
    onRecordIdChanged: outlineAll = false
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
                text: qsTr("该内容已下架或不存在。")
                color: Theme.textMuted
                font.family: Theme.fontFamily
                font.pixelSize: Theme.fontTitle
            }
            Rectangle {
                objectName: "expiredBadge"
                visible: page.rec.expired === true || page.rec.past === true
                width: expiredText.implicitWidth + Theme.px(32)
                height: expiredText.implicitHeight + Theme.px(16)
                radius: Theme.px(8)
                color: Theme.disabled
                Text {
                    id: expiredText
                    textFormat: Text.PlainText
                    anchors.centerIn: parent
                    text: page.rec.expired ? qsTr("已过期 · 有效期至 %1").arg(page.rec.validUntil) : qsTr("活动已结束")
                    color: Theme.onPrimary
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
                font.pixelSize: Theme.fontTitle + Theme.px(4)
                font.bold: true
                lineHeight: 1.15
                wrapMode: Text.Wrap
            }
            Text {
                textFormat: Text.PlainText
                objectName: "detailMeta"
                width: parent.width
                text: [page.rec.eventType ? qsTr("活动类型：%1").arg(page.rec.eventType) : "", page.rec.issuer,
                       page.rec.docNumber, page.rec.date ? qsTr("发布日期：%1").arg(page.rec.date) : ""]
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
                text: qsTr("有效期至 %1").arg(page.rec.validUntil)
                color: Theme.textMuted
                font.family: Theme.fontFamily
                font.pixelSize: Theme.fontSmall
            }
            GuideField { width: parent.width; visible: page.isEvent; label: qsTr("时间"); text: page.rec.time || "" }
            GuideField { width: parent.width; visible: page.isEvent && text !== ""; label: qsTr("地点"); text: page.rec.venue || "" }
            Loader {
                width: parent.width
                active: page.hasRegistration && !page.sidePanel
                visible: active
                sourceComponent: registration
            }
            JumpChips {
                objectName: "outlineChips"
                width: parent.width
                labels: page.outline.slice(0, page.outlineShown).map(entry => entry.title)
                        .concat(page.outlineMore > 0 ? [qsTr("还有 %n 个标题，点此显示", "", page.outlineMore)] : [])
                        .concat(page.takeAwayChip ? [takeAway.label] : [])
                actionIndex: page.outlineMore > 0 ? page.outlineShown : -1
                onJump: index => {
                    if (index < page.outlineShown)
                        page.scrollTo(body.blockItem(page.outline[index].index))
                    else if (index === actionIndex)
                        page.outlineAll = true  // the chips after it appear where the visitor is looking
                    else
                        page.scrollTo(takeAway)
                }
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
                text: qsTr("相关内容")
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
            sourceComponent: registration
        }
    }
    // Where the visible part of the panel is, when it scrolls.
    Rectangle {
        objectName: "sidePanelScrollHint"
        visible: page.sidePanel && side.visibleArea.heightRatio < 1
        x: side.x + side.width + Theme.spacing / 2
        y: side.y + side.visibleArea.yPosition * side.height
        width: Theme.px(6)
        height: side.visibleArea.heightRatio * side.height
        radius: 3
        color: Theme.textMuted
        opacity: 0.6
    }

    Component {
        id: registration
        BookingPanel {
            objectName: "eventRegistration"
            serviceId: page.recordId
            bookingTypeId: page.rec.registrationType || ""
            label: page.rec.registrationLabel || qsTr("扫码报名")
            closed: page.rec.past === true
        }
    }
}
