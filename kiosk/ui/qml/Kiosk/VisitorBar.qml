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
        anchors { right: parent.right; rightMargin: Theme.pageMargin; verticalCenter: parent.verticalCenter }
        spacing: Theme.spacing / 2
        // One control per line, in this order: large text, language, read aloud, ask staff.
        LargeTextToggle {}
        LanguageToggle {}
        ReadAloudButton { page: bar.page }
        AskStaffButton { page: bar.page }
    }
}
