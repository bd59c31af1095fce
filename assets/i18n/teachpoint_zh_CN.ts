<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
<context>
    <name>ABButton</name>
    <message>
        <source>Repeating {a}–{b}</source>
        <translation>正在重复 {a}–{b}</translation>
    </message>
    <message>
        <source>Playing the part between A and B again and again. Press again (L key) to stop repeating.</source>
        <translation>正在反复播放 A 到 B 之间的这一段。再按一次（L 键）停止重复。</translation>
    </message>
    <message>
        <source>A {a} → B?</source>
        <translation>A {a} → B？</translation>
    </message>
    <message>
        <source>Start of the repeat is set. Press again (L key) at the end of the part to repeat.</source>
        <translation>已设好重复的开头。播到这一段的结尾时再按一次（L 键）。</translation>
    </message>
    <message>
        <source>Repeat A–B</source>
        <translation>重复一段</translation>
    </message>
    <message>
        <source>Repeat a part: press (L key) at its start, press again at its end.</source>
        <translation>重复播放一段：在开头按一次（L 键），在结尾再按一次。</translation>
    </message>
</context>
<context>
    <name>AudioView</name>
    <message>
        <source>♪ Audio lesson</source>
        <translation>♪ 音频课</translation>
    </message>
</context>
<context>
    <name>BandwidthSection</name>
    <message>
        <source>Saved.</source>
        <translation>已保存。</translation>
    </message>
    <message>
        <source>“{time}” is not a time of day. Write hours and minutes like 08:00 or 17:30 (00:00 to 24:00).</source>
        <translation>“{time}”不是正确的时间。请写成 08:00 或 17:30 这样（00:00 到 24:00）。</translation>
    </message>
    <message>
        <source>The start and end time are the same: the time window would be empty.</source>
        <translation>开始和结束时间一样，这个时段是空的。</translation>
    </message>
    <message>
        <source>Type a speed in kbit/s, or tick “No limit”.</source>
        <translation>请填写速度（kbit/s），或者勾选“不限速”。</translation>
    </message>
    <message>
        <source>“{value}” is not a speed TeachPoint can use: type a whole number from 1 to 10000000 (kbit/s).</source>
        <translation>“{value}”不能用作速度：请填写 1 到 10000000 之间的整数（kbit/s）。</translation>
    </message>
    <message>
        <source>Click a time window in the list first.</source>
        <translation>请先在列表里点一下要删除的时段。</translation>
    </message>
    <message>
        <source>Monday</source>
        <translation>周一</translation>
    </message>
    <message>
        <source>Tuesday</source>
        <translation>周二</translation>
    </message>
    <message>
        <source>Wednesday</source>
        <translation>周三</translation>
    </message>
    <message>
        <source>Thursday</source>
        <translation>周四</translation>
    </message>
    <message>
        <source>Friday</source>
        <translation>周五</translation>
    </message>
    <message>
        <source>Saturday</source>
        <translation>周六</translation>
    </message>
    <message>
        <source>Sunday</source>
        <translation>周日</translation>
    </message>
    <message>
        <source>{first} to {last}</source>
        <translation>{first}至{last}</translation>
    </message>
    <message>
        <source>, </source>
        <translation>、</translation>
    </message>
    <message>
        <source>{days}, {start}–{end}: no limit</source>
        <translation>{days} {start}–{end}：不限速</translation>
    </message>
    <message>
        <source>{days}, {start}–{end}: at most {kbit} kbit/s</source>
        <translation>{days} {start}–{end}：最多 {kbit} kbit/s</translation>
    </message>
    <message>
        <source>Download speed limit</source>
        <translation>网速限制</translation>
    </message>
    <message>
        <source>Normal limit:</source>
        <translation>平时限速：</translation>
    </message>
    <message>
        <source>No limit</source>
        <translation>不限速</translation>
    </message>
    <message>
        <source>Save limit</source>
        <translation>保存限速</translation>
    </message>
    <message>
        <source>Other limits at certain times:</source>
        <translation>某些时段用别的限速：</translation>
    </message>
    <message>
        <source>Remove selected time</source>
        <translation>删除选中的时段</translation>
    </message>
    <message>
        <source>Days:</source>
        <translation>日期：</translation>
    </message>
    <message>
        <source>to</source>
        <translation>至</translation>
    </message>
    <message>
        <source>Time:</source>
        <translation>时间：</translation>
    </message>
    <message>
        <source>Limit:</source>
        <translation>限速：</translation>
    </message>
    <message>
        <source>Add this time</source>
        <translation>添加这个时段</translation>
    </message>
    <message>
        <source>kbit/s: 1000 kbit/s is about 1 Mbit/s. A limit during class time leaves the internet free for teaching.</source>
        <translation>kbit/s：1000 kbit/s 大约是 1 兆。上课时限速，可以把网络留给教学用。</translation>
    </message>
</context>
<context>
    <name>BookmarksPanel</name>
    <message>
        <source>Bookmarks</source>
        <translation>书签</translation>
    </message>
    <message>
        <source>No bookmarks yet. Press B (or the button) to mark the current moment; click a bookmark to jump there.</source>
        <translation>还没有书签。按 B 键（或按钮）记下当前位置；点一下书签就跳到那里。</translation>
    </message>
    <message>
        <source>Note (optional)</source>
        <translation>备注（可不填）</translation>
    </message>
    <message>
        <source>Add here</source>
        <translation>在这里加书签</translation>
    </message>
    <message>
        <source>Bookmark the current moment (B key)</source>
        <translation>给当前位置加书签（B 键）</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>Remove the selected bookmark</source>
        <translation>删除选中的书签</translation>
    </message>
    <message>
        <source>The bookmarks could not be read.</source>
        <translation>读不出书签。</translation>
    </message>
    <message>
        <source>Click to jump to {t}</source>
        <translation>点一下跳到 {t}</translation>
    </message>
    <message>
        <source>This computer&apos;s lesson folder is read-only, so bookmarks cannot be saved.</source>
        <translation>这台电脑的课程文件夹是只读的，书签保存不了。</translation>
    </message>
    <message>
        <source>The bookmark could not be saved.</source>
        <translation>书签没能保存。</translation>
    </message>
    <message>
        <source>The bookmark could not be removed.</source>
        <translation>书签没能删除。</translation>
    </message>
</context>
<context>
    <name>ClassCardWidget</name>
    <message>
        <source>▶  Play</source>
        <translation>▶  播放</translation>
    </message>
    <message>
        <source>Download</source>
        <translation>下载</translation>
    </message>
    <message>
        <source>No lessons for this class yet</source>
        <translation>这个班级还没有课程</translation>
    </message>
    <message>
        <source>This program does not know the subject “{s}”. Please choose your classes again.</source>
        <translation>本软件不认识学科“{s}”。请重新选择您的班级。</translation>
    </message>
    <message>
        <source>They arrive with the next update (network or USB stick).</source>
        <translation>课程会随下一次同步到来（网络或U盘）。</translation>
    </message>
    <message>
        <source>Continue: {title}</source>
        <translation>继续：{title}</translation>
    </message>
    <message>
        <source>Next lesson: {title}</source>
        <translation>下一课：{title}</translation>
    </message>
    <message>
        <source>Lesson {n}</source>
        <translation>第{n}课</translation>
    </message>
    <message>
        <source>Downloading…</source>
        <translation>正在下载…</translation>
    </message>
    <message>
        <source>Stopped at {t} last time; plays on from there.</source>
        <translation>上次停在 {t}，会从那里接着播放。</translation>
    </message>
    <message>
        <source>Watched to the end before.</source>
        <translation>以前已经看完了。</translation>
    </message>
    <message>
        <source>It cannot be downloaded now: the disk of this computer is full. Please ask the school&apos;s IT teacher to free some space.</source>
        <translation>现在下载不了：这台电脑的磁盘满了。请学校信息老师清理出一些空间。</translation>
    </message>
    <message>
        <source>The file is damaged; it is being downloaded again. It plays here once it has arrived (see “Updates”).</source>
        <translation>文件已损坏，正在重新下载。下载好后就能在这里播放（进度见“同步”）。</translation>
    </message>
    <message>
        <source>The file of this lesson is damaged. Press “Download” to fetch it again.</source>
        <translation>这节课的文件已损坏。请点“下载”重新下载。</translation>
    </message>
    <message>
        <source>Downloading; it plays here once it has arrived (see “Updates”).</source>
        <translation>正在下载，下载好后就能在这里播放（进度见“同步”）。</translation>
    </message>
    <message>
        <source>Not on this computer yet: press “Download”, or bring it on a USB stick.</source>
        <translation>这节课还不在这台电脑上：请点“下载”，或者用U盘拷来。</translation>
    </message>
</context>
<context>
    <name>ClassPicker</name>
    <message>
        <source>Senior {n}</source>
        <translation>高{n}</translation>
    </message>
    <message>
        <source>Grade {n}</source>
        <translation>{n}年级</translation>
    </message>
    <message>
        <source>Any edition</source>
        <translation>不限版本</translation>
    </message>
    <message>
        <source>any edition</source>
        <translation>不限版本</translation>
    </message>
    <message>
        <source>(a subject this program does not know)</source>
        <translation>（本软件不认识这个学科）</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>去掉</translation>
    </message>
    <message>
        <source>Remove {what}</source>
        <translation>去掉 {what}</translation>
    </message>
    <message>
        <source>Your classes cannot be read right now.</source>
        <translation>现在读不出您的班级。</translation>
    </message>
    <message>
        <source>Your classes could not be saved. Your choices are still here; please try again.</source>
        <translation>班级没能保存。您选的内容还在，请再试一次。</translation>
    </message>
    <message>
        <source>Welcome! Which classes do you teach?</source>
        <translation>欢迎！您教哪些班级？</translation>
    </message>
    <message>
        <source>My classes</source>
        <translation>我的班级</translation>
    </message>
    <message>
        <source>Choose a grade, a subject and, if you know it, the textbook edition, then press “Add this class”. You can add several classes. Your next lesson for each will wait on the home page.</source>
        <translation>请选择年级、学科，知道的话再选教材版本，然后点“添加这个班级”。可以添加好几个班级。每个班级的下一节课都会放在首页等您。</translation>
    </message>
    <message>
        <source>Classes with lessons on this computer (one click chooses, another click removes)</source>
        <translation>本机已有课程的班级（点一下选上，再点一下取消）</translation>
    </message>
    <message>
        <source>Grade</source>
        <translation>年级</translation>
    </message>
    <message>
        <source>Subject</source>
        <translation>学科</translation>
    </message>
    <message>
        <source>Textbook edition</source>
        <translation>教材版本</translation>
    </message>
    <message>
        <source>Also show grades and subjects with no lessons on this computer yet</source>
        <translation>也显示这台电脑上还没有课程的年级和学科</translation>
    </message>
    <message>
        <source>＋  Add this class</source>
        <translation>＋  添加这个班级</translation>
    </message>
    <message>
        <source>Classes you teach</source>
        <translation>您教的班级</translation>
    </message>
    <message>
        <source>None chosen yet.</source>
        <translation>还没有选。</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <source>Skip for now</source>
        <translation>以后再说</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Your classes were set by the school&apos;s IT teacher. Ask them if they need to change.</source>
        <translation>您的班级是学校信息老师设置的。需要更改请找他们。</translation>
    </message>
    <message>
        <source>The lesson library on this computer is read-only, so the classes cannot be changed here.</source>
        <translation>这台电脑上的课程库是只读的，这里不能更改班级。</translation>
    </message>
