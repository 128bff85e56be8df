import QtQuick

// Display blocks from kiosk/ui/text.py (headings, paragraphs, bullets, numbered steps).
// Text is StyledText whose only markup is <b> written by text.py (HTML in content is escaped; every
// other Text of the visitor pages is PlainText, so markup in a title or label is shown, never run),
// links are plain text and nothing is ever loaded.
Column {
    id: body
    property var blocks: []
    property color ink: Theme.text
    spacing: Theme.spacing / 2

    // The item showing block INDEX (a policy's outline chips scroll to it).
    function blockItem(index) { return repeater.itemAt(index) }

    Repeater {
        id: repeater
        model: body.blocks
        Item {
            required property var modelData
            width: body.width
            height: line.implicitHeight + (modelData.type === "h2" ? Theme.spacing / 2 : 0)
            Text {
                id: marker
                textFormat: Text.PlainText
                visible: modelData.marker !== ""
                width: visible ? Theme.px(modelData.type === "ol" ? 56 : 36) : 0
                text: modelData.marker
                color: Theme.primary
                font.family: Theme.fontFamily
                font.pixelSize: Theme.fontBody
                font.bold: true
            }
            Text {
                id: line
                anchors { left: marker.right; right: parent.right; bottom: parent.bottom }
                text: modelData.text
                textFormat: Text.StyledText
                color: modelData.type === "h2" || modelData.type === "h3" ? Theme.primary : body.ink
                font.family: Theme.fontFamily
                font.pixelSize: modelData.type === "h2" ? Theme.fontTitle
                              : modelData.type === "h3" ? Math.round((Theme.fontTitle + Theme.fontBody) / 2)
                              : Theme.fontBody
                font.bold: modelData.type === "h2" || modelData.type === "h3"
                lineHeight: 1.25
                wrapMode: Text.Wrap
            }
        }
    }
}
