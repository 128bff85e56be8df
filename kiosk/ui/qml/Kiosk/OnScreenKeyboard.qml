// On-screen keyboard for pinyin letters and digits. No input method and no Qt Virtual
// Keyboard (GPL-only): keys only emit signals; the page decides what they do.
import QtQuick
import QtQuick.Layouts

Item {
    id: keyboard

    signal textTyped(string text)
    signal backspacePressed()
    signal clearPressed()

    property bool digitsPage: false
    // Ten keys of touchMin fit a row where they can; where they cannot (大字 mode) the gaps narrow first,
    // then the keys, never below Theme.touchFloor. On wide screens they stop growing at 1.6×.
    readonly property int keyGap: Math.max(Theme.px(6), Math.min(Theme.spacing / 2, Math.floor((width - 10 * Theme.touchMin) / 9)))
    readonly property int keyWidth: Math.max(Theme.touchFloor,
        Math.min(Theme.touchMin * 1.6, (width - keyGap * 9) / 10))
    // 大字 mode in landscape: four rows of tall keys would not leave room for the query and the candidates.
    readonly property int keyHeight: Theme.largeText && !Theme.portrait ? Theme.touchFloor
                                                                        : Math.round(Theme.touchMin * 1.25)

    readonly property var letterRows: [
        ["q", "w", "e", "r", "t", "y", "u", "i", "o", "p"],
        ["a", "s", "d", "f", "g", "h", "j", "k", "l"],
        ["z", "x", "c", "v", "b", "n", "m"]
    ]
    // Digits, and the hanzi that go with numbers in titles (2026年, 140号, 第二期); punctuation is
    // not offered because search ignores it.
    readonly property var digitRows: [
        ["1", "2", "3", "4", "5", "6", "7", "8", "9", "0"],
        ["年", "月", "日", "号", "第", "期"]
    ]

    implicitWidth: Theme.touchMin * 15 + Theme.spacing / 2 * 9   // not from keyGap: that follows the width
    implicitHeight: keyHeight * 4 + keyGap * 3

    component KeyButton: TouchButton {
        property bool special: false
        implicitWidth: keyboard.keyWidth
        implicitHeight: keyboard.keyHeight
        horizontalPadding: Theme.px(4)
        fill: special ? Theme.primary : Theme.surface
        ink: special ? Theme.onPrimary : Theme.text
        border.color: Theme.textMuted
        border.width: 1
    }

    // Anchored at the bottom: the control row (ABC/123, space, backspace, clear) stays in the same
    // place on both pages, whatever the number of key rows above it.
    Column {
        anchors.horizontalCenter: parent.horizontalCenter
        anchors.bottom: parent.bottom
        spacing: keyboard.keyGap

        Repeater {
            model: keyboard.digitsPage ? keyboard.digitRows : keyboard.letterRows
            delegate: Row {
                required property var modelData
                anchors.horizontalCenter: parent.horizontalCenter
                spacing: keyboard.keyGap
                Repeater {
                    model: parent.modelData
                    delegate: KeyButton {
                        required property string modelData
                        objectName: "key_" + modelData
                        text: keyboard.digitsPage ? modelData : modelData.toUpperCase()
                        onClicked: keyboard.textTyped(modelData)
                    }
                }
            }
        }

        Row {
            anchors.horizontalCenter: parent.horizontalCenter
            spacing: keyboard.keyGap
            KeyButton {
                objectName: "key_page"
                special: true
                width: keyboard.keyWidth * 2 + keyboard.keyGap
                text: keyboard.digitsPage ? "ABC" : "123"
                Accessible.name: keyboard.digitsPage ? qsTr("字母键盘") : qsTr("数字键盘")
                onClicked: keyboard.digitsPage = !keyboard.digitsPage
            }
            KeyButton {
                objectName: "key_space"
                width: keyboard.keyWidth * 4 + keyboard.keyGap * 3
                text: qsTr("空格")
                onClicked: keyboard.textTyped(" ")
            }
            KeyButton {
                objectName: "key_backspace"
                special: true
                width: keyboard.keyWidth * 2 + keyboard.keyGap
                text: qsTr("退格")
                onClicked: keyboard.backspacePressed()
            }
            KeyButton {
                objectName: "key_clear"
                special: true
                width: keyboard.keyWidth * 2 + keyboard.keyGap
                text: qsTr("清空")
                onClicked: keyboard.clearPressed()
            }
        }
    }
}
