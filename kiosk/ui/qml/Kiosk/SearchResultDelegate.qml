// One search hit (its kind is the list section): the title with the characters the query matched in
// bold (why it was found); a tap opens the record's detail page.
import QtQuick

Rectangle {
    id: row

    required property string recordId
    required property string title
    // The title escaped for StyledText by search_model.title_markup: its only markup is <b> around matches.
    required property string titleMarkup
    required property int index

    objectName: "result_" + recordId
    implicitHeight: Math.max(Theme.touchMin + Theme.spacing, label.implicitHeight + Theme.spacing * 2)
    color: tap.pressed ? Theme.bg : Theme.surface
    Accessible.role: Accessible.ListItem
    Accessible.name: title
    Accessible.onPressAction: row.Window.window.openRecord(row.recordId)

    // The outline tells one tappable hit from the next (and from the white list around them).
    border.color: Theme.controlBorder
    border.width: 1

    Text {
        id: label
        objectName: "resultTitle"
        textFormat: Text.StyledText
        anchors { left: parent.left; right: parent.right; verticalCenter: parent.verticalCenter
                  leftMargin: Theme.spacing; rightMargin: Theme.spacing }
        text: row.titleMarkup
        wrapMode: Text.Wrap
        maximumLineCount: 2
        elide: Text.ElideRight
        font.family: Theme.fontFamily
        font.pixelSize: Theme.fontBody
        color: Theme.text
    }

    MouseArea {
        id: tap
        anchors.fill: parent
        onClicked: row.Window.window.openRecord(row.recordId)
    }
}
