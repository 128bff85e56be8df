import QtQuick
import KioskBackend

// 朗读 in the visitor bar: reads the page's speechText aloud (ReadAloud singleton, a `speak` child process);
// 停止 while speaking. Absent when the station turned speech off or the page offers nothing to read. Leaving
// the page silences it; when nothing can be heard (no speaker) it says so instead of pretending.
TouchButton {
    id: readButton
    objectName: "readAloudButton"
    property Item page: null
    readonly property string speechText: page !== null && page.speechText !== undefined ? page.speechText : ""
    readonly property bool offered: ReadAloud.enabled && speechText !== ""

    visible: offered
    text: ReadAloud.state === "unavailable" ? ReadAloud.message
          : ReadAloud.speaking ? qsTr("停止") : qsTr("朗读")
    fill: ReadAloud.speaking ? Theme.primary : Theme.surface
    ink: ReadAloud.speaking ? Theme.onPrimary : Theme.text
    border.width: 2
    Accessible.name: qsTr("朗读")
    Accessible.checkable: true
    Accessible.checked: ReadAloud.speaking
    Accessible.description: ReadAloud.state === "unavailable" ? ReadAloud.message : ""

    onClicked: ReadAloud.toggle(speechText, Shell.language)
    onOfferedChanged: ReadAloud.setOffered(offered)
    onPageChanged: ReadAloud.stopSpeaking()
    Component.onCompleted: ReadAloud.setOffered(offered)
}
