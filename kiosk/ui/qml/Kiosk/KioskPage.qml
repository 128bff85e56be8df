import QtQuick

// The root of every page on Main's page stack: fills the stack, paints the page background and
// carries the title the back/home bar shows and whether it is a staff screen. PageStack sets `active` on the page on top and
// emits removed() just before it destroys a page (leaving it by back, home or the idle reset).
Rectangle {
    property string pageTitle: ""
    property bool active: false
    // Staff screens (PIN pad, admin) set this: the visitor bar stays away from them.
    property bool staffPage: false
    // What 朗读 reads on this page (title and key facts, as the page shows them); "" offers no read-aloud.
    property string speechText: ""
    // Pages that are read rather than browsed (service guides, policies, notices) set this: the idle
    // countdown waits Shell.readingIdleTimeoutMs there instead of Shell.idleTimeoutMs.
    property bool readingPage: false
    signal removed()

    anchors.fill: parent
    color: Theme.bg
}
