//! Reads the file a person gives as a list of links, which is untrusted and can be anything: a
//! list saved by Notepad as "Unicode" (UTF-16), a Latin-1 file from an old tool, or a photo, an
//! archive or a program picked by mistake. The window, `downpour LIST` and the CLI all read
//! lists here, so every encoding people save lists in is decoded the same way everywhere, and
//! anything that is not text is refused with one sentence before a single line is parsed —
//! binary junk never turns into thousands of host names to contact.

use std::io::Read;
use std::path::Path;

use crate::error::{ListError, describe_io};

/// The largest list read, in bytes (64 MiB, about half a million long links): a larger file is
/// not a list someone made, and reading it would only take memory.
pub const MAX_LIST_BYTES: u64 = 64 * 1024 * 1024;

/// Reads and decodes the list file at `path`; errors name the file as `path` displays.
///
/// The file's size is checked before reading, and at most [`MAX_LIST_BYTES`] + 1 bytes are ever
/// read, so a file that grows meanwhile or a device such as `/dev/zero` cannot exceed the limit.
pub fn read_list_file(path: &Path) -> Result<String, ListError> {
    let name = path.display().to_string();
    let unreadable = |err: std::io::Error| ListError::Unreadable {
        name: name.clone(),
        reason: describe_io(&err),
    };
    let file = std::fs::File::open(path).map_err(unreadable)?;
    let meta = file.metadata().map_err(unreadable)?;
    if meta.is_dir() {
        return Err(ListError::Unreadable {
            name,
            reason: "it is a folder, not a file".to_owned(),
        });
    }
    if meta.len() > MAX_LIST_BYTES {
        return Err(ListError::TooLarge {
            name,
            limit: MAX_LIST_BYTES,
        });
    }
    let bytes = read_at_most(file, &name, MAX_LIST_BYTES)?;
    decode_list(&bytes, &name)
}

/// Reads and decodes a list from `reader` (standard input, say), reading at most
/// [`MAX_LIST_BYTES`] + 1 bytes; `name` is how errors name the source, e.g. `standard input`.
pub fn read_list(reader: impl Read, name: &str) -> Result<String, ListError> {
    let bytes = read_at_most(reader, name, MAX_LIST_BYTES)?;
    decode_list(&bytes, name)
}

/// Reads all of `reader` if it holds at most `limit` bytes; never reads more than `limit` + 1.
fn read_at_most(reader: impl Read, name: &str, limit: u64) -> Result<Vec<u8>, ListError> {
    let mut bytes = Vec::new();
    reader
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|err| ListError::Unreadable {
            name: name.to_owned(),
            reason: describe_io(&err),
        })?;
    if bytes.len() as u64 > limit {
        return Err(ListError::TooLarge {
            name: name.to_owned(),
            limit,
        });
    }
    Ok(bytes)
}

/// Decodes the bytes of a list file into text, or refuses them as [`ListError::NotText`] naming
/// `name`.
///
/// Read as text: UTF-8 with or without a BOM, UTF-16 LE or BE with a BOM (Notepad's "Unicode")
/// or without one when the text is mostly ASCII, and anything else as Windows-1252 (a superset
/// of Latin-1). Refused: a file that starts with the signature of a known binary format (images,
/// archives, PDF, programs), holds a NUL byte outside UTF-16, or whose share of control
/// characters (other than tab, line breaks, form feed, escape and DOS's end-of-file mark) is
/// above 1 % plus two — real text has next to none, random bytes about one in ten. In UTF-16,
/// unpaired surrogates and private-use characters count as control characters too, since
/// random 16-bit units are one in eight of those.
pub fn decode_list(bytes: &[u8], name: &str) -> Result<String, ListError> {
    decode(bytes).ok_or_else(|| ListError::NotText {
        name: name.to_owned(),
    })
}

fn decode(bytes: &[u8]) -> Option<String> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return checked(utf8_mixed(rest), 0);
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        return utf16(rest, false);
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        return utf16(rest, true);
    }
    if has_binary_signature(bytes) {
        return None;
    }
    if let Some(big_endian) = bomless_utf16(bytes) {
        return utf16(bytes, big_endian);
    }
    if bytes.contains(&0) {
        return None;
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text.to_owned(),
        Err(_) => bytes.iter().map(|&b| windows_1252(b)).collect(),
    };
    checked(text, 0)
}

