#!/usr/bin/env python3
"""Make TorchSharp's native shim load on systems whose libstdc++ predates GCC 13 (e.g. Debian 12).

libLibTorchSharp.so (TorchSharp 0.107.0) declares a version requirement on GLIBCXX_3.4.32 for a single marker
symbol (std::ios_base_library_init) that nothing relocates against. This script marks the GLIBCXX_3.4.31..3.4.33
entries of the library's .gnu.version_r section as weak (VER_FLG_WEAK), so the dynamic loader accepts an older
libstdc++. It edits two bytes per entry, in place, using only the standard library.

- Idempotent: a second run changes nothing and says so.
- Does nothing when the system's libstdc++ already provides GLIBCXX_3.4.32.
- Fails (exit 1, one line) when a named file does not exist: a wrong package path must not pass in silence.
  With --if-present a missing file is skipped instead.

usage: weaken-glibcxx.py [--quiet] [--force] [--if-present] LIB.so...
"""
import glob, os, struct, sys

WANTED = {b"GLIBCXX_3.4.31", b"GLIBCXX_3.4.32", b"GLIBCXX_3.4.33"}
SHT_GNU_VERNEED = 0x6FFFFFFE
VER_FLG_WEAK = 0x2


def system_has_glibcxx_3_4_32():
    candidates = glob.glob("/usr/lib/x86_64-linux-gnu/libstdc++.so.6*") + glob.glob("/usr/lib64/libstdc++.so.6*") \
        + glob.glob("/lib/x86_64-linux-gnu/libstdc++.so.6*")
    for path in candidates:
        try:
            with open(path, "rb") as f:
                if b"GLIBCXX_3.4.32\0" in f.read():
                    return True
        except OSError:
            pass
    return False


def weaken(path):
    """Returns the number of entries changed (0 when already weak)."""
    with open(path, "rb") as f:
        data = bytearray(f.read())
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        raise ValueError(f"{path}: not a 64-bit little-endian ELF file")
    e_shoff, = struct.unpack_from("<Q", data, 0x28)
    e_shentsize, e_shnum = struct.unpack_from("<HH", data, 0x3A)
    sections = [struct.unpack_from("<IIQQQQIIQQ", data, e_shoff + i * e_shentsize) for i in range(e_shnum)]
    changed = 0
    for (_, sh_type, _, _, sh_offset, _, sh_link, sh_info, _, _) in sections:
        if sh_type != SHT_GNU_VERNEED:
            continue
        strtab = sections[sh_link][4]

        def name(off):
            start = strtab + off
            return bytes(data[start:data.index(b"\0", start)])

        off = sh_offset
        for _ in range(sh_info):
            _, vn_cnt, _, vn_aux, vn_next = struct.unpack_from("<HHIII", data, off)
            a = off + vn_aux
            for _ in range(vn_cnt):
                _, flags, _, vna_name, vna_next = struct.unpack_from("<IHHII", data, a)
                if name(vna_name) in WANTED and not flags & VER_FLG_WEAK:
                    struct.pack_into("<H", data, a + 4, flags | VER_FLG_WEAK)
                    changed += 1
                a += vna_next
            off += vn_next
    if changed:
        tmp = path + ".weaken.tmp"
        with open(tmp, "wb") as f:
            f.write(data)
        os.chmod(tmp, os.stat(path).st_mode)
        os.replace(tmp, path)
    return changed


def main(argv):
    quiet = "--quiet" in argv
    force = "--force" in argv
    if_present = "--if-present" in argv
    paths = [a for a in argv if not a.startswith("--")]
    if not paths:
        print(__doc__)
        return 2
    if not force and system_has_glibcxx_3_4_32():
        if not quiet:
            print("system libstdc++ provides GLIBCXX_3.4.32: nothing to do")
        return 0
    for p in paths:
        if not os.path.exists(p):
            if if_present:
                if not quiet:
                    print(f"{p}: not present, skipped")
                continue
            print(f"weaken-glibcxx: {p}: no such file (is the NuGet package folder right, and was the package restored?)",
                  file=sys.stderr)
            return 1
        n = weaken(p)
        if n or not quiet:
            print(f"{p}: {'marked ' + str(n) + ' GLIBCXX requirement(s) weak' if n else 'nothing to change'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