</context>
<context>
    <name>ClassPickerDialog</name>
    <message>
        <source>My classes</source>
        <translation>我的班级</translation>
    </message>
</context>
<context>
    <name>ContributeDialog</name>
    <message>
        <source>Add a lesson of this school</source>
        <translation>添加本校课程</translation>
    </message>
    <message>
        <source>1. The lesson&apos;s files (video, PDF, slides or pictures)</source>
        <translation>第一步：课程文件（视频、PDF、幻灯片或图片）</translation>
    </message>
    <message>
        <source>Choose files…</source>
        <translation>选择文件…</translation>
    </message>
    <message>
        <source>Add subtitles…</source>
        <translation>添加字幕…</translation>
    </message>
    <message>
        <source>Start again</source>
        <translation>重新选择</translation>
    </message>
    <message>
        <source>3. Where it belongs: grade, subject and textbook</source>
        <translation>第三步：放在哪里（年级、学科、教材）</translation>
    </message>
    <message>
        <source>Volume</source>
        <translation>册</translation>
    </message>
    <message>
        <source>Not sure</source>
        <translation>不确定</translation>
    </message>
    <message>
        <source>Unit</source>
        <translation>单元</translation>
    </message>
    <message>
        <source>e.g. 第二单元 春天 (may stay empty)</source>
        <translation>例如：第二单元 春天（可以不填）</translation>
    </message>
    <message>
        <source>Lesson no.</source>
        <translation>第几课</translation>
    </message>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <source>2. The lesson&apos;s title</source>
        <translation>第二步：课程名称</translation>
    </message>
    <message>
        <source>e.g. 春天在哪里</source>
        <translation>例如：春天在哪里</translation>
    </message>
    <message>
        <source>4. Your name (may stay empty; it stays on this computer)</source>
        <translation>第四步：您的姓名（可以不填；只保存在这台电脑上）</translation>
    </message>
    <message>
        <source>Show my name with this lesson at the county and at other schools</source>
        <translation>让县里和其他学校看到这节课是我做的（显示我的姓名）</translation>
    </message>
    <message>
        <source>Add the lesson</source>
        <translation>添加这节课</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Choose the lesson&apos;s files</source>
        <translation>选择课程文件</translation>
    </message>
    <message>
        <source>Lesson files ({patterns});;All files (*)</source>
        <translation>课程文件 ({patterns});;所有文件 (*)</translation>
    </message>
    <message>
        <source>Choose subtitle files</source>
        <translation>选择字幕文件</translation>
    </message>
    <message>
        <source>Subtitles ({patterns});;All files (*)</source>
        <translation>字幕 ({patterns});;所有文件 (*)</translation>
    </message>
    <message>
        <source>No file chosen yet.</source>
        <translation>还没有选择文件。</translation>
    </message>
    <message>
        <source>• {name} (subtitles)</source>
        <translation>• {name}（字幕）</translation>
    </message>
    <message>
        <source>Choose the lesson&apos;s files first (step 1).</source>
        <translation>请先选择课程文件（第一步）。</translation>
    </message>
    <message>
        <source>Choose the grade and the subject (step 3).</source>
        <translation>请选择年级和学科（第三步）。</translation>
    </message>
    <message>
        <source>Give the lesson a title (step 2).</source>
        <translation>请填写课程名称（第二步）。</translation>
    </message>
</context>
<context>
    <name>ControlBar</name>
    <message>
        <source>Back 10 s</source>
        <translation>后退10秒</translation>
    </message>
    <message>
        <source>Ahead 10 s</source>
        <translation>前进10秒</translation>
    </message>
    <message>
        <source>Back 10 seconds (← key)</source>
        <translation>后退10秒（← 键）</translation>
    </message>
    <message>
        <source>Forward 10 seconds (→ key)</source>
        <translation>前进10秒（→ 键）</translation>
    </message>
    <message>
        <source>Play or pause (Space bar)</source>
        <translation>播放或暂停（空格键）</translation>
    </message>
    <message>
        <source>Full screen (F11; Esc leaves)</source>
        <translation>全屏（F11；按 Esc 退出）</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <source>Again</source>
        <translation>重新播放</translation>
    </message>
    <message>
        <source>Play</source>
        <translation>播放</translation>
    </message>
    <message>
        <source>Subtitles: on</source>
        <translation>字幕：开</translation>
    </message>
    <message>
        <source>Subtitles: off</source>
        <translation>字幕：关</translation>
    </message>
    <message>
        <source>Leave full screen</source>
        <translation>退出全屏</translation>
    </message>
    <message>
        <source>Full screen</source>
        <translation>全屏</translation>
    </message>
</context>
<context>
    <name>CurriculumModel</name>
    <message>
        <source>Lesson</source>
        <translation>课程</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>this school&apos;s</source>
        <translation>本校</translation>
    </message>
    <message>
        <source>Lesson {n}  {title}</source>
        <translation>第{n}课&#x3000;{title}</translation>
    </message>
</context>
<context>
    <name>DetailsToggle</name>
    <message>
        <source>Technical details</source>
        <translation>技术详情</translation>
    </message>
</context>
<context>
    <name>DiagnoseSection</name>
    <message>
        <source>Save diagnostic information</source>
        <translation>保存诊断信息</translation>
    </message>
    <message>
        <source>Zip file (*.zip)</source>
        <translation>压缩文件 (*.zip)</translation>
    </message>
    <message>
        <source>Collecting information…</source>
        <translation>正在收集信息…</translation>
    </message>
    <message>
        <source>The file could not be written: {detail}</source>
        <translation>文件没能保存：{detail}</translation>
    </message>
    <message>
        <source>Saved to: {path}
Give this file to the school&apos;s IT teacher.</source>
        <translation>已保存到：{path}
请把这个文件交给学校信息老师。</translation>
    </message>
    <message>
        <source>Diagnostics</source>
        <translation>诊断</translation>
    </message>
    <message>
        <source>Export diagnostic information (for the school&apos;s IT teacher)</source>
        <translation>导出诊断信息（给学校信息老师）</translation>
    </message>
    <message>
        <source>If something does not work, this saves a file that tells the school&apos;s IT teacher what happened.</source>
        <translation>遇到问题时，点这里保存一个文件，学校信息老师看了就知道出了什么事。</translation>
    </message>
</context>
<context>
    <name>DiskBanner</name>
    <message>
        <source>Check again</source>
        <translation>再检查一次</translation>
    </message>
    <message>
        <source>The disk of this computer is full: where each lesson stopped, bookmarks and classes cannot be saved now. Lessons still play. Please ask the school&apos;s IT teacher to free some disk space.</source>
        <translation>这台电脑的磁盘满了：现在记不住每节课播放到哪里，书签和班级也存不下来。课程照常可以播放。请学校信息老师清理出一些磁盘空间。</translation>
    </message>
    <message>
        <source>There is not enough free disk space, so no lessons can be downloaded ({free} free, {floor} must stay free). The lessons already here still play. Please ask the school&apos;s IT teacher to free some disk space.</source>
        <translation>磁盘空间不够，所以下载不了课程（还剩 {free}，至少要留 {floor}）。已有的课程照常可以播放。请学校信息老师清理出一些磁盘空间。</translation>
    </message>
</context>
<context>
    <name>DisplaySection</name>
    <message>
        <source>Display</source>
        <translation>显示</translation>
    </message>
    <message>
        <source>Language:</source>
        <translation>语言：</translation>
    </message>
    <message>
        <source>Large text (easier to read on a projector)</source>
        <translation>大字体（投影上更容易看清）</translation>
    </message>
</context>
<context>
    <name>DocumentView</name>
    <message>
        <source>← Back to the lessons</source>
        <translation>← 返回课程列表</translation>
    </message>
    <message>
        <source>Previous page</source>
        <translation>上一页</translation>
    </message>
    <message>
        <source>Previous page (Page Up or ← key)</source>
        <translation>上一页（Page Up 或 ← 键）</translation>
    </message>
    <message>
        <source>Next page</source>
        <translation>下一页</translation>
    </message>
    <message>
        <source>Next page (Page Down or → key)</source>
        <translation>下一页（Page Down 或 → 键）</translation>
    </message>
    <message>
        <source>Whole page</source>
        <translation>整页显示</translation>
    </message>
    <message>
        <source>Show the whole page, or fit the page to the width</source>
        <translation>显示整页，或让页面和窗口一样宽</translation>
    </message>
    <message>
        <source>Open again</source>
        <translation>再次打开</translation>
    </message>
    <message>
        <source>Open the file again in the computer&apos;s own program</source>
        <translation>用电脑上的其他程序再打开一次</translation>
    </message>
    <message>
        <source>Print</source>
        <translation>打印</translation>
    </message>
    <message>
        <source>Print this document (for example a worksheet)</source>
        <translation>打印这份文档（例如课堂练习）</translation>
    </message>
    <message>
        <source>Show the page on the whole screen (F5 or F11; Esc leaves)</source>
        <translation>用整个屏幕显示这一页（F5 或 F11；按 Esc 退出）</translation>
    </message>
    <message>
        <source>This lesson&apos;s file is not on this computer yet, or it is damaged. Please download it again.</source>
        <translation>这节课的文件还没有下载到这台电脑，或者已经损坏。请重新下载。</translation>
    </message>
    <message>
        <source>This is Flash courseware. Flash has been switched off everywhere since 2021, so no program on this computer can play it; please ask the school&apos;s IT teacher for this lesson as a video.</source>
        <translation>这是Flash课件。Flash从2021年起已全面停用，这台电脑上没有任何程序能播放它；请向学校信息老师要这节课的视频版本。</translation>
    </message>
    <message>
        <source>“{name}” has been opened in another program on this computer.</source>
        <translation>已用电脑上的其他程序打开“{name}”。</translation>
    </message>
    <message>
        <source>This computer has no program that can open “{name}”.</source>
        <translation>这台电脑上没有能打开“{name}”的程序。</translation>
    </message>
    <message>
        <source>This file cannot be opened.
It may be damaged. Please choose another lesson, or download this one again.</source>
        <translation>这个文件打不开。
