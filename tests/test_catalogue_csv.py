"""Reading a publisher's catalogue.csv: encodings, Chinese headers, every problem at once."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from teachpoint.publish import catalogue_csv
from teachpoint.publish.catalogue_csv import check_relative_path, read_catalogue_csv
from teachpoint.errors import UsageError

HEADER_CN = "文件,标题,年级,学科,版本,册,单元,课次,类型,字幕,缩略图,简介,关键词"
ROW_CN = ("音乐\\三年级\\小鸟小鸟.mp4,《小鸟小鸟》,三年级,音乐,人音版,上,第二单元 美丽的家乡,4,视频,"
          "字幕\\小鸟.srt；字幕/小鸟.en.srt,封面.jpg,学唱歌曲,唱歌；春天")


def write(tmp_path, text: str, encoding: str = "utf-8", newline: str = "\n"):
    p = tmp_path / "catalogue.csv"
    p.write_bytes(text.replace("\n", newline).encode(encoding))
    return p


def test_chinese_headers_utf8_without_bom(tmp_path):
    r = read_catalogue_csv(write(tmp_path, f"{HEADER_CN}\n{ROW_CN}\n"))
    assert r.problems == [] and r.notes == [] and r.ok
    assert r.encoding == "utf-8"
    [row] = r.rows
    assert row.line == 2
    assert row.file == "音乐/三年级/小鸟小鸟.mp4"
    assert row.title == "《小鸟小鸟》"
    assert (row.grade, row.subject, row.edition, row.volume) == (3, "音乐", "人音版", "上册")
    assert row.unit == "第二单元 美丽的家乡" and row.lesson == 4 and row.kind == "video"
    assert row.subtitles == ["字幕/小鸟.srt", "字幕/小鸟.en.srt"]
    assert row.thumbnail == "封面.jpg" and row.description == "学唱歌曲"
    assert row.keywords == ["唱歌", "春天"]
    assert len(row.id) == 16 and not row.explicit_id


@pytest.mark.parametrize("encoding, expected", [("utf-8-sig", "utf-8-sig"), ("gb18030", "gb18030"), ("gbk", "gb18030")])
def test_bom_and_gbk_files_from_excel_with_crlf(tmp_path, encoding, expected):
    r = read_catalogue_csv(write(tmp_path, f"{HEADER_CN}\n{ROW_CN}\n", encoding, "\r\n"))
    assert r.problems == [] and r.encoding == expected
    [row] = r.rows
    assert row.title == "《小鸟小鸟》" and row.keywords == ["唱歌", "春天"] and row.description == "学唱歌曲"


def test_english_headers_any_case_and_spaces_minimal_columns(tmp_path):
    text = " File ,TITLE,Grade, SUBJECT \nmath/g1/count.mp4,数一数,1,数学\n"
    r = read_catalogue_csv(write(tmp_path, text))
    assert r.problems == []
    [row] = r.rows
    assert (row.file, row.grade, row.subject, row.lesson, row.kind) == ("math/g1/count.mp4", 1, "数学", 0, None)
    assert row.subtitles == [] and row.thumbnail is None and row.keywords == [] and row.edition == ""


def test_id_is_stable_across_republishing_and_spellings(tmp_path):
    a = read_catalogue_csv(write(tmp_path, f"{HEADER_CN}\n{ROW_CN}\n")).rows[0].id
    b = read_catalogue_csv(write(tmp_path, f"{HEADER_CN}\n{ROW_CN}\n", "gb18030", "\r\n")).rows[0].id
    # same row spelled differently (3年级, 人音, 上册, different title): same id
    other = ROW_CN.replace("三年级,音乐,人音版,上,", "3年级,音乐,人音,上册,").replace("《小鸟小鸟》", "小鸟小鸟（修订）")
    c = read_catalogue_csv(write(tmp_path, f"{HEADER_CN}\n{other}\n")).rows[0].id
    assert a == b == c
    moved = ROW_CN.replace(",4,", ",5,")
    assert read_catalogue_csv(write(tmp_path, f"{HEADER_CN}\n{moved}\n")).rows[0].id != a


def test_excel_quoted_cells_multiline_and_line_numbers(tmp_path):
    text = (
        "file,title,grade,subject,description,lesson\n"
        'a.mp4,"标题, 带逗号",3,数学,"第一行\n第二行\n第三行",1\n'  # lines 2-4
        'b.mp4,"他说""你好""",3,数学,,x\n'  # line 5: bad lesson
        "\n"  # line 6 blank
        'c.mp4,"多行\n标题",三年纪,数学,,2\n'  # lines 7-8: bad grade
        "d.mp4,ok,3,音月,,3\n"  # line 9: bad subject
    )
    r = read_catalogue_csv(write(tmp_path, text, "utf-8", "\r\n"))
    assert r.problems == [
        "catalogue.csv:5: lesson: lesson must be a whole number ≥ 0, not 'x'",
        "catalogue.csv:7: grade: unknown grade '三年纪' (did you mean 三年级?)",
        "catalogue.csv:9: subject: unknown subject '音月' (did you mean 音乐?)",
    ]
    [row] = r.rows
    assert row.title == "标题, 带逗号" and row.description == "第一行\n第二行\n第三行"


