import QtQuick
import KioskBackend

// Back / home bar shown above every page except home and attract.
Rectangle {
    id: bar
    property string title: ""
    signal backClicked()
    signal homeClicked()

    height: Theme.navBarHeight
    color: Theme.primary

    // 大字 mode: the buttons as wide as their words need (two targets' width at least), the rest to the title.
    readonly property int buttonWidth: Theme.largeText ? Math.max(Theme.touchMin * 2, navBack.implicitWidth, navHome.implicitWidth)
                                                       : Theme.px(180)

    Row {
        id: buttons
        anchors { left: parent.left; leftMargin: Theme.spacing / 2; verticalCenter: parent.verticalCenter }
        spacing: Theme.spacing / 2
        Tile {
            id: navBack
            objectName: "navBack"
            width: bar.buttonWidth; height: Theme.touchMin
            text: qsTr("‹ 返回")
            Accessible.name: qsTr("返回")
            compact: true
            border.color: Theme.onPrimary   // the fill is too close to the bar's: the outline shows the button
            onClicked: bar.backClicked()
        }
        Tile {
            id: navHome
            objectName: "navHome"
            width: bar.buttonWidth; height: Theme.touchMin
            text: qsTr("首页")
            Accessible.name: qsTr("首页")
            compact: true
            border.color: Theme.onPrimary
            onClicked: bar.homeClicked()
        }
    }

    // The title's one-line width at full size, to know whether it fits beside the clock.
    TextMetrics {
        id: titleMetrics
        text: bar.title
        font.family: Theme.fontFamily
        font.pixelSize: Theme.fontTitle
        font.bold: true
    }
    // The right end of what the bar's title and clock may use: the top-right corner stays free for the admin taps.
    readonly property int freeCornerWidth: 140

    // The home header's compact form: the time, left of the corner kept free for the admin taps.
    // In 大字 mode the page's title comes first: where it would not fit beside the time on one line, the time
    // gives way (the visitor's page says where they are; the time is on the home page).
    Text {
        id: clock
        textFormat: Text.PlainText
        objectName: "navClock"
        visible: !Theme.largeText || titleMetrics.advanceWidth <= bar.width - bar.freeCornerWidth - buttons.x
                 - buttons.width - Theme.spacing * 3 - implicitWidth
        anchors { right: parent.right; rightMargin: bar.freeCornerWidth; verticalCenter: parent.verticalCenter }
        text: Shell.timeText
        color: Theme.onPrimary
        font.family: Theme.fontFamily
        font.pixelSize: Theme.fontBody
    }

    Text {
        textFormat: Text.PlainText
        objectName: "navTitle"
        anchors { left: buttons.right; right: clock.visible ? clock.left : parent.right; leftMargin: Theme.spacing
                  rightMargin: clock.visible ? Theme.spacing : bar.freeCornerWidth
                  top: parent.top; bottom: parent.bottom; topMargin: Theme.px(4); bottomMargin: Theme.px(4) }
        verticalAlignment: Text.AlignVCenter
        text: bar.title
        color: Theme.onPrimary
        font.family: Theme.fontFamily
        font.pixelSize: Theme.fontTitle
        font.bold: true
        // A title too long for one line (大字 mode) takes two, shrinking towards the body size, before any "…".
        wrapMode: Text.Wrap
        maximumLineCount: 2
        fontSizeMode: Text.Fit
        minimumPixelSize: Theme.fontBody
        elide: Text.ElideRight
    }
}