可能已经损坏。请选择别的课程，或重新下载这节课。</translation>
    </message>
    <message>
        <source>Leave full screen</source>
        <translation>退出全屏</translation>
    </message>
    <message>
        <source>Full screen</source>
        <translation>全屏</translation>
    </message>
    <message>
        <source>Page {n} of {count}</source>
        <translation>第 {n} / {count} 页</translation>
    </message>
</context>
<context>
    <name>DownloadRequests</name>
    <message>
        <source>There is nowhere to download it from yet: bring it on a USB stick, or ask the school&apos;s IT teacher to add an update source in Settings.</source>
        <translation>现在还没有地方可以下载它：可以用U盘拷来，或者请学校信息老师在“设置”里添加更新来源。</translation>
    </message>
    <message>
        <source>No network right now; it downloads by itself once the network is back.</source>
        <translation>现在没有网络；网络恢复后会自动下载。</translation>
    </message>
</context>
<context>
    <name>EndCard</name>
    <message>
        <source>This lesson has finished</source>
        <translation>这节课播放完了</translation>
    </message>
    <message>
        <source>Next lesson ▶</source>
        <translation>下一课 ▶</translation>
    </message>
    <message>
        <source>Play again</source>
        <translation>重新播放</translation>
    </message>
    <message>
        <source>Back to the lessons</source>
        <translation>返回课程列表</translation>
    </message>
    <message>
        <source>Next: {title}</source>
        <translation>下一课：{title}</translation>
    </message>
</context>
<context>
    <name>FieldMessage</name>
    <message>
        <source>Technical details: {detail}</source>
        <translation>技术详情：{detail}</translation>
    </message>
</context>
<context>
    <name>Formatting</name>
    <message>
        <source>{m} min {s} s</source>
        <translation>{m}分{s}秒</translation>
    </message>
    <message>
        <source>{m} min</source>
        <translation>{m}分钟</translation>
    </message>
    <message>
        <source>{s} s</source>
        <translation>{s}秒</translation>
    </message>
    <message>
        <source>{n} GB</source>
        <translation>{n} GB</translation>
    </message>
    <message>
        <source>{n} MB</source>
        <translation>{n} MB</translation>
    </message>
    <message>
        <source>{n} KB</source>
        <translation>{n} KB</translation>
    </message>
    <message>
        <source>Not downloaded</source>
        <translation>未下载</translation>
    </message>
    <message>
        <source>Damaged</source>
        <translation>已损坏</translation>
    </message>
    <message>
        <source>Unknown</source>
        <translation>未知</translation>
    </message>
</context>
<context>
    <name>HomePage</name>
    <message>
        <source>My classes</source>
        <translation>我的班级</translation>
    </message>
    <message>
        <source>Change my classes</source>
        <translation>更改我的班级</translation>
    </message>
    <message>
        <source>Choose my classes</source>
        <translation>选择我的班级</translation>
    </message>
    <message>
        <source>There are no lessons on this computer yet. They come from the county resource centre over the network, or on a USB stick: see “Updates” at the top.</source>
        <translation>这台电脑上还没有课程。课程从县资源中心通过网络传来，或者用U盘拷来：请看上面的“同步”。</translation>
    </message>
    <message>
        <source>The home page cannot be read right now. Your lessons are still there under “All lessons”.</source>
        <translation>首页现在读不出来。您的课程都还在“全部课程”里。</translation>
    </message>
    <message>
        <source>See my classes</source>
        <translation>查看我的班级</translation>
    </message>
    <message>
        <source>The school&apos;s IT teacher has not set any classes for this computer yet.</source>
        <translation>学校信息老师还没有给这台电脑设置班级。</translation>
    </message>
    <message>
        <source>Tell TeachPoint which classes you teach, and the next lesson of each will wait for you here, ready to play.</source>
        <translation>告诉教学点课堂您教哪些班级，每个班级的下一节课就会在这里等着您，点一下就能播放。</translation>
    </message>
    <message>
        <source>New lessons: {n}</source>
        <translation>新课程 {n} 节</translation>
    </message>
    <message>
        <source>Nothing new since you last looked.</source>
        <translation>上次看过以后没有新课程。</translation>
    </message>
    <message>
        <source>Arrived since you last looked:</source>
        <translation>上次看过以后新到的课程：</translation>
    </message>
    <message>
        <source>View ›</source>
        <translation>查看 ›</translation>
    </message>
    <message>
        <source>Lesson {n}</source>
        <translation>第{n}课</translation>
    </message>
    <message>
        <source>Show this lesson</source>
        <translation>查看这节课</translation>
    </message>
    <message>
        <source>… and {n} more (see “All lessons”)</source>
        <translation>……还有 {n} 节（请看“全部课程”）</translation>
    </message>
</context>
<context>
    <name>InboxSection</name>
    <message>
        <source>not used</source>
        <translation>未使用</translation>
    </message>
    <message>
        <source>{folder} (not there yet)</source>
        <translation>{folder}（文件夹还没有出现）</translation>
    </message>
    <message>
        <source>Choose the satellite receiving folder</source>
        <translation>选择卫星接收文件夹</translation>
    </message>
    <message>
        <source>Saved.</source>
        <translation>已保存。</translation>
    </message>
    <message>
        <source>This cannot be the receiving folder: {detail}</source>
        <translation>这个位置不能用作接收文件夹：{detail}</translation>
    </message>
    <message>
        <source>Satellite receiving folder</source>
        <translation>卫星接收文件夹</translation>
    </message>
    <message>
        <source>Folder:</source>
        <translation>文件夹：</translation>
    </message>
    <message>
        <source>Choose folder…</source>
        <translation>选择文件夹…</translation>
    </message>
    <message>
        <source>Stop using it</source>
        <translation>不再使用</translation>
    </message>
    <message>
        <source>Delete files from this folder once the lessons are installed (saves disk space)</source>
        <translation>课程装好后，删除这个文件夹里的文件（节省磁盘空间）</translation>
    </message>
    <message>
        <source>Only if this school receives lessons by satellite: the folder the receiver writes to. New lessons there are checked and installed automatically.</source>
        <translation>只有用卫星接收课程的学校需要：接收器存放文件的文件夹。里面的新课程会自动检查并安装。</translation>
    </message>
</context>
<context>
    <name>ItLockSection</name>
    <message>
        <source>Type the PIN first.</source>
        <translation>请先输入管理密码。</translation>
    </message>
    <message>
        <source>That PIN is not right. Please try again, or ask the school&apos;s IT teacher. Display and your classes can be used without it.</source>
        <translation>管理密码不对。请再试一次，或者问学校信息老师。“显示”和“我的班级”不需要密码也能用。</translation>
    </message>
    <message>
        <source>Unlocked. It locks again when you leave Settings.</source>
        <translation>已解锁。离开“设置”时会自动锁上。</translation>
    </message>
    <message>
        <source>The PIN must be 4 to 12 digits (0–9).</source>
        <translation>管理密码必须是 4 到 12 位数字（0–9）。</translation>
    </message>
    <message>
        <source>The PIN is saved. Settings lock with it from now on.</source>
        <translation>管理密码已保存。从现在起，下面这些设置要先输入密码。</translation>
    </message>
    <message>
        <source>The PIN is removed. Anyone can change these settings now.</source>
        <translation>管理密码已取消。现在谁都可以修改这些设置。</translation>
    </message>
    <message>
        <source>Change the PIN</source>
        <translation>更改密码</translation>
    </message>
    <message>
        <source>Set a PIN</source>
        <translation>设置密码</translation>
    </message>
    <message>
        <source>The settings below are looked after by the school&apos;s IT teacher. Type the PIN to change them. Display (above) and your classes (on the home page) need no PIN.</source>
        <translation>下面的设置由学校信息老师管理，输入管理密码后才能修改。上面的“显示”和首页的“我的班级”不需要密码。</translation>
    </message>
    <message>
        <source>Unlocked. The PIN was set in the school&apos;s settings file, so it is changed there.</source>
        <translation>已解锁。管理密码是在学校的配置文件里设定的，要在那里修改。</translation>
    </message>
    <message>
        <source>Unlocked. You can change or remove the PIN here.</source>
        <translation>已解锁。可以在这里更改或取消管理密码。</translation>
    </message>
    <message>
        <source>Anyone can change the settings below. The school&apos;s IT teacher can set a PIN (4 to 12 digits) so that only they can.</source>
        <translation>下面的设置现在谁都可以修改。学校信息老师可以设置一个管理密码（4 到 12 位数字），这样只有他们能改。</translation>
    </message>
    <message>
        <source>PIN for the IT settings</source>
        <translation>管理密码</translation>
    </message>
    <message>
        <source>PIN</source>
        <translation>管理密码</translation>
    </message>
    <message>
        <source>New PIN (4 to 12 digits)</source>
        <translation>新密码（4 到 12 位数字）</translation>
    </message>
    <message>
        <source>Unlock</source>
        <translation>解锁</translation>
    </message>
    <message>
        <source>Remove the PIN</source>
        <translation>取消密码</translation>
    </message>
    <message>
        <source>Lock now</source>
        <translation>现在锁上</translation>
    </message>
</context>
<context>
    <name>LessonPanel</name>
    <message>
        <source>Choose a lesson on the left,
or type its name in the search box above.</source>
        <translation>请在左边选择一节课，
或者在上面的搜索框里输入课名。</translation>
    </message>
    <message>
        <source>▶  Play</source>
        <translation>▶  播放</translation>
    </message>
    <message>
        <source>Lesson {n}</source>
        <translation>第{n}课</translation>
    </message>
    <message>
        <source>Length: {d}</source>
        <translation>时长：{d}</translation>
    </message>
    <message>
        <source>with subtitles</source>
        <translation>有字幕</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>打开</translation>
    </message>
    <message>
        <source>Downloading first…</source>
        <translation>正在优先下载…</translation>
    </message>
    <message>
        <source>Download now</source>
        <translation>立即下载</translation>
    </message>
    <message>
        <source>Watched to the end before.</source>
        <translation>这节课以前已经看完了。</translation>
    </message>
    <message>
        <source>Last stopped at {t}; playing continues from there.</source>
        <translation>上次停在 {t}，播放时会从那里继续。</translation>
    </message>
    <message>
        <source>It cannot be downloaded now: the disk of this computer is full. Please ask the school&apos;s IT teacher to free some space. The lessons already here still play.</source>
        <translation>现在下载不了：这台电脑的磁盘满了。请学校信息老师清理出一些空间。已有的课程照常可以播放。</translation>
    </message>
    <message>
        <source>Downloading; it plays here once it has arrived (see “Updates”).</source>
        <translation>正在下载，下载好后就能在这里播放（进度见“同步”）。</translation>
    </message>
    <message>
        <source>This lesson is not on this computer yet. It arrives with the next update (network or USB stick); &apos;Download now&apos; fetches it first.</source>
        <translation>这节课还没有下载到这台电脑。下次更新（网络或U盘）时会带来；点“立即下载”可以先下载它。</translation>
    </message>
    <message>
        <source>The file is damaged; it is being downloaded again. It plays here once it has arrived (see “Updates”).</source>
        <translation>文件已损坏，正在重新下载。下载好后就能在这里播放（进度见“同步”）。</translation>
    </message>
    <message>
        <source>The file of this lesson is damaged, so it cannot be played. &apos;Download now&apos; fetches it again.</source>
        <translation>这节课的文件已损坏，不能播放。点“立即下载”重新下载。</translation>
    </message>
    <message>
        <source>This kind of material opens with another program on this computer.</source>
        <translation>这种材料会用这台电脑上的其他程序打开。</translation>
    </message>
    <message>
        <source>The lesson file is missing from this computer.</source>
        <translation>这台电脑上找不到这节课的文件。</translation>
    </message>
