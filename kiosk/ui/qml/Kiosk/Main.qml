import QtQuick
import KioskBackend

// The kiosk window: one stack of pages, a back/home bar, the idle countdown and the hidden
// admin corner. Pages navigate through the functions below (see the UI contract).
Window {
    id: root
    width: 1080
    height: 1920
    visible: false
    // Frameless, so there is no title bar to close (kiosk.ui.lockdown.show_window gives `run --windowed` one).
    flags: Qt.Window | Qt.FramelessWindowHint
    title: Shell.stationName
    color: Theme.bg

    signal visitorReset()
    signal adminRequested()     // the hidden corner got its 5 taps

    readonly property string homePage: "HomePage.qml"
    readonly property string attractPage: "AttractPage.qml"

    Binding { target: Theme; property: "portrait"; value: root.height >= root.width }
    // Staff screens keep their one layout: 大字 is the visitor's choice and comes back with the visitor pages.
    Binding { target: Theme; property: "largeText"
              value: Shell.largeText && !(stack.currentItem !== null && stack.currentItem.staffPage) }

    // Staff screens are built at once (PageStack builds visitor pages a few objects per frame): staff, not
    // visitors, wait for them, and the admin screen's bindings read the admin state as it is made.
    readonly property var staffPages: ["PinPage.qml", "AdminPage.qml"]

    function openPage(fileName, props) {
        stack.push(Qt.resolvedUrl(fileName), props || {}, staffPages.indexOf(fileName) >= 0)
    }

    // The page opens when its record has come from the data service (Content.detailOpened, below).
    function openRecord(recordId) {
        Content.open(recordId)
    }

    Connections {
        target: Content
        function onDetailOpened(recordId, kind) {
            if (kind === "services")
                root.openPage("ServiceDetailPage.qml", { recordId: recordId })
            else if (kind !== "")
                root.openPage("RecordDetailPage.qml", { recordId: recordId })
            else
                console.info("openRecord: no record", recordId)
        }
    }

    function goBack() {
        stack.pop()
    }

    function goHome() {
        showPage(homePage, {})
    }

    // The whole stack becomes this one page (home, the idle reset, the selftest page switch).
    function showPage(fileName, props) {
        stack.replace(null, Qt.resolvedUrl(fileName), props || {})
    }

    // The whole stack becomes home, built at once: for a page that goes on top of it straight away (a newer
    // request supersedes a page still being built), as when an attract slide opens what it shows.
    function showHomeAtOnce() {
        stack.replace(null, Qt.resolvedUrl(homePage), {}, true)
    }

    // PAGE and what is above it give way to another page (the PIN pad to the admin screen).
    function replacePage(page, fileName, props) {
        stack.replace(page, Qt.resolvedUrl(fileName), props || {}, staffPages.indexOf(fileName) >= 0)
    }

    function resetToAttract() {
        idleOverlay.close()
        // Built at once: nobody is at the screen on the idle reset, and what follows reads the new page.
        stack.replace(null, Qt.resolvedUrl(attractPage), {}, true)
        Shell.resetVisitor()
        root.visitorReset()
        restartIdleTimer()
    }

    NavBar {
        id: navBar
        objectName: "navBar"
        anchors { left: parent.left; right: parent.right; top: parent.top }
        visible: stack.depth > 1
        title: stack.currentItem && stack.currentItem.pageTitle !== undefined ? stack.currentItem.pageTitle : ""
        onBackClicked: root.goBack()
        onHomeClicked: root.goHome()
    }

    PageStack {
        id: stack
        objectName: "pageStack"
        anchors { left: parent.left; right: parent.right; top: navBar.visible ? navBar.bottom : parent.top
                  bottom: visitorBar.visible ? visitorBar.top : parent.bottom }
        Component.onCompleted: stack.push(Qt.resolvedUrl(root.homePage), {})
    }

    // The visitor's own controls, in the same place on every visitor page (not on attract or staff pages).
    VisitorBar {
        id: visitorBar
        objectName: "visitorBar"
        anchors { left: parent.left; right: parent.right; bottom: parent.bottom }
        visible: !root.onAttract && stack.currentItem !== null && !stack.currentItem.staffPage
        page: stack.currentItem
    }

    // Idle: no touch for Shell.idleTimeoutMs (Shell.readingIdleTimeoutMs on a reading page) → countdown overlay
    // → attract screen, visitor state cleared.
    // The attract screen is where idle leads; no countdown runs while it is showing.
    readonly property bool onAttract: stack.currentItem !== null && stack.currentItem.objectName === "attractPage"

    function restartIdleTimer() {
        if (root.onAttract)
            idleTimer.stop()
        else
            idleTimer.restart()
    }
    onOnAttractChanged: restartIdleTimer()

    // A reading page (details, policies) gives the visitor longer to read before the countdown.
    readonly property bool onReadingPage: stack.currentItem !== null && stack.currentItem.readingPage === true

    Timer {
        id: idleTimer
        objectName: "idleTimer"
        interval: root.onReadingPage ? Shell.readingIdleTimeoutMs : Shell.idleTimeoutMs
        running: true
        onTriggered: idleOverlay.open()
    }

    Connections {
        target: Shell
        function onUserActivity() {
            root.restartIdleTimer()
            if (idleOverlay.visible)
                idleOverlay.close()
        }
    }

    IdleOverlay {
        id: idleOverlay
        objectName: "idleOverlay"
        anchors.fill: parent
        z: 100
        seconds: Shell.countdownS
        onExpired: root.resetToAttract()
    }

    // Hidden admin entry: 5 taps within 3 s on the top-right corner.
    MouseArea {
        id: hotCorner
        objectName: "adminHotCorner"
        width: 120
        height: 120
        anchors { top: parent.top; right: parent.right }
        z: 200
        property var taps: []
        onPressed: (mouse) => {
            const now = Date.now()
            taps = taps.filter(t => now - t < 3000).concat([now])
            if (taps.length >= 5) {
                taps = []
                root.adminRequested()
                root.openPage("PinPage.qml", {})
            }
            mouse.accepted = false
        }
    }
}
