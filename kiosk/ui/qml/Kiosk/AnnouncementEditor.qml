import QtQuick
import QtQuick.Controls
import KioskBackend

// Create or edit one station announcement (本站公告). Title and body are typed on the kiosk's own
// staff keyboard (StaffKeyboard: pinyin, English, digits; a hardware keyboard feeds the same engine),
// shown while one of them has the focus; start and end are chosen with steppers.
// Texts and the body field are plain text: what staff type is never interpreted as markup.
KioskPage {
    id: page
    objectName: "announcementEditor"
    staffPage: true
    pageTitle: annId ? "编辑本站公告" : "新建本站公告"

    property int annId: 0
    property string annTitle: ""
    property string annBody: ""
    property string startsAt: ""      // "" = from now on
    property string endsAt: ""        // "" = until removed
    property bool pinned: false
    property string error: ""

    readonly property int fieldWidth: width - 2 * Theme.pageMargin

    function save() {
        AdminAnnouncements.saveAnnouncement(annId, titleField.text, bodyField.text, startsAt, endsAt, pinned)
    }

    // The data service answers later: back to the list when done, else the problem stays on this page.
    function answered(problem) {
        error = problem
        if (problem === "" && page.active && page.Window.window)
            page.Window.window.goBack()
    }
    Connections {
        target: AdminAnnouncements
        function onSaved(problem) { page.answered(problem) }
        function onRemoved(problem) { page.answered(problem) }
    }

    // Leaving admin (idle reset, home) must not leave an editor reachable without the PIN.
    Connections {
        target: AdminSession
        function onUnlockedChanged() {
            if (!AdminSession.unlocked && page.active && page.Window.window)
                page.Window.window.goHome()
        }
    }

    component Label: Text {
        textFormat: Text.PlainText
        color: Theme.textMuted
        font.family: Theme.fontFamily
        font.pixelSize: Theme.fontSmall
        font.bold: true
    }

    Flickable {
        id: flick
        anchors { left: parent.left; right: parent.right; top: parent.top }
        anchors.bottom: staffKeyboard.visible ? staffKeyboard.top : parent.bottom
        contentHeight: form.implicitHeight + 2 * Theme.pageMargin
        clip: true
        boundsBehavior: Flickable.StopAtBounds

        Column {
            id: form
            x: Theme.pageMargin
            y: Theme.pageMargin
            width: page.fieldWidth
            spacing: Theme.spacing

            Grid {
                columns: Theme.portrait ? 1 : 2
                columnSpacing: Theme.pageMargin
                rowSpacing: Theme.spacing
                readonly property int cellWidth: Theme.portrait ? form.width : (form.width - columnSpacing) / 2

            Column {
                width: parent.cellWidth
                spacing: Theme.spacing
            Label { text: "标题（最多 80 字）" }
            TextField {
                id: titleField
                objectName: "annTitleField"
                width: parent.width
                implicitHeight: Theme.touchMin + 8
                text: page.annTitle
                maximumLength: 80
                placeholderText: "例如：本周五下午暂停服务"
                font.family: Theme.fontFamily
                font.pixelSize: Theme.fontBody
                Keys.onPressed: (event) => staffKeyboard.handleKey(event)
            }

            Label { text: "正文（可选）" }
            ScrollView {
                width: parent.width
                height: Theme.portrait ? 320 : 260
                TextArea {
                    id: bodyField
                    objectName: "annBodyField"
                    textFormat: TextEdit.PlainText
                    text: page.annBody
                    wrapMode: TextEdit.Wrap
                    placeholderText: "公告内容，可分段"
                    font.family: Theme.fontFamily
                    font.pixelSize: Theme.fontBody
                    background: Rectangle { color: Theme.surface; border.color: Theme.divider; radius: 8 }
                    Keys.onPressed: (event) => staffKeyboard.handleKey(event)
                }
            }

            ToggleTile {
                objectName: "annPinned"
                width: Math.min(parent.width, 520)
                text: "置顶（排在其他公告前）"
                checked: page.pinned
                onToggled: page.pinned = checked
            }
            }

            Column {
                width: parent.cellWidth
                spacing: Theme.spacing
            Label { text: "开始显示" }
            ToggleTile {
                objectName: "annStartNow"
                width: Math.min(parent.width, 520)
                text: "立即开始"
                checked: page.startsAt === ""
                onToggled: page.startsAt = checked ? "" : AdminAnnouncements.suggestedStart()
            }
            DateTimeStepper {
                width: parent.width
                visible: page.startsAt !== ""
                namePrefix: "annStart"
                value: page.startsAt
                onValueChanged: page.startsAt = value
            }

            Label { text: "停止显示" }
            ToggleTile {
                objectName: "annNoEnd"
                width: Math.min(parent.width, 520)
                text: "长期有效（直到删除）"
                checked: page.endsAt === ""
                onToggled: page.endsAt = checked ? "" : AdminAnnouncements.suggestedEnd(page.startsAt)
            }
            DateTimeStepper {
                width: parent.width
                visible: page.endsAt !== ""
                namePrefix: "annEnd"
                value: page.endsAt
                onValueChanged: page.endsAt = value
            }

            }
            }

            Text {
                objectName: "annError"
                textFormat: Text.PlainText
                width: parent.width
                visible: text !== ""
                text: page.error
                color: Theme.danger
                wrapMode: Text.Wrap
                font.family: Theme.fontFamily
                font.pixelSize: Theme.fontBody
            }

            Flow {
                width: parent.width
                spacing: Theme.spacing
                Tile {
                    objectName: "annSave"
                    width: 300
                    compact: true
                    text: "保存"
                    onClicked: page.save()
                }
                Tile {
                    objectName: "annCancel"
                    width: 300
                    text: "取消"
                    compact: true
                    fill: Theme.textMuted
                    onClicked: page.Window.window.goBack()
                }
                Tile {
                    objectName: "annDelete"
                    visible: page.annId !== 0
                    width: 300
                    compact: true
                    fill: Theme.danger
                    text: "删除此公告"
                    onClicked: confirmDelete.open()
                }
            }
        }
    }

    StaffKeyboard {
        id: staffKeyboard
        anchors { left: parent.left; right: parent.right; bottom: parent.bottom }
        visible: titleField.activeFocus || bodyField.activeFocus
        target: bodyField.activeFocus ? bodyField : titleField
        multiLine: target === bodyField
    }

    ConfirmPopup {
        id: confirmDelete
        objectName: "annConfirmDelete"
        message: "删除公告“" + page.annTitle + "”？删除后访客将不再看到它。"
        confirmText: "删除"
        onConfirmed: AdminAnnouncements.removeAnnouncement(page.annId)
    }
}
