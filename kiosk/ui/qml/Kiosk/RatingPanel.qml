import QtQuick
import KioskBackend

// 好差评: rate one service on the national five-level scale. Tapping a level saves the rating at once (the
// five level buttons are the submit: rating from home is three taps); then the panel thanks the visitor and
// offers the reasons of that level's direction as an optional follow-up, which 补充 adds to the rating just
// saved. An opaque card over the whole window (the page behind is dimmed and takes no taps); every level is
// a big button with its words, so colour is never the only cue. One rating per visit and service
// (Rating.ratedServices); the idle reset drops a half-done rating (Rating.cleared).
// open() shows it; it closes itself a few seconds after the last thanks.
Rectangle {
    id: panel
    objectName: "ratingPanel"
    property string serviceId: ""
    property string serviceTitle: ""

    // choose: the levels | thanks: saved, reasons offered | added: reasons added | already: rated in this visit
    // before | failed: the rating was not saved | addFailed: saved, but the reasons were not added
    property string phase: "choose"
    property int level: 0
    property var reasons: []
    readonly property bool alreadyRated: Rating.ratedServices.indexOf(serviceId) >= 0
    readonly property string levelLabel: {
        const chosen = Rating.levels.filter(l => l.level === level)
        return chosen.length > 0 ? chosen[0].label : ""
    }

    // Give it the window's content item as parent: then it lies over the page, the nav bar and the visitor
    // bar, and under the idle countdown (z 100) and the admin corner.
    anchors.fill: parent
    z: 50
    visible: false
    color: "#cc000000"

    function open() {
        level = 0
        reasons = []
        phase = alreadyRated ? "already" : "choose"
        visible = true
    }
    function close() {
        closeTimer.stop()
        visible = false
        level = 0
        reasons = []
        phase = "choose"
    }
    function choose(chosenLevel) {
        if (phase !== "choose" || Rating.busy)
            return
        level = chosenLevel
        Rating.submit(serviceId, chosenLevel)
    }
    function toggleReason(code) {
        const i = reasons.indexOf(code)
        reasons = i >= 0 ? reasons.filter(c => c !== code) : reasons.concat([code])
    }

    Connections {
        target: Rating
        function onCleared() { panel.close() }
        function onSubmitted(serviceId, outcome) {
            if (serviceId !== panel.serviceId || !panel.visible)
                return
            // Saved: the reasons are offered and the panel stays until the visitor closes it (or leaves).
            panel.phase = outcome === "saved" ? "thanks" : outcome
            if (outcome === "already")
                closeTimer.restart()
        }
        function onReasonsAdded(serviceId, outcome) {
            if (serviceId !== panel.serviceId || !panel.visible)
                return
            panel.phase = outcome === "saved" ? "added" : "addFailed"
            if (outcome === "saved")
                closeTimer.restart()
        }
    }

    Timer {
        id: closeTimer
        interval: 5000
        onTriggered: panel.close()
    }

    // Taps beside the card do nothing (a stray touch must not lose a half-done rating).
    MouseArea { anchors.fill: parent }

    Rectangle {
        id: card
        objectName: "ratingCard"
        anchors.centerIn: parent
        width: Math.min(parent.width - 2 * Theme.pageMargin, Theme.readableWidth)
        height: Math.min(content.implicitHeight + 2 * Theme.spacing * 1.5, parent.height - 2 * Theme.pageMargin)
        radius: Theme.radius
        color: Theme.surface
        border.color: Theme.divider
        border.width: 2
        Accessible.role: Accessible.Dialog
        Accessible.name: qsTr("服务评价")

        Flickable {
            anchors { fill: parent; margins: Theme.spacing * 1.5 }
            contentHeight: content.implicitHeight
            clip: true
            boundsBehavior: Flickable.StopAtBounds

            Column {
                id: content
                width: parent.width
                spacing: Theme.spacing

                Text {
                    objectName: "ratingQuestion"
                    textFormat: Text.PlainText
                    width: parent.width
                    text: panel.serviceTitle !== "" ? qsTr("您对「%1」的服务满意吗？").arg(panel.serviceTitle)
                                                    : qsTr("您对本次服务满意吗？")
                    color: Theme.text
                    font.family: Theme.fontFamily
                    font.pixelSize: Theme.fontTitle
                    font.bold: true
                    wrapMode: Text.Wrap
                }
                Text {
                    textFormat: Text.PlainText
                    width: parent.width
                    visible: panel.phase === "choose"
                    text: qsTr("点一下即提交。匿名评价，不收集任何个人信息。")
                    color: Theme.textMuted
                    font.family: Theme.fontFamily
                    font.pixelSize: Theme.fontBody
                    wrapMode: Text.Wrap
                }

                // ---- the five levels, 非常满意 first
                Flow {
                    id: levelRow
                    width: parent.width
                    visible: panel.phase === "choose"
                    spacing: Theme.spacing / 2
                    Repeater {
                        model: Rating.levels
                        delegate: Rectangle {
                            id: levelButton
                            required property var modelData
                            readonly property bool chosen: panel.level === modelData.level
                            objectName: "ratingLevel" + modelData.level
                            width: Math.max((levelRow.width - 4 * levelRow.spacing) / 5, levelText.implicitWidth + Theme.spacing)
                            height: Math.max(Theme.touchMin * 1.5, levelText.implicitHeight + Theme.spacing)
                            radius: Theme.radius
                            color: chosen ? Theme.primary : levelTap.pressed ? Theme.divider : Theme.bg
                            border.color: chosen ? Theme.text : Theme.divider
                            border.width: chosen ? 4 : 2
                            // A button, not a radio button: the tap submits the rating.
                            Accessible.role: Accessible.Button
                            Accessible.name: modelData.label
                            Text {
                                id: levelText
                                textFormat: Text.PlainText
                                anchors.centerIn: parent
                                text: levelButton.modelData.label
                                color: levelButton.chosen ? Theme.onPrimary : Theme.text
                                font.family: Theme.fontFamily
                                font.pixelSize: Theme.fontBody
                                font.bold: true
                            }
                            MouseArea {
                                id: levelTap
                                anchors.fill: parent
                                enabled: !Rating.busy
                                onClicked: panel.choose(levelButton.modelData.level)
                            }
                        }
                    }
                }

                Text {
                    objectName: "ratingSaving"
                    textFormat: Text.PlainText
                    width: parent.width
                    visible: panel.phase === "choose" && Rating.busy
                    text: qsTr("正在提交…")
                    color: Theme.textMuted
                    font.family: Theme.fontFamily
                    font.pixelSize: Theme.fontBody
                    wrapMode: Text.Wrap
                }

                // ---- outcome
                Text {
                    objectName: "ratingOutcome"
                    textFormat: Text.PlainText
                    width: parent.width
                    visible: panel.phase !== "choose"
                    text: panel.phase === "thanks" ? qsTr("谢谢您的评价（%1），已保存！").arg(panel.levelLabel)
                        : panel.phase === "added" ? qsTr("原因已补充，谢谢！我们会据此改进服务。")
                        : panel.phase === "already" ? qsTr("您本次已经评价过这项服务，谢谢！")
                        : panel.phase === "addFailed" ? qsTr("您的评价已保存，但原因暂时未能补充。谢谢！")
                        : qsTr("评价暂时未能保存，请稍后再试或告诉工作人员。")
                    color: panel.phase === "failed" || panel.phase === "addFailed" ? Theme.danger : Theme.primary
                    font.family: Theme.fontFamily
                    font.pixelSize: Theme.fontTitle
                    font.bold: true
                    wrapMode: Text.Wrap
                }

                // ---- the optional follow-up: reasons of the saved level's direction, added by 补充
                Text {
                    objectName: "ratingReasonsQuestion"
                    textFormat: Text.PlainText
                    width: parent.width
                    visible: panel.phase === "thanks"
                    text: qsTr("愿意告诉我们原因吗？（可选）") + "\n"
                          + (panel.level >= 4 ? qsTr("哪些地方做得好？（可多选）") : qsTr("哪些地方需要改进？（可多选）"))
                    color: Theme.text
                    font.family: Theme.fontFamily
                    font.pixelSize: Theme.fontBody
                    wrapMode: Text.Wrap
                }
                Flow {
                    id: reasonFlow
                    width: parent.width
                    visible: panel.phase === "thanks"
                    spacing: Theme.spacing / 2
                    Repeater {
                        model: panel.level > 0 ? Rating.reasonsFor(panel.level) : []
                        delegate: Rectangle {
                            id: chip
                            required property var modelData
                            readonly property bool chosen: panel.reasons.indexOf(modelData.code) >= 0
                            objectName: "ratingReason_" + modelData.code
                            width: chipText.implicitWidth + 2 * Theme.spacing
                            height: Math.max(Theme.touchMin, chipText.implicitHeight + Theme.spacing / 2)
                            radius: height / 2
                            color: chosen ? Theme.primary : chipTap.pressed ? Theme.divider : Theme.surface
                            border.color: chosen ? Theme.text : Theme.primary
                            border.width: 2
                            Accessible.role: Accessible.CheckBox
                            Accessible.name: modelData.label
                            Accessible.checkable: true
                            Accessible.checked: chosen
                            Text {
                                id: chipText
                                textFormat: Text.PlainText
                                anchors.centerIn: parent
                                // A tick as well as the colour marks a chosen reason.
                                text: (chip.chosen ? "✓ " : "") + chip.modelData.label
                                color: chip.chosen ? Theme.onPrimary : Theme.primary
                                font.family: Theme.fontFamily
                                font.pixelSize: Theme.fontBody
                            }
                            MouseArea {
                                id: chipTap
                                anchors.fill: parent
                                onClicked: panel.toggleReason(chip.modelData.code)
                            }
                        }
                    }
                }

                Row {
                    anchors.right: parent.right
                    spacing: Theme.spacing
                    TouchButton {
                        objectName: "ratingCancel"
                        width: Math.max(implicitWidth, Theme.touchMin * 3)
                        height: Theme.touchMin
                        text: panel.phase === "choose" ? qsTr("取消") : qsTr("关闭")
                        fill: Theme.bg
                        ink: Theme.text
                        Accessible.role: Accessible.Button
                        Accessible.name: text
                        onClicked: panel.close()
                    }
                    TouchButton {
                        objectName: "ratingAddReasons"
                        visible: panel.phase === "thanks"
                        enabled: panel.reasons.length > 0 && !Rating.busy
                        width: Math.max(implicitWidth, Theme.touchMin * 3)
                        height: Theme.touchMin
                        text: Rating.busy ? qsTr("正在提交…") : qsTr("补充")
                        fill: enabled ? Theme.primary : Theme.divider
                        ink: enabled ? Theme.onPrimary : Theme.text
                        font.bold: true
                        Accessible.role: Accessible.Button
                        Accessible.name: qsTr("补充所选原因")
                        onClicked: Rating.addReasons(panel.serviceId, panel.reasons)
                    }
                }
            }
        }
    }
}
