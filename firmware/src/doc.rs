//! The ABI as Markdown tables, printed from the definitions themselves
//! (`slotproof abi --markdown`), so the documentation cannot drift from the code.

use core::fmt::{self, Write};

use crate::command::{Field, Flags, Opcode, header, shape, slice};
use crate::error::CardError;
use crate::{memory_map, regs};

/// Writes the whole ABI: registers and their fields, the descriptor, opcodes, flags, fields,
/// memory map and error codes.
pub fn write_markdown(out: &mut impl Write) -> fmt::Result {
    writeln!(out, "# slotproof card ABI {}", crate::ABI_VERSION)?;
    writeln!(out)?;
    writeln!(out, "Card ID `{:#010x}` (\"SLPF\"). Generated from the `slotproof-firmware` crate.", crate::CARD_ID)?;
    writeln!(out)?;
    writeln!(out, "## Registers (user BAR, 32-bit)")?;
    writeln!(out)?;
    writeln!(out, "| offset | name | access | reset | description |")?;
    writeln!(out, "|---|---|---|---|---|")?;
    for r in regs::ALL {
        let name = Cell(r);
        writeln!(
            out,
            "| `{:#05x}` | {} | {} | `{:#x}` | {} |",
            r.offset,
            name,
            r.access.short(),
            r.reset,
            Plain(r.doc)
        )?;
    }
    for r in regs::ALL.iter().filter(|r| !r.fields.is_empty()) {
        writeln!(out)?;
        writeln!(out, "### {} fields", r.name)?;
        writeln!(out)?;
        fields(out, r.fields)?;
    }
    writeln!(out)?;
    writeln!(out, "## Command descriptor ({} words at `CMD`)", crate::command::WORDS)?;
    writeln!(out)?;
    writeln!(out, "| word | contents |")?;
    writeln!(out, "|---|---|")?;
    for (word, what) in [
        ("0", "header: see fields below"),
        ("1", "sequence number, echoed in `COMPLETED_SEQ`"),
        ("2, 3", "`SRC` card address, low and high half"),
        ("4, 5", "`DST` card address"),
        ("6, 7", "`AUX` card address (sponge states, tree)"),
        ("8", "shape: see fields below"),
        ("9", "`SRC_CRC`: checksum of the input payload (checked with `CHECK_SRC`)"),
        ("10", "`COUNT`: per opcode"),
        ("11", "`SRC_LEN`: bytes of input at `SRC`"),
        ("12–15", "reserved, zero"),
    ] {
        writeln!(out, "| {word} | {what} |")?;
    }
    writeln!(out)?;
    writeln!(out, "### Word 0 fields")?;
    writeln!(out)?;
    fields(out, &[header::OPCODE, header::FIELD, header::FLAGS])?;
    writeln!(out)?;
    writeln!(out, "### Word 8 fields")?;
    writeln!(out)?;
    fields(out, &[shape::LOG_ROWS, shape::LOG_BLOWUP, shape::COLS])?;
    writeln!(out)?;
    writeln!(out, "### Word 10 fields for COMMIT_BATCH")?;
    writeln!(out)?;
    fields(out, &[slice::SLICE, slice::LOG_SLICES])?;
    writeln!(out)?;
    writeln!(out, "## Opcodes")?;
    writeln!(out)?;
    writeln!(out, "| code | name | operands | what it does |")?;
    writeln!(out, "|---|---|---|---|")?;
    for &op in Opcode::ALL {
        writeln!(out, "| `{:#04x}` | {} | {} | {} |", op as u8, op.mnemonic(), op.operands(), Plain(op.doc()))?;
    }
    writeln!(out)?;
    writeln!(out, "## Flags (word 0, `FLAGS`)")?;
    writeln!(out)?;
    writeln!(out, "| bit | name | meaning |")?;
    writeln!(out, "|---|---|---|")?;
    for &(name, flag, doc) in Flags::TABLE {
        writeln!(out, "| {} | {name} | {doc} |", flag.0.trailing_zeros())?;
    }
    writeln!(out)?;
    writeln!(out, "## Fields (word 0, `FIELD`)")?;
    writeln!(out)?;
    writeln!(out, "| code | field | element bytes | Poseidon2 width | rate | digest |")?;
    writeln!(out, "|---|---|---|---|---|---|")?;
    for &f in Field::ALL {
        writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} |",
            f as u8,
            f.name(),
            f.elem_bytes(),
            f.width(),
            f.rate(),
            f.digest()
        )?;
    }
    writeln!(out)?;
    writeln!(out, "## Card memory map")?;
    writeln!(out)?;
    writeln!(out, "| base | size (MiB) | bank | region | holds |")?;
    writeln!(out, "|---|---|---|---|---|")?;
    for r in memory_map::ALL.iter().chain(memory_map::MSM) {
        writeln!(out, "| `{:#011x}` | {} | {} | {} | {} |", r.base, r.size >> 20, r.bank, r.name, Plain(r.doc))?;
    }
    writeln!(out)?;
    writeln!(out, "## MSM extension (cards with `CAPS.MSM_*`)")?;
    writeln!(out)?;
    writeln!(out, "FIELD names the curve; word 8 holds `WINDOW_BITS[7:0]`; DST holds the buckets of every window,")?;
    writeln!(out, "then every window's exception list (see `slotproof_firmware::msm`).")?;
    writeln!(out)?;
    writeln!(out, "| code | name | operands | what it does |")?;
    writeln!(out, "|---|---|---|---|")?;
    for &op in crate::msm::MsmOpcode::ALL {
        writeln!(out, "| `{:#04x}` | {} | {} | {} |", op as u8, op.mnemonic(), op.operands(), Plain(op.doc()))?;
    }
    writeln!(out)?;
    writeln!(out, "| code | curve | base-field bytes | point bytes | bucket bytes | scalar bits |")?;
    writeln!(out, "|---|---|---|---|---|---|")?;
    for &c in crate::msm::Curve::ALL {
        let (b, p, k, s) = (c.base_bytes(), c.point_bytes(), c.bucket_bytes(), c.scalar_bits());
        writeln!(out, "| {} | {} | {b} | {p} | {k} | {s} |", c as u8, c.name())?;
    }
    writeln!(out)?;
    writeln!(out, "## Error codes (`ERROR_CODE.CODE`)")?;
    writeln!(out)?;
    writeln!(out, "| code | name | meaning |")?;
    writeln!(out, "|---|---|---|")?;
    writeln!(out, "| 0 | NONE | no error |")?;
    for &e in CardError::ALL {
        writeln!(out, "| {} | {} | {} |", e as u8, e.mnemonic(), Plain(e.doc()))?;
    }
    Ok(())
}

