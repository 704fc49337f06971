//! An order of a module's functions that compresses well.
//!
//! gzip finds repeats only within the last 32 KB, and the compiler lays functions
//! out in no order useful to it: the many copies of one generic function, or of one
//! view built for different types, end up far apart. Chaining each function to the
//! one most like it puts them side by side, which makes the console's module about
//! 5 KB smaller gzipped (and each other bundle in proportion).
//!
//! The order is handed to `wasm-opt` as function names (a `name` section whose names
//! sort in the order wanted) for its `--reorder-functions-by-name` pass, which
//! renumbers every call and table entry; the names are not written out.

use std::collections::HashMap;

use crate::wasm_module::{write_bytes, write_u32, Module, CUSTOM};

/// `wasm` with a `name` section that names its functions so that, sorted by name,
/// similar functions are neighbours. Any name section it had is dropped.
pub fn with_names_in_similarity_order(wasm: &[u8]) -> anyhow::Result<Vec<u8>> {
    let module = Module::read(wasm)?;
    let order = similarity_order(&module.bodies);
    let mut out = module.with_sections(|section| !section.is_name_section());
    out.extend(name_section(module.imported_functions, &order));
    Ok(out)
}

/// Shingles shared by more functions than this say nothing about likeness (the
/// prologue every function has, common opcode pairs) and only cost time.
const COMMON_SHINGLE: usize = 200;

/// The bodies' indices, each followed by the unplaced one sharing most 4-byte
/// shingles with it; where none shares any, the next in byte order. Ties go to the
/// earlier in byte order, so the order is the same on every build.
fn similarity_order(bodies: &[&[u8]]) -> Vec<usize> {
    let shingles: Vec<Vec<u32>> = bodies.iter().map(|body| shingles_of(body)).collect();
    let mut holders: HashMap<u32, Vec<usize>> = HashMap::new();
    for (function, set) in shingles.iter().enumerate() {
        for &shingle in set {
            holders.entry(shingle).or_default().push(function);
        }
    }
    holders.retain(|_, functions| functions.len() <= COMMON_SHINGLE);
    let mut by_bytes: Vec<usize> = (0..bodies.len()).collect();
    by_bytes.sort_by_key(|&function| bodies[function]);
    let mut rank = vec![0; bodies.len()];
    for (position, &function) in by_bytes.iter().enumerate() {
        rank[function] = position;
    }
    let mut placed = vec![false; bodies.len()];
    let mut shared = vec![0u32; bodies.len()];
    let mut touched = Vec::new();
    let mut next_by_bytes = 0;
    let mut order = Vec::with_capacity(bodies.len());
    let mut current = by_bytes.first().copied();
    while let Some(function) = current {
        placed[function] = true;
        order.push(function);
        for shingle in &shingles[function] {
            for &other in holders.get(shingle).into_iter().flatten() {
                if !placed[other] {
                    if shared[other] == 0 {
                        touched.push(other);
                    }
                    shared[other] += 1;
                }
            }
        }
        current = touched.iter().copied().max_by_key(|&other| (shared[other], std::cmp::Reverse(rank[other])));
        for other in touched.drain(..) {
            shared[other] = 0;
        }
        if current.is_none() {
            while next_by_bytes < by_bytes.len() && placed[by_bytes[next_by_bytes]] {
                next_by_bytes += 1;
            }
            current = by_bytes.get(next_by_bytes).copied();
        }
    }
    order
}

/// The distinct 4-byte windows of `body`.
fn shingles_of(body: &[u8]) -> Vec<u32> {
    let mut set: Vec<u32> = body.windows(4).map(|w| u32::from_le_bytes([w[0], w[1], w[2], w[3]])).collect();
    set.sort_unstable();
    set.dedup();
    set
}

/// A `name` section naming the defined function placed `n`th in `order` with `n`
/// in fixed-width digits, so names sort as the order goes.
fn name_section(imported_functions: u32, order: &[usize]) -> Vec<u8> {
    let width = order.len().to_string().len();
    let mut names: Vec<(u32, String)> =
        order.iter().enumerate().map(|(position, &function)| (imported_functions + function as u32, format!("{position:0width$}"))).collect();
    names.sort_unstable();
    let mut function_names = Vec::new();
    write_u32(&mut function_names, names.len() as u32);
    for (index, name) in &names {
        write_u32(&mut function_names, *index);
        write_bytes(&mut function_names, name.as_bytes());
    }
    const FUNCTION_NAMES: u8 = 1;
    let mut body = Vec::new();
    write_bytes(&mut body, b"name");
    body.push(FUNCTION_NAMES);
    write_bytes(&mut body, &function_names);
    let mut section = vec![CUSTOM];
    write_bytes(&mut section, &body);
    section
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wasm_module::Reader;

    #[test]
    fn like_functions_end_up_side_by_side() {
        let a: &[u8] = &[1, 2, 3, 4, 5, 6, 7, 8];
        let b: &[u8] = &[9, 9, 9, 9, 9, 9, 9, 9];
        let a2: &[u8] = &[0, 2, 3, 4, 5, 6, 7, 8];
        let b2: &[u8] = &[8, 9, 9, 9, 9, 9, 9, 9];
        let order = similarity_order(&[a, b, a2, b2]);
        let place = |f: usize| order.iter().position(|&x| x == f).unwrap();
        assert_eq!(place(0).abs_diff(place(2)), 1, "{order:?}");
        assert_eq!(place(1).abs_diff(place(3)), 1, "{order:?}");
        assert_eq!(order.len(), 4);
    }

    #[test]
    fn names_sort_in_the_order_and_skip_imported_functions() {
        let order: Vec<usize> = (0..12).rev().collect();
        let section = name_section(3, &order);
        let mut reader = Reader::new(&section[1..]);
        let body = reader.bytes_with_length().unwrap();
        let mut reader = Reader::new(body);
        assert_eq!(reader.name().unwrap(), b"name");
        assert_eq!(reader.byte().unwrap(), 1);
        let mut names = Reader::new(reader.bytes_with_length().unwrap());
        assert_eq!(names.u32().unwrap(), 12);
        let first = (names.u32().unwrap(), names.name().unwrap().to_vec());
        assert_eq!(first, (3, b"11".to_vec()), "function 0 is placed last, and names are two digits wide");
    }

    #[test]
    fn a_module_keeps_its_sections_and_gains_the_names() {
        // One imported function, two defined ones, and an old name section.
        let mut wasm = b"\0asm\x01\0\0\0".to_vec();
        wasm.extend([1, 4, 1, 0x60, 0, 0]); // type section: () -> ()
        wasm.extend([2, 7, 1, 1, b'm', 1, b'f', 0, 0]); // import m.f
        wasm.extend([3, 3, 2, 0, 0]); // two functions of type 0
        wasm.extend([10, 7, 2, 2, 0, 0x0b, 2, 0, 0x0b]); // two empty bodies
        wasm.extend([0, 5, 4, b'n', b'a', b'm', b'e']); // an empty old name section
        let out = with_names_in_similarity_order(&wasm).unwrap();
        let module = Module::read(&out).unwrap();
        assert_eq!(module.imported_functions, 1);
        assert_eq!(module.bodies.len(), 2);
        let ids: Vec<u8> = module.sections.iter().map(|s| s.id).collect();
        assert_eq!(ids, [1, 2, 3, 10, 0]);
        assert!(module.sections[4].is_name_section());
        assert!(module.sections[4].body.len() > 5, "the new name section names functions");
    }
}
