//! Real, small, valid media files built in code, for tests that parse what they download
//! (metadata embedding): the random-bytes bodies of `media.rs` stay for throughput and faults.
//!
//! * [`mp4`]: ISO-BMFF (ISO/IEC 14496-12) `ftyp` + `moov` + `mdat`, "fast start" (moov first,
//!   as TikTok serves them), one H.264 video track and one AAC audio track. Every box a parser
//!   checks is well formed and the sample tables (`stts`, `stsc`, `stsz`, `stco`) point exactly
//!   at the samples in `mdat`; the samples themselves are deterministic filler, not pictures.
//! * [`m4a`]: the same with only the audio track (brand `M4A `).
//! * [`fragmented_mp4`]: a fragmented MP4 (`moov` with `mvex`, then `moof` + `mdat` pairs).
//! * [`mp3`]: MPEG-1 Layer III frames, 128 kbit/s, 44.1 kHz, mono, no CRC; each frame's side
//!   information is zero (silence) and the rest is ancillary data, so the frames decode.
//! * [`png`]: a valid 8x8 RGB PNG (stored deflate blocks), usable as a cover.
//! * [`jpeg`]: a valid 8x8 grayscale baseline JPEG (one flat block), as TikTok's covers are JPEG.
//!
//! All are deterministic functions of `seed`, so a test can rebuild what the server sent.

/// One track of [`mp4`]: its handler and the sizes of its samples, stored as one chunk.
struct Track {
    video: bool,
    id: u32,
    timescale: u32,
    sample_delta: u32,
    sizes: Vec<u32>,
}

/// Samples per track in [`mp4`] and [`m4a`]: 1 s of 30 fps video and of 44.1 kHz AAC.
const VIDEO_SAMPLES: u32 = 30;
const AUDIO_SAMPLES: u32 = 43;

/// An MP4 with an H.264 video track (`width`x`height`, 1 s at 30 fps) and an AAC audio track.
pub fn mp4(seed: u64, width: u16, height: u16) -> Vec<u8> {
    let tracks = [video_track(seed), audio_track(seed, 2)];
    build(
        b"isom",
        &[*b"isom", *b"iso2", *b"avc1", *b"mp41"],
        &tracks,
        width,
        height,
        seed,
    )
}

/// An M4A: the audio track of [`mp4`] alone.
pub fn m4a(seed: u64) -> Vec<u8> {
    let tracks = [audio_track(seed, 1)];
    build(
        b"M4A ",
        &[*b"M4A ", *b"mp42", *b"isom"],
        &tracks,
        0,
        0,
        seed,
    )
}

/// A fragmented MP4 as ffmpeg's `frag_keyframe+empty_moov` lays one out (ISO/IEC 14496-12
/// §8.8): `ftyp`, a `moov` with `mvex`/`trex` and no samples, then two fragments, each a `moof`
/// whose `tfhd` carries an explicit base_data_offset (the `moof`'s own file offset) and whose
/// `trun` data_offset points into the `mdat` right after it. A tagger that moves the fragments
/// without fixing those offsets breaks the file.
pub fn fragmented_mp4(seed: u64) -> Vec<u8> {
    let ftyp = boxed(
        b"ftyp",
        &[b"isom", &512u32.to_be_bytes()[..], b"isomiso6mp41"].concat(),
    );
    let mut mvhd = full(0, 0);
    mvhd.extend(vec![0u8; 96]);
    mvhd[12..16].copy_from_slice(&1000u32.to_be_bytes()); // timescale
    mvhd[20..24].copy_from_slice(&0x0001_0000u32.to_be_bytes()); // rate 1.0
    mvhd[24..26].copy_from_slice(&0x0100u16.to_be_bytes()); // volume 1.0
    mvhd[96..100].copy_from_slice(&2u32.to_be_bytes()); // next_track_ID
    let trex = [full(0, 0), u32s(&[1, 1, 0, 0, 0])].concat();
    let moov = boxed(
        b"moov",
        &[
            boxed(b"mvhd", &mvhd),
            boxed(b"mvex", &boxed(b"trex", &trex)),
        ]
        .concat(),
    );
    let mut file = [ftyp, moov].concat();
    let mut rng = Filler(seed ^ 0x4652_4147);
    for seq in 1u32..=2 {
        let samples: Vec<u8> = (0..64).map(|_| rng.next() as u8).collect();
        let moof_at = file.len() as u64;
        let fragment = |data_offset: u32| {
            // tfhd flags 0x01: base-data-offset-present; trun 0x201: data offset + sizes.
            let tfhd = [full(0, 0x01), u32s(&[1]), moof_at.to_be_bytes().to_vec()].concat();
            let trun = [full(0, 0x201), u32s(&[2, data_offset, 32, 32])].concat();
            let traf = [boxed(b"tfhd", &tfhd), boxed(b"trun", &trun)].concat();
            let mfhd = [full(0, 0), u32s(&[seq])].concat();
            boxed(
                b"moof",
                &[boxed(b"mfhd", &mfhd), boxed(b"traf", &traf)].concat(),
            )
        };
        let moof_len = fragment(0).len() as u32;
        file.extend(fragment(moof_len + 8));
        file.extend(boxed(b"mdat", &samples));
    }
    file
}

