import QtQuick
import KioskBackend

// The small 评价 control of a service (its page, or the booking page once a QR is shown): a button that
// opens the RatingPanel, "已评价" once this visit rated the service. With `invite` it asks first
// ("这次服务还满意吗？"). With `offerAfterPrint` a slip printed from this page opens the panel by itself.
// Nothing shows in a build without the rating module (no Rating singleton).
Item {
    id: prompt
    objectName: "ratingPrompt"
    property string serviceId: ""
    property string serviceTitle: ""
    property bool invite: false
    // Only while the page is the one on top: a slip printed elsewhere (the admin's test slip) offers nothing here.
    property bool offerAfterPrint: false

    implicitWidth: body.implicitWidth
    implicitHeight: body.implicitHeight

    Loader {
        id: body
        active: Shell.hasSingleton("Rating")
        sourceComponent: Item {
            id: control
            readonly property bool rated: Rating.ratedServices.indexOf(prompt.serviceId) >= 0
            implicitWidth: row.implicitWidth
            implicitHeight: row.implicitHeight

            Connections {
                target: prompt.offerAfterPrint && Shell.hasSingleton("Booking") ? Booking : null
                function onPrintFinished(ok, message) {
                    if (ok && !control.rated && prompt.serviceId !== "")
                        panel.open()
                }
            }

            Row {
                id: row
                spacing: Theme.spacing
                Text {
                    textFormat: Text.PlainText
                    anchors.verticalCenter: parent.verticalCenter
                    visible: prompt.invite
                    text: qsTr("这次服务还满意吗？")
                    color: Theme.text
                    font.family: Theme.fontFamily
                    font.pixelSize: Theme.fontBody
                }
                TouchButton {
                    objectName: "ratingOpen"
                    text: control.rated ? qsTr("已评价 · 谢谢") : qsTr("评价")
                    width: Math.max(implicitWidth, Theme.touchMin * 2.5)
                    fill: control.rated ? Theme.bg : Theme.surface
                    ink: Theme.primary
                    border.width: 2
                    Accessible.role: Accessible.Button
                    Accessible.name: control.rated ? qsTr("已评价此服务") : qsTr("评价此服务")
                    onClicked: panel.open()
                }
            }

            RatingPanel {
                id: panel
                parent: prompt.Window.window ? prompt.Window.window.contentItem : control
                serviceId: prompt.serviceId
                serviceTitle: prompt.serviceTitle
            }
        }
    }
}