/// `text` if its share of unlikely characters (plus `extra`, found while decoding) is that of
/// text.
fn checked(text: String, extra: usize) -> Option<String> {
    let mut total = 0;
    let mut unlikely = extra;
    for c in text.chars() {
        total += 1;
        unlikely += usize::from(is_binary_control(c));
    }
    is_text_share(unlikely, total).then_some(text)
}

/// Whether `unlikely` characters among `total` still read as text: at most two, plus 1 %.
fn is_text_share(unlikely: usize, total: usize) -> bool {
    unlikely <= 2 + total / 100
}

/// A C0 control character or DEL that text files do not hold. Tab, the line breaks, vertical
/// tab and form feed are text; so are escape (terminal colours in a saved log) and Ctrl-Z (the
/// end-of-file mark of old DOS editors).
fn is_binary_control(c: char) -> bool {
    let code = u32::from(c);
    (code < 0x20 && !matches!(c, '\t' | '\n' | '\r' | '\x0B' | '\x0C' | '\x1A' | '\x1B'))
        || code == 0x7F
}

/// UTF-8 after a UTF-8 BOM: valid parts as they are, any invalid byte as Windows-1252 (a list
/// edited with two tools can mix them).
fn utf8_mixed(bytes: &[u8]) -> String {
    let mut text = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        text.push_str(chunk.valid());
        text.extend(chunk.invalid().iter().map(|&b| windows_1252(b)));
    }
    text
}

/// Decodes UTF-16 (without its BOM) if it reads as text. Unpaired surrogates, an odd last byte,
/// private-use characters and non-characters count as unlikely, besides binary controls.
fn utf16(bytes: &[u8], big_endian: bool) -> Option<String> {
    let units = bytes.chunks_exact(2).map(|pair| {
        let pair = [pair[0], pair[1]];
        if big_endian {
            u16::from_be_bytes(pair)
        } else {
            u16::from_le_bytes(pair)
        }
    });
    let mut text = String::with_capacity(bytes.len() / 2);
    let mut unlikely = bytes.len() % 2;
    let mut total = 0;
    for unit in char::decode_utf16(units) {
        total += 1;
        match unit {
            Ok(c) => {
                let private = matches!(u32::from(c), 0xE000..=0xF8FF | 0xFFFE | 0xFFFF);
                unlikely += usize::from(private || is_binary_control(c));
                text.push(c);
            }
            Err(_) => {
                unlikely += 1;
                text.push(char::REPLACEMENT_CHARACTER);
            }
        }
    }
    is_text_share(unlikely, total).then_some(text)
}

/// UTF-16 without a BOM, recognised by its NUL bytes: in mostly-ASCII text (a list of links)
/// every other byte is zero. `Some(true)` for big-endian, `Some(false)` for little-endian.
fn bomless_utf16(bytes: &[u8]) -> Option<bool> {
    if bytes.len() < 4 || bytes.len() % 2 == 1 {
        return None;
    }
    let sample = &bytes[..bytes.len().min(8192)];
    let pairs = sample.len() / 2;
    let zeros_at = |offset: usize| {
        sample
            .iter()
            .skip(offset)
            .step_by(2)
            .filter(|&&b| b == 0)
            .count()
    };
    let (even, odd) = (zeros_at(0), zeros_at(1));
    let mostly = |n: usize| n * 10 >= pairs * 7;
    let rarely = |n: usize| n * 20 <= pairs;
    if mostly(odd) && rarely(even) {
        Some(false)
    } else if mostly(even) && rarely(odd) {
        Some(true)
    } else {
        None
    }
}

