import QtQuick
import KioskBackend

// Policies, notices, news or events as one list. Notices past valid_until and past events are
// listed after the current ones, under their own heading, greyed.
KioskPage {
    id: page
    objectName: "recordListPage"
    property string kind: "policies"
    property string category: ""
    // Reads Shell.language so that a switch of language names the list again (kindTitle answers in it).
    pageTitle: Shell.language ? Content.kindTitle(kind) : ""

    RecordListModel {
        id: records
        kind: page.kind
        category: page.category
    }
    // The event type chips' rows; records is null for a moment while the page is destroyed (it goes first).
    readonly property var eventTypes: records ? records.eventTypes : []
    readonly property string eventType: records ? records.eventType : ""

    // Events: one chip per event type some event has (宣讲会, 培训, 讲座 …) and 全部; the chosen one is filled.
    Flow {
        id: typeChips
        objectName: "eventTypeChips"
        visible: page.eventTypes.length > 0
        anchors { left: parent.left; right: parent.right; top: parent.top
                  leftMargin: Theme.pageMargin; rightMargin: Theme.pageMargin; topMargin: visible ? Theme.spacing : 0 }
        height: visible ? implicitHeight : 0
        spacing: Theme.spacing / 2
        Repeater {
            model: [{ type: "", label: qsTr("全部") }].concat(page.eventTypes)
            Tile {
                required property var modelData
                readonly property bool chosen: page.eventType === modelData.type
                objectName: "eventType_" + (modelData.type || "all")
                compact: true
                height: Theme.touchMin
                width: Math.max(implicitWidth, Theme.touchMin * 2)
                text: modelData.label
                fill: chosen ? Theme.primary : Theme.surface
                ink: chosen ? Theme.onPrimary : Theme.primary
                border.color: Theme.primary
                Accessible.role: Accessible.Button
                Accessible.name: qsTr("只看%1").arg(modelData.label)
                Accessible.checkable: true
                Accessible.checked: chosen
                onClicked: records.eventType = modelData.type
            }
        }
    }

    ListView {
        id: list
        objectName: "recordList"
        anchors { left: parent.left; right: parent.right; top: typeChips.bottom; bottom: parent.bottom
                  leftMargin: Theme.pageMargin; rightMargin: Theme.pageMargin }
        topMargin: Theme.spacing
        bottomMargin: Theme.spacing
        spacing: Theme.spacing / 2
        clip: true
        model: records
        boundsBehavior: Flickable.StopAtBounds
        // Scrolled to whole pixels: at a fractional offset the rows' one-pixel outlines blur into the background.
        pixelAligned: true
        section.property: "section"
        section.delegate: Text {
            textFormat: Text.PlainText
            required property string section
            width: list.width
            height: section === "" ? 0 : implicitHeight + Theme.spacing
            visible: section !== ""
            verticalAlignment: Text.AlignBottom
            text: section
            color: Theme.primary
            font.family: Theme.fontFamily
            font.pixelSize: Theme.fontTitle
            font.bold: true
        }
        delegate: RecordRow {
            required property var model
            objectName: "row_" + model.recordId
            width: ListView.view.width
            title: model.title
            subtitle: model.docNumber !== "" ? model.docNumber + "　" + model.subtitle : model.subtitle
            date: model.date
            inactive: model.inactive
            badge: page.kind === "notices" && model.inactive ? qsTr("已过期")
                 : page.kind === "events" && model.inactive ? qsTr("已结束")
                 : model.typeLabel
            onClicked: page.Window.window.openRecord(model.recordId)
        }

        Text {
            textFormat: Text.PlainText
            anchors.centerIn: parent
            visible: list.count === 0
            text: qsTr("暂无内容")
            color: Theme.textMuted
            font.family: Theme.fontFamily
            font.pixelSize: Theme.fontTitle
        }
    }
}
