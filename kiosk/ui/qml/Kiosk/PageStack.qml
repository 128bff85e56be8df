import QtQuick

// Main's stack of pages: push, pop and replace without transitions. Each page is created from
// its file with the given properties, hidden while another is on top of it and destroyed when
// it leaves the stack. Pages are KioskPage items (pageTitle, active, removed()).
Item {
    id: stack

    readonly property int depth: pages.length
    readonly property Item currentItem: pages.length > 0 ? pages[pages.length - 1] : null
    property var pages: []

    function push(url, props) {
        const page = create(url, props)
        if (page === null)
            return null
        setPages(pages.concat([page]))
        return page
    }

    function pop() {
        if (pages.length < 2)
            return
        const top = pages[pages.length - 1]
        setPages(pages.slice(0, -1))
        discard(top)
    }

    // Replace `target` and every page above it (null: the whole stack) with a new page.
    function replace(target, url, props) {
        const page = create(url, props)
        if (page === null)
            return null
        const keep = target === null ? 0 : Math.max(0, pages.indexOf(target))
        const leaving = pages.slice(keep)
        setPages(pages.slice(0, keep).concat([page]))
        for (let i = leaving.length - 1; i >= 0; --i)
            discard(leaving[i])
        return page
    }

    function create(url, props) {
        const component = Qt.createComponent(url)
        if (component.status !== Component.Ready) {
            console.warn("PageStack: cannot load", url, component.errorString())
            return null
        }
        const page = component.createObject(stack, Object.assign({ visible: false }, props || {}))
        if (page === null)
            console.warn("PageStack: cannot create", url)
        return page
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
