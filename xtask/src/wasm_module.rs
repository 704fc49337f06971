//! Just enough of the wasm binary format to walk a module's sections, count its
//! imported functions and find its function bodies, and to write a custom section.

use anyhow::{bail, Context};

const HEADER: usize = 8;
pub const CUSTOM: u8 = 0;
const IMPORT: u8 = 2;
const CODE: u8 = 10;

pub struct Section<'a> {
    pub id: u8,
    /// The whole section, id and size included.
    pub bytes: &'a [u8],
    /// What follows the size.
    pub body: &'a [u8],
}

impl Section<'_> {
    pub fn is_name_section(&self) -> bool {
        self.id == CUSTOM && Reader::new(self.body).name().is_ok_and(|name| name == b"name")
    }
}

pub struct Module<'a> {
    /// The magic number and version.
    header: &'a [u8],
    pub sections: Vec<Section<'a>>,
    pub imported_functions: u32,
    /// Each defined function's body, in index order after the imported ones.
    pub bodies: Vec<&'a [u8]>,
}

impl<'a> Module<'a> {
    pub fn read(wasm: &'a [u8]) -> anyhow::Result<Self> {
        if wasm.get(..4) != Some(b"\0asm") {
            bail!("not a wasm module");
        }
        let mut reader = Reader::new(wasm.get(HEADER..).context("truncated wasm module")?);
        let mut module = Module { header: &wasm[..HEADER], sections: Vec::new(), imported_functions: 0, bodies: Vec::new() };
        while !reader.is_empty() {
            let start = reader.at;
            let id = reader.byte()?;
            let body = reader.bytes_with_length()?;
            let section = Section { id, bytes: &reader.all[start..reader.at], body };
            match id {
                IMPORT => module.imported_functions = imported_functions(body)?,
                CODE => module.bodies = function_bodies(body)?,
                _ => {}
            }
            module.sections.push(section);
        }
        Ok(module)
    }

    /// The module's bytes with only the sections `keep` accepts, in their order.
    pub fn with_sections(&self, keep: impl Fn(&Section) -> bool) -> Vec<u8> {
        let mut out = self.header.to_vec();
        for section in self.sections.iter().filter(|section| keep(section)) {
            out.extend_from_slice(section.bytes);
        }
        out
    }
}

fn imported_functions(section: &[u8]) -> anyhow::Result<u32> {
    let mut reader = Reader::new(section);
    let mut functions = 0;
    for _ in 0..reader.u32()? {
        reader.name()?;
        reader.name()?;
        match reader.byte()? {
            0 => {
                reader.u32()?;
                functions += 1;
            }
            1 => {
                reader.byte()?;
                reader.limits()?;
            }
            2 => reader.limits()?,
            3 => {
                reader.byte()?;
                reader.byte()?;
            }
            kind => bail!("unknown import kind {kind}"),
        }
    }
    Ok(functions)
}

fn function_bodies(section: &[u8]) -> anyhow::Result<Vec<&[u8]>> {
    let mut reader = Reader::new(section);
    (0..reader.u32()?).map(|_| reader.bytes_with_length()).collect()
}

pub fn write_u32(out: &mut Vec<u8>, mut value: u32) {
    loop {
        let byte = (value & 0x7f) as u8;
        value >>= 7;
        if value == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

pub fn write_bytes(out: &mut Vec<u8>, bytes: &[u8]) {
    write_u32(out, bytes.len() as u32);
    out.extend_from_slice(bytes);
}

/// Reads the few encodings the import and code sections need.
pub struct Reader<'a> {
    all: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    pub fn new(all: &'a [u8]) -> Self {
        Reader { all, at: 0 }
    }

    pub fn is_empty(&self) -> bool {
        self.at >= self.all.len()
    }

    pub fn byte(&mut self) -> anyhow::Result<u8> {
        let byte = *self.all.get(self.at).context("truncated wasm module")?;
        self.at += 1;
        Ok(byte)
    }

    pub fn u32(&mut self) -> anyhow::Result<u32> {
        let mut value = 0u32;
        for shift in (0..35).step_by(7) {
            let byte = self.byte()?;
            value |= u32::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Ok(value);
            }
        }
        bail!("malformed number in wasm module")
    }

    pub fn bytes_with_length(&mut self) -> anyhow::Result<&'a [u8]> {
        let length = self.u32()? as usize;
        let bytes = self.all.get(self.at..self.at + length).context("truncated wasm module")?;
        self.at += length;
        Ok(bytes)
    }

    pub fn name(&mut self) -> anyhow::Result<&'a [u8]> {
        self.bytes_with_length()
    }

    /// Table and memory limits: a flags byte, a minimum, and a maximum if flagged.
    fn limits(&mut self) -> anyhow::Result<()> {
        let flags = self.byte()?;
        self.u32()?;
        if flags & 1 == 1 {
            self.u32()?;
        }
        Ok(())
    }
}