/// Rustdoc text as table text: trimmed, intra-doc links shown as plain code spans.
struct Plain<'a>(&'a str);

impl fmt::Display for Plain<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = self.0.trim();
        let bytes = text.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            let c = bytes[i];
            let link_open = c == b'[' && bytes.get(i + 1) == Some(&b'`');
            let link_close = c == b']' && i > 0 && bytes[i - 1] == b'`';
            if text[i..].starts_with("crate::") {
                i += "crate::".len();
                continue;
            }
            if !(link_open || link_close) {
                // Copy whole UTF-8 sequences: only ASCII bytes are ever dropped.
                let len = text[i..].chars().next().map_or(1, char::len_utf8);
                f.write_str(&text[i..i + len])?;
                i += len;
                continue;
            }
            i += 1;
        }
        Ok(())
    }
}

/// A register's name, with its index range for arrays.
struct Cell<'a>(&'a regs::Register);

impl fmt::Display for Cell<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.count > 1 { write!(f, "{}[0..{}]", self.0.name, self.0.count) } else { f.write_str(self.0.name) }
    }
}

fn fields(out: &mut impl Write, fields: &[regs::BitField]) -> fmt::Result {
    writeln!(out, "| bits | name | meaning |")?;
    writeln!(out, "|---|---|---|")?;
    for f in fields {
        if f.width == 1 {
            writeln!(out, "| {} | {} | {} |", f.lsb, f.name, Plain(f.doc))?;
        } else {
            writeln!(out, "| {}:{} | {} | {} |", f.lsb + f.width - 1, f.lsb, f.name, Plain(f.doc))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fixed-capacity writer: the crate is no_std and allocation-free.
    struct Buf {
        bytes: [u8; 32 * 1024],
        len: usize,
    }

    impl Write for Buf {
        fn write_str(&mut self, s: &str) -> fmt::Result {
            let end = self.len + s.len();
            if end > self.bytes.len() {
                return Err(fmt::Error);
            }
            self.bytes[self.len..end].copy_from_slice(s.as_bytes());
            self.len = end;
            Ok(())
        }
    }

    #[test]
    fn markdown_names_every_register_opcode_region_and_error() {
        let mut b = Buf { bytes: [0; 32 * 1024], len: 0 };
        write_markdown(&mut b).unwrap();
        let text = core::str::from_utf8(&b.bytes[..b.len]).unwrap();
        for r in regs::ALL {
            assert!(text.contains(r.name), "{}", r.name);
        }
        for op in Opcode::ALL {
            assert!(text.contains(op.mnemonic()));
        }
        for r in memory_map::ALL {
            assert!(text.contains(r.name));
        }
        for e in CardError::ALL {
            assert!(text.contains(e.mnemonic()));
        }
        assert!(text.contains("| `0x044` | STATUS | RO |"));
        assert!(!text.contains("[`"), "intra-doc links leak into the tables");
        assert!(text.contains("| `0x07c` | DOORBELL | WO | `0x0` | Write a command's sequence number here to run the descriptor in `CMD`. |"));
    }
}
