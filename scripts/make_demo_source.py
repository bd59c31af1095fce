#!/usr/bin/env python3
"""Generate the SOURCE FOLDER of TeachPoint's built-in demo channel.

    python scripts/make_demo_source.py --out DIR [--force]

Writes eight short lessons across grades and subjects: H.264/AAC MP4 videos with a large Chinese
title burned in (Noto Sans CJK SC via ffmpeg drawtext), a moving picture-in-picture and a running
clock (so a player test sees frames change), a synthesised pentatonic melody as sound track, Chinese
``.zh.srt`` subtitles (plus an ``.en.vtt`` for the English lesson), a PDF worksheet, a song
accompaniment ``.m4a``, one thumbnail, and ``catalogue.csv`` in GB18030 as Chinese Excel saves it.
The publisher turns this folder into a signed repository; that is not done here.

Everything is deterministic (fixed seeds, fixed encoder threads, bit-exact flags, no timestamps), so
re-running gives the same pictures and sounds — with the same ffmpeg/x264 build, the same bytes.
Needs ffmpeg, ImageMagick (``convert``, for the worksheet page) and fonts-noto-cjk. Stdlib only.
"""

from __future__ import annotations

import argparse
import csv
import logging
import math
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import wave
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

log = logging.getLogger(__name__)

FONT_FAMILY = "Noto Sans CJK SC"
FPS = 25
AUDIO_RATE = 22050  # synthesis rate; the AAC track is resampled to 44.1 kHz
MAX_TOTAL = 4 * 1000 * 1000  # bytes; the whole folder must stay under 4 MB
CSV_NAME = "catalogue.csv"
CSV_HEADERS = ["文件", "标题", "年级", "学科", "版本", "册", "单元", "课次", "类型", "字幕", "缩略图", "简介", "关键词"]


@dataclass(frozen=True)
class Lesson:
    """One demo lesson: its place in the curriculum and how its video looks and sounds."""

    folder: str  # relative folder, e.g. 语文/一年级
    name: str  # file stem
    title: str
    grade: str
    subject: str
    edition: str
    volume: str
    unit: str
    order: int
    intro: str
    keywords: tuple[str, ...]
    colour: str  # background, 0xRRGGBB
    inset: str  # lavfi source for the moving picture-in-picture
    melody: str  # space-separated notes (C4 … A5), '-' holds the previous note one more beat
    beat: float  # seconds per beat
    cues: tuple[str, ...]  # Chinese subtitle lines, spread evenly over the video
    seconds: int = 10
    size: tuple[int, int] = (426, 240)
    kind: str = "video"  # the 类型 cell ('' leaves it to the publisher's sniffing)
    en_cues: tuple[str, ...] = ()  # English subtitle lines (written as .en.vtt)
    thumbnail: bool = False
    extras: tuple[str, ...] = field(default=())  # "song" and/or "worksheet"


