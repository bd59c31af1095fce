"""RaptorQ symbols for the carousel: which encoding symbols an object sends in each pass.

A fountain code lets every pass carry symbols the receiver has not seen: pass 0 sends the K source
symbols and ``fec`` × K repair symbols; later passes send fresh repair symbols, so a receiver
completes an object from any K (a handful more in rare cases) of all the symbols it heard, in any
passes. The ESI ranges rotate over :data:`ROTATION` slices so the encoder never has to generate an
ever-growing prefix of repair symbols (the library only produces repair symbols from ESI K up).
With ``fec`` 0 this is a plain carousel: every pass repeats the same K source symbols.
"""

from __future__ import annotations

import math

import raptorq

from teachpoint.transport.broadcast_packet import ObjectId, encode_packet

ROTATION = 3  # distinct ESI slices before a pass repeats the symbols of an earlier pass
MIN_REPAIR = 8  # small objects get at least this many repair symbols per pass: a thumbnail
#                of 3 symbols with 2 repair misses a pass at 10 % loss ~1 % of the time, and one
#                of a hundred such objects delays the whole repository by a pass


def repair_count(source_symbols: int, fec: float) -> int:
    """Repair symbols per pass for an object of ``source_symbols`` (0 for a plain carousel)."""
    if fec <= 0:
        return 0
    return max(MIN_REPAIR, math.ceil(source_symbols * fec))


def pass_datagrams(obj: ObjectId, data: bytes, pass_no: int, fec: float) -> tuple[list, list]:
    """The datagrams ``obj`` sends in carousel pass ``pass_no``: (source symbols, repair symbols).

    Large objects have several source blocks (SBN); each block gets its own share of repair.
    """
    encoder = raptorq.Encoder.with_defaults(data, obj.symbol_size)
    source = encoder.get_encoded_packets(0)
    blocks: dict[int, int] = {}
    for p in source:
        blocks[p[0]] = blocks.get(p[0], 0) + 1
    if fec <= 0:
        return [encode_packet(obj, p) for p in source], []
    slice_no = pass_no % ROTATION
    ranges = {}
    for sbn, k in blocks.items():
        per_pass = k + repair_count(k, fec)
        ranges[sbn] = (slice_no * per_pass, (slice_no + 1) * per_pass)
    wanted = max(hi - k for (_, hi), k in zip(ranges.values(), blocks.values()))
    packets = source if wanted <= 0 else encoder.get_encoded_packets(wanted)
    out: tuple[list, list] = ([], [])
    for p in packets:
        lo, hi = ranges[p[0]]
        esi = int.from_bytes(p[1:4], "big")
        if lo <= esi < hi:
            out[esi >= blocks[p[0]]].append(encode_packet(obj, p))
    return out


def pass_order(parts: list[tuple[list, list]]) -> list[bytes]:
    """One window's datagrams: the source symbols of all objects interleaved, then the repair
    symbols interleaved — loss-free receivers finish after the source part."""
    return interleave([s for s, _ in parts]) + interleave([r for _, r in parts])


def interleave(streams: list[list[bytes]]) -> list[bytes]:
    """Merge per-object packet lists so each object's packets are spread evenly over the result.

    A burst of loss then costs every object a little instead of one object all of its symbols.
    """
    keyed = []
    for s, stream in enumerate(streams):
        if not stream:
            continue
        n = len(stream)
        keyed.extend(((i + 0.5) / n, s, pkt) for i, pkt in enumerate(stream))
    keyed.sort(key=lambda item: (item[0], item[1]))
    return [pkt for _, _, pkt in keyed]
