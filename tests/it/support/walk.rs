//! Readers for tagged files that share no code with lofty (which writes the tags): an ISO-BMFF
//! box walker for MP4 / M4A and an ID3v2.4 frame walker for MP3. Used by the `tags` tests, on
//! the library's output and on the binary's.

use std::collections::BTreeMap;

// ---- ISO-BMFF walker ----
/// The boxes directly inside `file[start..end]`: (type, payload start, end).
pub fn boxes(file: &[u8], start: usize, end: usize) -> Vec<([u8; 4], usize, usize)> {
    let mut out = Vec::new();
    let mut pos = start;
    while pos < end {
        let size32 = u32::from_be_bytes(file[pos..pos + 4].try_into().unwrap()) as usize;
        let kind: [u8; 4] = file[pos + 4..pos + 8].try_into().unwrap();
        let (size, header) = match size32 {
            0 => (end - pos, 8),
            1 => (
                u64::from_be_bytes(file[pos + 8..pos + 16].try_into().unwrap()) as usize,
                16,
            ),
            n => (n, 8),
        };
        assert!(size >= header && pos + size <= end, "box {kind:?} overruns");
        out.push((kind, pos + header, pos + size));
        pos += size;
    }
    assert_eq!(pos, end, "boxes do not fill their parent exactly");
    out
}

pub fn child(file: &[u8], range: (usize, usize), kind: &[u8; 4]) -> Option<(usize, usize)> {
    boxes(file, range.0, range.1)
        .into_iter()
        .find(|b| &b.0 == kind)
        .map(|b| (b.1, b.2))
}

pub fn path(file: &[u8], kinds: &[&[u8; 4]]) -> Option<(usize, usize)> {
    let mut range = (0, file.len());
    for k in kinds {
        range = child(file, range, k)?;
        if *k == b"meta" {
            range.0 += 4; // a full box: version and flags before its children
        }
    }
    Some(range)
}

/// `ilst` items: fourcc -> every `data` value as (type indicator, bytes).
pub fn ilst_items(file: &[u8]) -> BTreeMap<[u8; 4], Vec<(u32, Vec<u8>)>> {
    let ilst = path(file, &[b"moov", b"udta", b"meta", b"ilst"]).expect("moov.udta.meta.ilst");
    let mut items = BTreeMap::new();
    for (kind, s, e) in boxes(file, ilst.0, ilst.1) {
        let values = boxes(file, s, e)
            .into_iter()
            .filter(|b| &b.0 == b"data")
            .map(|(_, ds, de)| {
                let ty = u32::from_be_bytes(file[ds..ds + 4].try_into().unwrap()) & 0x00ff_ffff;
                (ty, file[ds + 8..de].to_vec()) // type indicator, locale, value
            })
            .collect();
        items.insert(kind, values);
    }
    items
}

pub fn utf8_item(items: &BTreeMap<[u8; 4], Vec<(u32, Vec<u8>)>>, kind: &[u8; 4]) -> Option<String> {
    let values = items.get(kind)?;
    assert_eq!(values.len(), 1, "{kind:?} has one value");
    assert_eq!(values[0].0, 1, "{kind:?} is UTF-8 (type 1)");
    Some(String::from_utf8(values[0].1.clone()).unwrap())
}

/// Every chunk offset (`stco`) of every track, in track order.
pub fn chunk_offsets(file: &[u8]) -> Vec<u64> {
    let moov = path(file, &[b"moov"]).unwrap();
    let mut out = Vec::new();
    for (kind, s, e) in boxes(file, moov.0, moov.1) {
        if &kind != b"trak" {
            continue;
        }
        let stbl = [b"mdia", b"minf", b"stbl"]
            .iter()
            .try_fold((s, e), |r, k| child(file, r, k))
            .unwrap();
        let (cs, _) = child(file, stbl, b"stco").expect("stco");
        let n = u32::from_be_bytes(file[cs + 4..cs + 8].try_into().unwrap()) as usize;
        for i in 0..n {
            let at = cs + 8 + 4 * i;
            out.push(u64::from(u32::from_be_bytes(
                file[at..at + 4].try_into().unwrap(),
            )));
        }
    }
    out
}

pub fn mdat(file: &[u8]) -> (usize, usize) {
    path(file, &[b"mdat"]).expect("mdat")
}

// ---- ID3v2.4 walker ----
pub fn synchsafe(b: &[u8]) -> usize {
    b.iter().fold(0, |acc, &x| {
        assert!(x < 0x80, "not synchsafe");
        (acc << 7) | usize::from(x)
    })
}

/// (tag length including header, frames as (id, body)).
pub fn id3_frames(file: &[u8]) -> (usize, Vec<(String, Vec<u8>)>) {
    assert_eq!(&file[..3], b"ID3");
    assert_eq!(file[3], 4, "ID3v2.4");
    let flags = file[5];
    assert_eq!(flags & 0x80, 0, "no unsynchronisation");
    let size = synchsafe(&file[6..10]);
    let footer = if flags & 0x10 != 0 { 10 } else { 0 };
    let mut pos = 10;
    if flags & 0x40 != 0 {
        pos += synchsafe(&file[10..14]); // extended header
    }
    let end = 10 + size;
    let mut frames = Vec::new();
    while pos + 10 <= end && file[pos] != 0 {
        let id = String::from_utf8(file[pos..pos + 4].to_vec()).unwrap();
        let len = synchsafe(&file[pos + 4..pos + 8]);
        assert_eq!(
            file[pos + 9],
            0,
            "{id}: no compression, unsync or length indicator"
        );
        frames.push((id, file[pos + 10..pos + 10 + len].to_vec()));
        pos += 10 + len;
    }
    (end + footer, frames)
}

/// A UTF-8 (encoding 3) text frame's single value.
pub fn id3_text(body: &[u8]) -> String {
    assert_eq!(body[0], 3, "UTF-8");
    String::from_utf8(body[1..].to_vec())
        .unwrap()
        .trim_end_matches('\0')
        .to_owned()
}

/// Splits at the first NUL: (before, after).
pub fn cut_nul(b: &[u8]) -> (&[u8], &[u8]) {
    let i = b.iter().position(|&x| x == 0).expect("NUL");
    (&b[..i], &b[i + 1..])
}