LESSONS: tuple[Lesson, ...] = (
    Lesson("语文/一年级", "天地人", "天地人", "一年级", "语文", "统编版", "上册", "第一单元 识字", 1,
           "识字第1课：认识“天、地、人、你、我、他”六个字，跟读并说一说。", ("识字", "天地人", "你我他"),
           "0x2E7D32", "testsrc2=s=112x63:r=25", "C5 D5 E5 - G5 E5 D5 - C5 D5 E5 G5 A5 G5 E5 -", 0.4,
           ("同学们好！今天我们学习《天地人》。", "天、地、人，跟着老师读一读。", "你、我、他，我们都是好朋友。"),
           thumbnail=True),
    Lesson("道德与法治/二年级", "团团圆圆过中秋", "团团圆圆过中秋", "二年级", "道德与法治", "统编版", "上册",
           "第一单元 我们的节假日", 4, "了解中秋节的习俗，说一说自己家是怎样过中秋节的。", ("中秋节", "传统节日", "团圆"),
           "0x8E3B2F", "mandelbrot=s=112x63:r=25:maxiter=256", "G4 A4 C5 - D5 C5 A4 - G4 A4 G4 E4 D4 - - -", 0.5,
           ("中秋节是我国的传统节日。", "一家人团团圆圆，一起赏月、吃月饼。", "说一说：你家是怎样过中秋节的？")),
    Lesson("音乐/三年级", "小雨沙沙", "小雨沙沙", "三年级", "音乐", "人音版", "上册", "第二单元 春雨", 4,
           "听雨声、拍节奏，用轻柔的声音模仿小雨，感受音乐的强弱。", ("唱歌", "节奏", "小雨"),
           "0x1565C0", "life=s=112x63:r=25:seed=2024:ratio=0.25:mold=8:life_color=0xBBDEFB:death_color=0x0D47A1",
           "G4 G4 E4 - G4 G4 E4 - A4 G4 E4 D4 C4 - - -", 0.35,
           ("听一听：小雨落下来是什么声音？", "跟着音乐拍一拍手，感受节奏。", "请你用轻轻的声音模仿小雨。"),
           extras=("song",)),
    Lesson("数学/三年级", "认识时间", "认识时间", "三年级", "数学", "人教版", "上册", "第一单元 时、分、秒", 1,
           "认识钟面上的时针和分针，知道1时=60分、1分=60秒。", ("时间", "钟面", "时分秒"),
           "0x6A1B9A", "testsrc=s=112x63:r=25", "E4 G4 C5 - E4 G4 C5 - D5 C5 A4 G4 E4 - - -", 0.4,
           ("钟面上有12个大格，60个小格。", "分针走1小格是1分，时针走1大格是1时。", "1时=60分，1分=60秒。"),
           extras=("worksheet",)),
    Lesson("美术/四年级", "色彩的情感", "色彩的情感", "四年级", "美术", "人美版", "上册", "第一单元 色彩的世界", 2,
           "感受冷色和暖色带给人的不同情感，用色彩表现自己的心情。", ("色彩", "冷暖色", "绘画"),
           "0xE65100",
           "gradients=s=160x90:r=25:c0=0xFFEB3B:c1=0xF44336:c2=0x2196F3:c3=0x4CAF50:nb_colors=4:seed=7:speed=0.03",
           "C5 A4 G4 - E4 G4 A4 - C5 D5 E5 D5 C5 - - -", 0.45,
           ("红色、橙色、黄色让人感到温暖。", "蓝色、绿色、紫色让人感到安静、凉爽。", "用色彩画出你今天的心情吧！"),
           size=(640, 360)),
    Lesson("英语/五年级", "Unit 1 Hello", "Unit 1 Hello", "五年级", "英语", "外研版", "上册", "第一单元 Greetings", 1,
           "学习见面问候：Hello! / Good morning! / How are you? / I'm fine, thank you.", ("问候", "Hello", "口语"),
           "0x00838F", "smptebars=s=112x63:r=25", "C5 E5 G5 E5 C5 D5 E5 - G4 C5 E5 D5 C5 - - -", 0.35,
           ("你好！我是萨姆。", "早上好！你好吗？", "我很好，谢谢。"),
           en_cues=("Hello! I'm Sam.", "Good morning! How are you?", "I'm fine, thank you.")),
    Lesson("地理/七年级", "地球和地球仪", "地球和地球仪", "七年级", "地理", "人教版", "上册", "第一单元 地球和地图", 1,
           "认识地球的形状和大小，学会用地球仪上的经线和纬线确定方向。", ("地球", "地球仪", "经纬线"),
           "0x283593", "yuvtestsrc=s=112x63:r=25", "D4 E4 G4 - A4 G4 E4 - D4 E4 G4 A4 C5 - - -", 0.5,
           ("地球是一个两极稍扁、赤道略鼓的球体。", "地球仪是地球的模型。", "经线指示南北方向，纬线指示东西方向。"),
           kind=""),
    Lesson("生物学/七年级", "观察植物细胞", "观察植物细胞", "七年级", "生物学", "人教版", "上册",
           "第二单元 生物体的结构层次", 2, "用显微镜观察洋葱鳞片叶内表皮细胞，认识植物细胞的基本结构。",
           ("细胞", "显微镜", "实验"),
           "0x558B2F", "cellauto=s=112x63:r=25:rule=110:seed=11:ratio=0.4",
           "A4 C5 D5 - E5 D5 C5 - A4 G4 A4 C5 D5 - - -", 0.4,
           ("用显微镜观察洋葱鳞片叶内表皮细胞。", "植物细胞有细胞壁、细胞膜、细胞质和细胞核。", "画一画你看到的细胞。")),
)
SONG = ("小雨沙沙（伴奏）", 20.0)  # the music lesson's accompaniment: name, seconds
WORKSHEET = "认识时间练习单"

