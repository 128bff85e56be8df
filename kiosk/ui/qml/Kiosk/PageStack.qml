import QtQuick

// Main's stack of pages: push, pop and replace without transitions. Each page is created from
// its file with the given properties, hidden while another is on top of it and destroyed when
// it leaves the stack. Pages are KioskPage items (pageTitle, active, removed()).
//
// A new page is built incrementally (QML incubation: a few ms per frame between frames, so the
// screen keeps reacting while a page with many items is made) and takes the screen when it is
// complete; meanwhile the previous page stays as it was (`loading` is true). A newer request
// supersedes one still being built. The first page is built at once, with the window, and so is
// a page asked for `atOnce` (the staff screens, whose bindings read the admin state as it is made).
Item {
    id: stack

    readonly property int depth: pages.length
    readonly property Item currentItem: pages.length > 0 ? pages[pages.length - 1] : null
    readonly property bool loading: pending !== null
    property var pages: []
    property var pending: null          // the incubator of the page being built

    function push(url, props, atOnce) {
        build(url, props, atOnce === true, page => setPages(pages.concat([page])))
    }

    function pop() {
        cancelPending()
        if (pages.length < 2)
            return
        const top = pages[pages.length - 1]
        setPages(pages.slice(0, -1))
        discard(top)
    }

    // Replace `target` and every page above it (null: the whole stack) with a new page.
    function replace(target, url, props, atOnce) {
        build(url, props, atOnce === true, page => {
            const keep = target === null ? 0 : Math.max(0, pages.indexOf(target))
            const leaving = pages.slice(keep)
            setPages(pages.slice(0, keep).concat([page]))
            for (let i = leaving.length - 1; i >= 0; --i)
                discard(leaving[i])
        })
    }

    // Create the page of `url` and hand it to `place` once complete (at once, or a few objects per frame).
    function build(url, props, atOnce, place) {
        cancelPending()
        const component = Qt.createComponent(url)
        if (component.status !== Component.Ready) {
            console.warn("PageStack: cannot load", url, component.errorString())
            return
        }
        const initial = Object.assign({ visible: false }, props || {})
        const mode = atOnce || pages.length === 0 ? Qt.Synchronous : Qt.Asynchronous
        const incubator = component.incubateObject(stack, initial, mode)
        if (incubator === null) {
            console.warn("PageStack: cannot create", url)
            return
        }
        if (incubator.status === Component.Ready) {
            place(incubator.object)
            return
        }
        if (incubator.status !== Component.Loading) {
            console.warn("PageStack: cannot create", url, component.errorString())
            return
        }
        pending = incubator
        incubator.onStatusChanged = status => {
            if (stack.pending !== incubator) {     // superseded by a newer request while being built
                if (status === Component.Ready)
                    incubator.object.destroy()
                return
            }
            stack.pending = null
            if (status === Component.Ready)
                place(incubator.object)
            else
                console.warn("PageStack: cannot create", url, component.errorString())
        }
    }

    function cancelPending() {
        // The incubator's own callback destroys its page when it completes (QML cannot abort an incubation).
        pending = null
    }

    function setPages(list) {
        pages = list
        for (let i = 0; i < list.length; ++i) {
            const top = i === list.length - 1
            list[i].visible = top
            list[i].active = top
        }
    }

    function discard(page) {
        page.active = false
        page.visible = false
        page.removed()
        page.destroy()
    }
}
