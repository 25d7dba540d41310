//! Length-prefixed messages, as browsers speak to native hosts: a 4-byte length in the
//! machine's byte order, then that many bytes of UTF-8 JSON. The window's socket uses the same
//! framing, so one reader (capped at [`MAX_MESSAGE`]) serves both.

use std::io::{self, Read, Write};

use super::{MAX_MESSAGE, Refusal};

/// What reading one message gave.
#[derive(Debug)]
pub enum Read1 {
    /// A whole message's bytes.
    Message(Vec<u8>),
    /// The stream ended cleanly before a new message.
    End,
    /// A message that cannot be taken (too large, cut short).
    Refused(Refusal),
}

/// Reads one message from `input`; a length over [`MAX_MESSAGE`] is refused without reading
/// its bytes.
pub fn read_message(input: &mut impl Read) -> io::Result<Read1> {
    let mut prefix = [0_u8; 4];
    let mut got = 0;
    while got < prefix.len() {
        match input.read(&mut prefix[got..]) {
            Ok(0) if got == 0 => return Ok(Read1::End),
            Ok(0) => return Ok(Read1::Refused(Refusal::Truncated)),
            Ok(n) => got += n,
            Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
            Err(err) => return Err(err),
        }
    }
    let length = u32::from_ne_bytes(prefix);
    let Ok(size) = usize::try_from(length) else {
        return Ok(Read1::Refused(Refusal::TooLarge(length.into())));
    };
    if size > MAX_MESSAGE {
        return Ok(Read1::Refused(Refusal::TooLarge(length.into())));
    }
    let mut body = Vec::with_capacity(size);
    input.take(length.into()).read_to_end(&mut body)?;
    if body.len() < size {
        return Ok(Read1::Refused(Refusal::Truncated));
    }
    Ok(Read1::Message(body))
}

/// Writes `json` as one message and flushes.
pub fn write_message(output: &mut impl Write, json: &[u8]) -> io::Result<()> {
    let length = u32::try_from(json.len())
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "message too large"))?;
    output.write_all(&length.to_ne_bytes())?;
    output.write_all(json)?;
    output.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn framed(body: &[u8]) -> Vec<u8> {
        let mut bytes = Vec::new();
        write_message(&mut bytes, body).unwrap();
        bytes
    }

    #[test]
    fn reads_messages_one_after_another_and_then_the_end() {
        let mut bytes = framed(b"{\"a\":1}");
        bytes.extend(framed(b"[]"));
        let mut input = bytes.as_slice();
        assert!(
            matches!(read_message(&mut input).unwrap(), Read1::Message(m) if m == b"{\"a\":1}")
        );
        assert!(matches!(read_message(&mut input).unwrap(), Read1::Message(m) if m == b"[]"));
        assert!(matches!(read_message(&mut input).unwrap(), Read1::End));
    }

    #[test]
    fn an_oversize_length_is_refused_without_reading_it() {
        let mut bytes = ((MAX_MESSAGE + 1) as u32).to_ne_bytes().to_vec();
        bytes.extend(b"{}");
        let got = read_message(&mut bytes.as_slice()).unwrap();
        assert!(matches!(got, Read1::Refused(Refusal::TooLarge(n)) if n == MAX_MESSAGE as u64 + 1));
        let exactly = framed(&vec![b' '; MAX_MESSAGE]);
        assert!(
            matches!(read_message(&mut exactly.as_slice()).unwrap(), Read1::Message(m) if m.len() == MAX_MESSAGE)
        );
    }

    #[test]
    fn a_cut_message_or_prefix_is_truncated() {
        let bytes = framed(b"{\"links\":[]}");
        let cut = &bytes[..bytes.len() - 1];
        assert!(matches!(
            read_message(&mut &cut[..]).unwrap(),
            Read1::Refused(Refusal::Truncated)
        ));
        assert!(matches!(
            read_message(&mut &bytes[..2]).unwrap(),
            Read1::Refused(Refusal::Truncated)
        ));
    }
}
