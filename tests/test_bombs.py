"""Upload bombs: small files that expand to gigabytes once read are refused in one sentence,
and no file under 100 MB makes memory grow more than 2 GiB above the baseline.

Each bomb is built here (small and fast) and read in its own process, whose resident memory
is sampled while it reads: a process that grows past the bound is stopped and the test fails,
so a regression cannot take the test machine down either.
"""

from __future__ import annotations

import io
import struct
import subprocess
import sys
import time
import zlib
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from truce.io import LoadError, read_table

BOUND = 2 * 1024**3
UPLOAD_LIMIT = 100 * 1024**2
TESTS = Path(__file__).resolve().parent

# ---------------------------------------------------------------------------- a zip by hand


def _member(name: str, content: bytes) -> tuple[str, bytes, int, int]:
    """(name, raw deflate stream, CRC-32, size) of a truthful member."""
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    return name, packer.compress(content) + packer.flush(), zlib.crc32(content), len(content)


def _zip(members: list[tuple[str, bytes, int, int]]) -> bytes:
    """A zip of deflated members, each declaring the CRC and size given (true or not)."""
    out, directory = io.BytesIO(), io.BytesIO()
    for name, stream, crc, size in members:
        encoded, offset = name.encode(), out.tell()
        sizes = (crc, len(stream), size, len(encoded))
        out.write(struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, 8, 0, 0, *sizes, 0))
        out.write(encoded + stream)
        entry = struct.pack(
            "<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, 8, 0, 0, *sizes, *[0] * 5, offset
        )
        directory.write(entry + encoded)
    start, listing = out.tell(), directory.getvalue()
    count = len(members)
    out.write(listing)
    out.write(struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, count, count, len(listing), start, 0))
    return out.getvalue()


WORKBOOK = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    b'<sheets><sheet name="Leads" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
RELS = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    b'<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>'
)
ROOT_RELS = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
TYPES = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    b'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/></Types>'
)
XML = b'<?xml version="1.0" encoding="UTF-8"?>'
MAIN = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
SST_OPEN = XML + b"<sst " + MAIN + b">"
SHEET_OPEN = XML + b"<worksheet " + MAIN + b"><sheetData>"


def _sheet(rows: int) -> bytes:
    """A header row 'company', then `rows` cells that all show shared string 1."""
    cells = b"".join(
        b'<row r="%d"><c r="A%d" t="s"><v>1</v></c></row>' % (r, r) for r in range(2, rows + 2)
    )
    header = b'<row r="1"><c r="A1" t="s"><v>0</v></c></row>'
    return SHEET_OPEN + header + cells + b"</sheetData></worksheet>"


def _strings(text: bytes) -> bytes:
    return SST_OPEN + b"<si><t>company</t></si><si><t>" + text + b"</t></si></sst>"


def _xlsx(sheet_rows: int, strings: tuple[str, bytes, int, int]) -> bytes:
    return _zip(
        [
            _member("[Content_Types].xml", TYPES),
            _member("_rels/.rels", ROOT_RELS),
            _member("xl/workbook.xml", WORKBOOK),
            _member("xl/_rels/workbook.xml.rels", RELS),
            strings,
            _member("xl/worksheets/sheet1.xml", _sheet(sheet_rows)),
        ]
    )


# ---------------------------------------------------------------------------- the bombs


def parquet_bomb(rows: int = 3_000_000, width: int = 1000) -> bytes:
    """One dictionary-encoded text column: one 1,000-byte value, referenced 3 million times."""
    column = pa.DictionaryArray.from_arrays(
        pa.array(np.zeros(rows, np.int32)), pa.array(["x" * width])
    )
    buffer = io.BytesIO()
    pq.write_table(pa.table({"company": column}), buffer)
    return buffer.getvalue()


def shared_string_bomb(rows: int = 100_000) -> bytes:
    """100,000 cells that all show one 32,767-character shared string (Excel's longest)."""
    return _xlsx(rows, _member("xl/sharedStrings.xml", _strings(b"x" * 32_767)))


def lying_zip_bomb(megabytes: int = 1900) -> bytes:
    """The shared strings inflate to 1,900 MB while the zip directory says 300 bytes.

    The deflate stream is built from one compressed megabyte repeated (a full flush makes
    each repeat byte-identical), so building it takes milliseconds.
    """
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = packer.compress(SST_OPEN + b"<si><t>company</t></si><si><t>")
    head += packer.flush(zlib.Z_FULL_FLUSH)
    block = packer.compress(b"x" * 1024**2) + packer.flush(zlib.Z_FULL_FLUSH)
    tail = packer.compress(b"</t></si></sst>") + packer.flush()
    stream = head + block * megabytes + tail
    return _xlsx(3, ("xl/sharedStrings.xml", stream, 0, 300))


