import QtQuick

// 找工作人员 / Ask staff, in the visitor bar: opens AskStaffPanel over the whole window. When the page
// on top shows a booking short code, the panel explains it (staff can look the booking up by it).
TouchButton {
    id: button
    objectName: "askStaffButton"
    // The page on top (VisitorBar.page), searched for a booking short code when the panel opens.
    property Item page: null

    text: qsTr("找工作人员")
    fill: Theme.surface
    ink: Theme.primary
    border.width: 2
    Accessible.role: Accessible.Button
    Accessible.name: qsTr("找工作人员")
    Accessible.onPressAction: button.clicked()
    onClicked: {
        panel.active = true
        panel.item.open(shortCodeOn(page))
    }
    // Another page took the screen (the staff corner, a page opened underneath): the panel was about the old one.
    onPageChanged: if (panel.item) panel.item.close()

    // The short code of a visible booking QR on ITEM or inside it, '' when none is shown.
    function shortCodeOn(item) {
        if (!item || !item.visible)
            return ""
        if (item.objectName === "bookingQr" && item.shortCode)
            return item.shortCode
        for (let i = 0; i < item.children.length; ++i) {
            const code = shortCodeOn(item.children[i])
            if (code !== "")
                return code
        }
        return ""
    }

    // Made on the first tap, then kept: a visitor sees nothing of it before, and the window's first frame
    // comes sooner without building it (docs/benchmarks.md, "The first frame won back").
    Loader {
        id: panel
        active: false
        // Over the whole window (the idle countdown still above it), not inside the bar.
        parent: button.Window.window ? button.Window.window.contentItem : button
        anchors.fill: parent
        z: 50
        sourceComponent: AskStaffPanel {}
    }
}