_NOTE = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}


class DemoError(Exception):
    """A tool is missing or failed; the message says which and what to install."""


# --------------------------------------------------------------------------- tools


def run(cmd: list[str], timeout: float = 300) -> None:
    """Run a command; raise DemoError with its last complaint if it fails."""
    log.debug("run %s", cmd)
    try:
        done = subprocess.run(cmd, capture_output=True, timeout=timeout, stdin=subprocess.DEVNULL)
    except FileNotFoundError:
        raise DemoError(f"{cmd[0]} is not installed") from None
    except subprocess.TimeoutExpired:
        raise DemoError(f"{Path(cmd[0]).name} took longer than {timeout:g} s") from None
    if done.returncode != 0:
        tail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-3:]
        raise DemoError(f"{Path(cmd[0]).name} failed: {' | '.join(tail) or done.returncode}")


def check_tools() -> str:
    """Make sure ffmpeg, ImageMagick and the CJK font are here; return the ImageMagick command."""
    for tool in ("ffmpeg", "ffprobe", "fc-match"):
        if not shutil.which(tool):
            raise DemoError(f"{tool} is not installed (apt-get install ffmpeg fontconfig)")
    font = subprocess.run(["fc-match", "-f", "%{file}", f"{FONT_FAMILY}:style=Bold"],
                          capture_output=True, text=True, timeout=30).stdout
    if "CJK" not in font:
        raise DemoError(f"the {FONT_FAMILY} font is missing (apt-get install fonts-noto-cjk); "
                        f"fc-match found {font or 'nothing'}")
    for magick in ("magick", "convert"):
        exe = shutil.which(magick)
        if exe and "ImageMagick" in subprocess.run([exe, "-version"], capture_output=True,
                                                    text=True, timeout=30).stdout:
            return exe
    raise DemoError("ImageMagick is not installed (apt-get install imagemagick)")


def ffmpeg(*args: str) -> None:
    run(["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y", *args])


def _filter_value(value: str) -> str:
    """Escape a value for an ffmpeg filter option inside a filter graph (two levels)."""
    value = re.sub(r"([\\':])", r"\\\1", value)  # option level
    return re.sub(r"([\\'\[\],;])", r"\\\1", value)  # graph level


# --------------------------------------------------------------------------- sound


def _freq(note: str) -> float:
    semitone = _NOTE[note[0]] + (1 if "#" in note else 0) + 12 * (int(note[-1]) + 1)
    return 440.0 * 2 ** ((semitone - 69) / 12)


def synth_melody(path: Path, melody: str, beat: float, seconds: float) -> None:
    """Write a mono 16-bit WAV: the melody looped over ``seconds``, soft bell-like tones and a bass."""
    tokens = melody.split()
    notes: list[tuple[float, float, float]] = []  # start, length, frequency
    t, i = 0.0, 0
    while t < seconds:
        tok = tokens[i % len(tokens)]
        length = beat
        while tokens[(i + 1) % len(tokens)] == "-" and (i + 1) % len(tokens) != 0:
            length += beat
            i += 1
        if tok != "-":
            notes.append((t, length, _freq(tok)))
        t += length
        i += 1
    bar = 4 * beat
    bass = [(k * bar, bar, _freq(tokens[(int(k * 4) % len(tokens))]) / 4)
            for k in range(int(seconds / bar) + 1) if tokens[int(k * 4) % len(tokens)] != "-"]
    n = int(seconds * AUDIO_RATE)
    buf = [0.0] * n
    for voices, level, decay in ((notes, 0.5, 3.0), (bass, 0.18, 1.5)):
        for start, length, f in voices:
            a, b = int(start * AUDIO_RATE), min(n, int((start + length) * AUDIO_RATE))
            w = 2 * math.pi * f / AUDIO_RATE
            span = max(1, b - a)
            for j in range(b - a):
                x = j / AUDIO_RATE
                env = min(1.0, x / 0.012) * math.exp(-decay * x / length) * min(1.0, (span - j) / 300)
                buf[a + j] += level * env * (math.sin(w * j) + 0.3 * math.sin(2 * w * j) + 0.1 * math.sin(3 * w * j))
    fade_in, fade_out = int(0.15 * AUDIO_RATE), int(0.6 * AUDIO_RATE)
    peak = max(1e-9, max(abs(v) for v in buf))
    frames = bytearray()
    for j, v in enumerate(buf):
        g = min(1.0, j / fade_in, (n - j) / fade_out)
        frames += struct.pack("<h", int(max(-1.0, min(1.0, 0.7 * v / peak * g)) * 32767))
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(AUDIO_RATE)
        w.writeframes(bytes(frames))