</context>
<context>
    <name>LibraryPane</name>
    <message>
        <source>All grades</source>
        <translation>全部年级</translation>
    </message>
    <message>
        <source>All subjects</source>
        <translation>全部学科</translation>
    </message>
    <message>
        <source>{n} lessons in {where}</source>
        <translation>{where}共 {n} 节课</translation>
    </message>
    <message>
        <source>No lessons in {where} on this computer yet.</source>
        <translation>这台电脑上还没有{where}的课程。</translation>
    </message>
    <message>
        <source>{n} lessons found for “{q}”</source>
        <translation>找到 {n} 节与“{q}”有关的课</translation>
    </message>
    <message>
        <source>Nothing found for “{q}”. Try fewer characters, pinyin (xiaoyu) or initials (xyss).</source>
        <translation>没有找到“{q}”。可以少输几个字，或者输入拼音（xiaoyu）、首字母（xyss）试试。</translation>
    </message>
    <message>
        <source>(only {where})</source>
        <translation>（只看{where}）</translation>
    </message>
    <message>
        <source>The search text is very long; only its first {n} characters were used.</source>
        <translation>搜索的字太多了，只用了前 {n} 个字来搜索。</translation>
    </message>
</context>
<context>
    <name>LibraryStatus</name>
    <message>
        <source>{n} lessons, {ok} ready to play</source>
        <translation>共 {n} 节课，{ok} 节可以播放</translation>
    </message>
    <message>
        <source>, {n} not downloaded</source>
        <translation>，{n} 节未下载</translation>
    </message>
    <message>
        <source>, {n} damaged</source>
        <translation>，{n} 节已损坏</translation>
    </message>
    <message>
        <source>  ·  lesson files use {size}</source>
        <translation>&#x3000;·&#x3000;课程文件占用 {size}</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>TeachPoint — classroom lessons</source>
        <translation>TeachPoint 教学点课堂</translation>
    </message>
    <message>
        <source>There are no lessons on this computer yet.
They arrive with an update from the county resource centre (network or USB stick).</source>
        <translation>这台电脑上还没有课程。
从县资源中心更新（联网或用U盘）后就会有。</translation>
    </message>
</context>
<context>
    <name>MessagePage</name>
    <message>
        <source>← Back to the lessons</source>
        <translation>← 返回课程列表</translation>
    </message>
    <message>
        <source>Fetch a fresh copy of this lesson the next time the computer syncs (or from a USB stick)</source>
        <translation>下次同步时（或从U盘）重新取一份这节课</translation>
    </message>
    <message>
        <source>The copy on this computer is exactly as it was sent, so the file itself is faulty. Please tell the school&apos;s IT teacher which lesson this is.</source>
        <translation>这台电脑上的文件和发来时完全一样，是文件本身有问题。请告诉学校信息老师是哪一节课。</translation>
    </message>
    <message>
        <source>Checked</source>
        <translation>已检查</translation>
    </message>
    <message>
        <source>Asked to download it again</source>
        <translation>已安排重新下载</translation>
    </message>
    <message>
        <source>Download this lesson again</source>
        <translation>重新下载这节课</translation>
    </message>
</context>
<context>
    <name>NoticeBar</name>
    <message>
        <source>OK</source>
        <translation>知道了</translation>
    </message>
    <message>
        <source>The school&apos;s settings file has {n} problem(s). TeachPoint started with the parts that are correct; please show this to the school&apos;s IT teacher.</source>
        <translation>学校的设置文件有 {n} 处问题。软件已经按其中正确的部分启动；请把这条提示给学校信息老师看。</translation>
    </message>
    <message>
        <source>… and {n} more (see &apos;teachpoint preseed&apos;)</source>
        <translation>……还有 {n} 处（用 teachpoint preseed 命令查看）</translation>
    </message>
</context>
<context>
    <name>OpeningPage</name>
    <message>
        <source>Opening the lesson library…</source>
        <translation>正在打开课程库…</translation>
    </message>
</context>
<context>
    <name>OwnLessonsBar</name>
    <message>
        <source>＋  Add a lesson of this school</source>
        <translation>＋  添加本校课程</translation>
    </message>
    <message>
        <source>Lessons of this school</source>
        <translation>本校课程</translation>
    </message>
    <message>
        <source>Add a video, PDF, slides or pictures a teacher of this school made; the county reviews it for every school.</source>
        <translation>添加本校老师自己做的视频、PDF、幻灯片或图片；县里审核通过后，每所学校都能收到。</translation>
    </message>
</context>
<context>
    <name>OwnLessonsDialog</name>
    <message>
        <source>Lessons of this school</source>
        <translation>本校课程</translation>
    </message>
    <message>
        <source>＋  Add a lesson of this school</source>
        <translation>＋  添加本校课程</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Accepted: every school receives it (since {date}).</source>
        <translation>每所学校都能收到（自 {date} 起）。</translation>
    </message>
    <message>
        <source>Not accepted. Reason: {reason}</source>
        <translation>原因：{reason}</translation>
    </message>
    <message>
        <source>none given</source>
        <translation>没有写原因</translation>
    </message>
    <message>
        <source>Waiting for the county&apos;s review.</source>
        <translation>等待县里审核。</translation>
    </message>
    <message>
        <source>Lessons that teachers of this school added on this computer, and what the county&apos;s review said. They reach the county on a USB stick, or by themselves when the network is up.</source>
        <translation>本校老师在这台电脑上添加的课程，以及县里的审核结果。课程可以用U盘带给县里；有网络时也会自动送到县里。</translation>
    </message>
    <message>
        <source>No lessons of this school yet. Press “Add a lesson of this school” to add a video, PDF, slides or pictures you made.</source>
        <translation>还没有本校课程。点“添加本校课程”，把您自己做的视频、PDF、幻灯片或图片加进来。</translation>
    </message>
    <message>
        <source>by {name}</source>
        <translation>制作：{name}</translation>
    </message>
    <message>
        <source>Show</source>
        <translation>在课程里看</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>Remove it?</source>
        <translation>确定删除？</translation>
    </message>
</context>
<context>
    <name>OwnMarkLabel</name>
    <message>
        <source>made by {name}</source>
        <translation>制作：{name}</translation>
    </message>
    <message>
        <source>A lesson made by a teacher of another school</source>
        <translation>其他学校老师制作的课程</translation>
    </message>
    <message>
        <source>accepted by the county: every school receives it</source>
        <translation>县里已审核通过，每所学校都能收到</translation>
    </message>
    <message>
        <source>not accepted by the county: {reason}</source>
        <translation>县里审核未通过：{reason}</translation>
    </message>
    <message>
        <source>no reason given</source>
        <translation>没有写原因</translation>
    </message>
    <message>
        <source>waiting for the county&apos;s review</source>
        <translation>等待县里审核</translation>
    </message>
    <message>
        <source>This school&apos;s lesson</source>
        <translation>本校课程</translation>
    </message>
</context>
<context>
    <name>Places</name>
    <message>
        <source>Home</source>
        <translation>首页</translation>
    </message>
    <message>
        <source>All lessons</source>
        <translation>全部课程</translation>
    </message>
    <message>
        <source>Updates</source>
        <translation>同步</translation>
    </message>
    <message>
        <source>Usage</source>
        <translation>使用情况</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>Review</source>
        <translation>审核</translation>
    </message>
</context>
<context>
    <name>PlayerHeader</name>
    <message>
        <source>← Back to the lessons</source>
        <translation>← 返回课程列表</translation>
    </message>
    <message>
        <source>Start from the beginning</source>
        <translation>从头播放</translation>
    </message>
    <message>
        <source>Continuing from {t}, where you stopped last time</source>
        <translation>从上次停下的地方（{t}）继续播放</translation>
    </message>
</context>
<context>
    <name>PlayerKeys</name>
    <message>
        <source>Ahead 10 s</source>
        <translation>前进10秒</translation>
    </message>
    <message>
        <source>Back 10 s</source>
        <translation>后退10秒</translation>
    </message>
    <message>
        <source>Volume {n}%</source>
        <translation>音量 {n}%</translation>
    </message>
    <message>
        <source>Sound off</source>
        <translation>声音：关</translation>
    </message>
    <message>
        <source>Sound on</source>
        <translation>声音：开</translation>
    </message>
    <message>
        <source>Speed {rate}×</source>
        <translation>速度 {rate}×</translation>
    </message>
</context>
<context>
    <name>PlayerToolRow</name>
    <message>
        <source>+ Bookmark</source>
        <translation>+ 书签</translation>
    </message>
    <message>
        <source>Bookmark the current moment (B key)</source>
        <translation>给当前位置加书签（B 键）</translation>
    </message>
    <message>
        <source>Bookmarks</source>
        <translation>书签列表</translation>
    </message>
    <message>
        <source>Show or hide this lesson&apos;s bookmarks</source>
        <translation>显示或隐藏这节课的书签</translation>
    </message>
</context>
<context>
    <name>PlayerView</name>
    <message>
        <source>This computer is missing the video player component (VLC), so lessons cannot be played yet.
Please ask the school&apos;s IT teacher to install VLC.</source>
        <translation>这台电脑缺少视频播放组件（VLC），暂时不能播放课程。
请学校信息老师安装 VLC。</translation>
    </message>
    <message>
        <source>Bookmark added at {t}</source>
        <translation>已在 {t} 加书签</translation>
    </message>
    <message>
        <source>This lesson cannot be played.
The file may be damaged or in a format this computer cannot play.
Please choose another lesson, or ask the school&apos;s IT teacher to check this one.</source>
        <translation>该课程无法播放。
文件可能已损坏，或者这台电脑不支持它的格式。
请先换一节课，或请学校信息老师检查这节课。</translation>
    </message>
</context>
<context>
    <name>ProblemPage</name>
    <message>
        <source>The lesson library cannot be opened</source>
        <translation>课程库打不开</translation>
    </message>
    <message>
        <source>Try again</source>
        <translation>再试一次</translation>
    </message>
    <message>
        <source>Please tell the school&apos;s IT teacher. Technical detail:
{detail}</source>
        <translation>请告诉学校信息老师。技术信息：
{detail}</translation>
    </message>
