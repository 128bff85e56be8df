import QtQuick

// The few facts a visitor of a service page comes for, before the full guide: 收费, 办理时限, 在哪办 and
// the number of 材料 ({label, value} in plain text from the Content facade, fee first). A fee nobody has
// checked against the schedule in force carries `feeNote` ("以窗口公示为准") right under it.
Rectangle {
    id: card
    objectName: "keyFactsCard"
    property var facts: []
    property string feeNote: ""
    // The label column fits the longest label (四个字, or an English one) and never takes more than a third.
    readonly property real labelWidth: Math.min(width / 3, Math.max(0, ...facts.map(f => labelMetrics.advanceWidth(f.label))))
                                       + Theme.spacing / 2

    FontMetrics {
        id: labelMetrics
        font.family: Theme.fontFamily
        font.pixelSize: Theme.fontBody
        font.bold: true
    }

    visible: facts.length > 0
    implicitHeight: rows.implicitHeight + 2 * Theme.spacing
    radius: Theme.radius
    color: Theme.surface
    border.color: Theme.primary
    border.width: 2

    Column {
        id: rows
        anchors { left: parent.left; right: parent.right; top: parent.top; margins: Theme.spacing }
        spacing: Theme.spacing / 2

        Repeater {
            model: card.facts
            Row {
                id: fact
                required property var modelData
                required property int index
                objectName: "keyFact"
                width: rows.width
                spacing: Theme.spacing / 2

                Text {
                    textFormat: Text.PlainText
                    width: card.labelWidth
                    text: fact.modelData.label
                    color: Theme.primary
                    font.family: Theme.fontFamily
                    font.pixelSize: Theme.fontBody
                    font.bold: true
                    wrapMode: Text.Wrap
                }
                Column {
                    width: rows.width - card.labelWidth - fact.spacing
                    Text {
                        objectName: fact.index === 0 ? "keyFactFirstValue" : ""
                        textFormat: Text.PlainText
                        width: parent.width
                        text: fact.modelData.value
                        color: Theme.text
                        font.family: Theme.fontFamily
                        font.pixelSize: Theme.fontBody
                        lineHeight: 1.2
                        wrapMode: Text.Wrap
                        // The full text stands in its section below; the card stays one glance long. In 大字 mode
                        // nothing is cut: a visitor who asked for large text reads the fee whole, first.
                        maximumLineCount: Theme.largeText ? 1000 : 3
                        elide: Text.ElideRight
                    }
                    Text {
                        objectName: "feeNote"
                        textFormat: Text.PlainText
                        width: parent.width
                        visible: fact.index === 0 && card.feeNote !== ""
                        text: card.feeNote
                        color: Theme.textMuted
                        font.family: Theme.fontFamily
                        font.pixelSize: Theme.fontSmall
                        font.bold: true
                        wrapMode: Text.Wrap
                    }
                }
            }
        }
    }
}