/// Signatures at the start of common binary files. Most of these files also hold NUL bytes or
/// many control bytes; the signature refuses even a short one. Each holds a byte or a spelling
/// no list of links starts with.
const SIGNATURES: &[&[u8]] = &[
    b"\x89PNG\r\n\x1a\n",
    b"\xFF\xD8\xFF",
    b"GIF87a",
    b"GIF89a",
    b"%PDF-",
    b"PK\x03\x04",
    b"PK\x05\x06",
    b"PK\x07\x08",
    b"\x1F\x8B",
    b"\x1F\x9D",
    b"\xFD7zXZ\x00",
    b"7z\xBC\xAF\x27\x1C",
    b"Rar!\x1A\x07",
    b"\x28\xB5\x2F\xFD",
    b"\x04\x22\x4D\x18",
    b"\x7FELF",
    b"\xCA\xFE\xBA\xBE",
    b"\xFE\xED\xFA\xCE",
    b"\xFE\xED\xFA\xCF",
    b"\xCE\xFA\xED\xFE",
    b"\xCF\xFA\xED\xFE",
    b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1",
    b"SQLite format 3\x00",
    b"\x00asm",
    b"OggS",
    b"fLaC",
    b"ID3\x02",
    b"ID3\x03",
    b"ID3\x04",
    b"\x1A\x45\xDF\xA3",
    b"II*\x00",
    b"MM\x00*",
    b"wOFF",
    b"wOF2",
    b"!<arch>\n",
];

/// Whether `bytes` start like a known binary format (see [`SIGNATURES`]; also bzip2, RIFF
/// media and the ISO media family, whose signatures are not at a fixed prefix).
fn has_binary_signature(bytes: &[u8]) -> bool {
    let bzip2 = bytes.len() >= 10
        && bytes.starts_with(b"BZh")
        && bytes[3].is_ascii_digit()
        && bytes[4..10] == *b"1AY&SY";
    let riff = bytes.starts_with(b"RIFF")
        && bytes
            .get(8..12)
            .is_some_and(|kind| matches!(kind, b"WEBP" | b"WAVE" | b"AVI "));
    let iso_media = bytes.get(4..8) == Some(&b"ftyp"[..]);
    bzip2 || riff || iso_media || SIGNATURES.iter().any(|sig| bytes.starts_with(sig))
}

