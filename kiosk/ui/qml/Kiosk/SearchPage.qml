// Search: query line (hardware keyboard / system input method), candidate bar, results
// grouped by kind, zero-result help, and the on-screen A–Z keyboard.
// Portrait: query, candidates, results, keyboard stacked; landscape: input left, results right.
import QtQuick
import QtQuick.Layouts
import KioskBackend 1.0

KioskPage {
    id: page
    objectName: "searchPage"

    pageTitle: qsTr("搜索")
    // Opened from a home hot-search chip with a word already filled in.
    property string initialQuery: ""
    // The page that browses a kind (UI-core's pages); a service category opens the catalogue on it.
    function browse(kind, category) {
        if (kind === "services")
            page.Window.window.openPage("CatalogPage.qml", category ? { category: category } : {})
        else
            page.Window.window.openPage("RecordListPage.qml", { kind: kind })
    }
    // 大字 mode in landscape: the keyboard's ten keys need more than half the width.
    readonly property int inputColumnWidth: Theme.portrait ? grid.width : Math.round(grid.width * (Theme.largeText ? 0.6 : 0.5))

    Component.onCompleted: Search.query = initialQuery
    // The lists take Search's models once the page is shown: the page is built a few objects per frame
    // (PageStack), and lists built with it would build their rows that way too, rows which the query
    // set just above removes again (Qt warns "DelegateModel::cancel" for each).
    property bool shown: false
    // The query line holds the keyboard focus so a hardware keyboard / input method types into it
    // (only possible once the page is in the window, hence on activation, not on creation).
    onActiveChanged: if (active) {
        shown = true
        queryField.forceActiveFocus()
    }

    GridLayout {
        id: grid
        anchors.fill: parent
        anchors.margins: Theme.spacing
        columns: Theme.portrait ? 1 : 2
        rowSpacing: Theme.largeText && !Theme.portrait ? Theme.spacing / 2 : Theme.spacing
        columnSpacing: Theme.spacing * 2

        // ------------------------------------------------------------ query line
        Rectangle {
            Layout.row: 0
            Layout.column: 0
            Layout.fillWidth: Theme.portrait
            Layout.preferredWidth: page.inputColumnWidth
            Layout.preferredHeight: Theme.touchMin + Theme.spacing
            radius: Theme.radius
            color: Theme.surface
            border.color: Theme.primary
            border.width: 3

            // Typed into by the on-screen keyboard (through Search) or a hardware keyboard / input method.
            TextInput {
                id: queryField
                objectName: "queryField"
                // The full height of the box: the input's edge is the box's outline, which a visitor sees.
                anchors { fill: parent; leftMargin: Theme.spacing; rightMargin: Theme.spacing }
                verticalAlignment: TextInput.AlignVCenter
                clip: true
                font.family: Theme.fontFamily
                font.pixelSize: Theme.fontTitle
                color: Theme.text
                inputMethodHints: Qt.ImhNoPredictiveText
                Accessible.role: Accessible.EditableText
                Accessible.name: qsTr("搜索")
                maximumLength: Search.maxQueryChars
                text: Search.query
                onTextEdited: Search.query = text

                Text {
                    textFormat: Text.PlainText
                    anchors.fill: parent
                    verticalAlignment: Text.AlignVCenter
                    visible: queryField.text === "" && !queryField.inputMethodComposing
                    text: qsTr("输入拼音首字母，如 zlsq（专利申请）")
                    color: Theme.textMuted
                    font: queryField.font
                    // Smaller rather than cut short where the line is narrow (大字 mode), down to the body size.
                    fontSizeMode: Text.HorizontalFit
                    minimumPixelSize: Theme.fontBody
                    elide: Text.ElideRight
                }
            }
        }

        // ------------------------------------------------------------ candidate bar
        CandidateBar {
            id: candidateBar
            objectName: "candidateBar"
            Layout.row: 1
            Layout.column: 0
            Layout.fillWidth: Theme.portrait
            Layout.preferredWidth: page.inputColumnWidth
            // 大字 mode in landscape: below the query line the column has room for the keyboard and one line of
            // words; further lines scroll there rather than push the keyboard's bottom row off the page.
            maximumRows: Theme.largeText && !Theme.portrait ? 1 : 0
            model: page.shown ? Search.candidates : null
            letters: Search.letters
            moreLettersHelp: Search.moreLettersHelp
            onPicked: word => Search.pickCandidate(word)
        }

        // ------------------------------------------------------------ results / hint / help
        Rectangle {
            id: resultsPanel
            Layout.row: Theme.portrait ? 2 : 0
            Layout.column: Theme.portrait ? 0 : 1
            Layout.rowSpan: Theme.portrait ? 1 : 3
            Layout.fillWidth: true
            Layout.fillHeight: true
            radius: Theme.radius
            color: Theme.surface
            clip: true

            // Nothing typed yet: how to search.
            Column {
                objectName: "searchHint"
                visible: Search.query.trim().length === 0
                anchors.centerIn: parent
                width: parent.width - Theme.spacing * 4
                spacing: Theme.spacing
                Text {
                    textFormat: Text.PlainText
                    width: parent.width
                    wrapMode: Text.Wrap
                    horizontalAlignment: Text.AlignHCenter
                    font.family: Theme.fontFamily
                    font.pixelSize: Theme.fontTitle
                    color: Theme.text
                    text: qsTr("用字母键输入拼音或拼音首字母")
                }
                Text {
                    textFormat: Text.PlainText
                    width: parent.width
                    wrapMode: Text.Wrap
                    horizontalAlignment: Text.AlignHCenter
                    font.family: Theme.fontFamily
                    font.pixelSize: Theme.fontBody
                    color: Theme.textMuted
                    text: qsTr("例如：zlsq 或 zhuanli 找“专利申请”，sbzc 找“商标注册”。\n也可以点上方的候选词。")
                }
            }

            // Results: a summary of the groups, then the list sectioned by kind.
            ColumnLayout {
                id: resultsLayout
                anchors.fill: parent
                anchors.margins: Theme.spacing / 2
                spacing: Theme.spacing / 2
                visible: Search.resultCount > 0

                // The query found nothing; these are the results of the nearest spelling, with the way back.
                Rectangle {
                    objectName: "correctionBanner"
                    Layout.fillWidth: true
                    Layout.preferredHeight: correctionRow.implicitHeight + Theme.spacing
                    visible: Search.correctedTo !== ""
                    radius: Theme.radius / 2
                    color: Theme.bg
                    Flow {
                        id: correctionRow
                        anchors { left: parent.left; right: parent.right; verticalCenter: parent.verticalCenter
                                  margins: Theme.spacing / 2 }
                        spacing: Theme.spacing / 2
                        Text {
                            objectName: "correctionText"
                            textFormat: Text.PlainText
                            width: Math.min(implicitWidth, correctionRow.width)
                            // A line as tall as the button beside it, and taller when the corrected word (a keyword of
                            // up to 40 characters) wraps: a fixed height let its lines run under the button below.
                            height: Math.max(Theme.touchMin, Math.ceil(implicitHeight))
                            verticalAlignment: Text.AlignVCenter
                            wrapMode: Text.Wrap
                            font.family: Theme.fontFamily
                            font.pixelSize: Theme.fontBody
                            font.bold: true
                            color: Theme.text
                            text: qsTr("已为您显示「%1」的结果").arg(Search.correctedTo)
                        }
                        TouchButton {
                            objectName: "searchLiteralButton"
                            width: Math.min(implicitWidth, correctionRow.width)
                            height: Theme.touchMin
                            text: qsTr("仍搜索 %1").arg(Search.query.trim())
                            fill: Theme.surface
                            ink: Theme.primary
                            border.width: 2
                            Accessible.role: Accessible.Button
                            Accessible.name: qsTr("仍搜索 %1").arg(Search.query.trim())
                            Accessible.onPressAction: Search.searchLiteral()
                            onClicked: Search.searchLiteral()
                        }
                    }
                }

                Flow {
                    id: groupChips
                    Layout.fillWidth: true
                    spacing: Theme.spacing / 2
                    Repeater {
                        model: page.shown ? Search.groups : null
                        delegate: TouchButton {
                            required property string kind
                            required property string label
                            required property int count
                            objectName: "group_" + kind
                            height: Theme.touchMin
                            font.pixelSize: Theme.fontSmall
                            text: label + " " + count
                            fill: Theme.primary
                            ink: Theme.onPrimary
                            onClicked: resultList.positionViewAtIndex(Search.firstRowOfKind(kind), ListView.Beginning)
                        }
                    }
                }

                ListView {
                    id: resultList
                    objectName: "resultList"
                    Layout.fillWidth: true
                    Layout.fillHeight: true
                    clip: true
                    boundsBehavior: Flickable.StopAtBounds
                    model: page.shown ? Search.results : null
                    // No asynchronous pre-creation of off-screen delegates: the list changes on every
                    // key, and a cancelled background incubation logs "DelegateModel::cancel" warnings.
                    cacheBuffer: 0
                    section.property: "section"
                    section.criteria: ViewSection.FullString
                    section.delegate: Rectangle {
                        required property string section
                        width: ListView.view.width
                        height: sectionLabel.implicitHeight + Theme.spacing
                        color: Theme.bg
                        Text {
                            id: sectionLabel
                            textFormat: Text.PlainText
                            anchors.verticalCenter: parent.verticalCenter
                            anchors.left: parent.left
                            anchors.leftMargin: Theme.spacing
                            font.family: Theme.fontFamily
                            font.pixelSize: Theme.fontSmall
                            font.bold: true
                            color: Theme.primary
                            text: parent.section
                        }
                    }
                    delegate: SearchResultDelegate {
                        width: ListView.view.width
                    }
                }
            }

            // Where the visible part is, when the results are longer than the list.
            Rectangle {
                objectName: "resultScrollHint"
                visible: resultsLayout.visible && resultList.visibleArea.heightRatio < 1
                x: resultsLayout.x + resultList.x + resultList.width - width
                y: resultsLayout.y + resultList.y + resultList.visibleArea.yPosition * resultList.height
                width: Theme.px(6)
                height: resultList.visibleArea.heightRatio * resultList.height
                radius: width / 2
                color: Theme.textMuted
                opacity: 0.6
            }

            // Nothing matched: nearest words, the categories, staff help.
            Flickable {
                id: zeroHelp
                objectName: "zeroResultsHelp"
                visible: Search.noResults
                anchors.fill: parent
                anchors.margins: Theme.spacing
                contentHeight: helpColumn.implicitHeight
                clip: true
                boundsBehavior: Flickable.StopAtBounds

                Column {
                    id: helpColumn
                    width: parent.width
                    spacing: Theme.spacing

                    Text {
                        textFormat: Text.PlainText
                        width: parent.width
                        wrapMode: Text.Wrap
                        font.family: Theme.fontFamily
                        font.pixelSize: Theme.fontTitle
                        color: Theme.text
                        text: qsTr("没有找到与“%1”相关的内容").arg(Search.query)
                    }
                    // Letters that found nothing: say what was tried, so the visitor knows a typo is likely.
                    Text {
                        objectName: "spellingHint"
                        textFormat: Text.PlainText
                        width: parent.width
                        visible: /[A-Za-z]/.test(Search.query)
                        wrapMode: Text.Wrap
                        font.family: Theme.fontFamily
                        font.pixelSize: Theme.fontBody
                        color: Theme.textMuted
                        text: Search.literal ? qsTr("这是按您输入的字母原样搜索的结果。")
                                             : qsTr("没有能自动纠正的拼写，请检查拼音。")
                    }

                    Text {
                        textFormat: Text.PlainText
                        visible: Search.nearest.count > 0
                        font.family: Theme.fontFamily
                        font.pixelSize: Theme.fontBody
                        color: Theme.textMuted
                        text: qsTr("您是不是要找：")
                    }
                    Flow {
                        width: parent.width
                        spacing: Theme.spacing / 2
                        visible: Search.nearest.count > 0
                        Repeater {
                            model: page.shown ? Search.nearest : null
                            delegate: TouchButton {
                                required property string word
                                required property int index
                                objectName: "nearest_" + index
                                height: Theme.touchMin
                                text: word
                                fill: Theme.bg
                                ink: Theme.primary
                                border.width: 2
                                onClicked: Search.query = word
                            }
                        }
                    }

                    Text {
                        textFormat: Text.PlainText
                        font.family: Theme.fontFamily
                        font.pixelSize: Theme.fontBody
                        color: Theme.textMuted
                        text: qsTr("按类别查看：")
                    }
                    Flow {
                        width: parent.width
                        spacing: Theme.spacing / 2
                        Repeater {
                            model: page.shown ? Search.browse : null
                            // Whole kinds filled, service categories outlined.
                            delegate: TouchButton {
                                required property string kind
                                required property string category
                                required property string label
                                required property int count
                                objectName: "browse_" + kind + (category ? "_" + category : "")
                                height: Theme.touchMin
                                horizontalPadding: Theme.spacing * 1.5
                                text: label + " " + count
                                fill: category ? Theme.surface : Theme.primary
                                ink: category ? Theme.primary : Theme.onPrimary
                                border.width: 2
                                onClicked: page.browse(kind, category)
                            }
                        }
                    }

                    // A person, with where and how to reach them (white on primary: 6.6:1).
                    Rectangle {
                        objectName: "staffHelp"
                        width: parent.width
                        height: staffColumn.implicitHeight + Theme.spacing * 2
                        radius: Theme.radius
                        color: Theme.primary
                        Column {
                            id: staffColumn
                            anchors { left: parent.left; right: parent.right; top: parent.top; margins: Theme.spacing }
                            spacing: Theme.spacing / 2
                            Text {
                                textFormat: Text.PlainText
                                width: parent.width
                                wrapMode: Text.Wrap
                                font.family: Theme.fontFamily
                                font.pixelSize: Theme.fontBody
                                font.bold: true
                                color: Theme.onPrimary
                                text: qsTr("请咨询工作人员：服务台的工作人员可以当面帮您查找和办理。")
                            }
                            StaffContact {
                                objectName: "zeroResultsContact"
                                width: parent.width
                                ink: Theme.onPrimary
                            }
                        }
                    }
                }
            }

            // Where the visible part is, when the help is longer than the panel (landscape, large text).
            Rectangle {
                objectName: "zeroResultsScrollHint"
                visible: zeroHelp.visible && zeroHelp.visibleArea.heightRatio < 1
                x: zeroHelp.x + zeroHelp.width + Theme.spacing / 2 - width
                y: zeroHelp.y + zeroHelp.visibleArea.yPosition * zeroHelp.height
                width: 6
                height: zeroHelp.visibleArea.heightRatio * zeroHelp.height
                radius: 3
                color: Theme.textMuted
                opacity: 0.6
            }
        }

        // ------------------------------------------------------------ keyboard
        OnScreenKeyboard {
            id: keyboard
            objectName: "keyboard"
            Layout.row: Theme.portrait ? 3 : 2
            Layout.column: 0
            Layout.preferredWidth: page.inputColumnWidth
            Layout.preferredHeight: implicitHeight
            Layout.alignment: Qt.AlignBottom
            onTextTyped: text => Search.typeText(text)
            onBackspacePressed: Search.backspace()
            onClearPressed: Search.clear()
        }
    }
}