BOMBS = {
    "bomb.parquet": parquet_bomb,
    "shared_string.xlsx": shared_string_bomb,
    "lying_zip.xlsx": lying_zip_bomb,
}

# ---------------------------------------------------------------------------- reading in a child


CHILD = """
import sys
sys.path[:0] = [{root!r}, {tests!r}]
from test_bombs import BOMBS, memory
from truce.io import LoadError, read_table

name = sys.argv[1]
data = BOMBS[name]()
del sys.modules["test_bombs"]
with open("/proc/self/clear_refs", "w") as handle:
    handle.write("5")  # the peak so far is now: what building the bomb took does not count
print(len(data), memory("VmRSS"), flush=True)
try:
    read_table(data, name)
    print("read without refusal")
except LoadError as error:
    print(error)
print(memory("VmHWM"), flush=True)
"""


def memory(key: str, pid: str = "self") -> int:
    """VmRSS / VmHWM of a process in bytes (0 once it has ended)."""
    try:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                if line.startswith(key + ":"):
                    return int(line.split()[1]) * 1024
    except (FileNotFoundError, ProcessLookupError):
        pass
    return 0


def read_in_child(name: str) -> tuple[int, str, int]:
    """(file size, what the reader said, peak growth above the baseline in bytes).

    The child is stopped as soon as it grows past BOUND, and the test fails with that."""
    script = CHILD.format(root=str(TESTS.parent), tests=str(TESTS))
    child = subprocess.Popen(
        [sys.executable, "-c", script, name], stdout=subprocess.PIPE, text=True
    )
    assert child.stdout is not None
    size, baseline = map(int, child.stdout.readline().split())
    grown = 0
    while child.poll() is None:
        grown = max(grown, memory("VmRSS", str(child.pid)) - baseline)
        if grown > BOUND:
            child.kill()
            child.wait()
            pytest.fail(f"{name}: memory grew {grown / 1024**3:.1f} GiB above the baseline")
        time.sleep(0.01)
    said, peak = child.stdout.read().splitlines()
    assert child.returncode == 0
    return size, said, max(grown, int(peak) - baseline)


@pytest.mark.parametrize(
    ("name", "says"),
    [
        pytest.param(
            "bomb.parquet",
            # 3,000,000 rows x (16-byte view + 1,000 bytes) = 3.05e9 bytes = 2.8 GiB
            "bomb.parquet would take about 3 GB of memory once opened and was refused.",
            id="parquet-dictionary",
        ),
        pytest.param(
            "shared_string.xlsx",
            "shared_string.xlsx expands to an unsafe size when opened and was refused.",
            id="xlsx-one-shared-string",
        ),
        pytest.param(
            "lying_zip.xlsx",
            "lying_zip.xlsx expands to an unsafe size when opened and was refused.",
            id="zip-directory-lies",
        ),
    ],
)
def test_bomb_is_refused_within_the_memory_bound(name: str, says: str) -> None:
    size, said, grown = read_in_child(name)
    assert size < UPLOAD_LIMIT
    assert said == says
    assert grown < BOUND


def test_the_same_shapes_at_a_normal_size_still_read() -> None:
    """The guards refuse sizes, not shapes: the same files, small, give their rows."""
    small = read_table(parquet_bomb(rows=1000, width=20), "small.parquet").frame
    assert small.to_dict(as_series=False) == {"company": ["x" * 20] * 1000}
    book = _xlsx(500, _member("xl/sharedStrings.xml", _strings(b"Acme")))
    frame = read_table(book, "small.xlsx").frame
    assert frame.columns == ["company"] and frame["company"].to_list() == ["Acme"] * 500


def test_a_zip_whose_directory_understates_a_small_member_is_refused() -> None:
    """Declared 300 bytes, inflates to 1 MB: the cap is the real size, not the declared one."""
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    stream = packer.compress(_strings(b"x" * 1024**2)) + packer.flush()
    book = _xlsx(3, ("xl/sharedStrings.xml", stream, 0, 300))
    with pytest.raises(LoadError) as error:
        read_table(book, "liar.xlsx")
    assert str(error.value) == "liar.xlsx expands to an unsafe size when opened and was refused."
