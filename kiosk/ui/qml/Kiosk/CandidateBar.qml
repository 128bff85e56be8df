// Hanzi words for the letters being typed (from the search engine's suggest()). Tapping one
// emits picked(word); the page replaces the typed letters with it. The words wrap onto further
// lines rather than run off the edge: every word is whole and tappable, however wide the screen.
import QtQuick

Item {
    id: bar

    property var model: null
    property string letters: ""
    // Typing more letters would narrow the results shown (docs/search.md: "Which hint is true when").
    property bool moreLettersHelp: false
    signal picked(string word)

    implicitHeight: Math.max(Theme.touchMin + Theme.spacing, words.implicitHeight)

    Text {
        objectName: "candidateHint"
        textFormat: Text.PlainText
        anchors.fill: parent
        anchors.leftMargin: Theme.spacing
        visible: words.count === 0
        verticalAlignment: Text.AlignVCenter
        wrapMode: Text.Wrap
        maximumLineCount: 2
        elide: Text.ElideRight
        font.family: Theme.fontFamily
        font.pixelSize: Theme.fontSmall
        color: Theme.textMuted
        text: bar.letters.length === 0 ? qsTr("输入拼音首字母，这里会出现候选词")
            : bar.moreLettersHelp ? qsTr("没有与 “%1” 对应的词，可继续输入字母").arg(bar.letters)
            : qsTr("没有与 “%1” 对应的词").arg(bar.letters)
    }

    Flow {
        id: words
        objectName: "candidateWords"
        readonly property alias count: repeater.count
        width: parent.width
        spacing: Theme.spacing / 2
        Repeater {
            id: repeater
            model: bar.model
            delegate: TouchButton {
                required property string word
                required property int index
                objectName: "candidate_" + index
                // A word wider than the bar (it never is in the catalogue) wraps inside its chip.
                width: Math.min(implicitWidth, words.width)
                height: Theme.touchMin
                text: word
                ink: Theme.primary
                border.width: 2
                Accessible.role: Accessible.Button
                Accessible.name: qsTr("候选词 %1").arg(word)
                Accessible.onPressAction: bar.picked(word)
                onClicked: bar.picked(word)
            }
        }
    }
}
