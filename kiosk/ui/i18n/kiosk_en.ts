<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US" sourcelanguage="zh_CN">
<context>
    <name>AdminPage</name>
    <message>
        <source>首页“本站公告”磁贴显示：%1</source>
        <translation>The home screen&apos;s station notices tile shows: %1</translation>
    </message>
    <message>
        <source>首页暂不显示“本站公告”磁贴：现在没有生效的公告（未到开始时间或已过结束时间的不算）</source>
        <translation>The home screen shows no station notices tile: no announcement is in force now (ones not yet started or already ended do not count)</translation>
    </message>
    <message>
        <source>收起</source>
        <translation>Show less</translation>
    </message>
    <message>
        <source>显示全部</source>
        <translation>Show all</translation>
    </message>
    <message>
        <source>收起技术细节</source>
        <translation>Show less of the technical detail</translation>
    </message>
    <message>
        <source>显示全部技术细节</source>
        <translation>Show all of the technical detail</translation>
    </message>
</context>
<context>
    <name>Announcements</name>
    <message>
        <source>{start} 至 {end}</source>
        <translation>{start} to {end}</translation>
    </message>
    <message>
        <source>至 {end}</source>
        <translation>until {end}</translation>
    </message>
    <message>
        <source>{start} 起</source>
        <translation>from {start}</translation>
    </message>
</context>
<context>
    <name>AskStaffButton</name>
    <message>
        <source>找工作人员</source>
        <translation>Ask staff</translation>
    </message>
</context>
<context>
    <name>AskStaffPanel</name>
    <message>
        <source>找工作人员</source>
        <translation>Ask staff</translation>
    </message>
    <message>
        <source>工作人员可以当面帮您查找、预约和办理。</source>
        <translation>Our staff can help you in person to find, book and apply.</translation>
    </message>
    <message>
        <source>您的预约短码 %1：可报给工作人员，不用手机也能帮您办理预约。</source>
        <translation>Your booking code %1: tell it to our staff and they can book for you without a phone.</translation>
    </message>
    <message>
        <source>关闭</source>
        <translation>Close</translation>
    </message>
</context>
<context>
    <name>Attract</name>
    <message>
        <source>{year}年{month}月{day}日 {time}</source>
        <translation>{year}-{month}-{day}, {time}</translation>
    </message>
    <message>
        <source>免费咨询</source>
        <translation>Free advice</translation>
    </message>
    <message>
        <source>免费专利咨询</source>
        <translation>Free patent advice</translation>
    </message>
    <message>
        <source>想申请专利、不知道要准备什么？看办事指南，扫码预约，工作人员当面为您解答。</source>
        <translation>Want to apply for a patent but not sure what to prepare? Read the guide, scan to book, and our staff will answer in person.</translation>
    </message>
    <message>
        <source>轻触卡片，看专利申请指南并预约咨询</source>
        <translation>Tap the card for the patent application guide and to book advice</translation>
    </message>
    <message>
        <source>维权援助</source>
        <translation>Rights protection</translation>
    </message>
    <message>
        <source>扫码预约维权援助</source>
        <translation>Scan to book IP rights assistance</translation>
    </message>
    <message>
        <source>遇到侵权、纠纷？用手机扫码预约知识产权维权援助，公益服务。</source>
        <translation>Facing infringement or a dispute? Scan with your phone to book free IP rights protection assistance.</translation>
    </message>
    <message>
        <source>轻触卡片，看维权援助指南并扫码预约</source>
        <translation>Tap the card for the rights assistance guide and to book</translation>
    </message>
    <message>
        <source>适老服务</source>
        <translation>For older visitors</translation>
    </message>
    <message>
        <source>大字与朗读</source>
        <translation>Large text and read aloud</translation>
    </message>
    <message>
        <source>字太小？点屏幕下方的“大字”放大文字；点“朗读”，本页内容读给您听。</source>
        <translation>Text too small? Tap &quot;Large text&quot; at the bottom of the screen; tap &quot;Read aloud&quot; to hear the page.</translation>
    </message>
    <message>
        <source>轻触卡片，开启大字并进入首页</source>
        <translation>Tap the card to turn on large text and go to the home screen</translation>
    </message>
