import QtQuick
import KioskBackend

// 中文/English: one tap switches the visitor's language (Shell.language); every qsTr text follows at once.
// The label names the language the tap leads to, written in that language, so that a visitor who cannot
// read the current one still finds it; that is why it is not itself translated.
TouchButton {
    id: toggle
    objectName: "languageToggle"
    readonly property string target: Shell.language === "en" ? "zh" : "en"

    text: target === "en" ? "English" : "中文"
    border.width: 2
    Accessible.role: Accessible.Button
    Accessible.name: text
    Accessible.onPressAction: toggle.clicked()
    onClicked: Shell.language = target
}
