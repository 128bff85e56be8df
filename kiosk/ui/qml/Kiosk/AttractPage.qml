// Attract screen (shown after the idle countdown): station name, a carousel of current
// station announcements (本站公告) and upcoming events, and "轻触屏幕开始".
// A touch anywhere goes to the home page; the carousel advances on its own.
import QtQuick
import QtQuick.Layouts
import KioskBackend 1.0

KioskPage {
    id: page
    objectName: "attractPage"

    pageTitle: ""
    property int slideIntervalMs: 7000  // time each slide stays (tests shorten it)
    readonly property int announcementCount: announcementSlides.count
    readonly property int slideCount: announcementSlides.count + eventSlides.count
    property int currentSlide: 0

    color: Theme.primary

    Component.onCompleted: Attract.refresh()

    Timer {
        interval: page.slideIntervalMs
        running: page.visible && page.slideCount > 1
        repeat: true
        onTriggered: page.currentSlide = (page.currentSlide + 1) % page.slideCount
    }
    onSlideCountChanged: if (currentSlide >= slideCount) currentSlide = 0

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: Theme.pageMargin
        spacing: Theme.portrait ? Theme.spacing * 2 : Theme.spacing

        Text {
            textFormat: Text.PlainText
            Layout.fillWidth: true
            Layout.topMargin: Theme.portrait ? Theme.spacing * 2 : 0
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.Wrap
            font.family: Theme.fontFamily
            font.pixelSize: Theme.fontHuge
            font.bold: true
            color: Theme.onPrimary
            text: Shell.stationName
        }

        Text {
            textFormat: Text.PlainText
            Layout.fillWidth: true
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.Wrap
            font.family: Theme.fontFamily
            font.pixelSize: Theme.fontTitle
            color: Theme.onPrimary
            opacity: 0.85
            // 大字 mode in landscape: the room goes to the slides.
            visible: Theme.portrait || !Theme.largeText
            text: "查办事 · 看政策 · 约咨询"
        }

        // ------------------------------------------------------------ carousel
        Item {
            id: stage
            Layout.fillWidth: true
            Layout.fillHeight: true

            // Slide card shared by announcements and events: sized to its text, centred on the stage.
            component AttractSlide: Rectangle {
                id: slide
                property int slideIndex: 0
                property string badge: ""
                property color badgeColor: Theme.primary  // events; 本站公告 uses Theme.stationBadge
                property string heading: ""
                property string when: ""
                property string place: ""
                property string detail: ""
                width: stage.width
                height: Math.min(stage.height, slideColumn.implicitHeight + slideColumn.y * 2)
                anchors.centerIn: parent
                radius: Theme.radius * 2
                color: Theme.surface
                visible: page.currentSlide === slideIndex
                clip: true
                // The padding, badge, heading and time: what every slide shows whatever the room.
                readonly property real headHeight: 2 * slideColumn.y + badgeBox.height + slideColumn.spacing
                    + headingText.height + (whenText.visible ? slideColumn.spacing + whenText.height : 0)

                Column {
                    id: slideColumn
                    x: Theme.portrait ? Theme.spacing * 2 : Theme.spacing * 1.5
                    y: x
                    width: parent.width - x * 2
                    spacing: Theme.spacing

                    Rectangle {
                        id: badgeBox
                        width: badgeText.implicitWidth + Theme.spacing * 2
                        height: badgeText.implicitHeight + Theme.spacing
                        radius: Theme.radius
                        color: slide.badgeColor
                        Text {
                            id: badgeText
                            textFormat: Text.PlainText
                            anchors.centerIn: parent
                            font.family: Theme.fontFamily
                            font.pixelSize: Theme.fontBody
                            font.bold: true
                            color: Theme.onPrimary
                            text: slide.badge
                        }
                    }
                    Text {
                        id: headingText
                        textFormat: Text.PlainText
                        width: parent.width
                        wrapMode: Text.Wrap
                        maximumLineCount: 3
                        elide: Text.ElideRight
                        font.family: Theme.fontFamily
                        font.pixelSize: Theme.fontHuge
                        font.bold: true
                        color: Theme.text
                        text: slide.heading
                    }
                    Text {
                        id: whenText
                        textFormat: Text.PlainText
                        width: parent.width
                        visible: slide.when.length > 0
                        wrapMode: Text.Wrap
                        font.family: Theme.fontFamily
                        font.pixelSize: Theme.fontTitle
                        font.bold: true
                        color: Theme.primary
                        text: slide.when
                    }
                    Text {
                        id: placeText
                        textFormat: Text.PlainText
                        width: parent.width
                        // Left out when the card has no room for it (大字 mode in landscape).
                        visible: slide.place.length > 0 && stage.height - slide.headHeight - slideColumn.spacing >= implicitHeight
                        wrapMode: Text.Wrap
                        font.family: Theme.fontFamily
                        font.pixelSize: Theme.fontBody
                        color: Theme.textMuted
                        text: "地点：" + slide.place
                    }
                    Text {
                        id: detailText
                        textFormat: Text.PlainText
                        width: parent.width
                        visible: slide.detail.length > 0 && room >= lineStep
                        // As many lines as the card has room for below the lines above (large text leaves
                        // fewer): the last one ends in "…" rather than being cut through by the card's edge.
                        readonly property real room: stage.height - slide.headHeight
                            - (placeText.visible ? placeText.height + slideColumn.spacing : 0) - slideColumn.spacing
                        readonly property real lineStep: detailMetrics.lineSpacing * lineHeight
                        FontMetrics { id: detailMetrics; font: detailText.font }
                        wrapMode: Text.Wrap
                        maximumLineCount: Math.max(1, Math.min(Theme.portrait ? 8 : 4,
                                                               Math.floor(room / lineStep)))
                        elide: Text.ElideRight
                        font.family: Theme.fontFamily
                        font.pixelSize: Theme.fontTitle
                        lineHeight: 1.2
                        color: Theme.text
                        text: slide.detail
                    }
                }
            }

            Repeater {
                id: announcementSlides
                model: Announcements  // station announcements in force now (UI-core's model)
                delegate: AttractSlide {
                    required property int index
                    required property string title
                    required property string body
                    objectName: "attractAnnouncement_" + index
                    slideIndex: index
                    badge: "本站公告"
                    badgeColor: Theme.stationBadge
                    heading: title
                    detail: body
                }
            }

            Repeater {
                id: eventSlides
                model: Attract.events
                delegate: AttractSlide {
                    required property int index
                    required property string title
                    required when  // the role fills the AttractSlide property of the same name
                    required property string venue
                    required property string summary
                    objectName: "attractEvent_" + index
                    slideIndex: page.announcementCount + index
                    badge: "近期活动"
                    heading: title
                    place: venue
                    detail: summary
                }
            }

            // Nothing to show: a welcome card, never an empty screen.
            AttractSlide {
                objectName: "attractWelcome"
                visible: page.slideCount === 0
                badge: "欢迎"
                heading: "知识产权公共信息服务"
                detail: "查询服务事项、政策法规，预约咨询与维权援助。"
            }
        }

        // Position dots.
        Row {
            Layout.alignment: Qt.AlignHCenter
            spacing: Theme.spacing / 2
            visible: page.slideCount > 1
            Repeater {
                model: page.slideCount
                delegate: Rectangle {
                    required property int index
                    width: Theme.spacing
                    height: Theme.spacing
                    radius: width / 2
                    color: Theme.onPrimary
                    opacity: index === page.currentSlide ? 1.0 : 0.4
                }
            }
        }

        Text {
            id: startHint
            textFormat: Text.PlainText
            objectName: "attractStartHint"
            Layout.fillWidth: true
            Layout.bottomMargin: Theme.portrait ? Theme.spacing * 2 : 0
            horizontalAlignment: Text.AlignHCenter
            font.family: Theme.fontFamily
            font.pixelSize: Theme.fontHuge
            font.bold: true
            color: Theme.onPrimary
            text: "轻触屏幕开始"
            // A slow blink, not a continuous animation: the attract screen runs for hours and
            // every animated frame is a full repaint with the software renderer.
            Timer {
                interval: 1200
                running: page.visible
                repeat: true
                onTriggered: startHint.opacity = startHint.opacity < 1 ? 1.0 : 0.55
            }
        }
    }

    // A touch anywhere starts a visit.
    MouseArea {
        objectName: "attractTouchArea"
        anchors.fill: parent
        onClicked: page.Window.window.goHome()
    }
}