</context>
<context>
    <name>AttractPage</name>
    <message>
        <source>查办事 · 看政策 · 约咨询</source>
        <translation>Services · Policies · Advice</translation>
    </message>
    <message>
        <source>地点：%1</source>
        <translation>Venue: %1</translation>
    </message>
    <message>
        <source>本站公告</source>
        <translation>Station notices</translation>
    </message>
    <message>
        <source>轻触卡片，阅读本站公告</source>
        <translation>Tap the card to read the station notices</translation>
    </message>
    <message>
        <source>近期活动</source>
        <translation>Upcoming events</translation>
    </message>
    <message>
        <source>轻触卡片，查看活动详情</source>
        <translation>Tap the card to see the event</translation>
    </message>
    <message>
        <source>欢迎</source>
        <translation>Welcome</translation>
    </message>
    <message>
        <source>知识产权公共信息服务</source>
        <translation>Intellectual Property Public Information Service</translation>
    </message>
    <message>
        <source>查询服务事项、政策法规，预约咨询与维权援助。</source>
        <translation>Look up services and policies, book advice and help with enforcing your rights.</translation>
    </message>
    <message>
        <source>轻触屏幕开始</source>
        <translation>Touch the screen to start</translation>
    </message>
    <message>
        <source>轻触卡片以外的地方，进入首页</source>
        <translation>Tap outside the card to go to the home screen</translation>
    </message>
    <message>
        <source>开始使用</source>
        <translation>Start</translation>
    </message>
</context>
<context>
    <name>Booking</name>
    <message>
        <source>请取走凭条</source>
        <translation>Please take your slip</translation>
    </message>
    <message>
        <source>打印机暂不可用，请用手机扫码</source>
        <translation>The printer is not available. Please scan the code with your phone</translation>
    </message>
    <message>
        <source>预约类型：{}</source>
        <translation>Booking for: {}</translation>
    </message>
    <message>
        <source>短码  {}</source>
        <translation>Code  {}</translation>
    </message>
    <message>
        <source>请携带：</source>
        <translation>Please bring:</translation>
    </message>
    <message>
        <source>打印时间：{}</source>
        <translation>Printed: {}</translation>
    </message>
    <message>
        <source>时间：{}</source>
        <translation>Time: {}</translation>
    </message>
    <message>
        <source>地点：{}</source>
        <translation>Venue: {}</translation>
    </message>
    <message>
        <source>请用手机扫描二维码完成预约</source>
        <translation>Scan the QR code with your phone to book</translation>
    </message>
    <message>
        <source>活动报名</source>
        <translation>Event registration</translation>
    </message>
    <message>
        <source>本站电话：{}</source>
        <translation>Station phone: {}</translation>
    </message>
    <message>
        <source>热线：{}（全国知识产权公共服务热线）</source>
        <translation>Hotline: {} (national IP public service hotline)</translation>
    </message>
    <message>
        <source>服务热线：{}</source>
        <translation>Service hotline: {}</translation>
    </message>
</context>
<context>
    <name>BookingPage</name>
    <message>
        <source>预约咨询 · 维权援助</source>
        <translation>Advice and rights assistance</translation>
    </message>
    <message>
        <source>办理事项</source>
        <translation>Service</translation>
    </message>
    <message>
        <source>请携带</source>
        <translation>Please bring</translation>
    </message>
    <message>
        <source>选择预约类型</source>
        <translation>Choose what you need help with</translation>
    </message>
    <message>
        <source>不方便用手机？请找工作人员</source>
        <translation>No phone at hand? Please ask our staff</translation>
    </message>
    <message>
        <source>用手机扫码即可预约专业人员，本机不收集任何个人信息。</source>
        <translation>Scan with your phone to book an expert. This terminal collects no personal information.</translation>
    </message>
    <message>
        <source>办理事项：%1</source>
        <translation>Service: %1</translation>
    </message>
    <message>
        <source>请先选择一种预约类型</source>
        <translation>Please choose a type of booking first</translation>
    </message>
    <message>
        <source>请先选择一种预约类型，选好后显示预约二维码</source>
        <translation>Choose a booking type first; its booking QR code appears then</translation>
    </message>
    <message>
        <source>请携带：%1</source>
        <translation>Please bring: %1</translation>
    </message>
