import QtQuick

// One labelled part of a detail page (受理条件, 申请材料 …): a heading, then text or blocks.
Column {
    id: field
    property string label: ""
    property string text: ""       // StyledText from text.py
    property var blocks: []
    // The record has this part (the page's jump chips list the parts present).
    readonly property bool present: text !== "" || blocks.length > 0
    visible: present
    spacing: Theme.spacing / 3

    Text {
        textFormat: Text.PlainText
        width: field.width
        text: field.label
        color: Theme.primary
        font.family: Theme.fontFamily
        font.pixelSize: Theme.fontTitle
        font.bold: true
    }
    Text {
        width: field.width
        visible: field.text !== ""
        text: field.text
        textFormat: Text.StyledText
        color: Theme.text
        font.family: Theme.fontFamily
        font.pixelSize: Theme.fontBody
        lineHeight: 1.25
        wrapMode: Text.Wrap
    }
    BodyText {
        width: field.width
        visible: field.blocks.length > 0
        blocks: field.blocks
    }
}
