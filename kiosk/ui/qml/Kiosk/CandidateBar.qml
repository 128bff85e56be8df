// Hanzi words for the letters being typed (from the search engine's suggest()). Tapping one
// emits picked(word); the page replaces the typed letters with it.
import QtQuick

Item {
    id: bar

    property var model: null
    property string letters: ""
    signal picked(string word)

    implicitHeight: Theme.touchMin + Theme.spacing

    Text {
        textFormat: Text.PlainText
        anchors.fill: parent
        anchors.leftMargin: Theme.spacing
        visible: list.count === 0
        verticalAlignment: Text.AlignVCenter
        elide: Text.ElideRight
        font.family: Theme.fontFamily
        font.pixelSize: Theme.fontSmall
        color: Theme.textMuted
        text: bar.letters.length > 0 ? qsTr("没有与 “%1” 对应的词，可继续输入字母").arg(bar.letters)
                                     : qsTr("输入拼音首字母，这里会出现候选词")
    }

    ListView {
        id: list
        objectName: "candidateList"
        anchors.fill: parent
        orientation: ListView.Horizontal
        spacing: Theme.spacing / 2
        clip: true
        boundsBehavior: Flickable.StopAtBounds
        model: bar.model
        delegate: TouchButton {
            required property string word
            required property int index
            objectName: "candidate_" + index
            height: Theme.touchMin
            anchors.verticalCenter: parent ? parent.verticalCenter : undefined
            text: word
            ink: Theme.primary
            border.width: 2
            onClicked: bar.picked(word)
        }
    }
}