</context>
<context>
    <name>BookingPanel</name>
    <message>
        <source>报名已结束</source>
        <translation>Registration closed</translation>
    </message>
    <message>
        <source>该活动已结束，欢迎关注近期其他活动。</source>
        <translation>This event is over. Have a look at our upcoming events.</translation>
    </message>
    <message>
        <source>请到服务窗口咨询工作人员，或在“预约咨询·维权援助”中扫码预约。</source>
        <translation>Please ask the staff at the service desk, or book by QR code under &quot;Advice and rights assistance&quot;.</translation>
    </message>
</context>
<context>
    <name>BookingQr</name>
    <message>
        <source>预约二维码</source>
        <translation>Booking QR code</translation>
    </message>
    <message>
        <source>短码</source>
        <translation>Code</translation>
    </message>
    <message>
        <source>请用手机扫描二维码完成预约</source>
        <translation>Scan the QR code with your phone to book</translation>
    </message>
    <message>
        <source>本站预约服务暂未开通，请咨询工作人员</source>
        <translation>Booking is not available at this station yet. Please ask the staff</translation>
    </message>
    <message>
        <source>短码 %1
可报给工作人员</source>
        <translation>Code %1
Tell it to our staff</translation>
    </message>
    <message>
        <source>短码 %1</source>
        <translation>Code %1</translation>
    </message>
    <message>
        <source>本机暂不能打印，
请扫码或把短码报给工作人员</source>
        <translation>This terminal cannot print now.
Scan the code or tell the code to our staff</translation>
    </message>
    <message>
        <source>正在打印…</source>
        <translation>Printing…</translation>
    </message>
    <message>
        <source>打印凭条</source>
        <translation>Print a slip</translation>
    </message>
</context>
<context>
    <name>CandidateBar</name>
    <message>
        <source>没有与 “%1” 对应的词，可继续输入字母</source>
        <translation>No words match &quot;%1&quot;. Keep typing letters</translation>
    </message>
    <message>
        <source>没有与 “%1” 对应的词</source>
        <translation>No word matches &quot;%1&quot;</translation>
    </message>
    <message>
        <source>候选词 %1</source>
        <translation>Suggestion %1</translation>
    </message>
    <message>
        <source>输入拼音首字母，这里会出现候选词</source>
        <translation>Type pinyin initials and suggested words appear here</translation>
    </message>
</context>
<context>
    <name>CatalogPage</name>
    <message>
        <source>服务事项</source>
        <translation>Services</translation>
    </message>
</context>
<context>
    <name>ConfirmPopup</name>
    <message>
        <source>确定</source>
        <translation>OK</translation>
    </message>
    <message>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
</context>
<context>
    <name>Content</name>
    <message>
        <source>专利</source>
        <translation>Patents</translation>
    </message>
    <message>
        <source>商标</source>
        <translation>Trademarks</translation>
    </message>
    <message>
        <source>地理标志</source>
        <translation>Geographical indications</translation>
    </message>
    <message>
        <source>集成电路布图设计</source>
        <translation>IC layout designs</translation>
    </message>
    <message>
        <source>维权援助</source>
        <translation>Rights assistance</translation>
    </message>
    <message>
        <source>咨询</source>
        <translation>Advice</translation>
    </message>
    <message>
        <source>信息服务</source>
        <translation>Information services</translation>
    </message>
    <message>
        <source>质押融资</source>
        <translation>IP-backed financing</translation>
    </message>
    <message>
        <source>其他</source>
        <translation>Other</translation>
    </message>
    <message>
        <source>服务事项</source>
        <translation>Services</translation>
    </message>
    <message>
        <source>政策法规</source>
        <translation>Policies and laws</translation>
    </message>
    <message>
        <source>通知公告</source>
        <translation>Notices</translation>
    </message>
    <message>
        <source>行业动态</source>
        <translation>IP news</translation>
    </message>
    <message>
        <source>宣讲活动</source>
        <translation>Events</translation>
    </message>
    <message>
        <source>预约类型</source>
        <translation>Booking types</translation>
    </message>
    <message>
        <source>时间待定</source>
        <translation>Time to be announced</translation>
    </message>
    <message>
        <source>{start} 至 {end}</source>
        <translation>{start} to {end}</translation>
    </message>
    <message>
        <source>收费</source>
        <translation>Fee</translation>
    </message>
    <message>
        <source>办理时限</source>
        <translation>Time limit</translation>
    </message>
    <message>
        <source>在哪办</source>
        <translation>Where</translation>
    </message>
    <message>
        <source>材料</source>
        <translation>Documents</translation>
    </message>
    <message>
        <source>共 %n 项</source>
        <translation>%n item(s)</translation>
    </message>
    <message>
        <source>以窗口公示为准</source>
        <translation>the counter's posted fee applies</translation>
    </message>
    <message>
        <source>已过期</source>
        <translation>Expired</translation>
    </message>
    <message>
        <source>有效通知</source>
        <translation>Current notices</translation>
    </message>
    <message>
        <source>往期活动</source>
        <translation>Past events</translation>
    </message>
    <message>
        <source>即将举行</source>
        <translation>Coming up</translation>
    </message>