def test_all_problems_collected_with_line_numbers(tmp_path):
    text = (
        "文件,标题,年级,学科,课次,类型,字幕,缩略图,id\n"  # 1
        "ok.mp4,好,一年级,语文,1,视频,,,L1\n"  # 2
        ",缺文件,一年级,语文,1,,,,\n"  # 3
        "x.mp4,,,,1,,,,\n"  # 4
        "y.mp4,y,十三年级,语文,-1,电影,,,\n"  # 5
        "z.mp4,z,一年级,语文,2,,,,L1\n"  # 6 duplicate explicit id
        "..\\..\\etc\\passwd,p,一年级,语文,,,,,\n"  # 7
        "C:\\Windows\\x.mp4,p,一年级,语文,,,,,\n"  # 8
        "/etc/shadow,p,一年级,语文,,,,,\n"  # 9
        "ok2.mp4,p,一年级,语文,,,a.srt;../b.srt,\\\\server\\share\\t.jpg,\n"  # 10
        "ok3.mp4,p,一年级,语文,,,,,bad id!\n"  # 11
        "ok4.mp4,p,一年级,语文,,,,,\n"  # 12
        "ok4.mp4,p again,1,语文,,,,,\n"  # 13: same derived id as 12
    )
    r = read_catalogue_csv(write(tmp_path, text))
    by_line = {}
    for p in r.problems:
        assert p.startswith("catalogue.csv:")
        by_line.setdefault(int(p.split(":")[1]), []).append(p)
    assert sorted(by_line) == [3, 4, 5, 6, 7, 8, 9, 10, 11, 13]
    assert by_line[3] == ["catalogue.csv:3: 文件: missing value"]
    assert by_line[4] == ["catalogue.csv:4: 标题: missing value", "catalogue.csv:4: 年级: missing value",
                          "catalogue.csv:4: 学科: missing value"]
    assert "年级: unknown grade '十三年级'" in by_line[5][0]
    assert "课次: lesson must be a whole number" in by_line[5][1]
    assert "类型: unknown kind '电影' (valid: video/视频" in by_line[5][2]
    assert by_line[6] == ["catalogue.csv:6: id: duplicate id 'L1' (first used on line 2)"]
    assert "leaves the source folder" in by_line[7][0] and "..\\..\\etc\\passwd" in by_line[7][0]
    assert "drive letter" in by_line[8][0]
    assert "absolute path '/etc/shadow'" in by_line[9][0]
    assert any("字幕" in p and "'../b.srt'" in p for p in by_line[10])
    assert any("缩略图" in p and "absolute" in p for p in by_line[10])
    assert "id: invalid id 'bad id!'" in by_line[11][0]
    assert "same position and file as line 12" in by_line[13][0]
    assert [row.line for row in r.rows] == [2, 12]


def test_missing_required_columns_each_named_once(tmp_path):
    r = read_catalogue_csv(write(tmp_path, "文件,标题\na.mp4,t\nb.mp4,u\n"))
    assert r.problems == [
        "catalogue.csv:1: grade: required column missing (name it grade or 年级)",
        "catalogue.csv:1: subject: required column missing (name it subject or 学科)",
    ]
    assert r.rows == []