/// The `mdat` payload of [`mp4`]/[`m4a`] (the samples, track after track), to compare hashes.
pub fn mdat_payload(file: &[u8]) -> Option<&[u8]> {
    let mut pos = 0usize;
    while pos + 8 <= file.len() {
        let size = u32::from_be_bytes(file[pos..pos + 4].try_into().ok()?) as usize;
        if size < 8 || pos + size > file.len() {
            return None;
        }
        if &file[pos + 4..pos + 8] == b"mdat" {
            return Some(&file[pos + 8..pos + size]);
        }
        pos += size;
    }
    None
}

fn video_track(seed: u64) -> Track {
    let mut rng = Filler(seed ^ 0x5649_4445_4f00);
    Track {
        video: true,
        id: 1,
        timescale: 15360,
        sample_delta: 512,
        sizes: (0..VIDEO_SAMPLES)
            .map(|i| {
                if i == 0 {
                    1800
                } else {
                    200 + rng.next() as u32 % 300
                }
            })
            .collect(),
    }
}

fn audio_track(seed: u64, id: u32) -> Track {
    let mut rng = Filler(seed ^ 0x4155_4449_4f00);
    Track {
        video: false,
        id,
        timescale: 44100,
        sample_delta: 1024,
        sizes: (0..AUDIO_SAMPLES)
            .map(|_| 150 + rng.next() as u32 % 100)
            .collect(),
    }
}

fn build(
    brand: &[u8; 4],
    compatible: &[[u8; 4]],
    tracks: &[Track],
    width: u16,
    height: u16,
    seed: u64,
) -> Vec<u8> {
    let mut ftyp = Vec::new();
    ftyp.extend_from_slice(brand);
    ftyp.extend_from_slice(&512u32.to_be_bytes());
    for c in compatible {
        ftyp.extend_from_slice(c);
    }
    let ftyp = boxed(b"ftyp", &ftyp);
    // The chunk offsets depend on moov's size, which does not depend on their values.
    let moov_len = moov(tracks, &vec![0; tracks.len()], width, height).len();
    let mut offset = (ftyp.len() + moov_len + 8) as u32;
    let mut offsets = Vec::new();
    for t in tracks {
        offsets.push(offset);
        offset += t.sizes.iter().sum::<u32>();
    }
    let moov = moov(tracks, &offsets, width, height);
    let mut payload = Vec::new();
    let mut rng = Filler(seed);
    for t in tracks {
        for &size in &t.sizes {
            payload.extend((0..size).map(|_| rng.next() as u8));
        }
    }
    [ftyp, moov, boxed(b"mdat", &payload)].concat()
}

