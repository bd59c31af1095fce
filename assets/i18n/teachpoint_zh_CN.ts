<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
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
        <source>Lesson {n}  {title}</source>
        <translation>第{n}课&#x3000;{title}</translation>
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
        <source>Watched to the end before.</source>
        <translation>这节课以前已经看完了。</translation>
    </message>
    <message>
        <source>Last stopped at {t}; playing continues from there.</source>
        <translation>上次停在 {t}，播放时会从那里继续。</translation>
    </message>
    <message>
        <source>This lesson is not on this computer yet. It arrives with the next update (network or USB stick).</source>
        <translation>这节课还没有下载到这台电脑上。下次更新（联网或用U盘）后就可以播放。</translation>
    </message>
    <message>
        <source>The files of this lesson are damaged and cannot be played. The next update will fetch them again.</source>
        <translation>这节课的文件已损坏，暂时不能播放。下次更新时会重新获取。</translation>
    </message>
    <message>
        <source>This kind of material cannot be opened here yet.</source>
        <translation>这类资料暂时还不能在这里打开。</translation>
    </message>
    <message>
        <source>The lesson file is missing from this computer.</source>
        <translation>这台电脑上找不到这节课的文件。</translation>
    </message>
</context>
<context>
    <name>LibraryPane</name>
    <message>
        <source>{n} lessons found for “{q}”</source>
        <translation>找到 {n} 节与“{q}”有关的课</translation>
    </message>
    <message>
        <source>Nothing found for “{q}”. Try fewer characters, pinyin (xiaoyu) or initials (xyss).</source>
        <translation>没有找到“{q}”。可以少输几个字，或者输入拼音（xiaoyu）、首字母（xyss）试试。</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>TeachPoint — classroom lessons</source>
        <translation>TeachPoint 教学点课堂</translation>
    </message>
    <message>
        <source>TeachPoint</source>
        <translation>教学点课堂</translation>
    </message>
    <message>
        <source>Search lessons: type a title, pinyin or initials</source>
        <translation>搜索课程：输入课名、拼音或首字母</translation>
    </message>
    <message>
        <source>Opening the lesson library…</source>
        <translation>正在打开课程库…</translation>
    </message>
    <message>
        <source>The lesson library cannot be opened</source>
        <translation>课程库打不开</translation>
    </message>
    <message>
        <source>Try again</source>
        <translation>再试一次</translation>
    </message>
    <message>
        <source>Please tell the school&apos;s IT contact. Technical detail:
{detail}</source>
        <translation>请告诉学校负责电脑的老师。技术信息：
{detail}</translation>
    </message>
    <message>
        <source>There are no lessons on this computer yet.
They arrive with an update from the county resource centre (network or USB stick).</source>
        <translation>这台电脑上还没有课程。
从县资源中心更新（联网或用U盘）后就会有。</translation>
    </message>
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
    <name>PlayerView</name>
    <message>
        <source>← Back to the lessons</source>
        <translation>← 返回课程列表</translation>
    </message>
    <message>
        <source>Start from the beginning</source>
        <translation>从头播放</translation>
    </message>
    <message>
        <source>This computer is missing the video player component (VLC), so lessons cannot be played yet.
Please ask the school&apos;s IT contact to install VLC.</source>
        <translation>这台电脑缺少视频播放组件（VLC），暂时不能播放课程。
请学校负责电脑的老师安装 VLC。</translation>
    </message>
    <message>
        <source>Continuing from {t}, where you stopped last time</source>
        <translation>从上次停下的地方（{t}）继续播放</translation>
    </message>
    <message>
        <source>This lesson cannot be played.
The file may be damaged or in a format this computer cannot play.
Please choose another lesson, or ask the school&apos;s IT contact to check this one.</source>
        <translation>该课程无法播放。
文件可能已损坏，或者这台电脑不支持它的格式。
请先换一节课，或请学校负责电脑的老师检查这节课。</translation>
    </message>
</context>
</TS>
