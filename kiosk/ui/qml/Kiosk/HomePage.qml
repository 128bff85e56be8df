import QtQuick
import KioskBackend

// Home: station name, freshness, station announcements ticker, tiles, hot searches, hours/address.
KioskPage {
    id: page
    objectName: "homePage"
    pageTitle: "首页"

    readonly property var tiles: [
        { key: "services", text: "服务事项", subtitle: "专利、商标、地理标志等办事指南", page: "CatalogPage.qml", props: {} },
        { key: "policies", text: "政策法规", subtitle: "法律法规与地方政策", page: "RecordListPage.qml", props: { kind: "policies" } },
        { key: "notices", text: "通知公告", subtitle: "培训、活动与工作通知", page: "RecordListPage.qml", props: { kind: "notices" } },
        { key: "news", text: "行业动态", subtitle: "知识产权新闻与政策速览", page: "RecordListPage.qml", props: { kind: "news" } },
        { key: "events", text: "宣讲活动", subtitle: "宣讲会、培训与报名", page: "RecordListPage.qml", props: { kind: "events" } },
        { key: "booking", text: "预约咨询·维权援助", subtitle: "扫码预约专业人员", page: "BookingPage.qml", props: {} },
        { key: "search", text: "搜索", subtitle: "拼音首字母即可查找", page: "SearchPage.qml", props: {} },
        { key: "stationNotices", text: "本站公告", subtitle: "本工作站的最新安排", page: "StationNoticesPage.qml", props: {} }
    ]

    Flickable {
        id: flick
        anchors.fill: parent
        contentHeight: content.implicitHeight + 2 * Theme.pageMargin
        clip: true

        Column {
            id: content
            x: Theme.pageMargin
            y: Theme.pageMargin
            width: flick.width - 2 * Theme.pageMargin
            spacing: Theme.spacing

            Text {
                textFormat: Text.PlainText
                objectName: "stationName"
                width: parent.width
                text: Shell.stationName
                color: Theme.primary
                font.family: Theme.fontFamily
                font.pixelSize: Theme.fontHuge
                font.bold: true
                wrapMode: Text.Wrap
            }
            Text {
                textFormat: Text.PlainText
                objectName: "freshness"
                text: Shell.freshnessText
                color: Theme.textMuted
                font.family: Theme.fontFamily
                font.pixelSize: Theme.fontSmall
            }

            // Ticker of station announcements (本站公告); tap to read them in full.
            Rectangle {
                id: ticker
                objectName: "announcementTicker"
                visible: Announcements.count > 0
                width: parent.width
                height: Theme.touchMin + Theme.px(16)
                radius: Theme.radius
                color: Theme.surface
                border.color: Theme.stationBadge
                border.width: 2
                StationBadge {
                    id: tickerBadge
                    anchors { left: parent.left; leftMargin: Theme.spacing / 2; verticalCenter: parent.verticalCenter }
                }
                Item {
                    id: lane
                    anchors { left: tickerBadge.right; right: parent.right; top: parent.top; bottom: parent.bottom
                              leftMargin: Theme.spacing / 2; rightMargin: Theme.spacing / 2 }
                    clip: true
                    Text {
                        id: tickerText
                        textFormat: Text.PlainText
                        objectName: "tickerText"
                        anchors.verticalCenter: parent.verticalCenter
                        text: Announcements.tickerText
                        color: Theme.text
                        font.family: Theme.fontFamily
                        font.pixelSize: Theme.fontBody
                        // Scroll only when the titles do not fit.
                        readonly property bool scrolls: implicitWidth > lane.width
                        NumberAnimation on x {
                            running: ticker.visible && tickerText.scrolls
                            from: lane.width
                            to: -tickerText.implicitWidth
                            duration: Math.max(8000, (tickerText.implicitWidth + lane.width) * 12)
                            loops: Animation.Infinite
                        }
                    }
                }
                MouseArea {
                    anchors.fill: parent
                    onClicked: page.Window.window.openPage("StationNoticesPage.qml", {})
                }
            }

            Grid {
                id: grid
                width: parent.width
                // 大字 mode in landscape: three wider columns, so the titles stay on one line.
                columns: Theme.portrait ? 2 : Theme.largeText ? 3 : 4
                spacing: Theme.spacing
                // Every tile as tall as the tallest one's text needs (large text may wrap a title).
                readonly property int tileHeight: {
                    let tallest = Theme.portrait ? 208 : 170
                    for (let i = 0; i < tileRepeater.count; ++i) {
                        const tile = tileRepeater.itemAt(i)
                        if (tile)
                            tallest = Math.max(tallest, tile.implicitHeight)
                    }
                    return tallest
                }
                Repeater {
                    id: tileRepeater
                    model: page.tiles
                    Tile {
                        required property var modelData
                        objectName: "tile_" + modelData.key
                        width: (grid.width - (grid.columns - 1) * grid.spacing) / grid.columns
                        height: grid.tileHeight
                        text: modelData.text
                        subtitle: modelData.subtitle
                        onClicked: page.Window.window.openPage(modelData.page, modelData.props)
                    }
                }
            }

            Text {
                textFormat: Text.PlainText
                visible: Content.hotServices.length > 0
                text: "热门事项"
                color: Theme.primary
                font.family: Theme.fontFamily
                font.pixelSize: Theme.fontTitle
                font.bold: true
            }
            Flow {
                width: parent.width
                spacing: Theme.spacing / 2
                Repeater {
                    model: Content.hotServices
                    Tile {
                        required property var modelData
                        objectName: "hot_" + modelData.recordId
                        compact: true
                        height: Theme.touchMin
                        width: Math.min(implicitWidth, grid.width)
                        text: modelData.title
                        fill: Theme.surface
                        ink: Theme.primary
                        border.color: Theme.primary
                        onClicked: page.Window.window.openRecord(modelData.recordId)
                    }
                }
            }

            Text {
                textFormat: Text.PlainText
                width: parent.width
                text: "开放时间：" + Shell.stationHours + "\n地址：" + Shell.stationAddress
                color: Theme.textMuted
                font.family: Theme.fontFamily
                font.pixelSize: Theme.fontSmall
                wrapMode: Text.Wrap
            }
        }
    }
}