# --------------------------------------------------------------------------- video


def _ts(seconds: float, sep: str) -> str:
    ms = int(round(seconds * 1000))
    return f"{ms // 3600000:02d}:{ms // 60000 % 60:02d}:{ms // 1000 % 60:02d}{sep}{ms % 1000:03d}"


def _cue_times(count: int, seconds: float) -> list[tuple[float, float]]:
    step = (seconds - 1.0) / count
    return [(0.5 + k * step, 0.5 + (k + 1) * step - 0.2) for k in range(count)]


def write_srt(path: Path, cues: tuple[str, ...], seconds: float) -> None:
    blocks = [f"{k}\n{_ts(a, ',')} --> {_ts(b, ',')}\n{text}\n"
              for k, ((a, b), text) in enumerate(zip(_cue_times(len(cues), seconds), cues), 1)]
    path.write_text("\n".join(blocks), encoding="utf-8")


def write_vtt(path: Path, cues: tuple[str, ...], seconds: float) -> None:
    blocks = [f"{_ts(a, '.')} --> {_ts(b, '.')}\n{text}\n"
              for (a, b), text in zip(_cue_times(len(cues), seconds), cues)]
    path.write_text("WEBVTT\n\n" + "\n".join(blocks), encoding="utf-8")


def _text_width(text: str) -> float:
    """Rough width of a text in em: CJK 1, Latin 0.6."""
    return sum(1.0 if ord(c) > 0x2E80 else 0.6 for c in text)


def make_video(lesson: Lesson, out: Path, work: Path) -> None:
    """Encode one lesson video: title, curriculum line, moving inset, clock, melody."""
    w, h = lesson.size
    work.mkdir(parents=True, exist_ok=True)
    wav = work / "melody.wav"
    synth_melody(wav, lesson.melody, lesson.beat, lesson.seconds)
    texts = {
        "title": lesson.title,
        "top": f"{lesson.grade} · {lesson.subject} · {lesson.edition} {lesson.volume}",
        "unit": f"{lesson.unit} · 第{lesson.order}课",
        "clock": "%{pts:hms}",
    }
    for key, text in texts.items():
        (work / f"{key}.txt").write_text(text, encoding="utf-8")
    bold, regular = _filter_value(f"{FONT_FAMILY}:style=Bold"), _filter_value(FONT_FAMILY)
    title_size = int(min(h * 0.24, (w * 0.9) / max(1.0, _text_width(lesson.title))))

    def text(key: str, font: str, size: int, x: str, y: str, extra: str = "") -> str:
        expansion = "normal" if key == "clock" else "none"
        return (f"drawtext=fontfile={font}:textfile={_filter_value(str(work / (key + '.txt')))}"
                f":expansion={expansion}:fontsize={size}:fontcolor=white:x={x}:y={y}{extra}")

    inset_h = int(h * 0.26)
    graph = f"[1:v]scale=-2:{inset_h},format=yuv420p,drawbox=c=white:t=2[pip];" + ",".join([
        f"[0:v][pip]overlay=x='(W-w)*abs(mod(t/6\\,2)-1)':y='H-h-{int(h * 0.13)}':eval=frame",
            f"drawbox=x=0:y=0:w=iw:h={int(h * 0.14)}:c=black@0.35:t=fill",
            text("top", regular, int(h * 0.07), "(w-tw)/2", str(int(h * 0.035))),
            text("title", bold, title_size, "(w-tw)/2", f"{int(h * 0.2)}",
                 ":borderw=3:bordercolor=black@0.5"),
            text("unit", regular, int(h * 0.065), str(int(w * 0.03)), f"h-th-{int(h * 0.03)}"),
            text("clock", regular, int(h * 0.065), f"w-tw-{int(w * 0.03)}", f"h-th-{int(h * 0.03)}"),
            "format=yuv420p[v]",
    ])
    script = work / "graph.txt"
    script.write_text(graph, encoding="utf-8")
    ffmpeg("-f", "lavfi", "-i", f"color=c={lesson.colour}:s={w}x{h}:r={FPS}:d={lesson.seconds}",
           "-f", "lavfi", "-i", lesson.inset, "-i", str(wav),
           "-filter_complex_script", str(script), "-map", "[v]", "-map", "2:a",
           "-t", str(lesson.seconds),
           "-c:v", "libx264", "-preset", "medium", "-profile:v", "main", "-pix_fmt", "yuv420p",
           "-crf", "30", "-maxrate", "260k", "-bufsize", "520k", "-g", str(2 * FPS), "-threads", "2",
           "-c:a", "aac", "-b:a", "48k", "-ac", "1", "-ar", "44100",
           *_bitexact(), "-metadata", f"title={lesson.title}", "-movflags", "+faststart", str(out))