</context>
<context>
    <name>DateTimeStepper</name>
    <message>
        <source>日</source>
        <translation>Day</translation>
    </message>
    <message>
        <source>时</source>
        <translation>Hour</translation>
    </message>
    <message>
        <source>10分</source>
        <translation>10 min</translation>
    </message>
</context>
<context>
    <name>EventType</name>
    <message>
        <source>宣讲会</source>
        <translation>Briefing</translation>
    </message>
    <message>
        <source>培训</source>
        <translation>Training</translation>
    </message>
    <message>
        <source>讲座</source>
        <translation>Lecture</translation>
    </message>
    <message>
        <source>其他</source>
        <translation>Other</translation>
    </message>
</context>
<context>
    <name>HomePage</name>
    <message>
        <source>首页</source>
        <translation>Home</translation>
    </message>
    <message>
        <source>服务事项</source>
        <translation>Services</translation>
    </message>
    <message>
        <source>专利、商标、地理标志等办事指南</source>
        <translation>Guides for patents, trademarks, geographical indications and more</translation>
    </message>
    <message>
        <source>政策法规</source>
        <translation>Policies and laws</translation>
    </message>
    <message>
        <source>法律法规与地方政策</source>
        <translation>Laws, regulations and local policies</translation>
    </message>
    <message>
        <source>通知公告</source>
        <translation>Notices</translation>
    </message>
    <message>
        <source>培训、活动与工作通知</source>
        <translation>Training, events and official notices</translation>
    </message>
    <message>
        <source>行业动态</source>
        <translation>IP news</translation>
    </message>
    <message>
        <source>知识产权新闻与政策速览</source>
        <translation>IP news and policy highlights</translation>
    </message>
    <message>
        <source>宣讲活动</source>
        <translation>Events</translation>
    </message>
    <message>
        <source>宣讲会、培训与报名</source>
        <translation>Briefings, training and registration</translation>
    </message>
    <message>
        <source>本站标志</source>
        <translation>Station logo</translation>
    </message>
    <message>
        <source>开放时间：%1</source>
        <translation>Opening hours: %1</translation>
    </message>
    <message>
        <source>地址：%1</source>
        <translation>Address: %1</translation>
    </message>
    <message>
        <source>扫码预约专业人员</source>
        <translation>Scan to book an expert</translation>
    </message>
    <message>
        <source>预约咨询·
维权援助</source>
        <translation>Book advice ·
rights assistance</translation>
    </message>
    <message>
        <source>搜索</source>
        <translation>Search</translation>
    </message>
    <message>
        <source>拼音首字母即可查找</source>
        <translation>Find anything by pinyin initials</translation>
    </message>
    <message>
        <source>本站公告</source>
        <translation>Station notices</translation>
    </message>
    <message>
        <source>热门事项</source>
        <translation>Popular services</translation>
    </message>
</context>
<context>
    <name>IdleOverlay</name>
    <message>
        <source>继续浏览</source>
        <translation>Keep reading</translation>
    </message>
    <message>
        <source>还在使用吗？</source>
        <translation>Are you still there?</translation>
    </message>
    <message>
        <source>%1 秒后返回欢迎页</source>
        <translation>Back to the welcome screen in %1 s</translation>
    </message>
</context>
<context>
    <name>JumpChips</name>
    <message>
        <source>跳到：%1</source>
        <translation>Jump to: %1</translation>
    </message>
</context>
<context>
    <name>LargeTextToggle</name>
    <message>
        <source>大字模式</source>
        <translation>Large text</translation>
    </message>
    <message>
        <source>大字</source>
        <translation>Large text</translation>
    </message>
