// The staff text keyboard: 中 (pinyin through the kiosk's own engine, the Pinyin singleton), 英 and
// 123 (digits and punctuation), with a candidate bar. No OS input method: keys go to Pinyin, and
// the text it commits is inserted into TARGET (a TextField or TextArea) at its cursor.
// A hardware keyboard feeds the same engine: each staff field passes its key presses to handleKey().
// Visitors never see this keyboard; their search keeps OnScreenKeyboard.qml.
import QtQuick
import KioskBackend

Rectangle {
    id: keyboard
    objectName: "staffKeyboard"

    // The field being typed into (null: keys do nothing).
    property Item target: null
    // Enter while nothing is composed starts a new line (the body) or does nothing (the title).
    property bool multiLine: false

    readonly property bool chinese: Pinyin.mode === "zh"
    readonly property bool digits: Pinyin.mode === "digits"
    readonly property int keyGap: Math.max(6, Theme.spacing / 2)
    readonly property int keyWidth: Math.max(Theme.touchMin,
        Math.min(Theme.touchMin * 1.6, (width - 2 * keyGap - keyGap * 9) / 10))
    readonly property int keyHeight: Theme.portrait ? Math.round(Theme.touchMin * 1.2) : Theme.touchMin

    readonly property var letterRows: [
        ["q", "w", "e", "r", "t", "y", "u", "i", "o", "p"],
        ["a", "s", "d", "f", "g", "h", "j", "k", "l"],
        ["z", "x", "c", "v", "b", "n", "m", "，", "。"]
    ]
    // Digits, the Chinese punctuation marks, and the ASCII signs of times, dates and addresses.
    readonly property var digitRows: [
        ["1", "2", "3", "4", "5", "6", "7", "8", "9", "0"],
        ["，", "。", "、", "：", "；", "？", "！"],
        ["“", "”", "（", "）", "-", ":", ".", "/"]
    ]
    readonly property string marks: "，。：；？！、“”（）"

    color: Theme.divider
    implicitHeight: content.implicitHeight + 2 * keyGap

    // --------------------------------------------------------------- text into the field

    function insertText(text) {
        if (!target)
            return
        if (target.selectedText.length > 0)
            target.remove(target.selectionStart, target.selectionEnd)
        target.insert(target.cursorPosition, text)
    }

    function deleteBackward() {
        if (!target)
            return
        if (target.selectedText.length > 0)
            target.remove(target.selectionStart, target.selectionEnd)
        else if (target.cursorPosition > 0)
            target.remove(target.cursorPosition - 1, target.cursorPosition)
    }

    function tapKey(key) {
        if (marks.indexOf(key) >= 0)
            Pinyin.punctuate(key)
        else
            Pinyin.typeText(key)
    }

    // Pinyin decides whether letters wait (answers may still be on their way); if none, the key is the field's.
    function tapBackspace() {
        if (!Pinyin.backspace())
            deleteBackward()
    }

    function tapEnter() {
        if (!Pinyin.enter() && multiLine)
            insertText("\n")
    }

    // A hardware key pressed in a staff field: letters, and while composing the keys that act on the
    // letters, go to the engine in 中 mode; everything else the field handles itself.
    function handleKey(event) {
        if (!chinese || (event.modifiers & (Qt.ControlModifier | Qt.AltModifier | Qt.MetaModifier)))
            return
        const text = event.text
        if (/^[A-Za-z]$/.test(text)) {
            Pinyin.typeText(text)
        } else if (Pinyin.composing && /^[1-9]$/.test(text)) {
            Pinyin.typeText(text)
        } else if (Pinyin.composing && event.key === Qt.Key_Backspace) {
            Pinyin.backspace()
        } else if (Pinyin.composing && event.key === Qt.Key_Space) {
            Pinyin.space()
        } else if (Pinyin.composing && (event.key === Qt.Key_Return || event.key === Qt.Key_Enter)) {
            Pinyin.enter()
        } else if (Pinyin.composing && (event.key === Qt.Key_PageDown || text === "=")) {
            Pinyin.nextPage()
        } else if (Pinyin.composing && (event.key === Qt.Key_PageUp || text === "-")) {
            Pinyin.previousPage()
        } else if (text.length === 1 && ",.:;?!\\()\"".indexOf(text) >= 0) {
            Pinyin.punctuate(text)
        } else {
            return
        }
        event.accepted = true
    }

    Connections {
        target: Pinyin
        enabled: keyboard.visible
        function onCommitted(text) { keyboard.insertText(text) }
    }

    // Letters typed for one field never end up in another, and closing the keyboard drops them.
    onTargetChanged: Pinyin.discard()
    onVisibleChanged: visible ? Pinyin.activate() : Pinyin.discard()
    Component.onCompleted: if (visible) Pinyin.activate()
    Component.onDestruction: Pinyin.discard()

    component StaffKey: TouchButton {
        property bool special: false
        property bool selected: false
        implicitWidth: keyboard.keyWidth
        implicitHeight: keyboard.keyHeight
        horizontalPadding: 4
        fill: selected ? Theme.primary : (special ? Theme.bg : Theme.surface)
        ink: selected ? Theme.onPrimary : Theme.text
        border.color: Theme.textMuted
        border.width: 1
    }

    // Two lines at most: room for why pinyin is not offered (the reason names what a technician must install).
    component StatusLine: Text {
        textFormat: Text.PlainText
        font.family: Theme.fontFamily
        font.pixelSize: Theme.fontSmall
        wrapMode: Text.Wrap
        elide: Text.ElideRight
        maximumLineCount: 2
        verticalAlignment: Text.AlignVCenter
    }

    Column {
        id: content
        x: keyboard.keyGap
        y: keyboard.keyGap
        width: keyboard.width - 2 * keyboard.keyGap
        spacing: keyboard.keyGap

        // The pre-edit letters, or why 中 is not offered, or what the engine is doing.
        StatusLine {
            objectName: "staffPreedit"
            width: parent.width
            color: Pinyin.unavailableReason !== "" || Pinyin.notice !== "" ? Theme.danger
                   : (Pinyin.composing ? Theme.primary : Theme.textMuted)
            text: Pinyin.notice !== "" ? Pinyin.notice
                  : Pinyin.composing ? Pinyin.preedit
                  : Pinyin.unavailableReason !== "" ? Pinyin.unavailableReason
                  : Pinyin.starting ? "正在启动拼音输入……"
                  : keyboard.chinese ? "中文：输入拼音，点候选词上屏；空格选第一个词"
                  : keyboard.digits ? "数字与标点" : "英文：字母按原样输入"
        }

        // The candidates of the letters typed, one page at a time.
        Row {
            id: candidateRow
            width: parent.width
            height: Theme.touchMin
            spacing: keyboard.keyGap

            ListView {
                id: candidateList
                objectName: "staffCandidates"
                width: parent.width - 2 * (pagePrev.width + parent.spacing)
                height: parent.height
                orientation: ListView.Horizontal
                spacing: keyboard.keyGap
                clip: true
                boundsBehavior: Flickable.StopAtBounds
                model: Pinyin.candidates
                delegate: TouchButton {
                    required property string modelData
                    required property int index
                    objectName: "staffCandidate_" + index
                    height: Theme.touchMin
                    width: Math.max(Theme.touchMin, implicitWidth)
                    text: modelData
                    ink: index === 0 ? Theme.onPrimary : Theme.primary
                    fill: index === 0 ? Theme.primary : Theme.surface
                    border.width: 2
                    onClicked: Pinyin.select(index)
                }
            }
            StaffKey {
                id: pagePrev
                objectName: "staffPagePrev"
                special: true
                height: Theme.touchMin
                width: Math.round(keyboard.keyWidth * 1.2)
                text: "上页"
                enabled: Pinyin.hasPreviousPage
                onClicked: Pinyin.previousPage()
            }
            StaffKey {
                objectName: "staffPageNext"
                special: true
                height: Theme.touchMin
                width: pagePrev.width
                text: "下页"
                enabled: Pinyin.hasNextPage
                onClicked: Pinyin.nextPage()
            }
        }

        Repeater {
            model: keyboard.digits ? keyboard.digitRows : keyboard.letterRows
            delegate: Row {
                required property var modelData
                anchors.horizontalCenter: parent.horizontalCenter
                spacing: keyboard.keyGap
                Repeater {
                    model: parent.modelData
                    delegate: StaffKey {
                        required property string modelData
                        objectName: "staffKey_" + modelData
                        special: keyboard.marks.indexOf(modelData) >= 0
                        text: modelData
                        onClicked: keyboard.tapKey(modelData)
                    }
                }
            }
        }

        Row {
            anchors.horizontalCenter: parent.horizontalCenter
            spacing: keyboard.keyGap
            StaffKey {
                objectName: "staffKey_mode_zh"
                special: true
                selected: keyboard.chinese
                text: "中"
                onClicked: Pinyin.setMode("zh")
            }
            StaffKey {
                objectName: "staffKey_mode_en"
                special: true
                selected: Pinyin.mode === "en"
                text: "英"
                onClicked: Pinyin.setMode("en")
            }
            StaffKey {
                objectName: "staffKey_mode_digits"
                special: true
                selected: keyboard.digits
                text: "123"
                onClicked: Pinyin.setMode("digits")
            }
            StaffKey {
                objectName: "staffKey_space"
                width: keyboard.keyWidth * 3 + keyboard.keyGap * 2
                text: "空格"
                onClicked: Pinyin.space()
            }
            StaffKey {
                objectName: "staffKey_backspace"
                special: true
                width: Math.round(keyboard.keyWidth * 1.5 + keyboard.keyGap / 2)
                text: "退格"
                onClicked: keyboard.tapBackspace()
            }
            StaffKey {
                objectName: "staffKey_enter"
                special: true
                width: Math.round(keyboard.keyWidth * 1.5 + keyboard.keyGap / 2)
                text: Pinyin.composing ? "确认" : "换行"
                enabled: Pinyin.composing || keyboard.multiLine
                onClicked: keyboard.tapEnter()
            }
            StaffKey {
                objectName: "staffKey_hide"
                special: true
                text: "收起"
                // Taking the focus from the field hides the keyboard (the page shows it while a field has focus).
                onClicked: if (keyboard.target) keyboard.target.focus = false
            }
        }
    }
}
