import QtQuick
import KioskBackend

// How a visitor reaches a person at this station: the desk, the station's phone, the hotline and (when
// `showHours`) the opening hours, one line each, from the station's settings (Shell). A setting left
// empty has no line at all, never an empty label. Used by the 找工作人员 panel, every booking panel and
// the search page when nothing is found.
Column {
    id: contact
    property bool showHours: false
    property color ink: Theme.text

    // The national IP public service hotline keeps its name; another configured number is "the hotline".
    readonly property string hotlineText: Shell.hotlineIsNational
        ? qsTr("热线 %1（全国知识产权公共服务热线）").arg(Shell.hotline) : qsTr("服务热线 %1").arg(Shell.hotline)
    readonly property var lines: [
        { key: "desk", text: Shell.stationDesk },
        { key: "phone", text: Shell.stationPhone !== "" ? qsTr("本站电话 %1").arg(Shell.stationPhone) : "" },
        { key: "hotline", text: Shell.hotline !== "" ? hotlineText : "" },
        { key: "hours", text: showHours && Shell.stationHours !== "" ? qsTr("开放时间 %1").arg(Shell.stationHours) : "" }
    ].filter(line => line.text !== "")

    spacing: Theme.spacing / 4

    Repeater {
        model: contact.lines
        delegate: Text {
            required property var modelData
            textFormat: Text.PlainText
            objectName: "staffContact_" + modelData.key
            width: contact.width
            text: modelData.text
            color: contact.ink
            font.family: Theme.fontFamily
            font.pixelSize: Theme.fontBody
            wrapMode: Text.Wrap
            Accessible.role: Accessible.StaticText
            Accessible.name: text
        }
    }
}