fn moov(tracks: &[Track], offsets: &[u32], width: u16, height: u16) -> Vec<u8> {
    // Movie timescale 1000: every track lasts about 1 s.
    let mut mvhd = full(0, 0);
    mvhd.extend(u32s(&[0, 0, 1000, 1000, 0x0001_0000]));
    mvhd.extend_from_slice(&0x0100u16.to_be_bytes()); // volume 1.0
    mvhd.extend_from_slice(&[0; 10]);
    mvhd.extend(u32s(&MATRIX));
    mvhd.extend(u32s(&[0; 6]));
    mvhd.extend(u32s(&[tracks.len() as u32 + 1]));
    let mut body = boxed(b"mvhd", &mvhd);
    for (t, &offset) in tracks.iter().zip(offsets) {
        body.extend(trak(t, offset, width, height));
    }
    boxed(b"moov", &body)
}

const MATRIX: [u32; 9] = [0x0001_0000, 0, 0, 0, 0x0001_0000, 0, 0, 0, 0x4000_0000];

fn trak(t: &Track, chunk_offset: u32, width: u16, height: u16) -> Vec<u8> {
    let n = t.sizes.len() as u32;
    let media_duration = n * t.sample_delta;
    let movie_duration = (u64::from(media_duration) * 1000 / u64::from(t.timescale)) as u32;
    // tkhd flags 3: enabled, in movie.
    let mut tkhd = full(0, 3);
    tkhd.extend(u32s(&[0, 0, t.id, 0, movie_duration, 0, 0]));
    tkhd.extend_from_slice(&[0, 0, 0, 0]); // layer, alternate_group
    let volume: u16 = if t.video { 0 } else { 0x0100 };
    tkhd.extend_from_slice(&volume.to_be_bytes());
    tkhd.extend_from_slice(&[0, 0]);
    tkhd.extend(u32s(&MATRIX));
    let (w, h) = if t.video { (width, height) } else { (0, 0) };
    tkhd.extend(u32s(&[u32::from(w) << 16, u32::from(h) << 16]));

    let mut mdhd = full(0, 0);
    mdhd.extend(u32s(&[0, 0, t.timescale, media_duration]));
    mdhd.extend_from_slice(&0x55c4u16.to_be_bytes()); // "und", packed ISO-639-2
    mdhd.extend_from_slice(&[0, 0]);

    let (handler, name): (&[u8; 4], &[u8]) = if t.video {
        (b"vide", b"VideoHandler\0")
    } else {
        (b"soun", b"SoundHandler\0")
    };
    let mut hdlr = full(0, 0);
    hdlr.extend(u32s(&[0]));
    hdlr.extend_from_slice(handler);
    hdlr.extend(u32s(&[0, 0, 0]));
    hdlr.extend_from_slice(name);

    let media_header = if t.video {
        let mut vmhd = full(0, 1);
        vmhd.extend_from_slice(&[0; 8]); // graphicsmode, opcolor
        boxed(b"vmhd", &vmhd)
    } else {
        let mut smhd = full(0, 0);
        smhd.extend_from_slice(&[0; 4]); // balance, reserved
        boxed(b"smhd", &smhd)
    };
    let mut dref = full(0, 0);
    dref.extend(u32s(&[1]));
    dref.extend(boxed(b"url ", &full(0, 1))); // flag 1: media in this file
    let dinf = boxed(b"dinf", &boxed(b"dref", &dref));

    let mut stsd = full(0, 0);
    stsd.extend(u32s(&[1]));
    stsd.extend(if t.video { avc1(width, height) } else { mp4a() });
    let mut stts = full(0, 0);
    stts.extend(u32s(&[1, n, t.sample_delta]));
    let mut stsc = full(0, 0);
    stsc.extend(u32s(&[1, 1, n, 1]));
    let mut stsz = full(0, 0);
    stsz.extend(u32s(&[0, n]));
    stsz.extend(u32s(&t.sizes));
    let mut stco = full(0, 0);
    stco.extend(u32s(&[1, chunk_offset]));
    let mut stbl = [
        boxed(b"stsd", &stsd),
        boxed(b"stts", &stts),
        boxed(b"stsc", &stsc),
        boxed(b"stsz", &stsz),
        boxed(b"stco", &stco),
    ]
    .concat();
    if t.video {
        let mut stss = full(0, 0);
        stss.extend(u32s(&[1, 1])); // the first sample is the only key frame
        stbl.extend(boxed(b"stss", &stss));
    }
    let minf = boxed(
        b"minf",
        &[media_header, dinf, boxed(b"stbl", &stbl)].concat(),
    );
    let mdia = boxed(
        b"mdia",
        &[boxed(b"mdhd", &mdhd), boxed(b"hdlr", &hdlr), minf].concat(),
    );
    boxed(b"trak", &[boxed(b"tkhd", &tkhd), mdia].concat())
}

