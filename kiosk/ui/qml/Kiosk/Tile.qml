import QtQuick

// A large touch target: a rounded card with a title, an optional subtitle and an optional icon on its left.
Rectangle {
    id: tile
    property string text: ""
    property string subtitle: ""
    property url iconSource: ""
    property bool compact: false
    property color fill: compact ? Qt.lighter(Theme.primary, 1.25) : Theme.surface
    property color ink: compact ? Theme.onPrimary : Theme.text
    signal clicked()

    implicitHeight: Math.max(Theme.touchMin, column.implicitHeight + 2 * Theme.spacing)
    // From the title's unbroken width, not titleText.implicitWidth: that follows the elision below,
    // which follows the tile's width (a binding loop where a parent sizes the tile from this).
    implicitWidth: Math.ceil(Math.max(titleMetrics.advanceWidth, subtitleText.implicitWidth)) + 2 * Theme.spacing
    radius: Theme.radius
    color: tap.pressed ? Qt.darker(fill, 1.1) : fill
    border.color: compact ? "transparent" : Theme.controlBorder
    border.width: 1
    opacity: enabled ? 1 : 0.5
    Accessible.role: Accessible.Button
    Accessible.name: text
    Accessible.description: subtitle
    Accessible.onPressAction: if (enabled) clicked()

    TextMetrics {
        id: titleMetrics
        font: titleText.font
        text: tile.text
    }

    Image {
        id: icon
        objectName: "tileIcon"
        // Not `visible` (false while the tile itself is hidden): whether this tile has an icon at all.
        readonly property bool wanted: tile.iconSource.toString() !== ""
        visible: wanted
        anchors { left: parent.left; leftMargin: Theme.spacing; verticalCenter: parent.verticalCenter }
        width: wanted ? Theme.touchMin * 0.8 : 0
        height: width
        source: tile.iconSource
        sourceSize.width: width
        sourceSize.height: height
        fillMode: Image.PreserveAspectFit
    }

    Column {
        id: column
        anchors { left: icon.wanted ? icon.right : parent.left; right: parent.right; verticalCenter: parent.verticalCenter
                  margins: Theme.spacing; leftMargin: icon.wanted ? Theme.spacing / 2 : Theme.spacing }
        spacing: Theme.px(6)
        Text {
            id: titleText
            textFormat: Text.PlainText
            width: parent.width
            text: tile.text
            color: tile.ink
            font.family: Theme.fontFamily
            font.pixelSize: tile.compact ? Theme.fontBody : Theme.fontTitle
            font.bold: true
            horizontalAlignment: tile.compact ? Text.AlignHCenter : Text.AlignLeft
            wrapMode: Text.Wrap
            // The tile's height is fixed by its parent: a long title (content sets most of them)
            // ends in "…" instead of drawing over the next tile.
            maximumLineCount: tile.compact ? 1 : 3
            elide: Text.ElideRight
        }
        Text {
            id: subtitleText
            textFormat: Text.PlainText
            width: parent.width
            visible: tile.subtitle !== ""
            text: tile.subtitle
            color: Theme.textMuted
            font.family: Theme.fontFamily
            font.pixelSize: Theme.fontSmall
            wrapMode: Text.Wrap
            // Staff write some subtitles (the 本站公告 tile shows an announcement's title): two lines at most.
            maximumLineCount: 2
            elide: Text.ElideRight
        }
    }

    MouseArea {
        id: tap
        anchors.fill: parent
        enabled: tile.enabled
        onClicked: tile.clicked()
    }
}