</context>
<context>
    <name>ProblemTexts</name>
    <message>
        <source>The background sync service is updating the lessons.</source>
        <translation>后台同步服务正在更新课程。</translation>
    </message>
    <message>
        <source>Cannot reach {name} right now (no network?). TeachPoint will try again by itself.</source>
        <translation>现在连不上 {name}（可能没有网络）。教学点课堂会自动再试。</translation>
    </message>
    <message>
        <source>Some lesson files from {name} arrived damaged and were thrown away. The lessons you already have are not affected.</source>
        <translation>从 {name} 下载的部分课程文件在路上损坏了，已经丢弃。已有的课程不受影响。</translation>
    </message>
    <message>
        <source>Updating from {name} did not work this time. The lessons you already have are not affected.</source>
        <translation>这次从 {name} 更新没有成功。已有的课程不受影响。</translation>
    </message>
    <message>
        <source>Updating the lessons did not work this time. TeachPoint will try again later.</source>
        <translation>这次更新课程没有成功。教学点课堂稍后会再试。</translation>
    </message>
    <message>
        <source>{name} offers older lessons than this computer already has; the lesson list was kept, and only files it still needed were taken.</source>
        <translation>{name} 提供的课程比这台电脑上的旧：课程目录没有改动，只取了还缺的课程文件。</translation>
    </message>
    <message>
        <source>The USB stick was pulled out. The lessons already imported are kept; insert the stick again and press Import to continue.</source>
        <translation>U盘被拔出了。已经导入的课程都保留着；重新插上U盘，再点“导入”可以接着导入。</translation>
    </message>
    <message>
        <source>The USB stick was pulled out. Insert it again and try again.</source>
        <translation>U盘被拔出了。请重新插上U盘再试一次。</translation>
    </message>
    <message>
        <source>The USB stick is full. Use a bigger stick or delete files you do not need from it.</source>
        <translation>U盘满了。请换一个更大的U盘，或删掉U盘上不用的文件。</translation>
    </message>
    <message>
        <source>Cannot write to the USB stick: it is read-only (check its write-protect switch).</source>
        <translation>U盘不能写入：它是只读的（请检查U盘上的写保护开关）。</translation>
    </message>
    <message>
        <source>This computer&apos;s disk is full. Delete some files you do not need and try again.</source>
        <translation>这台电脑的硬盘满了。请删掉一些不用的文件后再试。</translation>
    </message>
    <message>
        <source>The lesson folder on this computer cannot be written, so no updates can be installed. Please tell the school&apos;s IT teacher.</source>
        <translation>这台电脑上的课程文件夹不能写入，所以无法安装更新。请告诉学校信息老师。</translation>
    </message>
    <message>
        <source>The disk is almost full, so no more lessons can be downloaded. Please ask the school&apos;s IT teacher to free some space.</source>
        <translation>硬盘快满了，不能再下载课程。请学校信息老师清理出一些空间。</translation>
    </message>
    <message>
        <source>The lessons offered by {name} do not carry a trusted signature, so nothing was taken from it. Please tell the school&apos;s IT teacher.</source>
        <translation>{name} 提供的课程没有可信的签名，所以没有从那里取任何东西。请告诉学校信息老师。</translation>
    </message>
    <message>
        <source>{name} offers lessons that do not match the ones this computer already has; they were ignored. Please tell the school&apos;s IT teacher.</source>
        <translation>{name} 提供的课程与这台电脑上已有的对不上，已忽略。请告诉学校信息老师。</translation>
    </message>
    <message>
        <source>{name} does not look like a lesson source. Please ask the school&apos;s IT teacher to check its address in Settings.</source>
        <translation>{name} 看起来不是课程来源。请学校信息老师在“设置”里检查它的地址。</translation>
    </message>
    <message>
        <source>This computer&apos;s lesson folder cannot be written. Please ask the school&apos;s IT teacher.</source>
        <translation>这台电脑的课程文件夹不能写入，请找学校信息老师。</translation>
    </message>
    <message>
        <source>The lessons on the stick come from a publisher this computer does not know; for safety nothing was imported.</source>
        <translation>U盘上的课程来自本机不认识的发布者，为了安全，没有导入。</translation>
    </message>
    <message>
        <source>The lessons on the USB stick are damaged or were changed; nothing was imported. The lessons on this computer are not affected.</source>
        <translation>U盘上的课程已损坏或被改动过，没有导入。本机原有的课程不受影响。</translation>
    </message>
    <message>
        <source>The lesson list of that school on the stick is damaged and cannot be read.</source>
        <translation>U盘上那所学校的课程清单已损坏，读不出来。</translation>
    </message>
    <message>
        <source>This computer is updating its lessons right now. Please try again in a moment.</source>
        <translation>这台电脑正在更新课程，请稍后再试。</translation>
    </message>
    <message>
        <source>Cancelled.</source>
        <translation>已取消。</translation>
    </message>
    <message>
        <source>This computer has no lessons of its own to take to the county yet.</source>
        <translation>这台电脑上还没有本校课程，没有可以带给县里的。</translation>
    </message>
    <message>
        <source>That did not work: {detail}</source>
        <translation>没有成功：{detail}</translation>
    </message>
    <message>
        <source>Something unexpected went wrong; it was written to the log.</source>
        <translation>出现了意外的问题，已记录在日志里。</translation>
    </message>
    <message>
        <source>“{title}” comes from a publisher this computer does not know; not imported.</source>
        <translation>“{title}”来自本机不认识的发布者，没有导入。</translation>
    </message>
    <message>
        <source>“{title}” is damaged; not imported.</source>
        <translation>“{title}”已损坏，没有导入。</translation>
    </message>
    <message>
        <source>One of the files is not a video, PDF, slides or picture this computer can show (or it is damaged), so the lesson was not added. Choose the lesson&apos;s files again.</source>
        <translation>有一个文件不是这台电脑能打开的视频、PDF、幻灯片或图片（也可能已经损坏），所以这节课没有添加。请重新选择课程文件。</translation>
    </message>
    <message>
        <source>The files are too big for this computer (a lesson file may be at most 8 GB, and the disk must have room for it). Nothing was added.</source>
        <translation>文件太大，这台电脑放不下（一个课程文件最大 8 GB，而且硬盘要有足够的空间）。没有添加任何内容。</translation>
    </message>
    <message>
        <source>This video was added before, so it is not added twice. It is in the list of this school&apos;s lessons.</source>
        <translation>这段视频以前已经添加过了，不会重复添加。在“本校课程”里可以找到它。</translation>
    </message>
    <message>
        <source>This program does not know “{value}”. Please choose one of: {valid}.</source>
        <translation>程序不认识“{value}”。请从这些里面选一个：{valid}。</translation>
    </message>
    <message>
        <source>The title, a name or a file name contains a character that cannot be used (such as / or \). Please change it and try again.</source>
        <translation>课程名称、姓名或文件名里有不能用的字符（例如 / 或 \）。请改一下再试。</translation>
    </message>
    <message>
        <source>The disk of this computer became full while copying. Nothing was added; the lessons already here are not affected.</source>
        <translation>复制时这台电脑的硬盘满了。没有添加任何内容；已有的课程不受影响。</translation>
    </message>
    <message>
        <source>The lesson folder on this computer cannot be written, so no lesson can be added. Please tell the school&apos;s IT teacher.</source>
        <translation>这台电脑的课程文件夹不能写入，所以不能添加课程。请告诉学校信息老师。</translation>
    </message>
    <message>
        <source>The review settings of this computer are not complete (publisher key or county repository). Please tell the school&apos;s IT teacher.</source>
        <translation>这台电脑的审核设置不完整（发布者密钥或县资源库）。请告诉学校信息老师。</translation>
    </message>
    <message>
        <source>Cancelled. Nothing was added.</source>
        <translation>已取消，没有添加任何内容。</translation>
    </message>
    <message>
        <source>The lesson could not be added. The lessons already here are not affected.</source>
        <translation>这节课没能添加。已有的课程不受影响。</translation>
    </message>
    <message>
        <source>That cannot be done with this lesson now (it may have been decided already).</source>
        <translation>这节课现在不能这样操作（可能已经审核过了）。</translation>
    </message>
    <message>
        <source>Some lessons on the stick or folder are damaged or not signed by a known school computer; they were not taken.</source>
        <translation>U盘或文件夹里有些课程已损坏，或者不是已知的学校电脑签名的，没有收下。</translation>
    </message>
    <message>
        <source>The disk of this computer is full. Free some space and try again.</source>
        <translation>这台电脑的硬盘满了。请腾出一些空间再试。</translation>
    </message>
    <message>
        <source>That did not work. Nothing was changed; the details are written to the log.</source>
        <translation>没有成功，什么都没有改变；详细情况已写入日志。</translation>
    </message>
</context>
<context>
    <name>ReceptionPanel</name>
    <message>
        <source>Satellite broadcast</source>
        <translation>卫星广播</translation>
    </message>
    <message>
        <source>Listening for the broadcast; nothing heard yet.</source>
        <translation>正在接收卫星广播，还没有收到内容。</translation>
    </message>
    <message>
        <source>Last heard {ago} · {n} files received ({size})</source>
        <translation>最近收到：{ago} · 已收到 {n} 个文件（{size}）</translation>
    </message>
    <message>
        <source>a channel not yet identified</source>
        <translation>尚未识别的频道</translation>
    </message>
    <message>
        <source>{name}: everything has arrived</source>
        <translation>{name}：已全部收到</translation>
    </message>
    <message>
        <source>{name}: {n} files still missing — they come in the next broadcast passes, or bring them by USB stick</source>
        <translation>{name}：还缺 {n} 个文件 — 下一轮广播会补上，也可以用U盘带来</translation>
    </message>
    <message>
        <source>{name}: waiting for the lesson list</source>
        <translation>{name}：正在等待课程目录</translation>
    </message>