def test_duplicate_and_unknown_columns(tmp_path):
    r = read_catalogue_csv(write(tmp_path, "file,title,grade,subject,年级,备注,,\na.mp4,t,1,数学,2,note,,\n"))
    assert r.problems == ["catalogue.csv:1: 年级: the same column appears twice (also as 'grade')"]
    assert r.notes == ["catalogue.csv:1: 备注: unknown column, ignored"]


def test_unknown_column_is_only_a_note(tmp_path, caplog):
    r = read_catalogue_csv(write(tmp_path, "file,title,grade,subject,录制人\na.mp4,t,1,数学,王老师\n"))
    assert r.ok and len(r.rows) == 1 and r.notes == ["catalogue.csv:1: 录制人: unknown column, ignored"]
    assert "录制人" in caplog.text


def test_extra_cells_beyond_header(tmp_path):
    r = read_catalogue_csv(write(tmp_path, "file,title,grade,subject\na.mp4,t,1,数学,,\nb.mp4,t,1,数学,oops\n"))
    assert len(r.rows) == 1
    assert r.problems == ["catalogue.csv:3: 5 cells but the header has 4 columns; extra cells ignored"]


@pytest.mark.parametrize("text", ["", "\n\n  \n", "\ufeff"])
def test_empty_csv(tmp_path, text):
    r = read_catalogue_csv(write(tmp_path, text))
    assert len(r.problems) == 1 and "empty" in r.problems[0] and "header row is required" in r.problems[0]


def test_header_only(tmp_path):
    r = read_catalogue_csv(write(tmp_path, "file,title,grade,subject\r\n\r\n"))
    assert r.problems == ["catalogue.csv:1: no resources listed (only the header row)"]


def test_binary_junk_is_one_problem(tmp_path):
    p = tmp_path / "catalogue.csv"
    for junk in (os.urandom(20000), b"\x89PNG\r\n\x1a\n" + os.urandom(3000), "文件,标题".encode("utf-16")):
        p.write_bytes(junk)
        r = read_catalogue_csv(p)
        assert r.problems == ["catalogue.csv: cannot read the text encoding (tried UTF-8 and GB18030)"]
        assert r.rows == []


def test_gb18030_decodable_control_junk_is_refused(tmp_path):
    p = tmp_path / "catalogue.csv"
    p.write_bytes(bytes(range(1, 9)) * 100)  # valid ASCII, yet clearly not a spreadsheet
    assert read_catalogue_csv(p).problems == ["catalogue.csv: cannot read the text encoding (tried UTF-8 and GB18030)"]