/// A visual sample entry (14496-12 12.1.3) with an `avcC` (14496-15): High profile 4.0,
/// one SPS and one PPS.
fn avc1(width: u16, height: u16) -> Vec<u8> {
    let mut e = vec![0; 6];
    e.extend_from_slice(&1u16.to_be_bytes()); // data_reference_index
    e.extend_from_slice(&[0; 16]); // pre_defined, reserved
    e.extend_from_slice(&width.to_be_bytes());
    e.extend_from_slice(&height.to_be_bytes());
    e.extend(u32s(&[0x0048_0000, 0x0048_0000, 0])); // 72 dpi, reserved
    e.extend_from_slice(&1u16.to_be_bytes()); // frame_count
    e.extend_from_slice(&[0; 32]); // compressorname
    e.extend_from_slice(&0x0018u16.to_be_bytes()); // depth
    e.extend_from_slice(&(-1i16).to_be_bytes());
    let sps = [
        0x67, 0x64, 0x00, 0x28, 0xac, 0xd9, 0x40, 0x44, 0x02, 0x27, 0xe5, 0x84,
    ];
    let pps = [0x68, 0xeb, 0xe3, 0xcb, 0x22, 0xc0];
    let mut avcc = vec![1, sps[1], sps[2], sps[3], 0xff, 0xe1];
    avcc.extend_from_slice(&(sps.len() as u16).to_be_bytes());
    avcc.extend_from_slice(&sps);
    avcc.push(1);
    avcc.extend_from_slice(&(pps.len() as u16).to_be_bytes());
    avcc.extend_from_slice(&pps);
    e.extend(boxed(b"avcC", &avcc));
    boxed(b"avc1", &e)
}

/// An audio sample entry with an `esds` (14496-1 descriptors): AAC-LC, 44.1 kHz, mono.
fn mp4a() -> Vec<u8> {
    let mut e = vec![0; 6];
    e.extend_from_slice(&1u16.to_be_bytes());
    e.extend_from_slice(&[0; 8]);
    e.extend_from_slice(&1u16.to_be_bytes()); // channelcount
    e.extend_from_slice(&16u16.to_be_bytes()); // samplesize
    e.extend_from_slice(&[0; 4]);
    e.extend(u32s(&[44100 << 16]));
    // AudioSpecificConfig: object type 2 (LC), frequency index 4 (44100), 1 channel.
    let asc = [0x12, 0x08];
    let mut dec_config = vec![0x40, 0x15, 0, 0, 0];
    dec_config.extend(u32s(&[128_000, 128_000]));
    dec_config.extend(descriptor(0x05, &asc));
    let mut es = vec![0, 1, 0]; // ES_ID 1, no flags
    es.extend(descriptor(0x04, &dec_config));
    es.extend(descriptor(0x06, &[0x02])); // SLConfig: predefined MP4
    let mut esds = full(0, 0);
    esds.extend(descriptor(0x03, &es));
    e.extend(boxed(b"esds", &esds));
    boxed(b"mp4a", &e)
}

fn descriptor(tag: u8, body: &[u8]) -> Vec<u8> {
    let mut d = vec![tag, body.len() as u8];
    d.extend_from_slice(body);
    d
}