/// The character of one Windows-1252 byte. Its five unassigned bytes map to the C1 controls of
/// the same value, as browsers do.
fn windows_1252(byte: u8) -> char {
    const HIGH: [char; 32] = [
        '\u{20AC}', '\u{81}', '\u{201A}', '\u{192}', '\u{201E}', '\u{2026}', '\u{2020}',
        '\u{2021}', '\u{2C6}', '\u{2030}', '\u{160}', '\u{2039}', '\u{152}', '\u{8D}', '\u{17D}',
        '\u{8F}', '\u{90}', '\u{2018}', '\u{2019}', '\u{201C}', '\u{201D}', '\u{2022}', '\u{2013}',
        '\u{2014}', '\u{2DC}', '\u{2122}', '\u{161}', '\u{203A}', '\u{153}', '\u{9D}', '\u{17E}',
        '\u{178}',
    ];
    match byte {
        0x80..=0x9F => HIGH[usize::from(byte - 0x80)],
        _ => char::from(byte),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn decode_ok(bytes: &[u8]) -> String {
        match decode_list(bytes, "list.txt") {
            Ok(text) => text,
            Err(err) => panic!("{err}: {bytes:?}"),
        }
    }

    fn refused(bytes: &[u8]) -> bool {
        decode_list(bytes, "list.txt")
            == Err(ListError::NotText {
                name: "list.txt".into(),
            })
    }

    fn utf16(text: &str, big_endian: bool, bom: bool) -> Vec<u8> {
        let mut bytes = Vec::new();
        let units = bom.then_some(0xFEFF).into_iter().chain(text.encode_utf16());
        for unit in units {
            let pair = if big_endian {
                unit.to_be_bytes()
            } else {
                unit.to_le_bytes()
            };
            bytes.extend_from_slice(&pair);
        }
        bytes
    }

    /// Encodes `text` as Windows-1252, or `None` if a character has no byte there.
    fn cp1252(text: &str) -> Option<Vec<u8>> {
        text.chars()
            .map(|c| (0..=255u8).find(|&b| windows_1252(b) == c))
            .collect()
    }

    /// A small deterministic generator of random bytes (xorshift), for fixed samples.
    fn random_bytes(seed: u64, len: usize) -> Vec<u8> {
        let mut state = seed | 1;
        (0..len)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                (state >> 24) as u8
            })
            .collect()
    }

    const TEXT: &str = "# Téléchargements — “mes” fichiers €\nhttps://example.com/a.zip\tnotes\r\n";

    #[test]
    fn every_encoding_people_save_lists_in_is_read() {
        assert_eq!(decode_ok(TEXT.as_bytes()), TEXT);
        let with_bom = [b"\xEF\xBB\xBF", TEXT.as_bytes()].concat();
        assert_eq!(decode_ok(&with_bom), TEXT);
        for big_endian in [false, true] {
            assert_eq!(decode_ok(&utf16(TEXT, big_endian, true)), TEXT);
            assert_eq!(decode_ok(&utf16(TEXT, big_endian, false)), TEXT);
        }
        let windows = cp1252(TEXT).unwrap();
        assert_eq!(decode_ok(&windows), TEXT);
        // Latin-1: é is 0xE9 there too.
        assert_eq!(
            decode_ok(b"caf\xe9 \xff\xfe\nhttps://e.com/a\n"),
            "café ÿþ\nhttps://e.com/a\n"
        );
        // A UTF-8 list with a line added by a Windows-1252 tool keeps both.
        let mixed = [&with_bom[..], b"caf\xe9\n"].concat();
        assert_eq!(decode_ok(&mixed), format!("{TEXT}café\n"));
        assert_eq!(decode_ok(b""), "");
        assert_eq!(decode_ok(b"\xFF\xFE"), "");
    }

    #[test]
    fn text_with_a_few_control_characters_is_still_text() {
        let log = "\x1b[32mhttps://example.com/a.zip\x1b[0m\n\x0c\nhttps://e.com/b\n\x1a";
        assert_eq!(decode_ok(log.as_bytes()), log);
        let one_bell = format!("{}\x07\n", "https://example.com/file.zip\n".repeat(20));
        assert_eq!(decode_ok(one_bell.as_bytes()), one_bell);
        let icons = format!("\u{f0c7} save https://e.com/a\n{}", "words ".repeat(100));
        assert_eq!(decode_ok(&utf16(&icons, false, true)), icons);
    }

    #[test]
    fn binary_files_are_refused() {
        let mut png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR".to_vec();
        png.extend(random_bytes(1, 2000));
        assert!(refused(&png));
        for signature in [
            &b"\x89PNG\r\n\x1a\n"[..],
            b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n",
            b"PK\x03\x04\x14\x00",
            b"\x1F\x8B\x08",
            b"\x7FELF\x02\x01\x01",
            b"GIF89a",
            b"BZh91AY&SY",
            b"RIFF\x24\x08\x00\x00WEBPVP8 ",
            b"\x00\x00\x00\x20ftypisom",
        ] {
            assert!(refused(signature), "{signature:?}");
        }
        assert!(refused(b"https://example.com/a\n\x00"), "a NUL byte");
        assert!(
            refused(b"\x01\x02\x03\x04 https://e.com/a"),
            "mostly controls"
        );
        let compressed = random_bytes(7, 300);
        assert!(refused(&compressed), "compressed data without its header");
        assert!(refused(&utf16("\u{1}\u{2}\u{3}\u{4}", false, true)));
        // Unpaired surrogates: bytes that only pretend to be UTF-16.
        assert!(refused(b"\xFF\xFE\x00\xD8\x00\xD8\x00\xD8\x00\xD8"));
    }

    #[test]
    fn random_samples_are_refused() {
        for seed in 1..200 {
            for len in [256, 1000, 4096] {
                let bytes = random_bytes(seed, len);
                assert!(refused(&bytes), "seed {seed}, {len} bytes");
                for bom in [&b"\xEF\xBB\xBF"[..], b"\xFF\xFE", b"\xFE\xFF"] {
                    assert!(refused(&[bom, &bytes].concat()), "seed {seed}, BOM {bom:?}");
                }
            }
        }
    }

    #[test]
    fn lists_larger_than_the_limit_are_refused() {
        let too_large = |name: &str, limit| ListError::TooLarge {
            name: name.into(),
            limit,
        };
        assert_eq!(
            read_at_most(&b"0123456789"[..], "stdin", 10).unwrap(),
            b"0123456789"
        );
        assert_eq!(
            read_at_most(&b"0123456789A"[..], "stdin", 10),
            Err(too_large("stdin", 10))
        );
        // An endless reader stops after limit + 1 bytes.
        assert_eq!(
            read_at_most(std::io::repeat(b'a'), "pipe", 1000),
            Err(too_large("pipe", 1000))
        );
        let dir = tempfile::tempdir().unwrap();
        let big = dir.path().join("big.txt");
        std::fs::File::create(&big)
            .unwrap()
            .set_len(MAX_LIST_BYTES + 1)
            .unwrap();
        let name = big.display().to_string();
        assert_eq!(read_list_file(&big), Err(too_large(&name, MAX_LIST_BYTES)));
        #[cfg(target_os = "linux")]
        assert_eq!(
            read_list_file(Path::new("/dev/zero")),
            Err(too_large("/dev/zero", MAX_LIST_BYTES))
        );
    }

    #[test]
    fn unreadable_lists_say_why() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("missing.txt");
        assert_eq!(
            read_list_file(&missing).unwrap_err().to_string(),
            format!("{} cannot be read: it does not exist", missing.display())
        );
        assert_eq!(
            read_list_file(dir.path()).unwrap_err().to_string(),
            format!(
                "{} cannot be read: it is a folder, not a file",
                dir.path().display()
            )
        );
        let list = dir.path().join("list.txt");
        std::fs::write(&list, utf16("https://e.com/a\n", false, true)).unwrap();
        assert_eq!(read_list_file(&list).unwrap(), "https://e.com/a\n");
        assert_eq!(
            read_list(&b"\x89PNG\r\n\x1a\n"[..], "standard input")
                .unwrap_err()
                .to_string(),
            "standard input is not a text file"
        );
    }

    fn real_text() -> impl Strategy<Value = String> {
        "[a-zA-Z0-9 ./:#?=&_\\-\n\r\täöüéßçñ€—“”…中文链接下载Жж😀]{0,400}"
    }

    fn western_text() -> impl Strategy<Value = String> {
        "[a-zA-Z0-9 ./:#?=&_\\-\n\r\téèàçüößÉ€“”—…Œœ]{0,400}"
    }

    proptest! {
        #[test]
        fn real_text_is_read_back_in_every_encoding(text in real_text()) {
            prop_assert_eq!(decode_ok(text.as_bytes()), text.clone());
            prop_assert_eq!(decode_ok(&[b"\xEF\xBB\xBF", text.as_bytes()].concat()), text.clone());
            prop_assert_eq!(decode_ok(&utf16(&text, false, true)), text.clone());
            prop_assert_eq!(decode_ok(&utf16(&text, true, true)), text.clone());
        }

        #[test]
        fn windows_1252_text_is_read_back(text in western_text()) {
            let bytes = cp1252(&text).unwrap();
            // Bytes that happen to be valid UTF-8 are read as UTF-8, as they should be.
            prop_assume!(std::str::from_utf8(&bytes).is_err());
            prop_assert_eq!(decode_ok(&bytes), text);
        }

        #[test]
        fn random_bytes_are_never_text(bytes in proptest::collection::vec(any::<u8>(), 256..4096)) {
            prop_assert!(refused(&bytes));
        }

        #[test]
        fn random_bytes_behind_a_bom_are_never_text(
            bom in prop_oneof![Just(&b"\xEF\xBB\xBF"[..]), Just(&b"\xFF\xFE"[..]), Just(&b"\xFE\xFF"[..])],
            bytes in proptest::collection::vec(any::<u8>(), 1024..4096),
        ) {
            prop_assert!(refused(&[bom, &bytes[..]].concat()));
        }
    }
}
