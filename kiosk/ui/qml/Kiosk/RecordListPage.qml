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

    ListView {
        id: list
        objectName: "recordList"
        anchors { fill: parent; leftMargin: Theme.pageMargin; rightMargin: Theme.pageMargin }
        topMargin: Theme.spacing
        bottomMargin: Theme.spacing
        spacing: Theme.spacing / 2
        clip: true
        model: records
        boundsBehavior: Flickable.StopAtBounds
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
                 : page.kind === "events" && model.inactive ? qsTr("已结束") : ""
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