fn boxed(kind: &[u8; 4], body: &[u8]) -> Vec<u8> {
    let mut b = ((body.len() + 8) as u32).to_be_bytes().to_vec();
    b.extend_from_slice(kind);
    b.extend_from_slice(body);
    b
}

/// A full box's version and flags.
fn full(version: u8, flags: u32) -> Vec<u8> {
    let mut b = flags.to_be_bytes();
    b[0] = version;
    b.to_vec()
}

fn u32s(values: &[u32]) -> Vec<u8> {
    values.iter().flat_map(|v| v.to_be_bytes()).collect()
}

/// MPEG-1 Layer III header: sync, MPEG-1, layer III, no CRC (0xFFFB); 128 kbit/s, 44.1 kHz,
/// no padding (0x90); mono, original (0xC4).
pub const MP3_FRAME_HEADER: [u8; 4] = [0xff, 0xfb, 0x90, 0xc4];
/// 144 * 128000 / 44100, rounded down (no padding bit).
pub const MP3_FRAME_LEN: usize = 417;
/// Side information of a mono MPEG-1 frame.
const MP3_SIDE_INFO_LEN: usize = 17;

/// `frames` MPEG-1 Layer III frames (26 ms each), no tags.
pub fn mp3(seed: u64, frames: usize) -> Vec<u8> {
    let mut rng = Filler(seed);
    let mut out = Vec::with_capacity(frames * MP3_FRAME_LEN);
    for _ in 0..frames {
        out.extend_from_slice(&MP3_FRAME_HEADER);
        // Zero side information: part2_3_length 0, so the frame is silence and every byte
        // after it is ancillary data, which decoders skip.
        out.extend_from_slice(&[0; MP3_SIDE_INFO_LEN]);
        let rest = MP3_FRAME_LEN - 4 - MP3_SIDE_INFO_LEN;
        out.extend((0..rest).map(|_| rng.next() as u8));
    }
    out
}

/// An 8x8 RGB PNG (ISO/IEC 15948) whose colours depend on `seed`.
pub fn png(seed: u64) -> Vec<u8> {
    const SIDE: u32 = 8;
    let mut rng = Filler(seed);
    let mut raw = Vec::new();
    for _ in 0..SIDE {
        raw.push(0); // filter: none
        raw.extend((0..SIDE * 3).map(|_| rng.next() as u8));
    }
    // zlib: one stored (uncompressed) deflate block, then Adler-32.
    let mut zlib = vec![0x78, 0x01, 0x01];
    zlib.extend_from_slice(&(raw.len() as u16).to_le_bytes());
    zlib.extend_from_slice(&(!(raw.len() as u16)).to_le_bytes());
    zlib.extend_from_slice(&raw);
    zlib.extend_from_slice(&adler32(&raw).to_be_bytes());
    let mut ihdr = u32s(&[SIDE, SIDE]);
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]); // 8-bit RGB, deflate, adaptive, no interlace
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    for (kind, data) in [(b"IHDR", ihdr), (b"IDAT", zlib), (b"IEND", Vec::new())] {
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let mut crc_input = kind.to_vec();
        crc_input.extend_from_slice(&data);
        out.extend_from_slice(&crc_input);
        out.extend_from_slice(&crc32(&crc_input).to_be_bytes());
    }
    out
}