</context>
<context>
    <name>NavBar</name>
    <message>
        <source>‹ 返回</source>
        <translation>‹ Back</translation>
    </message>
    <message>
        <source>返回</source>
        <translation>Back</translation>
    </message>
    <message>
        <source>首页</source>
        <translation>Home</translation>
    </message>
</context>
<context>
    <name>OnScreenKeyboard</name>
    <message>
        <source>字母键盘</source>
        <translation>Letter keyboard</translation>
    </message>
    <message>
        <source>数字键盘</source>
        <translation>Number keyboard</translation>
    </message>
    <message>
        <source>空格</source>
        <translation>Space</translation>
    </message>
    <message>
        <source>退格</source>
        <translation>Delete</translation>
    </message>
    <message>
        <source>清空</source>
        <translation>Clear</translation>
    </message>
</context>
<context>
    <name>PinPad</name>
    <message>
        <source>确定</source>
        <translation>OK</translation>
    </message>
    <message>
        <source>清除</source>
        <translation>Clear</translation>
    </message>
</context>
<context>
    <name>Rating</name>
    <message>
        <source>非常满意</source>
        <translation>Very satisfied</translation>
    </message>
    <message>
        <source>满意</source>
        <translation>Satisfied</translation>
    </message>
    <message>
        <source>基本满意</source>
        <translation>Fairly satisfied</translation>
    </message>
    <message>
        <source>不满意</source>
        <translation>Dissatisfied</translation>
    </message>
    <message>
        <source>非常不满意</source>
        <translation>Very dissatisfied</translation>
    </message>
    <message>
        <source>讲解清楚</source>
        <translation>Clearly explained</translation>
    </message>
    <message>
        <source>办理快</source>
        <translation>Quick</translation>
    </message>
    <message>
        <source>容易找到</source>
        <translation>Easy to find</translation>
    </message>
    <message>
        <source>信息齐全</source>
        <translation>Complete information</translation>
    </message>
    <message>
        <source>操作简单</source>
        <translation>Easy to use</translation>
    </message>
    <message>
        <source>工作人员热心</source>
        <translation>Helpful staff</translation>
    </message>
    <message>
        <source>信息过时</source>
        <translation>Out of date</translation>
    </message>
    <message>
        <source>找不到想要的</source>
        <translation>Could not find what I need</translation>
    </message>
    <message>
        <source>排队太久</source>
        <translation>Waited too long</translation>
    </message>
    <message>
        <source>看不懂</source>
        <translation>Hard to understand</translation>
    </message>
    <message>
        <source>步骤太多</source>
        <translation>Too many steps</translation>
    </message>
    <message>
        <source>没人可问</source>
        <translation>No one to ask</translation>
    </message>
</context>
<context>
    <name>RatingPanel</name>
    <message>
        <source>服务评价</source>
        <translation>Rate this service</translation>
    </message>
    <message>
        <source>您对「%1」的服务满意吗？</source>
        <translation>Are you satisfied with &quot;%1&quot;?</translation>
    </message>
    <message>
        <source>您对本次服务满意吗？</source>
        <translation>Are you satisfied with this service?</translation>
    </message>
    <message>
        <source>点一下即提交。匿名评价，不收集任何个人信息。</source>
        <translation>One tap sends your rating. Anonymous: no personal information is collected.</translation>
    </message>
    <message>
        <source>谢谢您的评价（%1），已保存！</source>
        <translation>Thank you! Your rating (%1) is saved.</translation>
    </message>
    <message>
        <source>原因已补充，谢谢！我们会据此改进服务。</source>
        <translation>Reasons added. Thank you! They help us improve.</translation>
    </message>
    <message>
        <source>您本次已经评价过这项服务，谢谢！</source>
        <translation>You have already rated this service on this visit. Thank you!</translation>
    </message>
    <message>
        <source>您的评价已保存，但原因暂时未能补充。谢谢！</source>
        <translation>Your rating is saved, but the reasons could not be added just now. Thank you!</translation>
    </message>
    <message>
        <source>评价暂时未能保存，请稍后再试或告诉工作人员。</source>
        <translation>Your rating could not be saved just now. Please try again later or tell our staff.</translation>
    </message>
    <message>
        <source>愿意告诉我们原因吗？（可选）</source>
        <translation>Would you tell us why? (optional)</translation>
    </message>
    <message>
        <source>哪些地方做得好？（可多选）</source>
        <translation>What went well? (choose any)</translation>
    </message>
    <message>
        <source>哪些地方需要改进？（可多选）</source>
        <translation>What should improve? (choose any)</translation>
    </message>
    <message>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>关闭</source>
        <translation>Close</translation>
    </message>
    <message>
        <source>补充</source>
        <translation>Add</translation>
    </message>
    <message>
        <source>补充所选原因</source>
        <translation>Add the chosen reasons</translation>
    </message>
    <message>
        <source>正在提交…</source>
        <translation>Sending…</translation>
    </message>
