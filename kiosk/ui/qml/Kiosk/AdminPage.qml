import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import KioskBackend

// Station staff: 本站公告 (list / create / edit / delete), sync status + 立即同步, printer test,
// device info, station.db backups and restore, restart and exit for technicians, 服务评价 (好差评 totals).
// Reached only through PinPage; the session ends when this page leaves the stack.
// Every Text here is Text.PlainText: announcement titles, sync reasons and device facts come from staff,
// the network or the disk, and QML's default AutoText would render anything that looks like HTML
// (a title `<img src="file:///…">` would load that file on the GUI thread).
KioskPage {
    id: page
    objectName: "adminPage"
    staffPage: true
    pageTitle: "站点管理"

    // Without a usable station.db only the restore is offered (no PIN can be checked then).
    readonly property bool restoreOnly: !AdminSession.stationOk
    property int tab: restoreOnly ? 3 : 0
    property string notice: ""
    // The label column of the facts tables (InfoRow and the sync tab's technical detail): the longest label
    // (five characters, 内容更新于) with room to spare, so the values keep the width (the sync tab's half columns).
    readonly property int infoLabelWidth: 6 * Theme.fontBody + Theme.spacing

    onRemoved: AdminSession.lock()

    // Backups and restores are answered by the data service later.
    Connections {
        target: AdminMaintenance
        function onBackupDone(problem) { page.notice = problem || "已备份" }
        function onRestoreDone(problem) {
            page.notice = problem === "" ? "已恢复 " + confirmRestore.label + " 的备份" : problem
            if (problem === "" && !AdminSession.unlocked)
                page.Window.window.goHome()
        }
    }
    Component.onCompleted: AdminSession.refresh()

    component SectionTitle: Text {
        textFormat: Text.PlainText
        color: Theme.primary
        font.family: Theme.fontFamily
        font.pixelSize: Theme.fontTitle
        font.bold: true
    }
    component InfoRow: Row {
        property string label
        property string value
        width: parent ? parent.width : 0
        spacing: Theme.spacing
        Text {
            textFormat: Text.PlainText
            width: page.infoLabelWidth
            text: parent.label
            color: Theme.textMuted
            font.family: Theme.fontFamily
            font.pixelSize: Theme.fontBody
        }
        Text {
            textFormat: Text.PlainText
            width: parent.width - page.infoLabelWidth - Theme.spacing
            text: parent.value
            color: Theme.text
            // At word boundaries (no line starting with "；"), and anywhere in a long URL or path.
            wrapMode: Text.Wrap
            font.family: Theme.fontFamily
            font.pixelSize: Theme.fontBody
        }
    }

    // Not signed in (e.g. the idle reset ended the session while this page was being built).
    Text {
        textFormat: Text.PlainText
        anchors.centerIn: parent
        visible: !AdminSession.unlocked && !page.restoreOnly
        text: "请先通过管理员登录进入"
        color: Theme.textMuted
        font.family: Theme.fontFamily
        font.pixelSize: Theme.fontTitle
    }

    ColumnLayout {
        anchors { fill: parent; margins: Theme.pageMargin }
        visible: AdminSession.unlocked || page.restoreOnly
        spacing: Theme.spacing

        Rectangle {
            objectName: "adminStationProblem"
            Layout.fillWidth: true
            visible: page.restoreOnly
            implicitHeight: problemText.implicitHeight + 2 * Theme.spacing
            radius: Theme.radius
            color: Qt.lighter(Theme.danger, 1.8)
            border.color: Theme.danger
            Text {
                id: problemText
                textFormat: Text.PlainText
                anchors { fill: parent; margins: Theme.spacing }
                wrapMode: Text.Wrap
                text: "本机数据库 station.db 无法打开，访客界面正常显示内容但没有本站公告。原文件未被删除。"
                      + "请选择一个备份恢复。\n" + AdminSession.stationProblem
                color: Theme.text
                font.family: Theme.fontFamily
                font.pixelSize: Theme.fontBody
            }
        }

        // Storage faults the kiosk runs through (damaged station.db rows, a full disk): what happened and
        // the way out, above every tab. The restore itself is on the backups tab, behind its confirmation.
        Rectangle {
            objectName: "adminStorageWarning"
            Layout.fillWidth: true
            visible: !page.restoreOnly && AdminMaintenance.storageWarning !== ""
            implicitHeight: storageColumn.implicitHeight + 2 * Theme.spacing
            radius: Theme.radius
            color: Qt.lighter(Theme.accent, 1.9)
            border.color: Theme.danger
            border.width: 2
            Column {
                id: storageColumn
                anchors { left: parent.left; right: parent.right; top: parent.top; margins: Theme.spacing }
                spacing: Theme.spacing / 2
                Text {
                    objectName: "adminStorageWarningText"
                    textFormat: Text.PlainText
                    width: parent.width
                    wrapMode: Text.WrapAtWordBoundaryOrAnywhere
                    text: AdminMaintenance.storageWarning
                    color: Theme.text
                    font.family: Theme.fontFamily
                    font.pixelSize: Theme.fontBody
                }
                Tile {
                    objectName: "adminStorageRestore"
                    visible: AdminMaintenance.stationDamaged
                    width: 360
                    compact: true
                    text: "去恢复备份"
                    onClicked: page.tab = 3
                }
            }
        }

        // Tabs
        RowLayout {
            Layout.fillWidth: true
            visible: !page.restoreOnly
            spacing: Theme.spacing / 2
            Repeater {
                model: ["本站公告", "同步状态", "打印与设备", "备份与重启", "服务评价"]
                delegate: Tile {
                    required property int index
                    required property string modelData
                    objectName: "adminTab" + index
                    Layout.fillWidth: true
                    Layout.preferredHeight: Theme.touchMin
                    compact: true
                    text: modelData
                    fill: page.tab === index ? Theme.primary : Theme.disabled
                    onClicked: page.tab = index
                }
            }
        }

        StackLayout {
            Layout.fillWidth: true
            Layout.fillHeight: true
            currentIndex: page.tab

            // ---------------------------------------------------- 0: announcements
            ColumnLayout {
                spacing: Theme.spacing
                RowLayout {
                    Layout.fillWidth: true
                    spacing: Theme.spacing
                    Tile {
                        objectName: "adminNewAnnouncement"
                        Layout.preferredWidth: 320
                        Layout.preferredHeight: Theme.touchMin
                        compact: true
                        text: "＋ 新建公告"
                        onClicked: page.Window.window.openPage("AnnouncementEditor.qml", {})
                    }
                    Text {
                        textFormat: Text.PlainText
                        Layout.fillWidth: true
                        text: "共 " + AdminAnnouncements.announcements.count + " 条；访客界面每 2 秒更新"
                        color: Theme.textMuted
                        font.family: Theme.fontFamily
                        font.pixelSize: Theme.fontSmall
                        elide: Text.ElideRight
                    }
                }
                // Why visitors do or do not see the home screen's 本站公告 tile.
                Text {
                    textFormat: Text.PlainText
                    objectName: "adminHomeTileState"
                    Layout.fillWidth: true
                    text: Announcements.count > 0
                          ? qsTr("首页“本站公告”磁贴显示：%1").arg(Announcements.headline)
                          : qsTr("首页暂不显示“本站公告”磁贴：现在没有生效的公告（未到开始时间或已过结束时间的不算）")
                    color: Theme.text
                    font.family: Theme.fontFamily
                    font.pixelSize: Theme.fontSmall
                    wrapMode: Text.Wrap
                }
                ListView {
                    id: annList
                    objectName: "adminAnnouncementList"
                    Layout.fillWidth: true
                    Layout.fillHeight: true
                    clip: true
                    spacing: Theme.spacing / 2
                    boundsBehavior: Flickable.StopAtBounds
                    model: AdminAnnouncements.announcements
                    delegate: Rectangle {
                        id: card
                        required property var model
                        objectName: "adminAnnouncement_" + model.annId
                        width: ListView.view.width
                        height: cardColumn.implicitHeight + 2 * Theme.spacing
                        radius: Theme.radius
                        color: cardTap.pressed ? Qt.darker(Theme.surface, 1.06) : Theme.surface
                        border.color: model.state === "显示中" ? Theme.stationBadge : Theme.divider
                        border.width: 2
                        Column {
                            id: cardColumn
                            anchors { left: parent.left; right: parent.right; top: parent.top; margins: Theme.spacing }
                            spacing: 8
                            Row {
                                spacing: Theme.spacing / 2
                                width: parent.width
                                Rectangle {
                                    id: stateChip
                                    width: stateText.implicitWidth + 20
                                    height: stateText.implicitHeight + 8
                                    radius: 8
                                    color: card.model.state === "显示中" ? Theme.stationBadge
                                         : card.model.state === "未开始" ? Theme.accent : Theme.disabled
                                    Text {
                                        id: stateText
                                        textFormat: Text.PlainText
                                        anchors.centerIn: parent
                                        text: card.model.state + (card.model.pinned ? " · 置顶" : "")
                                        color: "white"
                                        font.family: Theme.fontFamily
                                        font.pixelSize: Theme.fontSmall
                                        font.bold: true
                                    }
                                }
                                Text {
                                    textFormat: Text.PlainText
                                    width: parent.width - stateChip.width - parent.spacing
                                    text: card.model.title
                                    color: Theme.text
                                    font.family: Theme.fontFamily
                                    font.pixelSize: Theme.fontBody
                                    font.bold: true
                                    elide: Text.ElideRight
                                }
                            }
                            Text {
                                textFormat: Text.PlainText
                                text: card.model.period
                                color: Theme.textMuted
                                font.family: Theme.fontFamily
                                font.pixelSize: Theme.fontSmall
                            }
                        }
                        MouseArea {
                            id: cardTap
                            anchors.fill: parent
                            onClicked: page.Window.window.openPage("AnnouncementEditor.qml", {
                                annId: card.model.annId, annTitle: card.model.title, annBody: card.model.body,
                                startsAt: card.model.startsAt, endsAt: card.model.endsAt, pinned: card.model.pinned })
                        }
                    }
                    Text {
                        textFormat: Text.PlainText
                        anchors.centerIn: parent
                        visible: annList.count === 0
                        text: "还没有本站公告"
                        color: Theme.textMuted
                        font.family: Theme.fontFamily
                        font.pixelSize: Theme.fontTitle
                    }
                }
            }

            // ---------------------------------------------------- 1: sync
            // 立即同步 and the message that replaces 正在同步… come first, so a clerk sees both without scrolling
            // whatever was recorded below. Then the last cycle in Chinese for the clerk and, beside it in landscape
            // (below in portrait), what a technician reads: the server, the versions and the reason as recorded
            // (English quoting a server or network, of any length), folded to a few lines.
            Flickable {
                id: syncFlick
                contentHeight: syncColumn.implicitHeight
                clip: true
                boundsBehavior: Flickable.StopAtBounds
                // Where the tab is, shown whenever it is longer than the screen (an unfolded detail goes on below),
                // in the gutter the column leaves on its right.
                ScrollIndicator.vertical: ScrollIndicator {
                    contentItem: Rectangle {
                        objectName: "adminSyncScrollThumb"
                        implicitWidth: Theme.spacing / 3
                        radius: width / 2
                        color: Theme.textMuted
                        visible: syncFlick.contentHeight > syncFlick.height + 1
                    }
                }
                Column {
                    id: syncColumn
                    width: parent.width - Theme.spacing
                    spacing: Theme.spacing
                    SectionTitle { text: "内容同步" }
                    Row {
                        width: parent.width
                        spacing: Theme.spacing
                        Tile {
                            id: syncNow
                            objectName: "adminSyncNow"
                            width: 360
                            compact: true
                            enabled: !AdminSync.syncRunning
                            text: AdminSync.syncRunning ? "正在同步…" : "立即同步"
                            onClicked: AdminSync.syncNow()
                        }
                        Text {
                            objectName: "adminSyncMessage"
                            textFormat: Text.PlainText
                            anchors.verticalCenter: parent.verticalCenter
                            width: parent.width - syncNow.width - parent.spacing
                            visible: text !== ""
                            text: AdminSync.syncStatus.message || ""
                            // At word boundaries, and anywhere in a long path the message may quote.
                            wrapMode: Text.Wrap
                            color: Theme.text
                            font.family: Theme.fontFamily
                            font.pixelSize: Theme.fontBody
                        }
                    }
                    Grid {
                        id: syncFacts
                        readonly property real columnWidth: Theme.portrait ? width : (width - columnSpacing) / 2
                        width: parent.width
                        columns: Theme.portrait ? 1 : 2
                        columnSpacing: 2 * Theme.spacing
                        rowSpacing: Theme.spacing
                        Column {
                            width: syncFacts.columnWidth
                            spacing: Theme.spacing
                            InfoRow { label: "上次结果"; value: AdminSync.syncStatus.lastResult || "" }
                            InfoRow { label: "原因"; value: AdminSync.syncStatus.lastReason || "—" }
                            InfoRow { label: "上次尝试"; value: AdminSync.syncStatus.lastAttemptAt || "" }
                            InfoRow { label: "上次成功"; value: AdminSync.syncStatus.lastSuccessAt || "" }
                            InfoRow { label: "下次尝试"; value: AdminSync.syncStatus.nextAttemptAt || "" }
                            InfoRow { label: "内容更新于"; value: AdminSync.syncStatus.contentUpdatedAt || "" }
                        }
                        Column {
                            width: syncFacts.columnWidth
                            spacing: Theme.spacing
                            InfoRow { label: "内容服务器"; value: AdminSync.syncStatus.server || "" }
                            InfoRow { label: "各栏目版本"; value: AdminSync.syncStatus.generations || "" }
                            Row {
                                id: syncDetailRow
                                // Folded again when another reason comes.
                                property bool unfolded: false
                                readonly property string detail: AdminSync.syncStatus.reasonDetail || ""
                                onDetailChanged: unfolded = false
                                visible: detail !== ""
                                width: parent.width
                                spacing: Theme.spacing
                                Text {
                                    id: syncDetailLabel
                                    textFormat: Text.PlainText
                                    width: page.infoLabelWidth
                                    text: "技术细节"
                                    color: Theme.textMuted
                                    font.family: Theme.fontFamily
                                    font.pixelSize: Theme.fontBody
                                }
                                Column {
                                    width: parent.width - syncDetailLabel.width - parent.spacing
                                    spacing: Theme.spacing / 2
                                    Text {
                                        id: syncDetail
                                        objectName: "adminSyncDetail"
                                        textFormat: Text.PlainText
                                        width: parent.width
                                        text: syncDetailRow.detail
                                        wrapMode: Text.Wrap
                                        // undefined resets the bound: every line once unfolded.
                                        maximumLineCount: syncDetailRow.unfolded ? undefined : 3
                                        elide: Text.ElideRight
                                        color: Theme.text
                                        font.family: Theme.fontFamily
                                        font.pixelSize: Theme.fontBody
                                    }
                                    TouchButton {
                                        objectName: "adminSyncDetailToggle"
                                        visible: syncDetail.truncated || syncDetailRow.unfolded
                                        text: syncDetailRow.unfolded ? qsTr("收起") : qsTr("显示全部")
                                        Accessible.name: syncDetailRow.unfolded ? qsTr("收起技术细节")
                                                                                : qsTr("显示全部技术细节")
                                        fill: Theme.surface
                                        ink: Theme.primary
                                        border.color: Theme.controlBorder
                                        border.width: 2
                                        onClicked: syncDetailRow.unfolded = !syncDetailRow.unfolded
                                    }
                                }
                            }
                        }
                    }
                }
            }

            // ---------------------------------------------------- 2: printer and device
            Flickable {
                contentHeight: deviceColumn.implicitHeight
                clip: true
                boundsBehavior: Flickable.StopAtBounds
                Column {
                    id: deviceColumn
                    width: parent.width
                    spacing: Theme.spacing
                    SectionTitle { text: "打印机" }
                    Row {
                        spacing: Theme.spacing
                        Tile {
                            objectName: "adminPrintTest"
                            width: 360
                            compact: true
                            text: "打印测试凭条"
                            onClicked: AdminMaintenance.printTest()
                        }
                        Text {
                            objectName: "adminPrinterMessage"
                            textFormat: Text.PlainText
                            anchors.verticalCenter: parent.verticalCenter
                            width: deviceColumn.width - 360 - Theme.spacing
                            text: AdminMaintenance.printerMessage
                            wrapMode: Text.Wrap
                            color: Theme.text
                            font.family: Theme.fontFamily
                            font.pixelSize: Theme.fontBody
                        }
                    }
                    SectionTitle { text: "设备信息" }
                    Repeater {
                        model: AdminMaintenance.deviceInfo
                        delegate: InfoRow {
                            required property var modelData
                            label: modelData.label
                            value: modelData.value
                        }
                    }
                    Row {
                        spacing: Theme.spacing
                        Rectangle {
                            width: demoText.implicitWidth + 24
                            height: demoText.implicitHeight + 10
                            radius: 8
                            color: Theme.accent
                            Text {
                                id: demoText
                                textFormat: Text.PlainText
                                anchors.centerIn: parent
                                text: "演示数据 / DEMO"
                                color: "white"
                                font.family: Theme.fontFamily
                                font.pixelSize: Theme.fontSmall
                                font.bold: true
                            }
                        }
                        Text {
                            objectName: "adminDemoCount"
                            textFormat: Text.PlainText
                            text: AdminMaintenance.demoCount + " 条演示记录（通知、动态、活动），正式运行前应由中心替换"
                            width: deviceColumn.width - demoText.implicitWidth - 24 - Theme.spacing
                            wrapMode: Text.Wrap
                            color: Theme.text
                            font.family: Theme.fontFamily
                            font.pixelSize: Theme.fontBody
                        }
                    }
                }
            }

            // ---------------------------------------------------- 3: backups and leaving
            Flickable {
                contentHeight: dataColumn.implicitHeight
                clip: true
                boundsBehavior: Flickable.StopAtBounds
                Column {
                    id: dataColumn
                    width: parent.width
                    spacing: Theme.spacing
                    SectionTitle { text: "本站数据备份（每晚自动，保留 7 份）" }
                    Tile {
                        objectName: "adminBackupNow"
                        visible: AdminSession.unlocked && !page.restoreOnly
                        width: 360
                        compact: true
                        text: "立即备份"
                        onClicked: AdminMaintenance.backupNow()
                    }
                    Repeater {
                        model: AdminMaintenance.backups
                        delegate: Row {
                            required property var modelData
                            required property int index
                            spacing: Theme.spacing
                            Text {
                                textFormat: Text.PlainText
                                anchors.verticalCenter: parent.verticalCenter
                                width: Theme.portrait ? 420 : 520
                                text: modelData.label
                                color: Theme.text
                                font.family: Theme.fontFamily
                                font.pixelSize: Theme.fontBody
                            }
                            Tile {
                                objectName: "adminRestore" + index
                                width: 240
                                compact: true
                                text: "恢复此备份"
                                onClicked: { confirmRestore.path = modelData.path; confirmRestore.label = modelData.label
                                             confirmRestore.open() }
                            }
                        }
                    }
                    Text {
                        textFormat: Text.PlainText
                        visible: AdminMaintenance.backups.length === 0
                        text: "还没有备份"
                        color: Theme.textMuted
                        font.family: Theme.fontFamily
                        font.pixelSize: Theme.fontBody
                    }
                    Text {
                        objectName: "adminNotice"
                        textFormat: Text.PlainText
                        width: parent.width
                        visible: text !== ""
                        text: page.notice
                        wrapMode: Text.Wrap
                        color: Theme.text
                        font.family: Theme.fontFamily
                        font.pixelSize: Theme.fontBody
                    }
                    SectionTitle { visible: AdminSession.unlocked && !page.restoreOnly; text: "技术人员" }
                    Flow {
                        visible: AdminSession.unlocked && !page.restoreOnly
                        width: parent.width
                        spacing: Theme.spacing
                        Tile {
                            objectName: "adminRestart"
                            width: 360
                            compact: true
                            text: "重启终端程序"
                            onClicked: confirmRestart.open()
                        }
                    }
                }
            }

            // ---------------------------------------------------- 4: 好差评 totals per service
            Flickable {
                contentHeight: ratingsColumn.implicitHeight
                clip: true
                boundsBehavior: Flickable.StopAtBounds
                Column {
                    id: ratingsColumn
                    objectName: "adminRatings"
                    width: parent.width
                    spacing: Theme.spacing / 2
                    // The title column takes what the six count columns and the percentage leave.
                    readonly property real numberWidth: Math.floor(width * (Theme.portrait ? 0.098 : 0.08))
                    readonly property real percentWidth: Math.floor(numberWidth * 1.3)
                    readonly property real titleWidth: width - 6 * numberWidth - percentWidth
                    component Cell: Text {
                        textFormat: Text.PlainText
                        width: ratingsColumn.numberWidth
                        horizontalAlignment: Text.AlignHCenter
                        color: Theme.text
                        font.family: Theme.fontFamily
                        font.pixelSize: Theme.fontBody
                    }
                    SectionTitle { text: "服务评价（好差评）" }
                    Text {
                        objectName: "adminRatingsSummary"
                        textFormat: Text.PlainText
                        width: parent.width
                        text: "共 " + AdminRatings.ratingCount + " 条评价；满意率 = 基本满意及以上的比例。逐条导出：ipkiosk ratings export --csv"
                        wrapMode: Text.Wrap
                        color: Theme.textMuted
                        font.family: Theme.fontFamily
                        font.pixelSize: Theme.fontSmall
                    }
                    Row {
                        visible: AdminRatings.totals.length > 0
                        Text {
                            textFormat: Text.PlainText
                            width: ratingsColumn.titleWidth
                            text: "服务事项"
                            color: Theme.textMuted
                            font.family: Theme.fontFamily
                            font.pixelSize: Theme.fontSmall
                        }
                        Repeater {
                            model: AdminRatings.levelLabels.concat(["合计", "满意率"])
                            delegate: Cell {
                                required property string modelData
                                required property int index
                                width: index === 6 ? ratingsColumn.percentWidth : ratingsColumn.numberWidth
                                // 非常不满意 in two lines where a column is narrow: after 非常, not mid-word.
                                text: Theme.portrait && modelData.length > 4 ? modelData.slice(0, 2) + "\n" + modelData.slice(2)
                                                                             : modelData
                                color: Theme.textMuted
                                font.pixelSize: Theme.fontSmall
                            }
                        }
                    }
                    Repeater {
                        model: AdminRatings.totals
                        delegate: Rectangle {
                            id: ratingRow
                            required property var modelData
                            objectName: "adminRating_" + modelData.serviceId
                            width: ratingsColumn.width
                            height: Math.max(Theme.touchMin, ratingTitle.implicitHeight + Theme.spacing / 2)
                            radius: Theme.radius / 2
                            color: Theme.surface
                            Row {
                                anchors.verticalCenter: parent.verticalCenter
                                Text {
                                    id: ratingTitle
                                    textFormat: Text.PlainText
                                    width: ratingsColumn.titleWidth
                                    leftPadding: Theme.spacing / 2
                                    text: ratingRow.modelData.title
                                    color: Theme.text
                                    font.family: Theme.fontFamily
                                    font.pixelSize: Theme.fontBody
                                    wrapMode: Text.Wrap
                                }
                                Repeater {
                                    model: ratingRow.modelData.counts.concat([ratingRow.modelData.total])
                                    delegate: Cell { required property int modelData; text: modelData }
                                }
                                Cell {
                                    objectName: "adminRatingPercent_" + ratingRow.modelData.serviceId
                                    width: ratingsColumn.percentWidth
                                    text: ratingRow.modelData.percent
                                    font.bold: true
                                }
                            }
                        }
                    }
                    Text {
                        textFormat: Text.PlainText
                        visible: AdminRatings.totals.length === 0
                        text: "还没有访客评价"
                        color: Theme.textMuted
                        font.family: Theme.fontFamily
                        font.pixelSize: Theme.fontTitle
                    }
                }
            }
        }
    }

    ConfirmPopup {
        id: confirmRestore
        objectName: "adminConfirmRestore"
        property string path: ""
        property string label: ""
        message: "用 " + label + " 的备份替换当前本站数据（公告、密码、日志）？当前文件会另存一份。"
        confirmText: "恢复"
        onConfirmed: AdminMaintenance.restoreBackup(path)
    }
    ConfirmPopup {
        id: confirmRestart
        objectName: "adminConfirmRestart"
        // The packaged unit restarts the kiosk after any exit (Restart=always, RestartSec=3): there is no
        // "leave to a desktop" to offer. Keeping it down is a technician's job at the unit (docs/admin.md).
        message: "重启终端程序？画面会关闭，约 5 秒后自动回到首页。\n需要停止终端时，请技术人员运行：\nsudo systemctl stop ipkiosk"
        confirmText: "重启"
        onConfirmed: AdminMaintenance.restartKiosk()
    }
}