/// An 8x8 grayscale baseline JPEG (ITU T.81, JFIF 1.01) of one flat grey that depends on `seed`.
///
/// One block, DC only: each Huffman table has a single 1-bit code (`0`): the DC table's stands
/// for magnitude category 8, the AC table's for end-of-block. The scan is that code, the 8-bit
/// DC value (128..=255, so a grey of 144..=160 after the inverse DCT with all-ones
/// quantization), the end-of-block code, and `1` bits padding the last byte (T.81 F.1.2.3). No
/// scan byte can be 0xFF (each starts with a `0` bit), so no byte stuffing is needed.
/// libjpeg-turbo's `djpeg` decodes it without a warning (checked when this was written).
pub fn jpeg(seed: u64) -> Vec<u8> {
    let segment = |marker: u8, body: &[u8]| {
        let mut s = vec![0xff, marker];
        s.extend_from_slice(&((body.len() + 2) as u16).to_be_bytes());
        s.extend_from_slice(body);
        s
    };
    let huffman = |class_and_id: u8, symbol: u8| {
        let mut t = vec![class_and_id, 1]; // one code of length 1 ...
        t.extend_from_slice(&[0; 15]); // ... none longer
        t.push(symbol);
        t
    };
    let dc = 128 + (Filler(seed).next() % 128) as u8;
    let scan = [dc >> 1, ((dc & 1) << 7) | 0b0011_1111];
    [
        vec![0xff, 0xd8], // SOI
        segment(0xe0, b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0"),
        segment(0xdb, &[[0u8].as_slice(), &[1; 64]].concat()), // table 0, all ones
        // 8 bits, 8x8, one component (id 1, 1x1 sampling, table 0).
        segment(0xc0, &[8, 0, 8, 0, 8, 1, 1, 0x11, 0]),
        segment(0xc4, &huffman(0x00, 8)),
        segment(0xc4, &huffman(0x10, 0x00)),
        // Component 1 with tables 0/0; spectral selection 0..=63, no approximation.
        segment(0xda, &[1, 1, 0x00, 0, 63, 0]),
        scan.to_vec(),
        vec![0xff, 0xd9], // EOI
    ]
    .concat()
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xedb8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

fn adler32(data: &[u8]) -> u32 {
    let (mut a, mut b) = (1u32, 0u32);
    for &x in data {
        a = (a + u32::from(x)) % 65521;
        b = (b + a) % 65521;
    }
    (b << 16) | a
}

/// xorshift64*: deterministic filler bytes.
struct Filler(u64);

impl Filler {
    fn next(&mut self) -> u64 {
        let mut x = self.0 | 1;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn png_checksums_match_known_values() {
        assert_eq!(crc32(b"IEND"), 0xae42_6082);
        assert_eq!(adler32(b"Wikipedia"), 0x11e6_0398);
        assert!(png(1).starts_with(b"\x89PNG\r\n\x1a\n"));
    }

    #[test]
    fn mp4_chunk_offsets_point_into_mdat() {
        let file = mp4(7, 576, 1024);
        let payload = mdat_payload(&file).unwrap();
        let start = file.len() - payload.len();
        let stco = file.windows(4).position(|w| w == b"stco").unwrap();
        let first = u32::from_be_bytes(file[stco + 12..stco + 16].try_into().unwrap());
        assert_eq!(first as usize, start);
    }

    #[test]
    fn mp3_is_whole_frames() {
        let file = mp3(3, 10);
        assert_eq!(file.len(), 10 * MP3_FRAME_LEN);
        assert!(
            file.chunks(MP3_FRAME_LEN)
                .all(|f| f.starts_with(&MP3_FRAME_HEADER))
        );
    }
    #[test]
    fn jpeg_segments_are_well_formed() {
        let j = jpeg(5);
        assert!(j.starts_with(&[0xff, 0xd8, 0xff, 0xe0]) && j.ends_with(&[0xff, 0xd9]));
        // Walk the marker segments up to SOS; their lengths must land on the next marker.
        let mut pos = 2;
        let mut markers = Vec::new();
        loop {
            assert_eq!(j[pos], 0xff, "marker at {pos}");
            let m = j[pos + 1];
            markers.push(m);
            let len = u16::from_be_bytes([j[pos + 2], j[pos + 3]]) as usize;
            pos += 2 + len;
            if m == 0xda {
                break;
            }
        }
        assert_eq!(markers, [0xe0, 0xdb, 0xc0, 0xc4, 0xc4, 0xda]);
        assert_eq!(j.len() - pos, 2 + 2, "two scan bytes, then EOI");
        assert_ne!(jpeg(5), jpeg(6));
    }
}