</context>
<context>
    <name>ReviewDetails</name>
    <message>
        <source>Choose a lesson on the left to see it and decide.</source>
        <translation>请在左边选一节课，查看后再决定。</translation>
    </message>
    <message>
        <source>Teacher: {name}</source>
        <translation>老师：{name}</translation>
    </message>
    <message>
        <source>The teacher did not share the name.</source>
        <translation>老师没有公开姓名。</translation>
    </message>
    <message>
        <source>From school computer {pc}  ·  {teacher}</source>
        <translation>来自学校电脑 {pc}  ·  {teacher}</translation>
    </message>
    <message>
        <source>⚠ The same video is also in the queue as no. {ids}.</source>
        <translation>⚠ 同样的视频也在待审列表里（第 {ids} 号）。</translation>
    </message>
    <message>
        <source>⚠ The county&apos;s repository already has the same video.</source>
        <translation>⚠ 县资源库里已经有同样的视频。</translation>
    </message>
    <message>
        <source>✓ No copy of this video in the queue or the county&apos;s repository.</source>
        <translation>✓ 待审列表和县资源库里都没有重复的视频。</translation>
    </message>
    <message>
        <source>⚠ Subtitles {name}: cannot be read ({problem})</source>
        <translation>⚠ 字幕 {name}：无法读取（{problem}）</translation>
    </message>
    <message>
        <source>✓ Subtitles {name}: encoding {encoding}</source>
        <translation>✓ 字幕 {name}：编码 {encoding}</translation>
    </message>
    <message>
        <source>⚠ {what} {name}: cannot be read ({problem})</source>
        <translation>⚠ {what} {name}：无法读取（{problem}）</translation>
    </message>
    <message>
        <source>will be converted to the county&apos;s format when accepted: {why}</source>
        <translation>通过时会转换成县里的格式：{why}</translation>
    </message>
    <message>
        <source>(fits the county&apos;s format)</source>
        <translation>（符合县里的格式）</translation>
    </message>
    <message>
        <source>Video</source>
        <translation>视频</translation>
    </message>
    <message>
        <source>Audio</source>
        <translation>音频</translation>
    </message>
    <message>
        <source>Document</source>
        <translation>文档</translation>
    </message>
    <message>
        <source>Picture</source>
        <translation>图片</translation>
    </message>
    <message>
        <source>Slides</source>
        <translation>幻灯片</translation>
    </message>
    <message>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>Accepted by {by} on {at}: published for every school.</source>
        <translation>{by} 于 {at} 审核通过：已发布给每所学校。</translation>
    </message>
    <message>
        <source>Not accepted by {by} on {at}. Reason: {reason}</source>
        <translation>{by} 于 {at} 审核未通过。原因：{reason}</translation>
    </message>
    <message>
        <source>Waiting for your decision.</source>
        <translation>等待您审核。</translation>
    </message>
</context>
<context>
    <name>ReviewPage</name>
    <message>
        <source>Review teachers&apos; lessons</source>
        <translation>审核老师们的课程</translation>
    </message>
    <message>
        <source>Collect from a USB stick or folder…</source>
        <translation>从U盘或文件夹收集…</translation>
    </message>
    <message>
        <source>▶  Watch</source>
        <translation>▶  观看</translation>
    </message>
    <message>
        <source>✓  Accept</source>
        <translation>✓  通过</translation>
    </message>
    <message>
        <source>Reason for not accepting (the school reads it)</source>
        <translation>不通过的原因（学校会看到）</translation>
    </message>
    <message>
        <source>✗  Do not accept</source>
        <translation>✗  不通过</translation>
    </message>
    <message>
        <source>Undo the decision</source>
        <translation>撤销审核结果</translation>
    </message>
    <message>
        <source>{n} lessons wait for review; {d} decided.</source>
        <translation>{n} 节课等待审核；{d} 节已审核。</translation>
    </message>
    <message>
        <source>No lessons to review yet. Collect them from a USB stick a school brought, or from a folder.</source>
        <translation>还没有要审核的课程。请从学校带来的U盘或文件夹收集。</translation>
    </message>
    <message>
        <source>Checking the lesson…</source>
        <translation>正在检查这节课…</translation>
    </message>
    <message>
        <source>Working… (converting and publishing can take a few minutes)</source>
        <translation>正在处理…（转换格式和发布可能需要几分钟）</translation>
    </message>
    <message>
        <source>“{title}” is accepted and published: every school receives it with its next update.</source>
        <translation>“{title}”已通过并发布：每所学校下次更新时都会收到。</translation>
    </message>
    <message>
        <source>“{title}” is not accepted; the school will read your reason.</source>
        <translation>“{title}”未通过；学校会看到您写的原因。</translation>
    </message>
    <message>
        <source>The decision on “{title}” was taken back; it waits for review again.</source>
        <translation>“{title}”的审核结果已撤销，重新等待审核。</translation>
    </message>
    <message>
        <source>Choose the USB stick or folder</source>
        <translation>选择U盘或文件夹</translation>
    </message>
    <message>
        <source>Collecting…</source>
        <translation>正在收集…</translation>
    </message>
    <message>
        <source>{new} new lessons collected, {known} known already.</source>
        <translation>收集到 {new} 节新课程，{known} 节以前已经收过。</translation>
    </message>
    <message>
        <source>{n} were refused (damaged, or not signed by a known school computer).</source>
        <translation>{n} 个没有收下（已损坏，或不是已知的学校电脑签名的）。</translation>
    </message>
</context>
<context>
    <name>ScreenChooser</name>
    <message>
        <source>Which screen full screen uses, e.g. the projector</source>
        <translation>全屏时用哪个屏幕，比如投影仪</translation>
    </message>
    <message>
        <source>automatic</source>
        <translation>自动</translation>
    </message>
    <message>
        <source>Full screen on: {screen}</source>
        <translation>全屏屏幕：{screen}</translation>
    </message>
</context>
<context>
    <name>SettingsPage</name>
    <message>
        <source>Settings</source>
        <extracomment>a source was added or removed (the sync controller starts a round, so downloads begin) one of :data:`teachpoint.workspace.LOCKABLE` was changed here (&quot;bandwidth&quot;, &quot;trust&quot; …) the 返回 button was pressed</extracomment>
        <translation>设置</translation>
    </message>
    <message>
        <source>← Back to lessons</source>
        <translation>← 返回课程</translation>
    </message>
    <message>
        <source>Set up by the school&apos;s IT teacher</source>
        <translation>以下由学校信息老师设置</translation>
    </message>
</context>
<context>
    <name>SettingsSection</name>
    <message>
        <source>Cannot save: the lesson folder on this computer is read-only. Please ask the school&apos;s IT teacher.</source>
        <extracomment>``name`` of :data:`teachpoint.workspace.LOCKABLE` that was changed (sources, bandwidth …)</extracomment>
        <translation>保存不了：这台电脑的课程文件夹是只读的。请找学校信息老师。</translation>
    </message>
    <message>
        <source>That did not work. Please check what you typed, or ask the school&apos;s IT teacher (technical details: point at this message).</source>
        <translation>没有成功。请检查填写的内容，或者问学校信息老师（把鼠标停在这行字上可以看到技术详情）。</translation>
    </message>
    <message>
        <source>Something went wrong. Nothing was changed. Please ask the school&apos;s IT teacher (technical details: point at this message).</source>
        <translation>出了点问题，什么都没有改动。请问学校信息老师（把鼠标停在这行字上可以看到技术详情）。</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Set by the school&apos;s IT teacher; it cannot be changed here.</source>
        <translation>由学校信息老师设置，这里不能修改。</translation>
    </message>