def _bitexact() -> list[str]:
    return ["-map_metadata", "-1", "-fflags", "+bitexact", "-flags:v", "+bitexact", "-flags:a", "+bitexact"]


def make_song(lesson: Lesson, out: Path, work: Path) -> None:
    """The music lesson's accompaniment as AAC in an M4A."""
    work.mkdir(parents=True, exist_ok=True)
    wav = work / "song.wav"
    synth_melody(wav, lesson.melody + " " + lesson.melody.replace("C4", "C5"), lesson.beat, SONG[1])
    ffmpeg("-i", str(wav), "-c:a", "aac", "-b:a", "48k", "-ac", "1", "-ar", "44100", *_bitexact(),
           "-metadata", f"title={SONG[0]}", "-movflags", "+faststart", str(out))


def make_thumbnail(video: Path, out: Path) -> None:
    ffmpeg("-ss", "3", "-i", str(video), "-frames:v", "1", "-vf", "scale=320:-2", "-q:v", "5",
           "-f", "image2", "-c:v", "mjpeg", "-update", "1", *_bitexact(), str(out))


# --------------------------------------------------------------------------- worksheet


def _clock(cx: int, cy: int, r: int, hour: int | None, minute: int | None) -> list[str]:
    """ImageMagick -draw primitives for a clock face (hands only if hour is given)."""
    prims = ["stroke black", "fill none", "stroke-width 3", f"circle {cx},{cy} {cx + r},{cy}",
             "stroke-width 2"]
    for k in range(60):
        a = math.radians(k * 6)
        inner = r * (0.82 if k % 5 == 0 else 0.9)
        prims.append(f"line {cx + inner * math.sin(a):.1f},{cy - inner * math.cos(a):.1f} "
                     f"{cx + r * 0.96 * math.sin(a):.1f},{cy - r * 0.96 * math.cos(a):.1f}")
    if hour is not None:
        ha = math.radians((hour % 12) * 30 + minute * 0.5)
        ma = math.radians(minute * 6)
        for width, length, a in ((6, 0.5, ha), (3, 0.78, ma)):
            tip = f"{cx + r * length * math.sin(a):.1f},{cy - r * length * math.cos(a):.1f}"
            prims += [f"stroke-width {width}", f"line {cx},{cy} {tip}"]
    prims += ["fill black", "stroke none", f"circle {cx},{cy} {cx + 5},{cy}"]
    return prims


