import QtQuick

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
            text: "‹ 返回"
            compact: true
            onClicked: bar.backClicked()
        }
        Tile {
            objectName: "navHome"
            width: Theme.px(180); height: Theme.touchMin
            text: "首页"
            compact: true
            onClicked: bar.homeClicked()
        }
    }

    Text {
        textFormat: Text.PlainText
        anchors { left: buttons.right; right: parent.right; leftMargin: Theme.spacing; rightMargin: 140
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