</context>
<context>
    <name>SourcesSection</name>
    <message>
        <source>not yet</source>
        <translation>还没有</translation>
    </message>
    <message>
        <source>{time}: {problem}</source>
        <translation>{time}：{problem}</translation>
    </message>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <source>Type a web address (http:// or https://) or choose a folder.</source>
        <translation>请填写网址（以 http:// 或 https:// 开头），或者选择一个文件夹。</translation>
    </message>
    <message>
        <source>Added “{name}”. Lessons from it will download in the background.</source>
        <translation>已添加“{name}”，课程会在后台下载。</translation>
    </message>
    <message>
        <source>Choose the folder with the lessons</source>
        <translation>选择放课程的文件夹</translation>
    </message>
    <message>
        <source>Click a source in the list first.</source>
        <translation>请先在列表里点一下要删除的来源。</translation>
    </message>
    <message>
        <source>Remove source</source>
        <translation>删除来源</translation>
    </message>
    <message>
        <source>Stop getting lessons from “{name}”?
Lessons already on this computer stay.</source>
        <translation>不再从“{name}”获取课程吗？
电脑上已有的课程会保留。</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>Removed “{name}”.</source>
        <translation>已删除“{name}”。</translation>
    </message>
    <message>
        <source>There is no folder {folder}. Check the name, or plug in the USB stick first.</source>
        <translation>找不到文件夹 {folder}。请检查名字，或者先插好U盘。</translation>
    </message>
    <message>
        <source>{folder} is a file, not a folder.</source>
        <translation>{folder} 是一个文件，不是文件夹。</translation>
    </message>
    <message>
        <source>The folder {folder} cannot be opened (no permission?).</source>
        <translation>文件夹 {folder} 打不开（可能没有权限）。</translation>
    </message>
    <message>
        <source>{folder} is a web address, not a folder.</source>
        <translation>{folder} 是网址，不是文件夹。</translation>
    </message>
    <message>
        <source>This source is in the list already.</source>
        <translation>这个来源已经在列表里了。</translation>
    </message>
    <message>
        <source>This is not an address TeachPoint can use. Type a web address starting with http:// or https://, or choose a folder.</source>
        <translation>这个地址用不了。请填写以 http:// 或 https:// 开头的网址，或者选择一个文件夹。</translation>
    </message>
    <message>
        <source>Lesson sources</source>
        <translation>课程来源</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Address or folder</source>
        <translation>网址或文件夹</translation>
    </message>
    <message>
        <source>Last success</source>
        <translation>上次成功</translation>
    </message>
    <message>
        <source>Last problem</source>
        <translation>上次问题</translation>
    </message>
    <message>
        <source>Web address, e.g. http://192.168.1.10/lessons/</source>
        <translation>网址，例如 http://192.168.1.10/lessons/</translation>
    </message>
    <message>
        <source>Add address</source>
        <translation>添加网址</translation>
    </message>
    <message>
        <source>Choose folder…</source>
        <translation>选择文件夹…</translation>
    </message>
    <message>
        <source>Remove selected source</source>
        <translation>删除选中的来源</translation>
    </message>
    <message>
        <source>Where this computer gets lessons from: the county server, another school computer, or a folder.</source>
        <translation>这台电脑从哪里获取课程：县里的服务器、学校的另一台电脑，或者一个文件夹。</translation>
    </message>
</context>
<context>
    <name>SpeedButton</name>
    <message>
        <source>Playing speed: slower for dictation, faster for review ([ and ] keys)</source>
        <translation>播放速度：听写时放慢，复习时加快（[ 和 ] 键）</translation>
    </message>
    <message>
        <source>Speed {rate}×</source>
        <translation>速度 {rate}×</translation>
    </message>
</context>
<context>
    <name>StorageSection</name>
    <message>
        <source>measuring…</source>
        <translation>正在计算…</translation>
    </message>
    <message>
        <source>{size} ({n} files)</source>
        <translation>{size}（{n} 个文件）</translation>
    </message>
    <message>
        <source>“{value}” is not a number. Type how many GB to keep free, e.g. 2 or 0.5.</source>
        <translation>“{value}”不是数字。请填写要留出多少 GB，例如 2 或 0.5。</translation>
    </message>
    <message>
        <source>Saved. The disk has less free space than this now, so no more lessons are downloaded until space is freed.</source>
        <translation>已保存。现在磁盘剩余空间比这个还少，腾出空间以前不会再下载课程。</translation>
    </message>
    <message>
        <source>Saved.</source>
        <translation>已保存。</translation>
    </message>
    <message>
        <source>The space to keep free cannot be negative.</source>
        <translation>留出的空间不能是负数。</translation>
    </message>
    <message>
        <source>That is more than the whole disk ({total}). Type a smaller number.</source>
        <translation>这比整个磁盘（{total}）还大，请填写小一点的数。</translation>
    </message>
    <message>
        <source>Storage</source>
        <translation>存储</translation>
    </message>
    <message>
        <source>Lessons on this computer use:</source>
        <translation>本机课程占用：</translation>
    </message>
    <message>
        <source>Free on the disk:</source>
        <translation>磁盘剩余：</translation>
    </message>
    <message>
        <source>Disk size:</source>
        <translation>磁盘大小：</translation>
    </message>
    <message>
        <source>Always keep free at least:</source>
        <translation>至少留出空闲空间：</translation>
    </message>
    <message>
        <source>GB</source>
        <translation>GB</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <source>Measure again</source>
        <translation>重新计算</translation>
    </message>
    <message>
        <source>Downloads stop before the disk gets fuller than this, so the computer keeps working.</source>
        <translation>磁盘快满到这个程度时就停止下载，保证电脑能正常使用。</translation>
    </message>
</context>
<context>
    <name>SubscriptionsSection</name>
    <message>
        <source>Saved: this computer downloads all lessons.</source>
        <translation>已保存：这台电脑下载全部课程。</translation>
    </message>
    <message>
        <source>Saved.</source>
        <translation>已保存。</translation>
    </message>
    <message>
        <source>Download in advance</source>
        <translation>订阅</translation>
    </message>
    <message>
        <source>Grades:</source>
        <translation>年级：</translation>
    </message>
    <message>
        <source>Subjects:</source>
        <translation>学科：</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <source>Download everything</source>
        <translation>全部下载</translation>
    </message>
    <message>
        <source>Tick the grades and subjects taught here: their lessons are downloaded before class. Nothing ticked = all lessons. Other lessons stay in the list and download when you open them.</source>
        <translation>勾选这里要教的年级和学科，它们的课程会提前下载好。都不勾选 = 全部课程。其他课程仍在列表里，打开时再下载。</translation>
    </message>
</context>
<context>
    <name>SubtitleSizeButton</name>
    <message>
        <source>automatic</source>
        <translation>自动（跟随大字体）</translation>
    </message>
    <message>
        <source>normal</source>
        <translation>标准</translation>
    </message>
    <message>
        <source>large</source>
        <translation>大</translation>
    </message>
    <message>
        <source>very large</source>
        <translation>特大</translation>
    </message>
    <message>
        <source>Subtitle size</source>
        <translation>字幕大小</translation>
    </message>
    <message>
        <source>How big the subtitles are: {size} (the large-text setting makes them larger too)</source>
        <translation>字幕的大小：{size}（打开“大字体”时字幕也会变大）</translation>
    </message>
</context>
<context>
    <name>SyncController</name>
    <message>
        <source>Some files in the satellite inbox are damaged and were set aside.</source>
        <translation>卫星接收文件夹里有些文件已损坏，已放到一边。</translation>
    </message>
    <message>
        <source>Paused</source>
        <translation>已暂停</translation>
    </message>
    <message>
        <source>Downloading {p}%</source>
        <translation>正在下载 {p}%</translation>
    </message>
    <message>
        <source>Checking…</source>
        <translation>正在检查…</translation>
    </message>
    <message>
        <source>Updating in the background</source>
        <translation>后台更新中</translation>
    </message>
    <message>
        <source>Offline</source>
        <translation>离线</translation>
    </message>
    <message>
        <source>Problem</source>
        <translation>有问题</translation>
    </message>
    <message>
        <source>Up to date</source>
        <translation>已是最新</translation>
    </message>
</context>
<context>
    <name>SyncPanel</name>
    <message>
        <source>Lesson updates</source>
        <translation>课程同步</translation>
    </message>
    <message>
        <source>Sync now</source>
        <translation>立即同步</translation>
    </message>
    <message>
        <source>OK, seen</source>
        <translation>知道了</translation>
    </message>
    <message>
        <source>Technical details (for the school&apos;s IT teacher)</source>
        <translation>技术详情（给学校信息老师看）</translation>
    </message>
    <message>
        <source>This computer has no update source yet. New lessons can come on a USB stick: plug it in and TeachPoint offers to copy them. If the school has a network connection, the school&apos;s IT teacher can add a source in Settings.</source>
        <translation>这台电脑还没有设置更新来源。新课程可以用U盘带来：插上U盘，教学点课堂会提示复制课程。如果学校能上网，学校信息老师可以在“设置”里添加来源。</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>继续</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <source>{title} · {size}</source>
        <translation>{title} · {size}</translation>
    </message>
    <message>
        <source>New lessons: {n}</source>
        <translation>新课程 {n} 节</translation>
    </message>
    <message>
        <source>No update source</source>
        <translation>没有更新来源</translation>
    </message>
    <message>
        <source>Online</source>
        <translation>在线</translation>
    </message>
    <message>
        <source>Offline</source>
        <translation>离线</translation>
    </message>
    <message>
        <source>Checking the connection…</source>
        <translation>正在检查网络…</translation>
    </message>
    <message>
        <source>Not checked yet</source>
        <translation>还没有检查</translation>
    </message>
    <message>
        <source>last synced {when}</source>
        <translation>上次同步：{when}</translation>
    </message>
    <message>
        <source>first sync in progress</source>
        <translation>正在第一次同步</translation>
    </message>
    <message>
        <source>never synced yet</source>
        <translation>还没有同步过</translation>
    </message>
    <message>
        <source>● {where} · {when}</source>
        <translation>● {where} · {when}</translation>
    </message>
    <message>
        <source>Syncing is paused. What was already downloaded is kept; press Resume to continue.</source>
        <translation>同步已暂停。已经下载的部分会保留；按“继续”接着下载。</translation>
    </message>
    <message>
        <source>The background sync service is updating the lessons. This page follows when it has finished.</source>
        <translation>后台同步服务正在更新课程，完成后这里会自动更新。</translation>
    </message>
    <message>
        <source>TeachPoint will try again in {t}.</source>
        <translation>教学点课堂将在 {t} 后再试。</translation>
    </message>
    <message>
        <source>Next check in {t}.</source>
        <translation>{t} 后再检查。</translation>
    </message>
    <message>
        <source>Checking {source} for new lessons…</source>
        <translation>正在检查 {source} 有没有新课程…</translation>
    </message>
    <message>
        <source>Checking for new lessons…</source>
        <translation>正在检查有没有新课程…</translation>
    </message>
    <message>
        <source>Downloading: {done} of {total} ({p}%)</source>
        <translation>正在下载：{done} / {total}（{p}%）</translation>
    </message>
    <message>
        <source> · {speed}/s</source>
        <translation> · {speed}/秒</translation>
    </message>
    <message>
        <source> · about {t} left</source>
        <translation> · 还要约 {t}</translation>
    </message>
    <message>
        <source>just now</source>
        <translation>刚刚</translation>
    </message>
    <message>
        <source>{n} min ago</source>
        <translation>{n} 分钟前</translation>
    </message>
    <message>
        <source>{n} h ago</source>
        <translation>{n} 小时前</translation>
    </message>
    <message>
        <source>{n} days ago</source>
        <translation>{n} 天前</translation>
    </message>
    <message>
        <source>a moment</source>
        <translation>片刻</translation>
    </message>
    <message>
        <source>{n} h</source>
        <translation>{n} 小时</translation>
    </message>
</context>
<context>
    <name>TopBar</name>
    <message>
        <source>TeachPoint</source>
        <translation>教学点课堂</translation>
    </message>
    <message>
        <source>Search: title, pinyin or initials</source>
        <translation>搜索：课名、拼音或首字母</translation>
    </message>
    <message>
        <source>Alt+{n}</source>
        <translation>Alt+{n}</translation>
    </message>
</context>
<context>
    <name>TrustSection</name>
    <message>
        <source>all</source>
        <translation>全部</translation>
    </message>
    <message>
        <source>Choose the publisher&apos;s key file</source>
        <translation>选择发布者的公钥文件</translation>
    </message>
    <message>
        <source>Publisher key (*.pub);;All files (*)</source>
        <translation>发布者公钥 (*.pub);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Trust lessons signed by this publisher?

Name: {name}
Fingerprint: {fp}

Compare the fingerprint with the one the publisher gave you (by phone or on paper).</source>
        <translation>信任这个发布者签名的课程吗？

名称：{name}
指纹：{fp}

请和发布者给您的指纹（电话里说的或纸上写的）核对一下。</translation>
    </message>
    <message>
        <source>Trust publisher</source>
        <translation>信任发布者</translation>
    </message>
    <message>
        <source>Trust this publisher</source>
        <translation>信任这个发布者</translation>
    </message>
    <message>
        <source>“{name}” is now trusted.</source>
        <translation>已信任“{name}”。</translation>
    </message>
    <message>
        <source>This file is not a publisher key (.pub), so nothing was added. Details: {detail}</source>
        <translation>这个文件不是发布者公钥（.pub），没有添加。详细：{detail}</translation>
    </message>
    <message>
        <source>The key was not added: {detail}</source>
        <translation>没有添加这个公钥：{detail}</translation>
    </message>
    <message>
        <source>Click a publisher in the list first.</source>
        <translation>请先在列表里点一下要删除的发布者。</translation>
    </message>
    <message>
        <source>Stop trusting publisher</source>
        <translation>不再信任发布者</translation>
    </message>
    <message>
        <source>Stop trusting “{name}”?
New lessons signed by it will no longer be accepted; lessons already here stay.</source>
        <translation>不再信任“{name}”吗？
以后不再接收它签名的新课程；电脑上已有的课程会保留。</translation>
    </message>
    <message>
        <source>Stop trusting</source>
        <translation>不再信任</translation>
    </message>
    <message>
        <source>“{name}” is no longer trusted.</source>
        <translation>已不再信任“{name}”。</translation>
    </message>
    <message>
        <source>Trusted publishers</source>
        <translation>信任的发布者</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Fingerprint</source>
        <translation>指纹</translation>
    </message>
    <message>
        <source>Lesson collections</source>
        <translation>课程库</translation>
    </message>
    <message>
        <source>Add from key file…</source>
        <translation>从公钥文件添加…</translation>
    </message>
    <message>
        <source>Remove selected</source>
        <translation>删除选中的</translation>
    </message>
    <message>
        <source>Lessons are only accepted when signed by a publisher in this list. The school&apos;s IT teacher gives you the key file (.pub).</source>
        <translation>只接收这个列表里的发布者签名的课程。公钥文件（.pub）由学校信息老师提供。</translation>
    </message>
</context>
<context>
    <name>UsagePage</name>
    <message>
        <source>{grade} {subject}</source>
        <translation>{grade}{subject}</translation>
    </message>
    <message>
        <source>No lesson for {weeks} weeks or more: {classes}</source>
        <translation>已经{weeks}周以上没有上课：{classes}</translation>
    </message>
    <message>
        <source>, </source>
        <translation>、</translation>
    </message>
    <message>
        <source>This week (from {day}), minutes</source>
        <translation>本周（{day}起）上课分钟数</translation>
    </message>
    <message>
        <source>This term (from {day}), minutes</source>
        <translation>本学期（{day}起）上课分钟数</translation>
    </message>
    <message>
        <source>Usage reports of this computer are signed with key {fp}</source>
        <translation>本机使用情况报告的签名密钥指纹：{fp}</translation>
    </message>
    <message>
        <source>No usage report has been made on this computer yet</source>
        <translation>本机还没有生成过使用情况报告</translation>
    </message>
    <message>
        <source>Minutes</source>
        <translation>分钟</translation>
    </message>
    <message>
        <source>No lesson for 4 weeks</source>
        <translation>四周没有上课</translation>
    </message>
    <message>
        <source>How the lessons were used</source>
        <translation>使用情况</translation>
    </message>
    <message>
        <source>No lesson has been played this term yet. Each lesson played here is counted (only totals per class, nothing about pupils).</source>
        <translation>本学期还没有播放过课程。这里统计每次播放的课程（只统计各班级的合计，不记录任何学生信息）。</translation>
    </message>
</context>
<context>
    <name>UsbDialog</name>
    <message>
        <source>USB stick</source>
        <translation>U盘</translation>
    </message>
    <message>
        <source>USB stick found: {name}</source>
        <translation>发现U盘：{name}</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Import new lessons from the USB stick</source>
        <translation>从U盘导入新课程</translation>
    </message>
    <message>
        <source>Import</source>
        <translation>导入</translation>
    </message>
    <message>
        <source>Copy lessons for other schools</source>
        <translation>为其他学校拷贝课程</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>拷贝</translation>
    </message>
    <message>
        <source>Put this computer&apos;s lesson list on the USB stick</source>
        <translation>把本机的课程清单放到U盘</translation>
    </message>
    <message>
        <source>Update the lesson list</source>
        <translation>更新U盘上的课程清单</translation>
    </message>
    <message>
        <source>Put it on the stick</source>
        <translation>放到U盘上</translation>
    </message>
    <message>
        <source>Take this school&apos;s own lessons to the county</source>
        <translation>把本校课程带给县里</translation>
    </message>
    <message>
        <source>Teachers of this school added lessons of their own. Copy them onto this stick and give it to the county&apos;s resource centre: they review them, and good ones reach every school.</source>
        <translation>本校老师添加了自己做的课程。把它们拷到这个U盘上，交给县资源中心：县里审核后，好的课程会送到每所学校。</translation>
    </message>
    <message>
        <source>Copy them onto the stick</source>
        <translation>拷到U盘</translation>
    </message>
    <message>
        <source>Importing lessons from the USB stick…</source>
        <translation>正在从U盘导入课程……</translation>
    </message>
    <message>
        <source>Copying lessons onto the USB stick…</source>
        <translation>正在把课程拷贝到U盘……</translation>
    </message>
    <message>
        <source>Writing this computer&apos;s lesson list…</source>
        <translation>正在写入本机的课程清单……</translation>
    </message>
    <message>
        <source>Copying this school&apos;s lessons onto the USB stick…</source>
        <translation>正在把本校课程拷到U盘…</translation>
    </message>
    <message>
        <source>{done} of {total} files</source>
        <translation>第 {done} / {total} 个文件</translation>
    </message>
</context>
<context>
    <name>UsbMessages</name>
    <message>
        <source>No new lessons on the USB stick (its lessons are older than this computer&apos;s).</source>
        <translation>U盘上没有新课程（U盘上的课程比本机的旧）。</translation>
    </message>
    <message>
        <source>No new lessons on the USB stick.</source>
        <translation>U盘上没有新课程。</translation>
    </message>
    <message>
        <source>New lessons: {new}, updated: {updated}, about {size}</source>
        <translation>新课程 {new} 节，更新 {updated} 节，约 {size}</translation>
    </message>
    <message>
        <source>New lessons: {new}, about {size}</source>
        <translation>新课程 {new} 节，约 {size}</translation>
    </message>
    <message>
        <source>Updated lessons: {updated}, about {size}</source>
        <translation>更新 {updated} 节，约 {size}</translation>
    </message>
    <message>
        <source>{files} lesson files this computer still lacks, about {size}</source>
        <translation>可以补齐本机缺少的 {files} 个课程文件，约 {size}</translation>
    </message>
    <message>
        <source>The stick&apos;s lesson list expired {days} days ago; the lessons can still be imported.</source>
        <translation>U盘上的课程目录已经过期 {days} 天，课程仍然可以导入。</translation>
    </message>
    <message>
        <source>The lesson list on the USB stick is damaged; it cannot be imported.</source>
        <translation>U盘上的课程目录已损坏，不能导入。</translation>
    </message>
    <message>
        <source>(no name)</source>
        <translation>（没有名称）</translation>
    </message>
    <message>
        <source>The lessons “{title}” come from a publisher this computer does not know. For safety they are not imported. Ask the school&apos;s IT teacher to check the publisher&apos;s fingerprint: {key}</source>
        <translation>课程“{title}”来自本机不认识的发布者，为了安全，不能导入。请学校信息老师核对发布者的指纹：{key}</translation>
    </message>
    <message>
        <source>The publisher&apos;s key file is on the stick: {file}</source>
        <translation>U盘上有这个发布者的密钥文件：{file}</translation>
    </message>
    <message>
        <source>The lessons “{title}” on the USB stick are damaged or were changed; they cannot be imported.</source>
        <translation>U盘上的课程“{title}”已损坏或被改动过，不能导入。</translation>
    </message>
    <message>
        <source>{name}: this lesson list cannot be read (damaged or from a newer TeachPoint).</source>
        <translation>{name}：这份课程清单读不出来（已损坏，或来自更新版本的软件）。</translation>
    </message>
    <message>
        <source>{name}: this computer has nothing it lacks.</source>
        <translation>{name}：本机没有它缺少的课程。</translation>
    </message>
    <message>
        <source>{name}: lacks {lessons} lessons, about {size}.</source>
        <translation>{name}：缺 {lessons} 节课，约 {size}。</translation>
    </message>
    <message>
        <source>The stick has room.</source>
        <translation>U盘空间够用。</translation>
    </message>
    <message>
        <source>Not enough room on the stick ({size} needed).</source>
        <translation>U盘空间不够（需要 {size}）。</translation>
    </message>
    <message>
        <source>{files} of the files it needs are not on this computer either.</source>
        <translation>其中 {files} 个文件本机也没有。</translation>
    </message>
    <message>
        <source>Take this stick to the central school: its computer can copy the lessons this computer lacks onto it.</source>
        <translation>带着这个U盘去中心校，那里的电脑可以把本机缺少的课程拷贝到U盘上。</translation>
    </message>
    <message>
        <source>This computer&apos;s lesson list is already on the stick ({when}).</source>
        <translation>U盘上已经有本机的课程清单（{when}）。</translation>
    </message>
    <message>
        <source>{done} of {total} files, {bytes_done} of {bytes_total}</source>
        <translation>已复制 {done}/{total} 个文件，{bytes_done}/{bytes_total}</translation>
    </message>
    <message>
        <source>, {speed} per second</source>
        <translation>，每秒 {speed}</translation>
    </message>
    <message>
        <source>, about {left} left</source>
        <translation>，还要约 {left}</translation>
    </message>
    <message>
        <source>You can safely remove the USB stick.</source>
        <translation>可以安全拔出U盘。</translation>
    </message>
    <message>
        <source>Cancelled. The {files} files already imported are kept; the next import continues from there.</source>
        <translation>已取消。已经导入的 {files} 个文件会保留，下次导入时接着导入。</translation>
    </message>
    <message>
        <source>Import finished: {new} new lessons, {updated} updated.</source>
        <translation>导入完成：新课程 {new} 节，更新 {updated} 节。</translation>
    </message>
    <message>
        <source>Import finished: {new} new lessons.</source>
        <translation>导入完成：新课程 {new} 节。</translation>
    </message>
    <message>
        <source>Import finished: {files} lesson files added.</source>
        <translation>导入完成：补齐了 {files} 个课程文件。</translation>
    </message>
    <message>
        <source>Import finished: nothing new on the stick.</source>
        <translation>导入完成：U盘上没有新课程。</translation>
    </message>
    <message>
        <source>{files} damaged files on the stick were set aside and not imported; the other lessons were imported.</source>
        <translation>U盘上有 {files} 个文件已损坏，已放在一边，没有导入；其他课程已导入。</translation>
    </message>
    <message>
        <source>{files} files on the stick could not be read.</source>
        <translation>U盘上有 {files} 个文件读不出来。</translation>
    </message>
    <message>
        <source>Copy finished: {lessons} lessons ({size}) for {name}.</source>
        <translation>拷贝完成：给 {name} 拷贝了 {lessons} 节课（{size}）。</translation>
    </message>
    <message>
        <source>{files} damaged files of this computer were left out.</source>
        <translation>本机有 {files} 个文件已损坏，没有拷贝。</translation>
    </message>
    <message>
        <source>This school&apos;s own lessons are on the USB stick now. Give it to the county&apos;s resource centre for review.</source>
        <translation>本校课程已经拷到U盘上了。请把U盘交给县资源中心审核。</translation>
    </message>
    <message>
        <source>This computer&apos;s lesson list is on the USB stick now.</source>
        <translation>本机的课程清单已经放到U盘上了。</translation>
    </message>
    <message>
        <source>The USB stick was removed.</source>
        <translation>U盘已拔出。</translation>
    </message>
</context>
<context>
    <name>UsbProgress</name>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>正在开始……</translation>
    </message>
    <message>
        <source>Stopping…</source>
        <translation>正在停止……</translation>
    </message>
    <message>
        <source>Stopping after the current file…</source>
        <translation>复制完当前文件后停止……</translation>
    </message>
</context>
<context>
    <name>VolumeControl</name>
    <message>
        <source>Sound off / on (M key)</source>
        <translation>关闭或打开声音（M 键）</translation>
    </message>
    <message>
        <source>Volume (↑ and ↓ keys)</source>
        <translation>音量（↑ 和 ↓ 键）</translation>
    </message>
    <message>
        <source>Sound: off</source>
        <translation>声音：关</translation>
    </message>
    <message>
        <source>Sound: on</source>
        <translation>声音：开</translation>
    </message>
</context>
</TS>