</context>
<context>
    <name>RatingPrompt</name>
    <message>
        <source>这次服务还满意吗？</source>
        <translation>Satisfied with this service?</translation>
    </message>
    <message>
        <source>已评价 · 谢谢</source>
        <translation>Rated · thank you</translation>
    </message>
    <message>
        <source>评价</source>
        <translation>Rate</translation>
    </message>
    <message>
        <source>已评价此服务</source>
        <translation>Service rated</translation>
    </message>
    <message>
        <source>评价此服务</source>
        <translation>Rate this service</translation>
    </message>
</context>
<context>
    <name>ReadAloud</name>
    <message>
        <source>本机没有声音输出</source>
        <translation>No sound output on this terminal</translation>
    </message>
    <message>
        <source>音箱正忙，请稍后再试</source>
        <translation>The speaker is busy, please try again shortly</translation>
    </message>
    <message>
        <source>朗读暂不可用</source>
        <translation>Read aloud is not available</translation>
    </message>
</context>
<context>
    <name>ReadAloudButton</name>
    <message>
        <source>停止</source>
        <translation>Stop</translation>
    </message>
    <message>
        <source>朗读</source>
        <translation>Read aloud</translation>
    </message>
</context>
<context>
    <name>RecordDetailPage</name>
    <message>
        <source>该内容已下架或不存在。</source>
        <translation>This item has been withdrawn or does not exist.</translation>
    </message>
    <message>
        <source>已过期 · 有效期至 %1</source>
        <translation>Expired · valid until %1</translation>
    </message>
    <message>
        <source>活动已结束</source>
        <translation>This event is over</translation>
    </message>
    <message>
        <source>活动类型：%1</source>
        <translation>Type: %1</translation>
    </message>
    <message>
        <source>发布日期：%1</source>
        <translation>Published: %1</translation>
    </message>
    <message>
        <source>有效期至 %1</source>
        <translation>Valid until %1</translation>
    </message>
    <message>
        <source>时间</source>
        <translation>Time</translation>
    </message>
    <message>
        <source>地点</source>
        <translation>Venue</translation>
    </message>
    <message>
        <source>发布日期</source>
        <translation>Published</translation>
    </message>
    <message numerus="yes">
        <source>还有 %n 个标题，点此显示</source>
        <translation>
            <numerusform>%n more heading: tap to show it</numerusform>
            <numerusform>%n more headings: tap to show them</numerusform>
        </translation>
    </message>
    <message>
        <source>相关内容</source>
        <translation>Related</translation>
    </message>
    <message>
        <source>扫码报名</source>
        <translation>Scan to register</translation>
    </message>
</context>
<context>
    <name>RecordListPage</name>
    <message>
        <source>全部</source>
        <translation>All</translation>
    </message>
    <message>
        <source>只看%1</source>
        <translation>Only %1</translation>
    </message>
    <message>
        <source>已过期</source>
        <translation>Expired</translation>
    </message>
    <message>
        <source>已结束</source>
        <translation>Over</translation>
    </message>
    <message>
        <source>暂无内容</source>
        <translation>Nothing here yet</translation>
    </message>
</context>
<context>
    <name>ScrollAids</name>
    <message>
        <source>向上滑动查看更多</source>
        <translation>Swipe up for more</translation>
    </message>
    <message>
        <source>回到顶部</source>
        <translation>Back to top</translation>
    </message>
</context>
<context>
    <name>SearchPage</name>
    <message>
        <source>搜索</source>
        <translation>Search</translation>
    </message>
    <message>
        <source>输入拼音首字母，如 zlsq（专利申请）</source>
        <translation>Type pinyin initials, e.g. zlsq (专利申请, patent application)</translation>
    </message>
    <message>
        <source>用字母键输入拼音或拼音首字母</source>
        <translation>Type pinyin or pinyin initials with the letter keys</translation>
    </message>
    <message>
        <source>例如：zlsq 或 zhuanli 找“专利申请”，sbzc 找“商标注册”。
