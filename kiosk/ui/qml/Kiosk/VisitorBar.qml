import QtQuick

// The visitor's own controls along the bottom of every visitor page, always in the same place:
// 大字 (large text), 中文/English, 朗读 (when the page has something to read) and 找工作人员.
// `page` is the page on top of the stack; a control may read what that page offers.
Rectangle {
    id: bar
    property Item page: null

    height: controls.implicitHeight + Theme.spacing
    color: Theme.surface

    Rectangle {
        anchors { left: parent.left; right: parent.right; top: parent.top }
        height: 2
        color: Theme.divider
    }

    Row {
        id: controls
        objectName: "visitorControls"
        // The page's margin where the row has room for it; less where it has not (English in 大字 mode in
        // portrait, with 朗读), so the first control stays whole on the screen.
        anchors { right: parent.right; verticalCenter: parent.verticalCenter
                  rightMargin: Math.max(0, Math.min(Theme.pageMargin, Math.floor((bar.width - implicitWidth) / 2))) }
        spacing: Theme.spacing / 2
        // One control per line, in this order: large text, language, read aloud, ask staff.
        LargeTextToggle {}
        LanguageToggle {}
        ReadAloudButton { page: bar.page }
        AskStaffButton { page: bar.page }
    }
}
