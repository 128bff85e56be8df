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

    Row {
        id: buttons
        anchors { left: parent.left; leftMargin: Theme.spacing / 2; verticalCenter: parent.verticalCenter }
        spacing: Theme.spacing / 2
        Tile {
            objectName: "navBack"
            width: Theme.px(180); height: Theme.touchMin
            text: qsTr("‹ 返回")
            Accessible.name: qsTr("返回")
            compact: true
            border.color: Theme.onPrimary   // the fill is too close to the bar's: the outline shows the button
            onClicked: bar.backClicked()
        }
        Tile {
            objectName: "navHome"
            width: Theme.px(180); height: Theme.touchMin
            text: qsTr("首页")
            Accessible.name: qsTr("首页")
            compact: true
            border.color: Theme.onPrimary
            onClicked: bar.homeClicked()
        }
    }

    // The home header's compact form: the time, left of the corner kept free for the admin taps.
    Text {
        id: clock
        textFormat: Text.PlainText
        objectName: "navClock"
        anchors { right: parent.right; rightMargin: 140; verticalCenter: parent.verticalCenter }
        text: Shell.timeText
        color: Theme.onPrimary
        font.family: Theme.fontFamily
        font.pixelSize: Theme.fontBody
    }

    Text {
        textFormat: Text.PlainText
        anchors { left: buttons.right; right: clock.left; leftMargin: Theme.spacing; rightMargin: Theme.spacing
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
