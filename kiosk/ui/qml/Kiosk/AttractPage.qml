// Attract screen (shown after the idle countdown): station name, a carousel of current
// station announcements (本站公告), upcoming events and invitations (Attract.invitations), and a line
// that says where a touch goes. A touch on a slide opens what it shows (the announcements, the event,
// the invitation's service, or 大字 at home); a touch anywhere else goes to the home page. The
// carousel advances on its own.
import QtQuick
import QtQuick.Layouts
import KioskBackend 1.0

KioskPage {
    id: page
    objectName: "attractPage"

    pageTitle: ""
    property int slideIntervalMs: 7000  // time each slide stays (tests shorten it)
    readonly property int announcementCount: announcementSlides.count
    readonly property int slideCount: announcementSlides.count + eventSlides.count + invitationSlides.count
    property int currentSlide: 0
    // What a touch on the slide showing now does, in words (set by that slide); '' on the welcome card.
    property string currentTapHint: ""

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
            objectName: "attractTitle"
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
            text: qsTr("查办事 · 看政策 · 约咨询")
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
                property string tapHint: ""
                // A touch on the card: the Repeater that made it says what it opens.
                signal activated()
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

                Accessible.role: Accessible.Button
                Accessible.name: slide.heading
                Accessible.description: slide.tapHint

                // Only the slide on screen writes the hint, and a slide leaving the screen leaves it alone: with
                // the default restore mode the outgoing slide's Binding put back its old value, and on Qt 6.8 that
                // happened after the incoming slide had set its own, so the line fell back to 轻触屏幕开始.
                Binding {
                    target: page
                    property: "currentTapHint"
                    value: slide.tapHint
                    when: slide.visible
                    restoreMode: Binding.RestoreNone
                }
                // The page-wide touch area lies below the carousel (z -1), so a touch on the card lands here.
                MouseArea {
                    objectName: "attractSlideTap"
                    anchors.fill: parent
                    onClicked: slide.activated()
                }

                // 大字 mode in landscape: tighter padding and gaps, so an event's badge, two-line heading and
                // time all fit the short card.
                readonly property bool tight: Theme.largeText && !Theme.portrait

                Column {
                    id: slideColumn
                    x: Theme.portrait ? Theme.spacing * 2 : slide.tight ? Theme.spacing : Theme.spacing * 1.5
                    y: x
                    width: parent.width - x * 2
                    spacing: slide.tight ? Theme.spacing / 2 : Theme.spacing

                    Rectangle {
                        id: badgeBox
                        width: badgeText.implicitWidth + Theme.spacing * 2
                        height: badgeText.implicitHeight + (slide.tight ? Theme.spacing / 2 : Theme.spacing)
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
                        text: qsTr("地点：%1").arg(slide.place)
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
                    badge: qsTr("本站公告")
                    badgeColor: Theme.stationBadge
                    heading: title
                    detail: body
                    tapHint: qsTr("轻触卡片，阅读本站公告")
                    onActivated: page.startVisit("StationNoticesPage.qml", "")
                }
            }

            Repeater {
                id: eventSlides
                model: Attract.events
                delegate: AttractSlide {
                    required property int index
                    required property string recordId
                    required property string title
                    required when  // the role fills the AttractSlide property of the same name
                    required property string venue
                    required property string summary
                    objectName: "attractEvent_" + index
                    slideIndex: page.announcementCount + index
                    badge: qsTr("近期活动")
                    heading: title
                    place: venue
                    detail: summary
                    tapHint: qsTr("轻触卡片，查看活动详情")
                    onActivated: page.startVisit("", recordId)
                }
            }

            Repeater {
                id: invitationSlides
                model: Attract.invitations
                delegate: AttractSlide {
                    required property int index
                    required property string key
                    required property string recordId
                    required property string action
                    required badge
                    required heading
                    required detail
                    required tapHint
                    objectName: "attractInvitation_" + key
                    slideIndex: page.announcementCount + eventSlides.count + index
                    onActivated: {
                        if (action === "largeText")
                            Shell.largeText = true
                        page.startVisit("", recordId)
                    }
                }
            }

            // Nothing to show: a welcome card, never an empty screen.
            AttractSlide {
                objectName: "attractWelcome"
                visible: page.slideCount === 0
                badge: qsTr("欢迎")
                heading: qsTr("知识产权公共信息服务")
                detail: qsTr("查询服务事项、政策法规，预约咨询与维权援助。")
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
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.Wrap
            font.family: Theme.fontFamily
            font.pixelSize: page.currentTapHint !== "" ? Theme.fontTitle : Theme.fontHuge
            font.bold: true
            color: Theme.onPrimary
            // Says where a touch goes: the slide's own target when a slide shows, else the start of a visit.
            text: page.currentTapHint !== "" ? page.currentTapHint : qsTr("轻触屏幕开始")
            // A slow blink, not a continuous animation: the attract screen runs for hours and
            // every animated frame is a full repaint with the software renderer. The dim phase keeps
            // 4.5:1 against the page (the contrast audit reads dimOpacity).
            readonly property real dimOpacity: 0.8
            Timer {
                interval: 1200
                running: page.visible
                repeat: true
                onTriggered: startHint.opacity = startHint.opacity < 1 ? 1.0 : startHint.dimOpacity
            }
        }
        Text {
            textFormat: Text.PlainText
            objectName: "attractElsewhereHint"
            Layout.fillWidth: true
            Layout.bottomMargin: Theme.portrait ? Theme.spacing * 2 : 0
            visible: page.currentTapHint !== ""
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.Wrap
            font.family: Theme.fontFamily
            font.pixelSize: Theme.fontBody
            color: Theme.onPrimary
            text: qsTr("轻触卡片以外的地方，进入首页")
        }
    }

    // A visit starts at home; what a slide opens goes on top of it, so 返回 leads home, not back here. Home is then
    // built at once: the page pushed on it would otherwise supersede it while it is being built.
    function startVisit(fileName, recordId) {
        const win = page.Window.window
        if (fileName === "" && recordId === "") {
            win.goHome()
            return
        }
        win.showHomeAtOnce()
        if (fileName !== "")
            win.openPage(fileName, {})
        else if (recordId !== "")
            win.openRecord(recordId)
    }

    // A touch anywhere but a slide starts a visit at home.
    MouseArea {
        objectName: "attractTouchArea"
        Accessible.role: Accessible.Button
        Accessible.name: qsTr("开始使用")
        Accessible.onPressAction: page.Window.window.goHome()
        anchors.fill: parent
        z: -1
        onClicked: page.startVisit("", "")
    }
}