也可以点上方的候选词。</source>
        <translation>For example: zlsq or zhuanli finds &quot;专利申请&quot; (patent application), sbzc finds &quot;商标注册&quot; (trademark registration).
You can also tap a suggested word above.</translation>
    </message>
    <message>
        <source>已为您显示「%1」的结果</source>
        <translation>Showing results for &quot;%1&quot;</translation>
    </message>
    <message>
        <source>仍搜索 %1</source>
        <translation>Search for %1 instead</translation>
    </message>
    <message>
        <source>没有找到与“%1”相关的内容</source>
        <translation>Nothing found for &quot;%1&quot;</translation>
    </message>
    <message>
        <source>这是按您输入的字母原样搜索的结果。</source>
        <translation>These are the results for the letters exactly as typed.</translation>
    </message>
    <message>
        <source>没有能自动纠正的拼写，请检查拼音。</source>
        <translation>No spelling correction found; please check the pinyin.</translation>
    </message>
    <message>
        <source>您是不是要找：</source>
        <translation>Did you mean:</translation>
    </message>
    <message>
        <source>按类别查看：</source>
        <translation>Browse by category:</translation>
    </message>
    <message>
        <source>请咨询工作人员：服务台的工作人员可以当面帮您查找和办理。</source>
        <translation>Ask the staff: the people at the service desk can find it and help you in person.</translation>
    </message>
</context>
<context>
    <name>ServiceDetailPage</name>
    <message>
        <source>服务事项</source>
        <translation>Services</translation>
    </message>
    <message>
        <source>该事项已下架或不存在。</source>
        <translation>This service has been withdrawn or does not exist.</translation>
    </message>
    <message>
        <source>分类：%1</source>
        <translation>Category: %1</translation>
    </message>
    <message>
        <source>受理条件</source>
        <translation>Who can apply</translation>
    </message>
    <message>
        <source>申请材料</source>
        <translation>Documents needed</translation>
    </message>
    <message>
        <source>办理流程</source>
        <translation>Steps</translation>
    </message>
    <message>
        <source>办理时限</source>
        <translation>Time limit</translation>
    </message>
    <message>
        <source>收费标准</source>
        <translation>Fees</translation>
    </message>
    <message>
        <source>办理渠道</source>
        <translation>Where to apply</translation>
    </message>
    <message>
        <source>服务机构</source>
        <translation>Provided by</translation>
    </message>
    <message>
        <source>扫码预约</source>
        <translation>Scan to book</translation>
    </message>
</context>
<context>
    <name>Shell</name>
    <message>
        <source>数据更新于 {time}</source>
        <translation>Updated {time}</translation>
    </message>
</context>
<context>
    <name>SourceQr</name>
    <message>
        <source>扫码查看原文</source>
        <translation>Scan to read the original</translation>
    </message>
    <message>
        <source>打印摘要</source>
        <translation>Print a summary</translation>
    </message>
    <message>
        <source>原文网址二维码</source>
        <translation>QR code of the original web page</translation>
    </message>
    <message>
        <source>正在打印…</source>
        <translation>Printing…</translation>
    </message>
</context>
<context>
    <name>StaffContact</name>
    <message>
        <source>热线 %1（全国知识产权公共服务热线）</source>
        <translation>Hotline %1 (national IP public service hotline)</translation>
    </message>
    <message>
        <source>服务热线 %1</source>
        <translation>Service hotline %1</translation>
    </message>
    <message>
        <source>本站电话 %1</source>
        <translation>Station phone %1</translation>
    </message>
    <message>
        <source>开放时间 %1</source>
        <translation>Opening hours %1</translation>
    </message>
</context>
<context>
    <name>StationBadge</name>
    <message>
        <source>本站公告 · 置顶</source>
        <translation>Station notice · pinned</translation>
    </message>
    <message>
        <source>本站公告</source>
        <translation>Station notices</translation>
    </message>
</context>
<context>
    <name>StationNoticesPage</name>
    <message>
        <source>本站公告</source>
        <translation>Station notices</translation>
    </message>
    <message>
        <source>暂无本站公告</source>
        <translation>No station notices at the moment</translation>
    </message>
</context>
</TS>