def make_worksheet(magick: str, out: Path, work: Path) -> None:
    """An A4 maths worksheet (认识时间 练习单): page drawn by ImageMagick, wrapped in a PDF."""
    work.mkdir(parents=True, exist_ok=True)
    w, h = 827, 1169  # A4 at 100 dpi
    cmd = [magick, "-size", f"{w}x{h}", "xc:white", "-fill", "black"]

    def say(x: int, y: int, text: str, size: int, bold: bool = False, colour: str = "black") -> None:
        cmd.extend(["-font", "Noto-Sans-CJK-SC-Bold" if bold else "Noto-Sans-CJK-SC", "-pointsize", str(size),
                    "-fill", colour, "-annotate", f"+{x}+{y}", text])

    say(260, 95, "认识时间  练习单", 40, bold=True)
    say(70, 150, "班级：__________    姓名：__________    日期：__________", 20)
    cmd += ["-stroke", "gray60", "-strokewidth", "1", "-draw", "line 60,175 767,175", "-stroke", "none"]
    say(60, 225, "一、看钟面，写时间。", 24, bold=True)
    draw: list[str] = []
    for k, (hh, mm) in enumerate([(3, 0), (7, 30), (10, 15)]):
        cx = 170 + k * 245
        draw += _clock(cx, 355, 95, hh, mm)
        say(cx - 80, 490, "____时____分", 22)
    say(60, 565, "二、填一填。", 24, bold=True)
    for k, line in enumerate(["1时 = (        )分", "1分 = (        )秒", "2时 = (        )分",
                              "半时 = (        )分"]):
        say(100 + (k % 2) * 340, 615 + (k // 2) * 50, line, 22)
    say(60, 755, "三、画一画：在钟面上画出时针和分针。", 24, bold=True)
    for k, label in enumerate(["8时", "4时30分"]):
        cx = 250 + k * 330
        draw += _clock(cx, 880, 95, None, None)
        say(cx - 10 - 10 * len(label), 1010, label, 22)
    say(150, 1120, "TeachPoint 演示频道 · 三年级数学 人教版 上册 第一单元 时、分、秒", 15, colour="gray40")
    jpeg = work / "page.jpg"
    cmd += ["-draw", " ".join(f"{p}" for p in draw), "-colorspace", "Gray", "-strip",
            "-quality", "70", "-sampling-factor", "1x1", str(jpeg)]
    run(cmd)
    jpeg_to_pdf(jpeg, out, w, h, title=f"{WORKSHEET}")


def jpeg_to_pdf(jpeg: Path, out: Path, width_px: int, height_px: int, title: str) -> None:
    """A one-page PDF showing a JPEG full page (A4), written by hand: no dates, so deterministic.

    (ImageMagick could write the PDF itself, but Debian's policy.xml forbids its PDF coder.)
    """
    data = jpeg.read_bytes()
    gray = _jpeg_components(data) == 1
    page_w, page_h = 595.28, 841.89  # A4 in points
    content = f"q {page_w} 0 0 {page_h} 0 0 cm /Im0 Do Q".encode()
    title_hex = ("FEFF" + title.encode("utf-16-be").hex().upper()).encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {page_w} {page_h}] "
        f"/Resources << /XObject << /Im0 4 0 R >> >> /Contents 5 0 R >>".encode(),
        f"<< /Type /XObject /Subtype /Image /Width {width_px} /Height {height_px} "
        f"/ColorSpace /{'DeviceGray' if gray else 'DeviceRGB'} /BitsPerComponent 8 "
        f"/Filter /DCTDecode /Length {len(data)} >>\nstream\n".encode() + data + b"\nendstream",
        f"<< /Length {len(content)} >>\nstream\n".encode() + content + b"\nendstream",
        b"<< /Title <" + title_hex + b"> /Producer (TeachPoint make_demo_source) >>",
    ]
    body = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for k, obj in enumerate(objects, 1):
        offsets.append(len(body))
        body += f"{k} 0 obj\n".encode() + obj + b"\nendobj\n"
    xref = len(body)
    body += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    body += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    body += (f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R /Info {len(objects)} 0 R >>\n"
             f"startxref\n{xref}\n%%EOF\n").encode()
    out.write_bytes(bytes(body))


def _jpeg_components(data: bytes) -> int:
    """Number of colour components in a baseline/progressive JPEG (from its SOF marker)."""
    i = 2
    while i + 9 < len(data):
        if data[i] != 0xFF:
            i += 1
            continue
        marker, length = data[i + 1], int.from_bytes(data[i + 2:i + 4], "big")
        if marker in (0xC0, 0xC1, 0xC2):
            return data[i + 9]
        i += 2 + length
    raise DemoError("the worksheet JPEG has no frame header")


# --------------------------------------------------------------------------- catalogue


