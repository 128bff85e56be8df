import QtQuick

// A numeric PIN pad: masked dots, 1–9, 清除, 0, 确定. Emits submitted(pin) on 确定.
// Keys are objectName'd pinKey0…pinKey9, pinClear, pinOk (touch-flow tests tap them).
Column {
    id: pad
    property int minDigits: 6
    property int maxDigits: 8
    property string entered: ""
    property bool active: true
    readonly property int keySize: Math.max(Theme.touchMin, Theme.portrait ? 168 : 132)
    signal submitted(string pin)

    function clear() { entered = "" }

    spacing: Theme.spacing
    width: 3 * keySize + 2 * Theme.spacing

    // Dots for the entered digits; the digits themselves are never shown.
    Rectangle {
        width: parent.width
        height: Theme.touchMin + 8
        radius: Theme.radius
        color: Theme.surface
        border.color: Theme.divider
        Row {
            anchors.centerIn: parent
            spacing: 18
            Repeater {
                model: Math.max(pad.minDigits, pad.entered.length)
                delegate: Rectangle {
                    required property int index
                    width: 26; height: 26; radius: 13
                    color: index < pad.entered.length ? Theme.primary : "transparent"
                    border.color: index < pad.entered.length ? Theme.primary : Theme.disabled
                    border.width: 3
                }
            }
        }
    }

    Grid {
        columns: 3
        spacing: Theme.spacing
        Repeater {
            model: ["1", "2", "3", "4", "5", "6", "7", "8", "9", "clear", "0", "ok"]
            delegate: Rectangle {
                id: key
                required property string modelData
                readonly property bool isDigit: modelData !== "clear" && modelData !== "ok"
                readonly property bool usable: pad.active && (isDigit ? pad.entered.length < pad.maxDigits
                                                          : modelData === "ok" ? pad.entered.length >= pad.minDigits
                                                                               : pad.entered.length > 0)
                objectName: isDigit ? "pinKey" + modelData : (modelData === "ok" ? "pinOk" : "pinClear")
                width: pad.keySize
                height: pad.keySize
                radius: pad.keySize / 2
                color: !usable ? Theme.bg : keyTap.pressed ? Qt.darker(fill, 1.15) : fill
                readonly property color fill: modelData === "ok" ? Theme.primary : Theme.surface
                border.color: Theme.divider
                border.width: 2
                opacity: usable ? 1 : 0.45
                Text {
                    textFormat: Text.PlainText
                    anchors.centerIn: parent
                    text: key.isDigit ? key.modelData : (key.modelData === "ok" ? qsTr("确定") : qsTr("清除"))
                    color: key.modelData === "ok" && key.usable ? Theme.onPrimary : Theme.text
                    font.family: Theme.fontFamily
                    font.pixelSize: key.isDigit ? Theme.fontHuge : Theme.fontTitle
                    font.bold: key.modelData === "ok"
                }
                MouseArea {
                    id: keyTap
                    anchors.fill: parent
                    enabled: key.usable
                    onClicked: {
                        if (key.isDigit)
                            pad.entered += key.modelData
                        else if (key.modelData === "clear")
                            pad.entered = pad.entered.slice(0, -1)
                        else
                            pad.submitted(pad.entered)
                    }
                    onPressAndHold: if (key.modelData === "clear") pad.entered = ""
                }
            }
        }
    }
}
