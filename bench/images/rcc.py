"""Read the files packed in a Qt binary resource bundle (.rcc), as GCompris ships its photographs."""
from __future__ import annotations

import struct
import zlib
from pathlib import Path

_DIRECTORY = 0x02
_ZLIB = 0x01


def read_rcc(path: str | Path) -> dict[str, bytes]:
    """Every file of the bundle by its resource path ("/gcompris/src/…/x.webp")."""
    data = Path(path).read_bytes()
    if data[:4] != b"qres":
        raise ValueError(f"{path}: not a Qt resource bundle")
    version, tree, payload, names = struct.unpack_from(">IIII", data, 4)
    # From format version 2 on, each node carries an 8-byte modification time after the 14 bytes of version 1.
    node_size = 14 if version == 1 else 22
    files: dict[str, bytes] = {}

    def name(offset: int) -> str:
        length = struct.unpack_from(">H", data, names + offset)[0]
        start = names + offset + 6  # after the length and a 4-byte hash of the name
        return data[start:start + 2 * length].decode("utf-16-be")

    pending = [(0, "")]
    while pending:
        node, prefix = pending.pop()
        at = tree + node * node_size
        name_offset, flags = struct.unpack_from(">IH", data, at)
        path_here = prefix if node == 0 else f"{prefix}/{name(name_offset)}"
        if flags & _DIRECTORY:
            count, first = struct.unpack_from(">II", data, at + 6)
            pending += [(child, path_here) for child in range(first, first + count)]
            continue
        start = payload + struct.unpack_from(">I", data, at + 10)[0]
        size = struct.unpack_from(">I", data, start)[0]
        body = data[start + 4:start + 4 + size]
        # qCompress: a 4-byte big-endian length of the original, then a zlib stream.
        files[path_here] = zlib.decompress(body[4:]) if flags & _ZLIB else body
    return files