def catalogue_rows() -> list[dict[str, str]]:
    """One row per resource; a lesson's extra resources follow its video with the same place."""
    rows = []
    for ls in LESSONS:
        base = f"{ls.folder}/{ls.name}"
        subs = [f"{base}.zh.srt"] + ([f"{base}.en.vtt"] if ls.en_cues else [])
        place = {"年级": ls.grade, "学科": ls.subject, "版本": ls.edition, "册": ls.volume,
                 "单元": ls.unit, "课次": str(ls.order)}
        rows.append({"文件": f"{base}.mp4", "标题": ls.title, **place, "类型": ls.kind,
                     "字幕": ";".join(subs), "缩略图": f"{base}.jpg" if ls.thumbnail else "",
                     "简介": ls.intro, "关键词": ";".join(ls.keywords)})
        if "song" in ls.extras:
            rows.append({"文件": f"{ls.folder}/{SONG[0]}.m4a", "标题": SONG[0], **place, "类型": "audio",
                         "字幕": "", "缩略图": "", "简介": "《小雨沙沙》伴奏音乐，课堂上跟唱、拍节奏用。",
                         "关键词": "伴奏;唱歌"})
        if "worksheet" in ls.extras:
            rows.append({"文件": f"{ls.folder}/{WORKSHEET}.pdf", "标题": "认识时间 练习单", **place,
                         "类型": "document", "字幕": "", "缩略图": "",
                         "简介": "看钟面写时间、填一填、画一画，可打印后课堂练习。", "关键词": "练习;时间;打印"})
    return rows


def write_catalogue(path: Path, rows: list[dict[str, str]]) -> None:
    """CSV as Chinese Excel's "CSV (逗号分隔)" saves it: GB18030 (GBK superset), CRLF, no BOM."""
    with open(path, "w", encoding="gb18030", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=CSV_HEADERS, lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(rows)


# --------------------------------------------------------------------------- main


def generate(out: Path, jobs: int | None = None) -> list[dict[str, str]]:
    """Write the whole demo source folder into ``out``; returns the catalogue rows."""
    magick = check_tools()
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="tp-demo-") as tmp:
        work = Path(tmp)

        def one(k: int, ls: Lesson) -> None:
            folder = out / ls.folder
            folder.mkdir(parents=True, exist_ok=True)
            video = folder / f"{ls.name}.mp4"
            make_video(ls, video, work / f"v{k}")
            write_srt(folder / f"{ls.name}.zh.srt", ls.cues, ls.seconds)
            if ls.en_cues:
                write_vtt(folder / f"{ls.name}.en.vtt", ls.en_cues, ls.seconds)
            if ls.thumbnail:
                make_thumbnail(video, folder / f"{ls.name}.jpg")
            if "song" in ls.extras:
                make_song(ls, folder / f"{SONG[0]}.m4a", work / f"s{k}")
            if "worksheet" in ls.extras:
                make_worksheet(magick, folder / f"{WORKSHEET}.pdf", work / f"w{k}")
            log.info("made %s", video.relative_to(out))

        with ThreadPoolExecutor(max_workers=jobs or max(1, min(4, os.cpu_count() or 1))) as pool:
            for future in [pool.submit(one, k, ls) for k, ls in enumerate(LESSONS)]:
                future.result()
    rows = catalogue_rows()
    write_catalogue(out / CSV_NAME, rows)
    return rows


def total_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Generate the source folder of the TeachPoint demo channel.")
    parser.add_argument("dir", nargs="?", type=Path, help="output folder (same as --out)")
    parser.add_argument("--out", type=Path, help="output folder")
    parser.add_argument("--force", action="store_true", help="write into a folder that is not empty")
    parser.add_argument("--jobs", type=int, default=None, help="lessons encoded in parallel")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, format="%(message)s")
    out = args.out or args.dir
    if out is None:
        parser.error("give the output folder: --out DIR")
    if out.exists() and any(out.iterdir()) and not args.force:
        print(f"error: {out} is not empty (use --force to write into it anyway)", file=sys.stderr)
        return 2
    started = time.monotonic()
    try:
        rows = generate(out, args.jobs)
    except DemoError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    size = total_size(out)
    lessons = len({(r["年级"], r["学科"], r["单元"], r["课次"]) for r in rows})
    print(f"{lessons} lessons, {len(rows)} resources in {out}: {size / 1e6:.2f} MB "
          f"({size} bytes) in {time.monotonic() - started:.1f} s")
    if size >= MAX_TOTAL:
        print(f"error: the demo is {size} bytes, over the {MAX_TOTAL}-byte budget", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
