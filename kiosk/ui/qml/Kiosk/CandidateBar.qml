// Hanzi words for the letters being typed (from the search engine's suggest()). Tapping one
// emits picked(word); the page replaces the typed letters with it. The words wrap onto further
// lines rather than run off the edge: every word is whole and tappable, however wide the screen.
// Where the page has room for only a few lines (maximumRows), the bar keeps that height and the
// further lines scroll, a line at a time, with a scroll bar beside them saying there is more.
import QtQuick

Item {
    id: bar

    property var model: null
    property string letters: ""
    // Typing more letters would narrow the results shown (docs/search.md: "Which hint is true when").
    property bool moreLettersHelp: false
    // Lines of words shown at once; 0: as many as the words need.
    property int maximumRows: 0
    signal picked(string word)

    // One line of words: a chip and the gap below it (the Flow's spacing).
    readonly property real rowPitch: Theme.touchMin + words.spacing
    readonly property real boundedHeight: maximumRows > 0 ? maximumRows * rowPitch - words.spacing : Infinity
    readonly property bool scrolls: words.implicitHeight > boundedHeight + 1

    // Scrolling, exactly whole lines: a taller bar would show a cut strip of the next line.
    implicitHeight: scrolls ? boundedHeight : Math.max(Theme.touchMin + Theme.spacing, words.implicitHeight)

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

    Flickable {
        id: lines
        objectName: "candidateLines"
        anchors { left: parent.left; verticalCenter: parent.verticalCenter }
        height: bar.scrolls ? bar.boundedHeight : parent.height
        // Room for the scroll bar at the right when the words scroll, so it never covers a chip.
        width: bar.scrolls ? parent.width - scrollLane.width - Theme.spacing / 2 : parent.width
        contentHeight: words.implicitHeight
        clip: bar.scrolls
        interactive: bar.scrolls
        boundsBehavior: Flickable.StopAtBounds
        // A flick ends on a whole line: at rest no chip is cut by the bar's edge.
        onMovementEnded: contentY = Math.min(Math.round(contentY / bar.rowPitch) * bar.rowPitch,
                                             Math.max(0, contentHeight - height))

        Flow {
            id: words
            objectName: "candidateWords"
            readonly property alias count: repeater.count
            width: lines.width
            spacing: Theme.spacing / 2
            // New letters, new words: start again at the first line.
            onImplicitHeightChanged: lines.contentY = 0
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

    // The scroll bar: a track the height of the bar and a thumb for the lines in view.
    Rectangle {
        id: scrollLane
        objectName: "candidateScrollHint"
        visible: bar.scrolls
        anchors { right: parent.right; top: lines.top; bottom: lines.bottom }
        width: Theme.px(10)
        radius: width / 2
        color: Theme.bg
        border.color: Theme.textMuted
        border.width: 1
        Rectangle {
            x: 0
            width: parent.width
            y: lines.visibleArea.yPosition * parent.height
            height: lines.visibleArea.heightRatio * parent.height
            radius: width / 2
            color: Theme.primary
        }
    }
}
