//! What a network takes as a picture: its formats, and its byte and pixel
//! limits. Each network's numbers are in its own module (`Rules::pictures`),
//! with where they came from; `src/picture/` makes a variant of each post's
//! picture that fits them.

/// A picture format Rounds can write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PictureFormat {
    Jpeg,
    Png,
    Webp,
    Gif,
}

impl PictureFormat {
    pub const ALL: [PictureFormat; 4] = [
        PictureFormat::Jpeg,
        PictureFormat::Png,
        PictureFormat::Webp,
        PictureFormat::Gif,
    ];

    pub fn mime(self) -> &'static str {
        match self {
            PictureFormat::Jpeg => "image/jpeg",
            PictureFormat::Png => "image/png",
            PictureFormat::Webp => "image/webp",
            PictureFormat::Gif => "image/gif",
        }
    }

    /// The file name's ending.
    pub fn extension(self) -> &'static str {
        match self {
            PictureFormat::Jpeg => "jpg",
            PictureFormat::Png => "png",
            PictureFormat::Webp => "webp",
            PictureFormat::Gif => "gif",
        }
    }

    pub fn from_mime(mime: &str) -> Option<PictureFormat> {
        let mime = mime.trim().to_ascii_lowercase();
        let mime = if mime == "image/jpg" {
            "image/jpeg"
        } else {
            &mime
        };
        PictureFormat::ALL.into_iter().find(|f| f.mime() == mime)
    }

    pub fn from_extension(extension: &str) -> Option<PictureFormat> {
        match extension.to_ascii_lowercase().as_str() {
            "jpg" | "jpeg" => Some(PictureFormat::Jpeg),
            "png" => Some(PictureFormat::Png),
            "webp" => Some(PictureFormat::Webp),
            "gif" => Some(PictureFormat::Gif),
            _ => None,
        }
    }
}

/// The longest side Rounds sends to a feed: sharp on any screen a post is
/// read on, a fraction of a camera's 4000 px, and under every network's pixel
/// limit. Networks resize larger pictures themselves, with no say in quality.
pub const FEED_SIDE: u32 = 2048;

/// What one network takes as a picture.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PictureLimits {
    /// The formats it accepts, Rounds' choice among them first.
    pub formats: Vec<PictureFormat>,
    /// The most bytes one picture may have.
    pub max_bytes: u64,
    /// The most pixels (width × height) one picture may have.
    pub max_pixels: u64,
    /// The longest side Rounds sends it, in pixels.
    pub longest_side: u32,
}

impl PictureLimits {
    pub fn takes(&self, format: PictureFormat) -> bool {
        self.formats.contains(&format)
    }

    /// Whether a picture of these bytes, format and size may be sent as it is.
    pub fn admits(&self, format: PictureFormat, bytes: usize, width: u32, height: u32) -> bool {
        self.takes(format)
            && bytes as u64 <= self.max_bytes
            && u64::from(width) * u64::from(height) <= self.max_pixels
    }
}