def test_size_bound_missing_file_and_folder(tmp_path, monkeypatch):
    p = write(tmp_path, f"{HEADER_CN}\n{ROW_CN}\n")
    monkeypatch.setattr(catalogue_csv, "MAX_CSV_BYTES", 100)
    r = read_catalogue_csv(p)
    assert len(r.problems) == 1 and "larger than" in r.problems[0]
    assert read_catalogue_csv(tmp_path / "nope.csv").problems == ["nope.csv: the file does not exist"]
    (tmp_path / "dir.csv").mkdir()
    assert read_catalogue_csv(tmp_path / "dir.csv").problems == ["dir.csv: not a regular file"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX FIFO")
def test_fifo_does_not_hang(tmp_path):
    os.mkfifo(tmp_path / "catalogue.csv")
    assert read_catalogue_csv(tmp_path / "catalogue.csv").problems == ["catalogue.csv: not a regular file"]


def test_unbalanced_quote_is_a_problem_not_a_crash(tmp_path):
    text = "file,title,grade,subject,description\na.mp4,t,1,数学,\"open quote\n" + "x" * 200000 + "\n"
    r = read_catalogue_csv(write(tmp_path, text))
    assert r.problems and r.problems[0].startswith("catalogue.csv:2: cannot read this row")
    assert r.rows == []


def test_broken_quotes_reported_and_reading_goes_on(tmp_path):
    text = (
        "file,title,grade,subject\n"
        'a.mp4,"x"y,1,数学\n'  # 2: text after a closing quote
        "b.mp4,t,一年纪,数学\n"  # 3
        'c.mp4,他说"你好",1,数学\n'  # 4: a quote inside an unquoted cell is just text
        'd.mp4,"never closed,1,数学\n'  # 5: swallows the rest: reported, not silently merged
        "e.mp4,t,1,数学\n"
    )
    r = read_catalogue_csv(write(tmp_path, text))
    assert r.problems == [
        "catalogue.csv:2: cannot read this row (',' expected after '\"'); check its quotes (\")",
        "catalogue.csv:3: grade: unknown grade '一年纪' (did you mean 一年级?)",
        "catalogue.csv:5: cannot read this row (unexpected end of data); check its quotes (\")",
    ]
    assert [(x.line, x.title) for x in r.rows] == [(4, '他说"你好"')]


def test_kinds_lessons_and_lists(tmp_path):
    text = (
        "file,title,grade,subject,kind,lesson,keywords,subtitles\n"
        "a.mp3,t1,初一,english,音频,第3课,a;b；c、a,x.srt ; y.srt\n"
        "b.pdf,t2,高一,数学,文档,03,,\n"
        "c.png,t3,G7,数学,IMAGE,第十二课时,,\n"
        "d.ppt,t4,3,美术,幻灯片,０,,\n"
        "e.ppt,t5,3,美术,课件,,,\n"
        "f.zip,t6,3,美术,其他,1,,\n"
        "g.mp4,t7,3,美术,Slides,1,,\n"
    )
    r = read_catalogue_csv(write(tmp_path, text))
    assert r.problems == []
    rows = r.rows
    assert [x.kind for x in rows] == ["audio", "document", "image", "slides", "slides", "other", "slides"]
    assert [x.lesson for x in rows] == [3, 3, 12, 0, 0, 1, 1]
    assert [x.grade for x in rows] == [7, 10, 7, 3, 3, 3, 3]
    assert rows[0].subject == "英语" and rows[0].keywords == ["a", "b", "c"]
    assert rows[0].subtitles == ["x.srt", "y.srt"]


def test_semicolon_delimited_and_sep_line(tmp_path):
    r = read_catalogue_csv(write(tmp_path, "file;title;grade;subject\na.mp4;标题;1;数学\n"))
    assert r.ok and r.rows[0].title == "标题"
    r = read_catalogue_csv(write(tmp_path, "sep=,\nfile,title,grade,subject\na.mp4,标题,1,数学\nb.mp4,,1,数学\n"))
    assert [x.line for x in r.rows] == [3]
    assert r.problems == ["catalogue.csv:4: title: missing value"]


def test_problem_list_is_bounded(tmp_path):
    body = "".join(f"f{i}.mp4,t,一年纪,数学\n" for i in range(1500))
    r = read_catalogue_csv(write(tmp_path, "file,title,grade,subject\n" + body))
    assert len(r.problems) == catalogue_csv.MAX_PROBLEMS + 1
    assert r.problems[-1] == "catalogue.csv: … and 500 more problem(s) not shown"
    assert r.problems[0].startswith("catalogue.csv:2: grade: unknown grade '一年纪'")


@pytest.mark.parametrize(
    "cell, expected",
    [("a/b.mp4", "a/b.mp4"), (" a\\b.mp4 ", "a/b.mp4"), ("./a//b/./c.mp4", "a/b/c.mp4"), ("音乐/课 1.mp4", "音乐/课 1.mp4")],
)
def test_relative_paths_normalised(cell, expected):
    assert check_relative_path(cell) == expected


@pytest.mark.parametrize(
    "cell",
    ["", "   ", "/abs.mp4", "\\abs.mp4", "\\\\srv\\share\\a.mp4", "C:\\a.mp4", "c:a.mp4", "d:/x.mp4",
     "../a.mp4", "a/../../b.mp4", "a\\..\\b.mp4", "a/..", "a.mp4:stream", "a\x00.mp4", "a\nb.mp4", ".", "./"],
)
def test_hostile_paths_rejected(cell):
    with pytest.raises(UsageError):
        check_relative_path(cell)


def test_catalogue_csv_does_not_import_qt():
    code = "import sys, teachpoint.publish.catalogue_csv; " \
           "assert 'PySide6' not in sys.modules and 'vlc' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)
