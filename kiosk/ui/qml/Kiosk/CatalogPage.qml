import QtQuick
import KioskBackend

// Service catalogue: the 8 categories (with counts) as chips, the services of the chosen one below.
// One tap on a service opens its guide with the booking QR.
KioskPage {
    id: page
    objectName: "catalogPage"
    property string category: "专利"
    pageTitle: qsTr("服务事项")

    CategoryModel { id: categories }
    RecordListModel {
        id: services
        kind: "services"
        category: page.category
    }

    Flow {
        id: chips
        anchors { left: parent.left; right: parent.right; top: parent.top; margins: Theme.pageMargin }
        spacing: Theme.spacing / 2
        Repeater {
            model: categories
            Tile {
                required property string name
                required property string label
                required property int count
                objectName: "category_" + name
                compact: true
                height: Theme.touchMin
                width: implicitWidth
                text: label + "  " + count
                fill: name === page.category ? Theme.primary : Theme.surface
                ink: name === page.category ? Theme.onPrimary : Theme.text
                border.color: Theme.controlBorder
                onClicked: page.category = name
                Accessible.checkable: true
                Accessible.checked: name === page.category
            }
        }
    }

    ListView {
        id: list
        objectName: "serviceList"
        anchors { left: parent.left; right: parent.right; top: chips.bottom; bottom: parent.bottom
                  leftMargin: Theme.pageMargin; rightMargin: Theme.pageMargin; topMargin: Theme.spacing }
        bottomMargin: Theme.spacing
        spacing: Theme.spacing / 2
        clip: true
        model: services
        boundsBehavior: Flickable.StopAtBounds
        // Scrolled to whole pixels: at a fractional offset the rows' one-pixel outlines blur into the background.
        pixelAligned: true
        delegate: RecordRow {
            required property var model
            objectName: "row_" + model.recordId
            width: ListView.view.width
            title: model.title
            subtitle: model.subtitle
            onClicked: page.Window.window.openRecord(model.recordId)
        }
    }
}
