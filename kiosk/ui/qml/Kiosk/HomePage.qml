import QtQuick
import KioskBackend

// Home: the header (logo, station name, date and time), freshness, station announcements ticker, tiles,
// hot searches, hours/address.
KioskPage {
    id: page
    objectName: "homePage"
    pageTitle: qsTr("首页")

    // icon: a file of assets/icons (Lucide, ISC; see the README there). A "\n" in a title breaks it between words
    // (a tile is too narrow for 预约咨询·维权援助 on one line, and it must not break inside 维权援助).
    readonly property var tiles: [
        { key: "services", text: qsTr("服务事项"), subtitle: qsTr("专利、商标、地理标志等办事指南"), icon: "clipboard-list", page: "CatalogPage.qml", props: {} },
        { key: "policies", text: qsTr("政策法规"), subtitle: qsTr("法律法规与地方政策"), icon: "scale", page: "RecordListPage.qml", props: { kind: "policies" } },
        { key: "notices", text: qsTr("通知公告"), subtitle: qsTr("培训、活动与工作通知"), icon: "megaphone", page: "RecordListPage.qml", props: { kind: "notices" } },
        { key: "news", text: qsTr("行业动态"), subtitle: qsTr("知识产权新闻与政策速览"), icon: "newspaper", page: "RecordListPage.qml", props: { kind: "news" } },
        { key: "events", text: qsTr("宣讲活动"), subtitle: qsTr("宣讲会、培训与报名"), icon: "calendar-days", page: "RecordListPage.qml", props: { kind: "events" } },
        { key: "booking", text: qsTr("预约咨询·\n维权援助"), subtitle: qsTr("扫码预约专业人员"), icon: "handshake", page: "BookingPage.qml", props: {} },
        { key: "search", text: qsTr("搜索"), subtitle: qsTr("拼音首字母即可查找"), icon: "search", page: "SearchPage.qml", props: {} },
        // Shows the leading announcement's title; hidden while none is in force (never a tile to an empty page).
        { key: "stationNotices", text: qsTr("本站公告"), subtitle: "", icon: "bell", page: "StationNoticesPage.qml", props: {} }
    ]

    Flickable {
        id: flick
        anchors.fill: parent
        contentHeight: content.implicitHeight + 2 * Theme.pageMargin
        clip: true
        // Scrolled to whole pixels: at a fractional offset the tiles' one-pixel outlines blur into the background.
        pixelAligned: true

        Column {
            id: content
            x: Theme.pageMargin
            y: Theme.pageMargin
            width: flick.width - 2 * Theme.pageMargin
            spacing: Theme.spacing

            // The header: the station's logo, its name (broken where the config's "\n" says) and the date and time.
            Row {
                id: header
                objectName: "homeHeader"
                width: parent.width
                // Whole pixels (text heights are fractional), so the tiles below sit on whole pixels and their
                // one-pixel outlines are drawn sharp.
                height: Math.ceil(implicitHeight)
                spacing: Theme.spacing
                Image {
                    id: logoImage
                    objectName: "stationLogo"
                    anchors.verticalCenter: parent.verticalCenter
                    width: Theme.fontHuge * 2
                    height: width
                    source: Shell.logoSource
                    sourceSize.width: width
                    sourceSize.height: height
                    fillMode: Image.PreserveAspectFit
                    Accessible.role: Accessible.Graphic
                    Accessible.name: qsTr("本站标志")
                }
                Column {
                    width: parent.width - logoImage.width - parent.spacing
                    anchors.verticalCenter: parent.verticalCenter
                    spacing: Theme.spacing / 4
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
                        // A configured line a little too long for the width is drawn smaller rather than broken
                        // inside a word; only one longer still than the title size allows wraps.
                        fontSizeMode: Text.HorizontalFit
                        minimumPixelSize: Theme.fontTitle
                        // As tall as the lines drawn: a fitted text's implicit height is that of its unfitted layout
                        // (in 大字 twice the lines drawn), which left a gap above the date, a screen high for a long name.
                        height: Math.ceil(contentHeight)
                    }
                    Text {
                        textFormat: Text.PlainText
                        objectName: "clockText"
                        width: parent.width
                        text: Shell.clockText
                        color: Theme.text
                        font.family: Theme.fontFamily
                        font.pixelSize: Theme.fontBody
                    }
                }
            }
            Text {
                textFormat: Text.PlainText
                objectName: "freshness"
                height: Math.ceil(implicitHeight)   // whole pixels, as the header's
                text: Shell.freshnessText
                color: Theme.textMuted
                font.family: Theme.fontFamily
                font.pixelSize: Theme.fontSmall
            }

            // Ticker of station announcements (本站公告); tap to read them in full.
            Rectangle {
                id: ticker
                objectName: "announcementTicker"
                Accessible.role: Accessible.Button
                Accessible.name: qsTr("本站公告")
                Accessible.description: Announcements.tickerText
                Accessible.onPressAction: page.Window.window.openPage("StationNoticesPage.qml", {})
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
                // Every tile as tall as the tallest one's text needs (large text may wrap a title). Measured when a
                // tile's own height need changes, not by a binding over Repeater.itemAt(): such a binding, run while
                // the Repeater was still making its tiles, kept no hold on the tiles not made yet, so a page built
                // (or rebuilt) at one text size kept its old tile height after 大字 was tapped elsewhere and its
                // text ran out of the tiles.
                property int tileHeight: minimumTileHeight
                readonly property int minimumTileHeight: Theme.portrait ? 208 : 170
                function measureTiles() {
                    let tallest = minimumTileHeight
                    for (let i = 0; i < tileRepeater.count; ++i) {
                        const tile = tileRepeater.itemAt(i)
                        if (tile)
                            tallest = Math.max(tallest, tile.implicitHeight)
                    }
                    tileHeight = tallest
                }
                onMinimumTileHeightChanged: Qt.callLater(measureTiles)
                Repeater {
                    id: tileRepeater
                    model: page.tiles
                    Tile {
                        required property var modelData
                        readonly property bool stationNotices: modelData.key === "stationNotices"
                        objectName: "tile_" + modelData.key
                        visible: !stationNotices || Announcements.count > 0
                        // Whole pixels, so each tile's one-pixel outline is drawn sharp (see pixelAligned above).
                        width: Math.floor((grid.width - (grid.columns - 1) * grid.spacing) / grid.columns)
                        height: grid.tileHeight
                        onImplicitHeightChanged: Qt.callLater(grid.measureTiles)
                        Component.onCompleted: Qt.callLater(grid.measureTiles)
                        text: modelData.text
                        subtitle: stationNotices ? Announcements.headline : modelData.subtitle
                        iconSource: Shell.iconSource(modelData.icon)
                        onClicked: page.Window.window.openPage(modelData.page, modelData.props)
                    }
                }
            }

            Text {
                textFormat: Text.PlainText
                visible: Content.hotServices.length > 0
                text: qsTr("热门事项")
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
                objectName: "stationHoursAddress"
                // No address line on a production terminal still configured with the demo placeholder.
                text: qsTr("开放时间：%1").arg(Shell.stationHours)
                      + (Shell.stationAddress !== "" ? "\n" + qsTr("地址：%1").arg(Shell.stationAddress) : "")
                color: Theme.textMuted
                font.family: Theme.fontFamily
                font.pixelSize: Theme.fontSmall
                wrapMode: Text.Wrap
            }
        }
    }
}
